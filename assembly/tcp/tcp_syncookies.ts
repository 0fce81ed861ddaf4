// SYN cookies: when the SYN queue overflows (or always, tcp_syncookies = 2) the listener
// keeps no state; the SYN-ACK's sequence number encodes what it needs, checked when the
// final ACK comes back. Linux: net/ipv4/syncookies.c (__cookie_v4_init_sequence,
// __cookie_v4_check, cookie_init_timestamp, cookie_timestamp_decode), include/net/tcp.h
// (tcp_synq_overflow, tcp_synq_no_recent_overflow, tcp_cookie_time).
//
// cookie = H0(4-tuple) + peer's ISN + (count << 24) + ((H1(4-tuple, count) + mssind) mod 2^24)
// with count the minute, H0/H1 SipHash under two secrets drawn once from the seeded PRNG.
import { ktime_ns, jiffies } from "../kernel/clock";
import { prandom_u32 } from "../kernel/random";

// @ts-ignore: decorator
@inline const COOKIEBITS: u32 = 24;
// @ts-ignore: decorator
@inline const COOKIEMASK: u32 = (1 << COOKIEBITS) - 1;
/** A cookie is good for the minute it was made in and the next (MAX_SYNCOOKIE_AGE). */
// @ts-ignore: decorator
@inline const MAX_SYNCOOKIE_AGE: u32 = 2;
/** TCP_SYNCOOKIE_PERIOD (60 s) × MAX_SYNCOOKIE_AGE, in jiffies: TCP_SYNCOOKIE_VALID. */
// @ts-ignore: decorator
@inline const TCP_SYNCOOKIE_VALID: u32 = 2 * 60 * 1000;

// Timestamp bits of a cookie SYN-ACK's tsval (cookie_init_timestamp):
//   | 31 ... 6 | 5 ECN | 4 SACK | 3..0 WScale (0xf: none) |
// @ts-ignore: decorator
@inline export const TS_OPT_WSCALE_MASK: u32 = 0xf;
// @ts-ignore: decorator
@inline export const TS_OPT_SACK: u32 = 1 << 4;
// @ts-ignore: decorator
@inline export const TS_OPT_ECN: u32 = 1 << 5;
// @ts-ignore: decorator
@inline const TSBITS: u32 = 6;

/** msstab: the MSS values a cookie can carry (Alcock & Nelson 2011), sorted. */
const msstab: usize = memory.data<u16>([536, 1300, 1440, 1460]);
// @ts-ignore: decorator
@inline function msstab_at(i: u32): u32 { return <u32>load<u16>(msstab + (<usize>i << 1)); }

// syncookie_secret[2]: two 128-bit SipHash keys, drawn on first use (net_get_random_once),
// so a run that never sends a cookie draws the same random numbers as before.
const secret: usize = memory.data(32, 8);
let secret_ready: bool = false;
function secret_init(): void {
  if (secret_ready) return;
  for (let i: usize = 0; i < 8; i++) store<u32>(secret + (i << 2), prandom_u32());
  secret_ready = true;
}

// @ts-ignore: decorator
@inline function rol64(x: u64, b: u64): u64 { return (x << b) | (x >> (64 - b)); }

/** siphash_4u32() (lib/siphash.c): SipHash-2-4 of four u32 words, low 32 bits. */
function siphash_4u32(a: u32, b: u32, c: u32, d: u32, key: usize): u32 {
  const k0 = load<u64>(key);
  const k1 = load<u64>(key, 8);
  let v0: u64 = 0x736f6d6570736575 ^ k0;
  let v1: u64 = 0x646f72616e646f6d ^ k1;
  let v2: u64 = 0x6c7967656e657261 ^ k0;
  let v3: u64 = 0x7465646279746573 ^ k1;
  const bb: u64 = <u64>16 << 56;
  for (let w = 0; w < 3; w++) {
    const m: u64 = w == 0 ? ((<u64>b << 32) | <u64>a) : w == 1 ? ((<u64>d << 32) | <u64>c) : bb;
    v3 ^= m;
    for (let r = 0; r < 2; r++) {
      v0 += v1; v1 = rol64(v1, 13); v1 ^= v0; v0 = rol64(v0, 32);
      v2 += v3; v3 = rol64(v3, 16); v3 ^= v2;
      v0 += v3; v3 = rol64(v3, 21); v3 ^= v0;
      v2 += v1; v1 = rol64(v1, 17); v1 ^= v2; v2 = rol64(v2, 32);
    }
    v0 ^= m;
  }
  v2 ^= 0xff;
  for (let r = 0; r < 4; r++) {
    v0 += v1; v1 = rol64(v1, 13); v1 ^= v0; v0 = rol64(v0, 32);
    v2 += v3; v3 = rol64(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rol64(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rol64(v1, 17); v1 ^= v2; v2 = rol64(v2, 32);
  }
  return <u32>((v0 ^ v1) ^ (v2 ^ v3));
}

function cookie_hash(saddr: u32, daddr: u32, sport: u32, dport: u32, count: u32, c: u32): u32 {
  secret_init();
  return siphash_4u32(saddr, daddr, (sport << 16) | dport, count, secret + (<usize>c << 4));
}

/** tcp_cookie_time(): minutes of uptime. */
function tcp_cookie_time(): u32 { return <u32>Math.floor(ktime_ns / 60e9); }

/**
 * __cookie_v4_init_sequence(): the cookie ISN for a SYN from (saddr, sport) to (daddr,
 * dport) with sequence `seq`. `mss` is rounded down to msstab; read it back with
 * cookie_mss_encoded().
 */
export function cookie_v4_init_sequence(saddr: u32, daddr: u32, sport: u32, dport: u32, seq: u32, mss: u32): u32 {
  let mssind: u32 = 3;
  for (; mssind > 0; mssind--) if (mss >= msstab_at(mssind)) break;
  last_mss = msstab_at(mssind);
  const count = tcp_cookie_time();
  return cookie_hash(saddr, daddr, sport, dport, 0, 0) + seq + (count << COOKIEBITS) +
    ((cookie_hash(saddr, daddr, sport, dport, count, 1) + mssind) & COOKIEMASK);
}
let last_mss: u32 = 536;
/** The MSS the last cookie_v4_init_sequence() encoded. */
export function cookie_mss_encoded(): u32 { return last_mss; }

/**
 * __cookie_v4_check(): the MSS the final ACK's cookie carries, or 0 when it is not one
 * of ours or older than MAX_SYNCOOKIE_AGE minutes.
 */
export function cookie_v4_check_mss(saddr: u32, daddr: u32, sport: u32, dport: u32, seq: u32, ack_seq: u32): u32 {
  let cookie = ack_seq - 1;
  const sseq = seq - 1;
  const count = tcp_cookie_time();
  cookie -= cookie_hash(saddr, daddr, sport, dport, 0, 0) + sseq;
  const diff = (count - (cookie >>> COOKIEBITS)) & (0xffffffff >>> COOKIEBITS);
  if (diff >= MAX_SYNCOOKIE_AGE) return 0;
  const mssind = (cookie - cookie_hash(saddr, daddr, sport, dport, count - diff, 1)) & COOKIEMASK;
  return mssind < 4 ? msstab_at(mssind) : 0;
}

/**
 * cookie_init_timestamp(): a tsval (before ts_off) at or below now whose low six bits
 * carry the SYN's window scale, SACK and ECN, for the ACK's echo to bring back.
 */
export function cookie_init_timestamp(wscale_ok: bool, snd_wscale: u32, sack_ok: bool, ecn_ok: bool): u32 {
  const ts_now = jiffies;
  let options: u32 = wscale_ok ? snd_wscale : TS_OPT_WSCALE_MASK;
  if (sack_ok) options |= TS_OPT_SACK;
  if (ecn_ok) options |= TS_OPT_ECN;
  let ts = ((ts_now >>> TSBITS) << TSBITS) | options;
  if (ts > ts_now) ts -= 1 << TSBITS;
  return ts;
}

/**
 * tcp_synq_overflow(): remember when the listener last sent a cookie (in the listener's
 * otherwise unused rx_opt.ts_recent_stamp, as Linux does). Returns the new stamp.
 */
export function tcp_synq_overflow(last_overflow: u32): u32 {
  // kstack: jiffies start at 0 here (Linux starts 5 min before 0), so 0 means "never" and
  // an overflow at jiffies 0 is stamped 1.
  const now = jiffies != 0 ? jiffies : 1;
  if (last_overflow == 0 || !time_between32(now, last_overflow, last_overflow + 1000)) return now;
  return last_overflow;
}

/** tcp_synq_no_recent_overflow(): no cookie sent in the last two minutes — ignore ACKs. */
export function tcp_synq_no_recent_overflow(last_overflow: u32): bool {
  if (last_overflow == 0) return true;
  return !time_between32(jiffies, last_overflow - 1000, last_overflow + TCP_SYNCOOKIE_VALID);
}

function time_between32(t: u32, l: u32, h: u32): bool { return h - l >= t - l; }
