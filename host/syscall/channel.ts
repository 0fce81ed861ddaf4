// The syscall channel between a process running in a worker thread and the kernel thread:
// one SharedArrayBuffer per process, one call in flight at a time. The worker writes the
// call, flips STATE to REQUEST, Atomics.notify()s and Atomics.wait()s; the kernel thread
// (which never blocks: it listens with Atomics.waitAsync) serves it with the async Sys of
// that pid, writes the reply, flips STATE back to IDLE and notifies. The same idea as a
// vDSO-less syscall trap: the data crosses by copy, never by reference to kernel memory.
//
// Layout (bytes; i32 words unless marked):
//    0 STATE   IDLE 0 (reply ready, nothing posted) · REQUEST 1 · DEAD 2 (the process died)
//    4 OP      index in SYSCALLS, or OP_STAGE / OP_DRAIN (payload transport, no kernel)
//    8 NARGS   arguments of the call (≤ MAX_ARGS)
//   12 PLEN    payload bytes of this message in DATA
//   16 TOTAL   payload bytes of the whole message; more than the DATA capacity → chunks
//   20 DLEN    of the payload: bytes of the data argument (request) / of the out buffer
//              (reply); the rest of the payload is JSON ("meta")
//   24 RTAG    reply: TAG_NUMBER (RESULT) or TAG_JSON (meta holds [result, inout?])
//   28 SIGP    reply: 0, the call's answer; or a signal number: "run your handler for this
//              signal, then post rt_sigreturn" — the call's answer comes after (handle_signal
//              sets up the frame on the way out of the call; the worker is the user mode)
//   32 TAGS    i32 × MAX_ARGS, how argument i travels (TAG_*)
//   64 ARGS    f64 × MAX_ARGS, numeric arguments (and out-buffer lengths)
//  128 RESULT  f64
//  256 DATA    payload: [data bytes | JSON meta], capacity = byteLength - 256

export const CH_STATE = 0;
export const CH_OP = 1;
export const CH_NARGS = 2;
export const CH_PLEN = 3;
export const CH_TOTAL = 4;
export const CH_DLEN = 5;
export const CH_RTAG = 6;
export const CH_SIGP = 7;
export const CH_TAGS = 8; // i32 index
export const CH_ARGS = 8; // f64 index (byte 64)
export const CH_RESULT = 16; // f64 index (byte 128)
export const CH_DATA = 256; // byte offset
export const MAX_ARGS = 8;

export const STATE_IDLE = 0;
export const STATE_REQUEST = 1;
export const STATE_DEAD = 2;

export const TAG_UNDEFINED = 0;
export const TAG_NUMBER = 1;
export const TAG_DATA = 2;
export const TAG_OUT = 3;
export const TAG_JSON = 4;

/** Default DATA capacity: the kernel's syscall arena (1 MiB), so one call is one round trip. */
export const CHANNEL_DATA_BYTES = 1 << 20;

/** The calls a worker can make, by op number (API.md "Syscalls"). Names the kernel side
 *  does not implement (yet) answer -ENOSYS. */
export const SYSCALLS = [
  'socket', 'bind', 'listen', 'accept', 'accept4', 'connect', 'send', 'write', 'sendto',
  'recv', 'read', 'recvfrom', 'shutdown', 'close', 'getsockname', 'getpeername',
  'setsockopt', 'getsockopt', 'fcntl', 'ioctl', 'nanosleep', 'getpid', 'clock_gettime',
  'exit', 'fork', 'waitpid', 'kill', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'poll',
  'select', 'sigaction', 'sigprocmask', 'sigpending', 'rt_sigreturn', 'setrlimit', 'getrlimit',
] as const;
export type SyscallName = (typeof SYSCALLS)[number];
export const OP: { [K in SyscallName]: number } = Object.fromEntries(SYSCALLS.map((n, i) => [n, i])) as never;
export const OP_STAGE = 1000;
export const OP_DRAIN = 1001;

/** Argument that is the caller's buffer to fill (recv family): only its length crosses. */
export const OUT_ARG: Partial<Record<SyscallName, number>> = { recv: 1, read: 1, recvfrom: 1 };
/** Argument that is data to send: a string goes as its UTF-8 bytes, as the kernel sees it. */
export const DATA_ARG: Partial<Record<SyscallName, number>> = { send: 1, write: 1, sendto: 1 };
/** Argument the call fills in place (poll's `revents`): it crosses back in the reply. */
export const INOUT_ARG: Partial<Record<SyscallName, number>> = { poll: 0 };
/** sigaction()'s handler as it crosses: the function stays in the worker (it runs there). */
export const WORKER_HANDLER = 'kstack:worker-handler';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** TextDecoder refuses views of shared memory in browsers: decode a private copy. */
const decodeJson = (b: Uint8Array): unknown => JSON.parse(dec.decode(b.slice()));

interface Views { i32: Int32Array; f64: Float64Array; u8: Uint8Array; cap: number }
function views(sab: SharedArrayBuffer): Views {
  return { i32: new Int32Array(sab, 0, 64), f64: new Float64Array(sab, 0, 32), u8: new Uint8Array(sab), cap: sab.byteLength - CH_DATA };
}

export function createChannel(dataBytes = CHANNEL_DATA_BYTES): SharedArrayBuffer {
  if (typeof SharedArrayBuffer === 'undefined') throw new Error('kstack: worker processes need SharedArrayBuffer (in a browser: a cross-origin isolated page, COOP/COEP)');
  return new SharedArrayBuffer(CH_DATA + Math.max(4096, dataBytes));
}

/** The worker's side: one blocking call at a time. */
export class ChannelClient {
  private readonly v: Views;
  /** Calls made and Atomics.wait()s done (the control plane's stats). */
  calls = 0;
  /** Runs the worker's handler for a signal the kernel thread delivers inside a call. */
  onSignal: ((signo: number) => void) | null = null;

  constructor(sab: SharedArrayBuffer) { this.v = views(sab); }

  /** Posts the current message and sleeps until the kernel thread answers it. */
  private roundTrip(): void {
    const i32 = this.v.i32;
    Atomics.store(i32, CH_STATE, STATE_REQUEST);
    Atomics.notify(i32, CH_STATE);
    while (Atomics.load(i32, CH_STATE) === STATE_REQUEST) Atomics.wait(i32, CH_STATE, STATE_REQUEST);
    if (Atomics.load(i32, CH_STATE) === STATE_DEAD) for (;;) Atomics.wait(i32, CH_STATE, STATE_DEAD); // killed: wait for terminate()
  }

  /** Makes syscall `name`; blocks; returns its result (a number, or a JSON-able value). */
  call(name: SyscallName, args: readonly unknown[]): unknown {
    const { i32, f64, u8, cap } = this.v;
    this.calls++;
    const n = Math.min(args.length, MAX_ARGS);
    const outIdx = OUT_ARG[name] ?? -1;
    const dataIdx = DATA_ARG[name] ?? -1;
    const inoutIdx = INOUT_ARG[name] ?? -1;
    let data: Uint8Array | null = null;
    const meta: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const a = args[i];
      let tag = TAG_JSON;
      if (a === undefined) tag = TAG_UNDEFINED;
      else if (i === outIdx && a instanceof Uint8Array) { tag = TAG_OUT; f64[CH_ARGS + i] = a.length; }
      else if (typeof a === 'number') { tag = TAG_NUMBER; f64[CH_ARGS + i] = a; }
      else if (i === dataIdx && data === null && (a instanceof Uint8Array || typeof a === 'string')) {
        tag = TAG_DATA;
        data = typeof a === 'string' ? enc.encode(a) : a;
      } else meta.push(a instanceof URL ? a.href : a);
      i32[CH_TAGS + i] = tag;
    }
    const metaBytes = meta.length ? enc.encode(JSON.stringify(meta)) : null;
    const dlen = data ? data.length : 0;
    const total = dlen + (metaBytes ? metaBytes.length : 0);
    // A payload larger than DATA goes ahead in OP_STAGE chunks; the call carries the last.
    let payload: Uint8Array | null = null;
    if (total > cap) {
      payload = new Uint8Array(total);
      if (data) payload.set(data);
      if (metaBytes) payload.set(metaBytes, dlen);
      let off = 0;
      while (total - off > cap) {
        u8.set(payload.subarray(off, off + cap), CH_DATA);
        i32[CH_OP] = OP_STAGE;
        i32[CH_PLEN] = cap;
        i32[CH_TOTAL] = total;
        this.roundTrip();
        off += cap;
      }
      u8.set(payload.subarray(off), CH_DATA);
      i32[CH_PLEN] = total - off;
    } else {
      if (data) u8.set(data, CH_DATA);
      if (metaBytes) u8.set(metaBytes, CH_DATA + dlen);
      i32[CH_PLEN] = total;
    }
    i32[CH_OP] = OP[name];
    i32[CH_NARGS] = n;
    i32[CH_TOTAL] = total;
    i32[CH_DLEN] = dlen;
    this.roundTrip();
    // Handlers due before the call returns (the kernel thread decides which, and EINTR or
    // restart after them). Their own calls reuse the channel: the answer comes only after
    // the last rt_sigreturn. A handler that throws still returns (its mask is lifted, and
    // no other handler runs), then the exception goes on to this call's caller.
    let thrown: { e: unknown } | null = null;
    while (i32[CH_SIGP] !== 0 && thrown === null) {
      try {
        this.onSignal?.(i32[CH_SIGP]);
      } catch (e) {
        thrown = { e };
      }
      this.sigreturn(thrown !== null);
    }

    // The reply: [out bytes | meta], drained in chunks when larger than DATA.
    const rtotal = i32[CH_TOTAL];
    let reply: Uint8Array = u8.subarray(CH_DATA, CH_DATA + i32[CH_PLEN]);
    if (rtotal > cap) {
      const all = new Uint8Array(rtotal);
      let off = 0;
      for (;;) {
        const plen = i32[CH_PLEN];
        all.set(u8.subarray(CH_DATA, CH_DATA + plen), off);
        off += plen;
        if (off >= rtotal) break;
        i32[CH_OP] = OP_DRAIN;
        this.roundTrip();
      }
      reply = all;
    }
    const rdlen = i32[CH_DLEN];
    if (outIdx >= 0 && rdlen > 0) (args[outIdx] as Uint8Array).set(reply.subarray(0, rdlen));
    let result: unknown;
    if (i32[CH_RTAG] === TAG_NUMBER) result = f64[CH_RESULT];
    else {
      const [r, inout] = decodeJson(reply.subarray(rdlen, rtotal)) as [unknown, unknown];
      result = r;
      // poll(): the kernel filled revents in its copy; bring them back into the caller's objects.
      if (inoutIdx >= 0 && Array.isArray(inout) && Array.isArray(args[inoutIdx])) {
        const mine = args[inoutIdx] as object[];
        inout.forEach((o, i) => { if (mine[i] && typeof mine[i] === 'object') Object.assign(mine[i], o); });
      }
    }
    if (thrown) throw thrown.e;
    return result;
  }

  /** rt_sigreturn: the handler is done (or threw); the kernel thread goes on with the call. */
  private sigreturn(threw: boolean): void {
    const { i32, f64 } = this.v;
    this.calls++;
    i32[CH_OP] = OP.rt_sigreturn;
    i32[CH_NARGS] = 1;
    i32[CH_TAGS] = TAG_NUMBER;
    f64[CH_ARGS] = threw ? 1 : 0;
    i32[CH_PLEN] = 0;
    i32[CH_TOTAL] = 0;
    i32[CH_DLEN] = 0;
    this.roundTrip();
  }
}

/** One decoded request on the kernel thread. */
export interface Request {
  name: SyscallName | undefined;
  args: unknown[];
  /** The out-buffer argument's index, or -1. */
  outIdx: number;
}

// Atomics.waitAsync is ES2024 (Node ≥ 16, Chromium ≥ 87); the lib here is ES2022.
type WaitAsync = (ta: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** The kernel thread's side: waits for requests without blocking and answers them. */
export class ChannelServer {
  private readonly v: Views;
  private staged: Uint8Array[] = [];
  private drain: Uint8Array | null = null;
  private drainOff = 0;
  private out: Uint8Array | null = null;
  dead = false;

  constructor(readonly sab: SharedArrayBuffer) {
    this.v = views(sab);
    if (!waitAsync) throw new Error('kstack: workers need Atomics.waitAsync (Node ≥ 16, Chromium ≥ 87)');
  }

  /**
   * Resolves when the worker has posted a call (payload chunks are taken here, without
   * the kernel), or when the channel is marked dead.
   */
  async next(): Promise<Request | null> {
    const { i32 } = this.v;
    for (;;) {
      const s = Atomics.load(i32, CH_STATE);
      if (this.dead || s === STATE_DEAD) return null;
      if (s !== STATE_REQUEST) {
        const w = waitAsync!(i32, CH_STATE, s);
        if (w.async) await w.value;
        continue;
      }
      const op = i32[CH_OP];
      if (op === OP_STAGE) {
        this.staged.push(this.v.u8.slice(CH_DATA, CH_DATA + i32[CH_PLEN]));
        this.answer();
        continue;
      }
      if (op === OP_DRAIN && this.drain) {
        const chunk = this.drain.subarray(this.drainOff, this.drainOff + this.v.cap);
        this.v.u8.set(chunk, CH_DATA);
        this.drainOff += chunk.length;
        i32[CH_PLEN] = chunk.length;
        if (this.drainOff >= this.drain.length) this.drain = null;
        this.answer();
        continue;
      }
      return this.decode(op);
    }
  }

  private decode(op: number): Request {
    const { i32, f64, u8, cap } = this.v;
    const name = SYSCALLS[op];
    const total = i32[CH_TOTAL];
    let payload = u8.subarray(CH_DATA, CH_DATA + i32[CH_PLEN]);
    if (this.staged.length) {
      const all = new Uint8Array(total);
      let off = 0;
      for (const c of this.staged) { all.set(c, off); off += c.length; }
      all.set(payload, off);
      payload = all;
      this.staged = [];
    }
    const n = i32[CH_NARGS];
    const dlen = i32[CH_DLEN];
    const meta = total > dlen ? (decodeJson(payload.subarray(dlen, total)) as unknown[]) : [];
    const args: unknown[] = [];
    let m = 0;
    let outIdx = -1;
    for (let i = 0; i < n; i++) {
      switch (i32[CH_TAGS + i]) {
        case TAG_NUMBER: args.push(f64[CH_ARGS + i]); break;
        case TAG_DATA: args.push(payload.subarray(0, dlen)); break;
        case TAG_OUT: {
          // The kernel copies straight into the channel when the buffer fits in DATA.
          const len = f64[CH_ARGS + i];
          outIdx = i;
          if (len <= cap) args.push(u8.subarray(CH_DATA, CH_DATA + len));
          else {
            if (!this.out || this.out.length < len) this.out = new Uint8Array(len);
            args.push(this.out.subarray(0, len));
          }
          break;
        }
        case TAG_JSON: args.push(meta[m++]); break;
        default: args.push(undefined);
      }
    }
    return { name, args, outIdx };
  }

  /** Writes the reply to the request in flight and wakes the worker. */
  reply(req: Request, result: unknown): void {
    const { i32, f64, u8, cap } = this.v;
    let count = 0;
    if (req.outIdx >= 0) {
      const n = typeof result === 'number' ? result : (result as { n?: number } | null)?.n ?? 0;
      count = Math.max(0, Math.min(n | 0, (req.args[req.outIdx] as Uint8Array).length));
    }
    const inoutIdx = req.name ? INOUT_ARG[req.name] ?? -1 : -1;
    const metaBytes = typeof result === 'number' && inoutIdx < 0 ? null : enc.encode(JSON.stringify([result ?? null, inoutIdx >= 0 ? req.args[inoutIdx] : undefined]));
    i32[CH_RTAG] = metaBytes ? TAG_JSON : TAG_NUMBER;
    if (!metaBytes) f64[CH_RESULT] = result as number;
    const total = count + (metaBytes ? metaBytes.length : 0);
    i32[CH_DLEN] = count;
    i32[CH_TOTAL] = total;
    i32[CH_SIGP] = 0;
    const out = req.outIdx >= 0 ? (req.args[req.outIdx] as Uint8Array) : null;
    const inPlace = out !== null && out.buffer === this.sab;
    if (total <= cap) {
      if (out && !inPlace && count) u8.set(out.subarray(0, count), CH_DATA);
      if (metaBytes) u8.set(metaBytes, CH_DATA + count);
      i32[CH_PLEN] = total;
    } else {
      const all = new Uint8Array(total);
      if (out && count) all.set(out.subarray(0, count));
      if (metaBytes) all.set(metaBytes, count);
      u8.set(all.subarray(0, cap), CH_DATA);
      i32[CH_PLEN] = cap;
      this.drain = all;
      this.drainOff = cap;
    }
    this.answer();
  }

  /** Instead of the answer: the worker is to run its handler for signo, then post rt_sigreturn. */
  signal(signo: number): void {
    if (this.dead) return;
    this.v.i32[CH_SIGP] = signo;
    this.answer();
  }

  private answer(): void {
    Atomics.store(this.v.i32, CH_STATE, STATE_IDLE);
    Atomics.notify(this.v.i32, CH_STATE);
  }

  /** The process died: no more answers; a worker still waiting is released to be terminated. */
  kill(): void {
    this.dead = true;
    Atomics.store(this.v.i32, CH_STATE, STATE_DEAD);
    Atomics.notify(this.v.i32, CH_STATE);
  }
}
