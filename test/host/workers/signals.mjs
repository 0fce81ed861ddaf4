// Signals in a worker (worker-signals.test.ts): each mode installs handlers with sigaction,
// makes the calls a signal will meet, and reports a log of what happened with the virtual
// time of each step. Handlers read the clock themselves: a syscall made inside a handler.
import {
  AF_INET, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, SO_RCVTIMEO_OLD, SO_SNDBUF, SA_RESTART, SIGUSR1, SIGUSR2,
  SIGPIPE, SIGIO, SIGCHLD, SIGHUP, SIGTERM, SIG_BLOCK, SIG_UNBLOCK, SHUT_WR, MSG_DONTWAIT,
  EPOLL_CTL_ADD, EPOLLIN, POLLIN, F_SETOWN, F_SETFL, O_ASYNC, O_NONBLOCK, EINTR,
} from '../../../build/host/abi/constants.js';
import { errnoName } from '../../../build/host/syscall/errno.js';
import { report } from './report.mjs';

const E = (r) => (typeof r === 'number' && r < 0 ? errnoName(r) : JSON.stringify(r));
/** waitpid's answer without the pid (the test does not know it). */
const W = (st) => (typeof st === 'number' ? E(st) : st.signal !== undefined ? `signal ${st.signal}` : `code ${st.code}`);
const text = (buf, n) => new TextDecoder().decode(buf.subarray(0, Math.max(0, n)));

function udp(sys, port) {
  const fd = sys.socket(AF_INET, SOCK_DGRAM, 0);
  sys.bind(fd, { addr: '127.0.0.1', port });
  return fd;
}

export default function main(sys, [sab, mode, opt = {}]) {
  const log = [];
  const at = () => sys.clock_gettime();
  const logger = (s) => { log.push(`handler ${s} at ${at()}`); };
  const buf = new Uint8Array(opt.bufLen ?? 64);
  switch (mode) {
    // recv interrupted: EINTR, or restarted under SA_RESTART (not with SO_RCVTIMEO); a
    // datagram for port 7 comes later, and a second recv (after EINTR) gets it.
    case 'recv': {
      sys.sigaction(SIGUSR1, { handler: logger, flags: opt.flags ?? 0 });
      const fd = udp(sys, 7);
      if (opt.rcvtimeo) sys.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO_OLD, opt.rcvtimeo);
      for (let i = 0; i < 2; i++) {
        const n = sys.recv(fd, buf, 0);
        log.push(`recv ${E(n)}${n > 0 ? ` ${text(buf, n)}` : ''} at ${at()}`);
        if (n > 0) break;
      }
      sys.close(fd);
      break;
    }
    // epoll_wait/poll/select/nanosleep interrupted (SA_RESTART or not: never restarted);
    // then the same call again sees the datagram that comes later (epoll, poll and select
    // through the channel).
    case 'wait': {
      sys.sigaction(SIGUSR1, { handler: logger, flags: SA_RESTART });
      const fd = udp(sys, 7);
      const ep = sys.epoll_create1(0);
      sys.epoll_ctl(ep, EPOLL_CTL_ADD, fd, { events: EPOLLIN, data: 42 });
      const call = () => {
        switch (opt.call) {
          case 'epoll_wait': return sys.epoll_wait(ep, 4, 1000);
          case 'poll': { const fds = [{ fd, events: POLLIN }]; const r = sys.poll(fds, 1000); return r < 0 ? r : { r, revents: fds[0].revents }; }
          case 'select': return sys.select([fd], [], [], 1000);
          default: return sys.nanosleep(1000);
        }
      };
      log.push(`${opt.call} ${E(call())} at ${at()}`);
      log.push(`${opt.call} ${E(call())} at ${at()}`);
      sys.close(ep);
      sys.close(fd);
      break;
    }
    // A send on a stream shut down for writing: EPIPE and SIGPIPE (handled, ignored, default).
    case 'sigpipe': {
      if (opt.disp === 'handler') sys.sigaction(SIGPIPE, { handler: logger });
      if (opt.disp === 'ignore') sys.sigaction(SIGPIPE, { handler: 'SIG_IGN' });
      const l = sys.socket(AF_INET, SOCK_STREAM, 0);
      sys.bind(l, { addr: '127.0.0.1', port: 80 });
      sys.listen(l, 1);
      const c = sys.socket(AF_INET, SOCK_STREAM, 0);
      log.push(`connect ${E(sys.connect(c, { addr: '127.0.0.1', port: 80 }))}`);
      const s = sys.accept(l);
      sys.shutdown(c, SHUT_WR);
      log.push(`send ${E(sys.send(c, 'x'))}`);
      sys.close(s);
      sys.close(c);
      sys.close(l);
      break;
    }
    // kill() both ways with an async process (opt.peer): SIGUSR2 to it now, then sleep
    // until its SIGUSR1 interrupts us.
    case 'peer': {
      sys.sigaction(SIGUSR1, { handler: logger });
      log.push(`kill ${E(sys.kill(opt.peer, SIGUSR2))}`);
      log.push(`nanosleep ${E(sys.nanosleep(1000))} at ${at()}`);
      break;
    }
    // kill(0), kill(-pgid), kill(-1) after forking a worker child (same process group) that
    // sleeps with a handler: the child exits 7 if its handler ran and its sleep got EINTR.
    case 'group': {
      sys.sigaction(SIGUSR1, { handler: logger });
      const child = sys.fork('./signals.mjs', [null, 'group-child']);
      sys.nanosleep(100);
      const target = opt.how === 'zero' ? 0 : opt.how === 'pgid' ? -sys.getpid() : -1;
      log.push(`kill ${E(sys.kill(target, SIGUSR1))} at ${at()}`);
      log.push(`waitpid ${W(sys.waitpid(child))}`);
      break;
    }
    case 'group-child': {
      let ran = false;
      sys.sigaction(SIGUSR1, { handler: () => { ran = true; } });
      return ran === false && sys.nanosleep(1000) === -EINTR && ran ? 7 : 1;
    }
    // A blocked signal waits (sigpending) and is handled before the unblocking
    // sigprocmask returns.
    case 'mask': {
      sys.sigaction(SIGUSR1, { handler: logger });
      log.push(`sigprocmask ${E(sys.sigprocmask(SIG_BLOCK, [SIGUSR1]))}`);
      log.push(`kill ${E(sys.kill(sys.getpid(), SIGUSR1))}`);
      log.push(`sigpending ${E(sys.sigpending())}`);
      log.push(`sigprocmask ${E(sys.sigprocmask(SIG_UNBLOCK, [SIGUSR1]))}`);
      log.push(`sigpending ${E(sys.sigpending())}`);
      break;
    }
    // Signals sent while the worker computes (it waits on opt.flag, outside any syscall):
    // the handler runs at its next call, before a getpid returns / before a nanosleep starts.
    case 'compute': {
      const f = new Int32Array(opt.flag);
      sys.sigaction(SIGUSR1, { handler: logger });
      const pause = (i) => {
        Atomics.store(f, 0, i);
        Atomics.notify(f, 0);
        while (Atomics.load(f, 1) < i) Atomics.wait(f, 1, Atomics.load(f, 1), 50);
      };
      pause(1);
      log.push(`getpid ${sys.getpid() > 0}`);
      pause(2);
      log.push(`nanosleep ${E(sys.nanosleep(50))} at ${at()}`);
      break;
    }
    // Everything blocked, SIGTERM ignored, asleep in recv: only SIGKILL ends it.
    case 'sigkill': {
      sys.sigprocmask(SIG_BLOCK, Array.from({ length: 31 }, (_, i) => i + 1));
      sys.sigaction(SIGTERM, { handler: 'SIG_IGN' });
      const fd = udp(sys, 7);
      sys.recv(fd, buf, 0);
      return 1;
    }
    // recv gets its datagram and, on the way out, a handler runs that makes its own recv
    // (on port 8): the first call's bytes must survive the handler's use of the channel.
    case 'inplace': {
      const b2 = new Uint8Array(buf.length);
      sys.sigaction(SIGUSR1, { handler: () => {
        const n = sys.recv(fd2, b2, MSG_DONTWAIT);
        log.push(`handler recv ${E(n)} ${text(b2, n)}`);
      } });
      const fd = udp(sys, 7);
      const fd2 = udp(sys, 8);
      const n = sys.recv(fd, buf, 0);
      log.push(`recv ${E(n)} ${text(buf, n)} at ${at()}`);
      sys.close(fd);
      sys.close(fd2);
      break;
    }
    // A handler that throws: the exception comes out of the interrupted call, and the
    // handler's mask is lifted (SIGUSR1 no longer blocked).
    case 'throw': {
      sys.sigaction(SIGUSR1, { handler: () => { throw new Error('from handler'); } });
      const fd = udp(sys, 7);
      try {
        log.push(`recv ${E(sys.recv(fd, buf, 0))}`);
      } catch (e) {
        log.push(`caught ${e.message} at ${at()}`);
      }
      log.push(`mask ${E(sys.sigprocmask(SIG_BLOCK, null))}`);
      sys.close(fd);
      break;
    }
    // A blocking send of opt.len patterned bytes, interrupted under SA_RESTART by a handler
    // whose own (refused) send fills the channel with 0xee: the send made again must still
    // send the caller's bytes. The peer (port 80, an async process) checks them.
    case 'sendrestart': {
      const u = sys.socket(AF_INET, SOCK_DGRAM, 0);
      sys.sigaction(SIGUSR1, { handler: () => {
        log.push(`handler send ${E(sys.sendto(u, new Uint8Array(opt.len).fill(0xee), 0, { addr: '127.0.0.1', port: 9 }))}`);
      }, flags: SA_RESTART });
      const fd = sys.socket(AF_INET, SOCK_STREAM, 0);
      sys.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, 4096);
      log.push(`connect ${E(sys.connect(fd, { addr: '127.0.0.1', port: 80 }))}`);
      // Full buffers first (0x55 bytes): the blocking send then sleeps before any byte goes,
      // so it is restarted rather than returning a partial count.
      let filled = 0;
      for (let n; (n = sys.send(fd, new Uint8Array(1024).fill(0x55), MSG_DONTWAIT)) > 0; ) filled += n;
      log.push(`filled ${filled}`);
      const data = new Uint8Array(opt.len).map((_, i) => i % 251);
      log.push(`send ${E(sys.send(fd, data))}`);
      sys.close(fd);
      sys.close(u);
      break;
    }
    // A handler that calls exit(): the process ends there, with its status, fds closed.
    case 'exit': {
      sys.sigaction(SIGUSR1, { handler: () => { sys.exit(5); } });
      const fd = udp(sys, 7);
      sys.recv(fd, buf, 0);
      return 1;
    }
    // SIGIO for an O_ASYNC socket we own interrupts our sleep when a datagram arrives.
    case 'sigio': {
      sys.sigaction(SIGIO, { handler: logger });
      const fd = udp(sys, 7);
      sys.fcntl(fd, F_SETOWN, sys.getpid());
      sys.fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK);
      log.push(`nanosleep ${E(sys.nanosleep(1000))} at ${at()}`);
      log.push(`recv ${E(sys.recv(fd, buf, 0))}`);
      sys.close(fd);
      break;
    }
    // SIGCHLD when a forked worker exits interrupts our sleep; then waitpid reaps it.
    case 'sigchld': {
      sys.sigaction(SIGCHLD, { handler: logger });
      const child = sys.fork('./signals.mjs', [null, 'sleep', { ms: 50, code: 3 }]);
      log.push(`nanosleep ${E(sys.nanosleep(1000))} at ${at()}`);
      log.push(`waitpid ${W(sys.waitpid(child))}`);
      break;
    }
    case 'sleep': sys.nanosleep(opt.ms); return opt.code ?? 0;
    // fork(moduleUrl) is fork + execve: the child's handled signals are back to SIG_DFL,
    // SIG_IGN stays. The test signals the child; we report how it ended.
    case 'exec': {
      sys.sigaction(SIGUSR2, { handler: logger });
      sys.sigaction(SIGHUP, { handler: 'SIG_IGN' });
      const child = sys.fork('./signals.mjs', [null, 'sleep', { ms: 1000, code: 0 }]);
      log.push(`waitpid ${W(sys.waitpid(child))}`);
      break;
    }
  }
  if (sab) report(sab, log);
  return 0;
}
