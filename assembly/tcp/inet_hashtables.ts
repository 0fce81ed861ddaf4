// TCP's socket tables. Linux: net/ipv4/inet_hashtables.c, inet_connection_sock.c.
//   ehash  (saddr, sport, daddr, dport) → the connection (established ... TIME_WAIT)
//   lhash  local port → listeners
//   bhash  local port → every socket holding it (bind conflicts, port choice)
// Chains are intrusive (sk->ehash_next, sk->bind_next), so a lookup allocates nothing and
// costs O(1) however many connections exist (the per-segment cost must not grow).
import { prandom_u32 } from "../kernel/random";
import { Sock } from "../core/sock";
import { TCP_LISTEN, TCP_TIME_WAIT } from "../abi/tcp_states";

// @ts-ignore: decorator
@inline const EHASH_BITS: u32 = 16;
// @ts-ignore: decorator
@inline const EHASH_SIZE: u32 = 1 << EHASH_BITS;
// @ts-ignore: decorator
@inline const BHASH_SIZE: u32 = 4096;
let ehash: usize = 0;
let lhash: usize = 0;
let bhash: usize = 0;
let hash_secret: u32 = 0;
let ehash_count: u32 = 0;

export function inet_hashinfo_init(): void {
  ehash = heap.alloc(<usize>EHASH_SIZE << 2);
  memory.fill(ehash, 0, <usize>EHASH_SIZE << 2);
  lhash = heap.alloc(<usize>BHASH_SIZE << 2);
  memory.fill(lhash, 0, <usize>BHASH_SIZE << 2);
  bhash = heap.alloc(<usize>BHASH_SIZE << 2);
  memory.fill(bhash, 0, <usize>BHASH_SIZE << 2);
  hash_secret = prandom_u32();
}

export function inet_ehash_count(): u32 { return ehash_count; }

/** inet_ehashfn(): a keyed mix of the 4-tuple (jhash's role). */
// @ts-ignore: decorator
@inline function ehashfn(laddr: u32, lport: u32, faddr: u32, fport: u32): u32 {
  let h = laddr ^ hash_secret;
  h = (h ^ (h >>> 16)) * 0x7feb352d;
  h ^= faddr + 0x9e3779b9;
  h = (h ^ (h >>> 15)) * 0x846ca68b;
  h ^= (lport << 16) | fport;
  h = (h ^ (h >>> 16)) * 0x7feb352d;
  return h ^ (h >>> 15);
}
// @ts-ignore: decorator
@inline function ebucket(laddr: u32, lport: u32, faddr: u32, fport: u32): usize {
  return ehash + (<usize>(ehashfn(laddr, lport, faddr, fport) & (EHASH_SIZE - 1)) << 2);
}
// @ts-ignore: decorator
@inline function pbucket(table: usize, port: u32): usize { return table + (<usize>(port & (BHASH_SIZE - 1)) << 2); }

function chain_del(head: usize, sk: Sock, link_off: usize): bool {
  let p = head;
  while (load<usize>(p) != 0) {
    const cur = load<usize>(p);
    if (cur == changetype<usize>(sk)) {
      store<usize>(p, load<usize>(cur + link_off));
      store<usize>(cur + link_off, 0);
      return true;
    }
    p = cur + link_off;
  }
  return false;
}

/** __inet_hash_nolisten(): enters a connection into ehash. */
export function inet_ehash_insert(sk: Sock): void {
  const b = ebucket(sk.inet_rcv_saddr, sk.inet_num, sk.inet_daddr, sk.inet_dport);
  sk.ehash_next = load<usize>(b);
  store<usize>(b, changetype<usize>(sk));
  ehash_count++;
}

export function inet_ehash_remove(sk: Sock): void {
  const b = ebucket(sk.inet_rcv_saddr, sk.inet_num, sk.inet_daddr, sk.inet_dport);
  if (chain_del(b, sk, offsetof<Sock>("ehash_next"))) ehash_count--;
}

/** __inet_lookup_established(). */
export function inet_lookup_established(saddr: u32, sport: u32, daddr: u32, dport: u32): Sock | null {
  let p = load<usize>(ebucket(daddr, dport, saddr, sport));
  while (p != 0) {
    const sk = changetype<Sock>(p);
    if (sk.inet_daddr == saddr && sk.inet_dport == sport && sk.inet_num == dport && sk.inet_rcv_saddr == daddr) return sk;
    p = sk.ehash_next;
  }
  return null;
}

export function inet_lhash_insert(sk: Sock): void {
  const b = pbucket(lhash, sk.inet_num);
  sk.ehash_next = load<usize>(b);
  store<usize>(b, changetype<usize>(sk));
}

export function inet_lhash_remove(sk: Sock): void {
  chain_del(pbucket(lhash, sk.inet_num), sk, offsetof<Sock>("ehash_next"));
}

/** __inet_lookup_listener(): an exact address beats a wildcard (compute_score). */
export function inet_lookup_listener(daddr: u32, dport: u32): Sock | null {
  let best: Sock | null = null;
  let p = load<usize>(pbucket(lhash, dport));
  while (p != 0) {
    const sk = changetype<Sock>(p);
    p = sk.ehash_next;
    if (sk.inet_num != dport || sk.sk_state != <u32>TCP_LISTEN) continue;
    if (sk.inet_rcv_saddr == daddr) return sk;
    if (sk.inet_rcv_saddr == 0 && best === null) best = sk;
  }
  return best;
}

// ───── bhash: ports held ─────

export function inet_bhash_add(sk: Sock, port: u32): void {
  sk.inet_num = port;
  sk.inet_sport = port;
  const b = pbucket(bhash, port);
  sk.bind_next = load<usize>(b);
  store<usize>(b, changetype<usize>(sk));
}

/** inet_put_port(): the socket gives its local port back (inet_num = 0; inet_sport stays,
 *  so a RST sent right after — tcp_close's abort — still carries the port). */
export function inet_put_port(sk: Sock): void {
  if (sk.inet_num == 0) return;
  chain_del(pbucket(bhash, sk.inet_num), sk, offsetof<Sock>("bind_next"));
  sk.inet_num = 0;
}

/**
 * inet_csk_bind_conflict(): may sk take `port`? Another holder conflicts unless the
 * addresses differ, or both set SO_REUSEADDR and the other is not listening, or both set
 * SO_REUSEPORT under the same uid.
 */
export function inet_bind_conflict(sk: Sock, port: u32, for_listen: bool): bool {
  let p = load<usize>(pbucket(bhash, port));
  while (p != 0) {
    const sk2 = changetype<Sock>(p);
    p = sk2.bind_next;
    if (sk2 === sk || sk2.inet_num != port) continue;
    const overlap = sk2.inet_rcv_saddr == 0 || sk.inet_rcv_saddr == 0 || sk2.inet_rcv_saddr == sk.inet_rcv_saddr;
    if (!overlap) continue;
    const listening2 = sk2.sk_state == <u32>TCP_LISTEN;
    if (sk.sk_reuse != 0 && sk2.sk_reuse != 0 && !listening2 && !for_listen) continue;
    if (sk.sk_reuse != 0 && sk2.sk_reuse != 0 && sk2.sk_state == <u32>TCP_TIME_WAIT) continue;
    if (sk.sk_reuseport != 0 && sk2.sk_reuseport != 0 && sk.sk_uid == sk2.sk_uid) continue;
    return true;
  }
  return false;
}

/** The local port is used by a connection to this exact peer (the 4-tuple is taken). */
export function inet_tuple_taken(laddr: u32, lport: u32, faddr: u32, fport: u32): Sock | null {
  return inet_lookup_established(faddr, fport, laddr, lport);
}

/** Whether any socket holds the port (for bind(0) choosing a fresh one). */
export function inet_port_used(port: u32): bool {
  let p = load<usize>(pbucket(bhash, port));
  while (p != 0) {
    const sk2 = changetype<Sock>(p);
    if (sk2.inet_num == port) return true;
    p = sk2.bind_next;
  }
  return false;
}
