// A small reactor library in the style of the seed's muduo (Chen Shuo, "Linux
// multithreaded server programming"): Buffer, EventLoop + Channel over epoll, and a
// TcpServer/TcpConnection with input and output buffers, EPOLLOUT watched only while
// there is output, and a high-water-mark callback. Runs on any kstack process: `sys`
// may be the promise flavour (host.spawn) or the blocking one (host.spawnWorker).
export { Buffer } from './buffer.mjs';
export { EventLoop, Channel } from './event-loop.mjs';
export { TcpConnection } from './tcp-connection.mjs';
export { TcpServer, listenTcp, forkLoops } from './tcp-server.mjs';
