// Classic libpcap capture files, written and read (pcap-savefile(5); IETF
// draft-ietf-opsawg-pcap). Frames are raw Ethernet; timestamps come from the network clock.
//
// File layout, all fields in the writer's byte order (we write little-endian):
//
//   global header, 24 bytes            record header, 16 bytes, then incl_len bytes of data
//   ├─ magic ───────────────────┤ 0    ├─ ts_sec ──────────────────┤ 0
//   ├─ major=2 ──┼─ minor=4 ────┤ 4    ├─ ts_nsec (or ts_usec) ────┤ 4
//   ├─ thiszone (0) ────────────┤ 8    ├─ incl_len ────────────────┤ 8
//   ├─ sigfigs (0) ─────────────┤ 12   ├─ orig_len ────────────────┤ 12
//   ├─ snaplen ─────────────────┤ 16
//   ├─ linktype ────────────────┤ 20
//
// The magic tells the reader both the byte order and the timestamp resolution:
// 0xa1b2c3d4 means microseconds, 0xa1b23c4d nanoseconds (pcap-savefile(5)).

/** LINKTYPE_ETHERNET (tcpdump.org/linktypes.html): IEEE 802.3 frames without preamble/FCS. */
export const LINKTYPE_ETHERNET = 1;
/** Magic for microsecond timestamps. */
export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
/** Magic for nanosecond timestamps (libpcap 1.5+, Wireshark 1.x+ read it). */
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
/** 262144 is tcpdump's default snapshot length since 4.99 (MAXIMUM_SNAPLEN). */
export const PCAP_DEFAULT_SNAPLEN = 262144;
/** Default cap on the file size before frames are dropped rather than stored. */
export const PCAP_DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

const GLOBAL_HDR_LEN = 24;
const RECORD_HDR_LEN = 16;
/** First chunk size; later chunks double up to CHUNK_MAX so that large captures use few chunks. */
const CHUNK_MIN = 64 * 1024;
const CHUNK_MAX = 8 * 1024 * 1024;

export interface PcapWriterOptions {
  /** Stop storing frames once the file would exceed this many bytes (default 256 MiB). */
  maxBytes?: number;
  /** Frames longer than this are stored truncated, orig_len keeps the wire length (default 262144). */
  snaplen?: number;
  /** Timestamp resolution of the file (default 'ns'). */
  resolution?: 'ns' | 'us';
  /** Link-layer header type (default LINKTYPE_ETHERNET). */
  linktype?: number;
}

/** One frame as read back from a capture file. */
export interface PcapRecord {
  /** Timestamp in milliseconds (seconds * 1000 + fraction). */
  timeMs: number;
  /** The captured bytes (incl_len of them). */
  frame: Uint8Array;
  /** The length of the frame on the wire. */
  origLen: number;
}

/**
 * Builds a classic pcap file in memory. Records are appended into a few large chunks
 * (not one array per frame), and `toBytes()` concatenates them once.
 */
export class PcapWriter {
  readonly snaplen: number;
  readonly maxBytes: number;
  readonly resolution: 'ns' | 'us';
  readonly linktype: number;
  private readonly done: Uint8Array[] = []; // filled chunks, trimmed to their used length
  private cur: Uint8Array;
  private curView: DataView;
  private pos = 0;
  private nextChunk = CHUNK_MIN;
  private bytes = GLOBAL_HDR_LEN;
  private stored = 0;
  private dropCount = 0;

  constructor(opts: PcapWriterOptions = {}) {
    this.snaplen = opts.snaplen ?? PCAP_DEFAULT_SNAPLEN;
    this.maxBytes = opts.maxBytes ?? PCAP_DEFAULT_MAX_BYTES;
    this.resolution = opts.resolution ?? 'ns';
    this.linktype = opts.linktype ?? LINKTYPE_ETHERNET;
    if (!Number.isInteger(this.snaplen) || this.snaplen <= 0 || this.snaplen > 0xffffffff) {
      throw new RangeError(`pcap: bad snaplen ${this.snaplen}`);
    }
    this.cur = new Uint8Array(0);
    this.curView = new DataView(this.cur.buffer);
  }

  /** Frames stored in the file. */
  get count(): number {
    return this.stored;
  }

  /** Frames refused because the byte cap was reached. */
  get dropped(): number {
    return this.dropCount;
  }

  /** Size of the file `toBytes()` would return now. */
  get byteLength(): number {
    return this.bytes;
  }

  /**
   * Appends one frame captured at `timeMs` on the network clock (milliseconds, may be
   * fractional; rounded to the file's resolution). Returns false if the frame was dropped
   * because of the byte cap.
   */
  add(timeMs: number, frame: Uint8Array, origLen: number = frame.length): boolean {
    if (!Number.isFinite(timeMs) || timeMs < 0) throw new RangeError(`pcap: bad time ${timeMs}`);
    if (!Number.isInteger(origLen) || origLen < frame.length || origLen > 0xffffffff) {
      throw new RangeError(`pcap: orig_len ${origLen} < captured length ${frame.length}`);
    }
    const incl = Math.min(frame.length, this.snaplen);
    const need = RECORD_HDR_LEN + incl;
    if (this.bytes + need > this.maxBytes) {
      this.dropCount++;
      return false;
    }
    const [sec, frac] = splitTime(timeMs, this.resolution);
    if (sec > 0xffffffff) throw new RangeError(`pcap: time ${timeMs} ms overflows ts_sec`);
    if (this.pos + need > this.cur.length) this.grow(need);
    const v = this.curView;
    const p = this.pos;
    v.setUint32(p, sec, true);
    v.setUint32(p + 4, frac, true);
    v.setUint32(p + 8, incl, true);
    v.setUint32(p + 12, origLen, true);
    this.cur.set(incl === frame.length ? frame : frame.subarray(0, incl), p + RECORD_HDR_LEN);
    this.pos = p + need;
    this.bytes += need;
    this.stored++;
    return true;
  }

  /** The whole file: global header followed by every stored record. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    const v = new DataView(out.buffer);
    v.setUint32(0, this.resolution === 'ns' ? PCAP_MAGIC_NSEC : PCAP_MAGIC_USEC, true);
    v.setUint16(4, 2, true); // version 2.4, the only classic version (pcap-savefile(5))
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true); // thiszone: timestamps are already UTC-like clock values
    v.setUint32(12, 0, true); // sigfigs: writers set 0
    v.setUint32(16, this.snaplen, true);
    v.setUint32(20, this.linktype, true);
    let o = GLOBAL_HDR_LEN;
    for (const c of this.done) {
      out.set(c, o);
      o += c.length;
    }
    out.set(this.cur.subarray(0, this.pos), o);
    return out;
  }

  /** Closes the current chunk and opens one with room for at least `need` bytes. */
  private grow(need: number): void {
    if (this.pos > 0) this.done.push(this.cur.subarray(0, this.pos));
    const size = Math.max(this.nextChunk, need);
    this.nextChunk = Math.min(this.nextChunk * 2, CHUNK_MAX);
    this.cur = new Uint8Array(size);
    this.curView = new DataView(this.cur.buffer);
    this.pos = 0;
  }
}

/**
 * Splits milliseconds into whole seconds and the sub-second part in ns or µs, rounding to
 * the nearest unit. The integer and fractional milliseconds are converted separately so
 * that large clock values keep full precision (a double has 53 bits; ns since the epoch
 * would not fit, ns within one second does).
 */
function splitTime(timeMs: number, res: 'ns' | 'us'): [number, number] {
  const unitsPerMs = res === 'ns' ? 1_000_000 : 1_000;
  const unitsPerSec = unitsPerMs * 1000;
  const wholeMs = Math.floor(timeMs);
  let sec = Math.floor(wholeMs / 1000);
  let frac = (wholeMs - sec * 1000) * unitsPerMs + Math.round((timeMs - wholeMs) * unitsPerMs);
  if (frac >= unitsPerSec) {
    // 999.9999999 ms rounds up into the next second
    sec += 1;
    frac -= unitsPerSec;
  }
  return [sec, frac];
}

/**
 * Parses a classic pcap file (either byte order, µs or ns magic). Throws on a malformed
 * file; meant for tests and tools, not for untrusted input on a hot path.
 */
export function readPcap(bytes: Uint8Array): {
  linktype: number;
  snaplen: number;
  nanosecond: boolean;
  records: PcapRecord[];
} {
  if (bytes.length < GLOBAL_HDR_LEN) throw new Error(`pcap: ${bytes.length} bytes, no global header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le: boolean;
  let nanosecond: boolean;
  const m = v.getUint32(0, true);
  if (m === PCAP_MAGIC_USEC || m === PCAP_MAGIC_NSEC) {
    le = true;
    nanosecond = m === PCAP_MAGIC_NSEC;
  } else {
    const mb = v.getUint32(0, false);
    if (mb !== PCAP_MAGIC_USEC && mb !== PCAP_MAGIC_NSEC) {
      throw new Error(`pcap: bad magic 0x${m.toString(16).padStart(8, '0')}`);
    }
    le = false;
    nanosecond = mb === PCAP_MAGIC_NSEC;
  }
  const major = v.getUint16(4, le);
  if (major !== 2) throw new Error(`pcap: unsupported version ${major}.${v.getUint16(6, le)}`);
  const snaplen = v.getUint32(16, le);
  // The upper bits of the link-type field may carry an FCS length (pcap-savefile(5)).
  const linktype = v.getUint32(20, le) & 0x0fffffff;
  const perMs = nanosecond ? 1e6 : 1e3;
  const records: PcapRecord[] = [];
  let o = GLOBAL_HDR_LEN;
  while (o < bytes.length) {
    if (o + RECORD_HDR_LEN > bytes.length) throw new Error(`pcap: truncated record header at ${o}`);
    const sec = v.getUint32(o, le);
    const frac = v.getUint32(o + 4, le);
    const incl = v.getUint32(o + 8, le);
    const origLen = v.getUint32(o + 12, le);
    if (frac >= perMs * 1000) throw new Error(`pcap: sub-second field ${frac} out of range at ${o}`);
    if (o + RECORD_HDR_LEN + incl > bytes.length) throw new Error(`pcap: truncated record data at ${o}`);
    if (incl > origLen) throw new Error(`pcap: incl_len ${incl} > orig_len ${origLen} at ${o}`);
    const frame = bytes.slice(o + RECORD_HDR_LEN, o + RECORD_HDR_LEN + incl);
    records.push({ timeMs: sec * 1000 + frac / perMs, frame, origLen });
    o += RECORD_HDR_LEN + incl;
  }
  return { linktype, snaplen, nanosecond, records };
}
