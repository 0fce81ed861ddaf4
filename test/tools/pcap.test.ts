// host/tools/pcap.ts: byte-exact classic pcap (nanosecond magic), read back by readPcap and
// by tshark, which must find every golden frame clean and must flag a corrupted one.
import { describe, expect, it } from 'vitest';
import { LINKTYPE_ETHERNET, PcapWriter, readPcap } from '../../host/tools/pcap.js';
import { loadHex, parseHex } from '../helpers/frames.js';
import { tsharkCheck, tsharkRequired } from '../helpers/tshark.js';

const u32le = (b: Uint8Array, off: number) => new DataView(b.buffer, b.byteOffset).getUint32(off, true);

describe('PcapWriter', () => {
  it('global header: ns magic, version 2.4, snaplen 262144, LINKTYPE_ETHERNET, little-endian', () => {
    const bytes = new PcapWriter().toBytes();
    expect(bytes).toEqual(
      parseHex(`
        4d 3c b2 a1  # magic 0xa1b23c4d: nanosecond timestamps
        02 00 04 00  # version 2.4
        00 00 00 00  # thiszone
        00 00 00 00  # sigfigs
        00 00 04 00  # snaplen 262144
        01 00 00 00  # LINKTYPE_ETHERNET
      `),
    );
  });

  it('record header: ts_sec, ts_nsec, incl_len, orig_len, then the frame', () => {
    const w = new PcapWriter();
    const f = loadHex('arp-request');
    expect(w.add(1234.567891, f)).toBe(true);
    const b = w.toBytes();
    expect(b.length).toBe(24 + 16 + 42);
    expect(u32le(b, 24)).toBe(1);
    expect(u32le(b, 28)).toBe(234_567_891);
    expect(u32le(b, 32)).toBe(42);
    expect(u32le(b, 36)).toBe(42);
    expect(b.subarray(40)).toEqual(f);
    expect(w.count).toBe(1);
  });

  it('fractional milliseconds round to the nearest ns, carrying into seconds', () => {
    const w = new PcapWriter();
    const f = new Uint8Array(14);
    for (const t of [0, 5, 0.0004, 0.0000006, 999.9999999, 86_400_000.25]) w.add(t, f);
    const r = readPcap(w.toBytes());
    expect(r.nanosecond).toBe(true);
    const b = w.toBytes();
    const stamps = r.records.map((_, i) => [u32le(b, 24 + i * 30), u32le(b, 28 + i * 30)]);
    expect(stamps).toEqual([
      [0, 0],
      [0, 5_000_000],
      [0, 400],
      [0, 1],
      [1, 0],
      [86_400, 250_000],
    ]);
  });

  it('microsecond resolution writes the µs magic and rounds to µs', () => {
    const w = new PcapWriter({ resolution: 'us' });
    w.add(1.0006, new Uint8Array(20));
    const b = w.toBytes();
    expect(u32le(b, 0)).toBe(0xa1b2c3d4);
    expect(u32le(b, 28)).toBe(1001);
    const r = readPcap(b);
    expect(r.nanosecond).toBe(false);
    expect(r.records[0]!.timeMs).toBe(1.001);
  });

  it('frames longer than snaplen are cut; orig_len keeps the wire length', () => {
    const w = new PcapWriter({ snaplen: 64 });
    const f = new Uint8Array(100).map((_, i) => i);
    w.add(0, f);
    w.add(1, f.subarray(0, 50), 1514); // the caller captured only part of the frame
    const r = readPcap(w.toBytes());
    expect(r.snaplen).toBe(64);
    expect(r.records.map((x) => [x.frame.length, x.origLen])).toEqual([
      [64, 100],
      [50, 1514],
    ]);
    expect(r.records[0]!.frame).toEqual(f.subarray(0, 64));
  });

  it('rejects a bad time or an orig_len below the captured length', () => {
    const w = new PcapWriter();
    expect(() => w.add(-1, new Uint8Array(1))).toThrow(RangeError);
    expect(() => w.add(NaN, new Uint8Array(1))).toThrow(RangeError);
    expect(() => w.add(0, new Uint8Array(10), 9)).toThrow(RangeError);
    expect(w.count).toBe(0);
  });

  it('past the byte cap, frames are counted as dropped and not stored', () => {
    const cap = 24 + 2 * (16 + 60);
    const w = new PcapWriter({ maxBytes: cap });
    const f = new Uint8Array(60);
    expect([w.add(0, f), w.add(1, f), w.add(2, f), w.add(3, new Uint8Array(1))]).toEqual([true, true, false, false]);
    expect(w.count).toBe(2);
    expect(w.dropped).toBe(2);
    expect(w.byteLength).toBe(cap);
    expect(w.toBytes().length).toBe(cap);
    expect(readPcap(w.toBytes()).records).toHaveLength(2);
  });

  it('many frames across chunk boundaries read back identically', () => {
    const w = new PcapWriter();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 6000; i++) {
      const f = new Uint8Array(60 + ((i * 7919) % 1455)).fill(i & 0xff);
      f[0] = i >> 8;
      frames.push(f);
      w.add(i * 0.125, f);
    }
    const bytes = w.toBytes();
    expect(bytes.length).toBe(w.byteLength);
    // Chunks grow 64 KiB, 128 KiB, ... 4 MiB: this file spans seven of them.
    expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    const r = readPcap(bytes);
    expect(r.linktype).toBe(LINKTYPE_ETHERNET);
    expect(r.records).toHaveLength(6000);
    // Buffer.equals, not toEqual: a deep compare of 6000 arrays element by element is slow.
    const bad = r.records.findIndex(
      (rec, i) =>
        rec.timeMs !== i * 0.125 || rec.origLen !== frames[i]!.length || !Buffer.from(rec.frame).equals(frames[i]!),
    );
    expect(bad).toBe(-1);
    // toBytes is repeatable and later adds extend the same file
    expect(Buffer.from(w.toBytes()).equals(bytes)).toBe(true);
    w.add(1e6, frames[0]!);
    expect(readPcap(w.toBytes()).records).toHaveLength(6001);
  });
});

describe('readPcap', () => {
  it('reads a big-endian microsecond file', () => {
    const b = parseHex(`
      a1 b2 c3 d4  # magic, big-endian, µs
      00 02 00 04  # version 2.4
      00 00 00 00 00 00 00 00
      00 00 ff ff  # snaplen 65535
      00 00 00 01  # Ethernet
      00 00 00 02  # ts_sec 2
      00 00 01 f4  # ts_usec 500
      00 00 00 03  # incl_len 3
      00 00 00 3c  # orig_len 60
      aa bb cc
    `);
    const r = readPcap(b);
    expect(r).toMatchObject({ linktype: 1, snaplen: 65535, nanosecond: false });
    expect(r.records).toEqual([{ timeMs: 2000.5, frame: new Uint8Array([0xaa, 0xbb, 0xcc]), origLen: 60 }]);
  });

  it('throws on a bad magic or a truncated record', () => {
    expect(() => readPcap(new Uint8Array(24))).toThrow(/magic/);
    const w = new PcapWriter();
    w.add(0, new Uint8Array(10));
    expect(() => readPcap(w.toBytes().subarray(0, 45))).toThrow(/truncated/);
  });
});

describe.runIf(tsharkRequired())('tshark reads our pcap', () => {
  const clean = [
    ['arp-request', 'eth:ethertype:arp'],
    ['arp-reply', 'eth:ethertype:arp'],
    ['icmp-echo-request', 'eth:ethertype:ip:icmp:data'],
    ['udp', 'eth:ethertype:ip:udp:data'],
    ['icmp-port-unreachable', 'eth:ethertype:ip:icmp:ip:udp:data'],
    ['tcp-syn', 'eth:ethertype:ip:tcp'],
    ['tcp-syn-ack', 'eth:ethertype:ip:tcp'],
    ['ip-fragment', 'eth:ethertype:ip:data'],
  ] as const;

  it('golden frames: right protocols, nothing malformed, every checksum good', () => {
    const w = new PcapWriter();
    clean.forEach(([name], i) => w.add(i * 5, loadHex(name)));
    const r = tsharkCheck(w.toBytes());
    expect(r.protocols).toEqual(clean.map(([, p]) => p));
    expect(r.perFrame.filter((f) => f.malformed || f.badChecksum)).toEqual([]);
    expect(r).toMatchObject({ frames: clean.length, malformed: 0, badChecksums: 0 });
  });

  it('a corrupted IP, ICMP, UDP or TCP checksum is reported (the check can fail)', () => {
    const corrupt = (name: string, off: number) => {
      const f = loadHex(name);
      f[off]! ^= 0x5a;
      return f;
    };
    const w = new PcapWriter();
    w.add(0, corrupt('udp', 14 + 10)); // IP header check
    w.add(1, corrupt('icmp-echo-request', 34 + 2)); // ICMP checksum
    w.add(2, corrupt('udp', 34 + 6)); // UDP check
    w.add(3, corrupt('tcp-syn', 34 + 16)); // TCP check
    w.add(4, corrupt('udp', 34 + 8)); // payload byte: UDP check no longer matches
    w.add(5, loadHex('udp')); // and one good frame
    const r = tsharkCheck(w.toBytes());
    expect(r.frames).toBe(6);
    expect(r.perFrame.map((f) => f.badChecksum)).toEqual([true, true, true, true, true, false]);
    expect(r.badChecksums).toBe(5);
    expect(r.perFrame[0]!.expert.join(' ')).toMatch(/Bad checksum/);
  });

  it('a truncated IP header is malformed', () => {
    const w = new PcapWriter();
    w.add(0, loadHex('ip-truncated'));
    w.add(1, loadHex('arp-request'));
    const r = tsharkCheck(w.toBytes());
    expect(r.perFrame.map((f) => f.malformed)).toEqual([true, false]);
    expect(r.malformed).toBe(1);
  });

  it('snaplen-cut frames are not malformed (tshark knows the capture was short)', () => {
    const w = new PcapWriter({ snaplen: 40 });
    w.add(0, loadHex('tcp-syn'));
    const r = tsharkCheck(w.toBytes());
    expect(r).toMatchObject({ frames: 1, malformed: 0 });
  });
});
