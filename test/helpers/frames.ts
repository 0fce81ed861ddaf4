// Golden frames: test/fixtures/frames/*.hex hold one header field per line, hex bytes
// followed by a `#` comment naming the field (tcpip.js wire tests' style, DESIGN.md "Tests").
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FRAMES_DIR = fileURLToPath(new URL('../fixtures/frames/', import.meta.url));

/** Bytes of annotated hex text: `#` starts a comment to the end of the line; whitespace is ignored. */
export function parseHex(text: string): Uint8Array {
  const digits = text
    .split('\n')
    .map((line) => {
      const hash = line.indexOf('#');
      return hash < 0 ? line : line.slice(0, hash);
    })
    .join('')
    .replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits)) throw new Error(`hex fixture: non-hex character in ${JSON.stringify(digits)}`);
  if (digits.length % 2 !== 0) throw new Error('hex fixture: odd number of hex digits');
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Loads test/fixtures/frames/<name>.hex (the extension is optional). */
export function loadHex(name: string): Uint8Array {
  const file = name.endsWith('.hex') ? name : `${name}.hex`;
  return parseHex(readFileSync(FRAMES_DIR + file, 'utf8'));
}

/**
 * The Internet checksum (RFC 1071) of `bytes`, folded and complemented, starting from the
 * 32-bit partial sum `initial` (e.g. a pseudo-header's). A correct header sums to 0.
 */
export function inetChecksum(bytes: Uint8Array, initial = 0): number {
  let s = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) s += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length & 1) s += bytes[bytes.length - 1]! << 8; // odd byte padded with zero
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The partial sum of the IPv4 pseudo-header (RFC 9293 §3.1, RFC 768) for TCP/UDP checksums. */
export function pseudoHeaderSum(ip: Uint8Array, ipOff: number, proto: number, l4Len: number): number {
  let s = 0;
  for (let i = 12; i < 20; i += 2) s += (ip[ipOff + i]! << 8) | ip[ipOff + i + 1]!;
  return s + proto + l4Len;
}
