// muduo's Acceptor and TcpServer (muduo/net/Acceptor.cc, TcpServer.cc): a nonblocking
// listening socket in a loop; on EPOLLIN, accept4(SOCK_NONBLOCK) until EAGAIN (several
// connections may be queued, and level-triggered epoll would report the rest anyway),
// each new connection handed to a TcpConnection in the same loop.
//
// One loop per thread: muduo's EventLoopThreadPool gives each I/O thread its own loop.
// A kstack process is the thread here: `forkLoops` forks N processes that share the
// listening socket (fork copies the descriptor table), each with its own epoll
// instance watching it with EPOLLEXCLUSIVE, so a connection wakes one loop, not all.
import { constants as C } from '../../build/host/index.js';
import { EventLoop, Channel } from './event-loop.mjs';
import { TcpConnection } from './tcp-connection.mjs';

/** A nonblocking listening socket with SO_REUSEADDR, as muduo's Acceptor makes it. */
export async function listenTcp(sys, { addr = '0.0.0.0', port, backlog = 128 }) {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM | C.SOCK_NONBLOCK | C.SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket: ${fd}`);
  await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, 1);
  const b = await sys.bind(fd, { addr, port });
  if (b < 0) throw new Error(`bind: ${b}`);
  const l = await sys.listen(fd, backlog);
  if (l < 0) throw new Error(`listen: ${l}`);
  return fd;
}

export class TcpServer {
  /**
   * `listenFd`: a socket from listenTcp (shared by forked loops), or `port` to make one.
   * Callbacks are set on the server and copied to every connection.
   */
  constructor(loop, { listenFd = -1, port = 0, name = 'server', highWaterMark } = {}) {
    this.loop = loop;
    this.sys = loop.sys;
    this.listenFd = listenFd;
    this.port = port;
    this.name = name;
    this.highWaterMark = highWaterMark;
    this.connections = new Map();
    this.accepted = 0;
    this.onConnection = null;
    this.onMessage = null;
    this.onWriteComplete = null;
    this.onHighWaterMark = null;
    this.onWatchWrite = null;
    this.scratch = new Uint8Array(65536); // one per loop, as muduo's extrabuf is per call
  }

  async start() {
    if (this.listenFd < 0) this.listenFd = await listenTcp(this.sys, { port: this.port });
    this.acceptChannel = new Channel(this.loop, this.listenFd);
    this.acceptChannel.onRead = () => this.handleAccept();
    // EPOLLIN alone: EPOLLEXCLUSIVE refuses EPOLLRDHUP (EINVAL; only IN, OUT, ERR, HUP,
    // WAKEUP and ET may come with it), and a listener has no half-close to report.
    this.acceptChannel.events = C.EPOLLIN;
    await this.acceptChannel.update();
    return this;
  }

  /** Acceptor::handleRead(): every queued connection, until EAGAIN. */
  async handleAccept() {
    for (;;) {
      const fd = await this.sys.accept4(this.listenFd, C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
      if (fd < 0) {
        // EAGAIN: another loop took it (or the queue is empty); EMFILE would need muduo's
        // spare-fd trick, left out here.
        return;
      }
      this.accepted++;
      const peer = await this.sys.getpeername(fd);
      const conn = new TcpConnection(this.loop, fd, peer, { highWaterMark: this.highWaterMark, scratch: this.scratch });
      conn.onConnection = this.onConnection;
      conn.onMessage = this.onMessage;
      conn.onWriteComplete = this.onWriteComplete;
      conn.onHighWaterMark = this.onHighWaterMark;
      conn.onWatchWrite = this.onWatchWrite;
      conn.onClose = (c) => { this.connections.delete(c.id); };
      this.connections.set(conn.id, conn);
      await conn.connectEstablished();
    }
  }

  async stop() {
    for (const c of [...this.connections.values()]) await c.forceClose();
    if (this.acceptChannel) await this.acceptChannel.remove();
  }
}

/**
 * One loop per process: forks `loops` children that each run `setup(server, loop, i)` and
 * then their loop over the shared listening socket (EPOLLEXCLUSIVE). Returns the pids.
 * With `idleExitMs`, a loop with no connection left ends after that long without events
 * (demos and tests use it to finish; a real server runs until it is signalled).
 */
export async function forkLoops(sys, listenFd, loops, setup, { idleExitMs = -1 } = {}) {
  const pids = [];
  for (let i = 0; i < loops; i++) {
    const pid = await sys.fork(async (child) => {
      const loop = await new EventLoop(child, { name: `loop${i}`, exclusiveFds: [listenFd] }).init();
      const server = new TcpServer(loop, { listenFd, name: `loop${i}` });
      await setup(server, loop, i);
      await server.start();
      if (idleExitMs >= 0) loop.onIdle = () => { if (server.connections.size === 0) loop.stop(); };
      await loop.loop({ timeoutMs: idleExitMs });
      return 0;
    });
    pids.push(pid);
  }
  return pids;
}
