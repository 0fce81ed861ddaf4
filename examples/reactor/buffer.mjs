// muduo's Buffer (muduo/net/Buffer.h): one byte array with three regions,
//
//   +-------------------+------------------+------------------+
//   | prependable bytes |  readable bytes  |  writable bytes  |
//   |                   |     (CONTENT)    |                  |
//   +-------------------+------------------+------------------+
//   0      <=      readerIndex   <=   writerIndex    <=     size
//
// Reading from a socket appends at writerIndex; the application consumes from
// readerIndex. When the writable tail is too short, the readable bytes move to the front
// (if the prependable space is enough) or the array grows: no copy per message otherwise.
const CHEAP_PREPEND = 8;
const INITIAL_SIZE = 1024;

export class Buffer {
  constructor(initialSize = INITIAL_SIZE) {
    this.buf = new Uint8Array(CHEAP_PREPEND + initialSize);
    this.readerIndex = CHEAP_PREPEND;
    this.writerIndex = CHEAP_PREPEND;
  }

  readableBytes() { return this.writerIndex - this.readerIndex; }
  writableBytes() { return this.buf.length - this.writerIndex; }
  prependableBytes() { return this.readerIndex; }

  /** The readable bytes, without consuming them (a view: valid until the next write). */
  peek() { return this.buf.subarray(this.readerIndex, this.writerIndex); }

  retrieve(n) {
    if (n < this.readableBytes()) this.readerIndex += n;
    else this.retrieveAll();
  }
  retrieveAll() {
    this.readerIndex = CHEAP_PREPEND;
    this.writerIndex = CHEAP_PREPEND;
  }
  retrieveAllAsString() {
    const s = new TextDecoder().decode(this.peek());
    this.retrieveAll();
    return s;
  }

  append(data) {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.ensureWritableBytes(bytes.length);
    this.buf.set(bytes, this.writerIndex);
    this.writerIndex += bytes.length;
  }

  ensureWritableBytes(n) {
    if (this.writableBytes() >= n) return;
    if (this.writableBytes() + this.prependableBytes() < n + CHEAP_PREPEND) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.writerIndex + n));
      next.set(this.buf.subarray(0, this.writerIndex));
      this.buf = next;
    } else {
      // Enough room if the content moves to the front.
      const readable = this.readableBytes();
      this.buf.copyWithin(CHEAP_PREPEND, this.readerIndex, this.writerIndex);
      this.readerIndex = CHEAP_PREPEND;
      this.writerIndex = CHEAP_PREPEND + readable;
    }
  }

  /**
   * Reads what the socket has into the buffer. muduo uses readv() with a 64 KiB stack
   * buffer as a second iovec, so one call drains a socket however small the buffer;
   * without readv, a 64 KiB scratch buffer and one copy do the same. Returns recv's result.
   */
  async readFd(sys, fd, scratch) {
    const n = await sys.recv(fd, scratch, 0);
    if (n > 0) this.append(scratch.subarray(0, n));
    return n;
  }
}
