// muduo's TcpConnection (muduo/net/TcpConnection.cc): one connected, nonblocking socket
// in one loop, with an input buffer (filled on EPOLLIN) and an output buffer (what
// send() could not write at once). The rules the seed insists on:
//   - send() writes directly when nothing is queued; only the rest goes to the output
//     buffer;
//   - EPOLLOUT is watched only while the output buffer is not empty (a level-triggered
//     EPOLLOUT on an idle socket would wake the loop on every iteration: busy loop);
//   - when the output buffer grows past the high-water mark (the peer reads slower than we
//     write), onHighWaterMark fires once per crossing, so the application can stop
//     producing;
//   - shutdown() waits for the output buffer to drain, then half-closes (SHUT_WR).
import { constants as C } from '../../build/host/index.js';
import { Buffer } from './buffer.mjs';
import { Channel } from './event-loop.mjs';

let nextId = 1;

export class TcpConnection {
  constructor(loop, fd, peer, { highWaterMark = 64 * 1024 * 1024, scratch } = {}) {
    this.id = nextId++;
    this.loop = loop;
    this.sys = loop.sys;
    this.fd = fd;
    this.peer = peer;
    this.state = 'connecting';
    this.inputBuffer = new Buffer();
    this.outputBuffer = new Buffer();
    this.highWaterMark = highWaterMark;
    this.scratch = scratch ?? new Uint8Array(65536);
    this.channel = new Channel(loop, fd);
    this.channel.onRead = () => this.handleRead();
    this.channel.onWrite = () => this.handleWrite();
    this.channel.onClose = () => this.handleClose();
    this.channel.onError = () => this.handleError();
    this.onConnection = null; // (conn) on connect and on close
    this.onMessage = null; // (conn, inputBuffer)
    this.onWriteComplete = null; // (conn)
    this.onHighWaterMark = null; // (conn, queuedBytes)
    this.onClose = null; // (conn), for the server's bookkeeping
    this.onWatchWrite = null; // (conn, on: boolean), to show EPOLLOUT being watched
  }

  connected() { return this.state === 'connected'; }

  async connectEstablished() {
    this.state = 'connected';
    await this.channel.enableReading();
    if (this.onConnection) await this.onConnection(this);
  }

  /** TcpConnection::sendInLoop(). */
  async send(data) {
    if (this.state !== 'connected') return;
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let nwrote = 0;
    let fault = false;
    if (!this.channel.isWriting() && this.outputBuffer.readableBytes() === 0) {
      const n = await this.sys.send(this.fd, bytes, C.MSG_NOSIGNAL);
      if (n >= 0) {
        nwrote = n;
        if (nwrote === bytes.length && this.onWriteComplete) this.loop.queueInLoop(() => this.onWriteComplete(this));
      } else if (n !== -C.EAGAIN) {
        if (n === -C.EPIPE || n === -C.ECONNRESET) fault = true;
      }
    }
    const remaining = bytes.length - nwrote;
    if (!fault && remaining > 0) {
      const oldLen = this.outputBuffer.readableBytes();
      if (oldLen + remaining >= this.highWaterMark && oldLen < this.highWaterMark && this.onHighWaterMark) {
        this.loop.queueInLoop(() => this.onHighWaterMark(this, oldLen + remaining));
      }
      this.outputBuffer.append(bytes.subarray(nwrote));
      if (!this.channel.isWriting()) {
        await this.channel.enableWriting();
        if (this.onWatchWrite) await this.onWatchWrite(this, true);
      }
    }
  }

  /** Half-close once everything queued is written. */
  async shutdown() {
    if (this.state !== 'connected') return;
    this.state = 'disconnecting';
    if (!this.channel.isWriting()) await this.sys.shutdown(this.fd, C.SHUT_WR);
  }

  async forceClose() {
    if (this.state === 'connected' || this.state === 'disconnecting') await this.handleClose();
  }

  async handleRead() {
    const n = await this.inputBuffer.readFd(this.sys, this.fd, this.scratch);
    if (n > 0) {
      if (this.onMessage) await this.onMessage(this, this.inputBuffer);
    } else if (n === 0) {
      await this.handleClose();
    } else if (n !== -C.EAGAIN) {
      await this.handleError();
      await this.handleClose();
    }
  }

  async handleWrite() {
    if (!this.channel.isWriting()) return;
    const n = await this.sys.send(this.fd, this.outputBuffer.peek(), C.MSG_NOSIGNAL);
    if (n > 0) {
      this.outputBuffer.retrieve(n);
      if (this.outputBuffer.readableBytes() === 0) {
        await this.channel.disableWriting();
        if (this.onWatchWrite) await this.onWatchWrite(this, false);
        if (this.onWriteComplete) this.loop.queueInLoop(() => this.onWriteComplete(this));
        if (this.state === 'disconnecting') await this.sys.shutdown(this.fd, C.SHUT_WR);
      }
    } else if (n !== -C.EAGAIN) {
      await this.handleError();
    }
  }

  async handleClose() {
    if (this.state === 'disconnected') return;
    this.state = 'disconnected';
    await this.channel.remove();
    if (this.onConnection) await this.onConnection(this);
    if (this.onClose) await this.onClose(this);
    await this.sys.close(this.fd);
  }

  async handleError() {
    this.lastError = await this.sys.getsockopt(this.fd, C.SOL_SOCKET, C.SO_ERROR);
  }
}
