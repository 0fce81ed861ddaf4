// muduo's EventLoop, Channel and EPollPoller (muduo/net/EventLoop.h, Channel.h,
// poller/EPollPoller.cc): one loop owns one epoll instance and the channels (fd + the
// events it wants + its callbacks) registered in it. A loop runs in one process (the
// seed's "one loop per thread": a kstack process is the thread here), never blocks except
// in epoll_wait, and calls the channels' handlers for the events that came back.
import { constants as C } from '../../build/host/index.js';

export class Channel {
  constructor(loop, fd) {
    this.loop = loop;
    this.fd = fd;
    this.events = 0;
    this.added = false;
    this.onRead = null;
    this.onWrite = null;
    this.onClose = null;
    this.onError = null;
  }
  isWriting() { return (this.events & C.EPOLLOUT) !== 0; }
  isReading() { return (this.events & C.EPOLLIN) !== 0; }
  enableReading() { this.events |= C.EPOLLIN | C.EPOLLRDHUP; return this.update(); }
  enableWriting() { this.events |= C.EPOLLOUT; return this.update(); }
  disableWriting() { this.events &= ~C.EPOLLOUT; return this.update(); }
  disableAll() { this.events = 0; return this.update(); }
  update() { return this.loop.updateChannel(this); }
  remove() { return this.loop.removeChannel(this); }

  /** Channel::handleEventWithGuard(): the order muduo dispatches revents in. */
  async handleEvent(revents) {
    if ((revents & C.EPOLLHUP) && !(revents & C.EPOLLIN)) { if (this.onClose) await this.onClose(); return; }
    if (revents & C.EPOLLERR) { if (this.onError) await this.onError(); }
    if (revents & (C.EPOLLIN | C.EPOLLPRI | C.EPOLLRDHUP)) { if (this.onRead) await this.onRead(); }
    if (revents & C.EPOLLOUT) { if (this.onWrite) await this.onWrite(); }
  }
}

export class EventLoop {
  /** `sys` is a process's syscall object (promise or blocking flavour: both are awaited). */
  constructor(sys, { name = 'loop', exclusiveFds = [] } = {}) {
    this.sys = sys;
    this.name = name;
    this.epfd = -1;
    this.channels = new Map();
    this.quit = false;
    this.iterations = 0;
    this.pending = [];
    /** fds added with EPOLLEXCLUSIVE (a listener shared by several loops' processes). */
    this.exclusive = new Set(exclusiveFds);
  }

  async init() {
    this.epfd = await this.sys.epoll_create1(C.EPOLL_CLOEXEC);
    if (this.epfd < 0) throw new Error(`epoll_create1: ${this.epfd}`);
    return this;
  }

  async updateChannel(ch) {
    const ev = { events: ch.events | (this.exclusive.has(ch.fd) && !ch.added ? C.EPOLLEXCLUSIVE : 0), data: ch.fd };
    let r;
    if (!ch.added) {
      r = await this.sys.epoll_ctl(this.epfd, C.EPOLL_CTL_ADD, ch.fd, ev);
      ch.added = true;
      this.channels.set(ch.fd, ch);
    } else if (this.exclusive.has(ch.fd)) {
      // EPOLLEXCLUSIVE items cannot be modified (EINVAL): remove and add again.
      await this.sys.epoll_ctl(this.epfd, C.EPOLL_CTL_DEL, ch.fd);
      r = await this.sys.epoll_ctl(this.epfd, C.EPOLL_CTL_ADD, ch.fd, { events: ch.events | C.EPOLLEXCLUSIVE, data: ch.fd });
    } else {
      r = await this.sys.epoll_ctl(this.epfd, C.EPOLL_CTL_MOD, ch.fd, ev);
    }
    if (r < 0) throw new Error(`epoll_ctl(${ch.fd}): ${r}`);
  }

  async removeChannel(ch) {
    if (ch.added) await this.sys.epoll_ctl(this.epfd, C.EPOLL_CTL_DEL, ch.fd);
    ch.added = false;
    this.channels.delete(ch.fd);
  }

  /** Runs fn after the current round of events (muduo's queueInLoop). */
  queueInLoop(fn) { this.pending.push(fn); }

  /** EventLoop::loop(): wait, dispatch, run queued functors; until quit(). */
  async loop({ timeoutMs = -1, maxEvents = 64 } = {}) {
    while (!this.quit) {
      const events = await this.sys.epoll_wait(this.epfd, maxEvents, timeoutMs);
      if (typeof events === 'number') {
        if (events === -C.EINTR) continue;
        throw new Error(`epoll_wait: ${events}`);
      }
      this.iterations++;
      for (const { events: revents, data: fd } of events) {
        const ch = this.channels.get(fd);
        if (ch) await ch.handleEvent(revents);
      }
      const fns = this.pending;
      this.pending = [];
      for (const fn of fns) await fn();
      if (events.length === 0 && timeoutMs >= 0 && this.onIdle) await this.onIdle();
    }
    await this.sys.close(this.epfd);
  }

  stop() { this.quit = true; }
}
