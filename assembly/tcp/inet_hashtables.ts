// TCP's socket tables. Linux: net/ipv4/inet_hashtables.c, inet_connection_sock.c.
//   ehash  (saddr, sport, daddr, dport) → the connection (established ... TIME_WAIT)
//   lhash  local port → listeners
//   bhash  local port → every socket holding it (bind conflicts, port choice)
// Chains are intrusive (sk->ehash_next, sk->bind_next) with a back link to the word that
// points at the sock (hlist's pprev), so a lookup allocates nothing, unhashing never walks
// a chain, and the per-segment cost does not grow with the number of connections.
//
// Sizes. Linux sizes ehash once at boot from RAM (tcp_init → alloc_large_system_hash,
// "TCP established hash table entries: 65536" on a few GiB; thash_entries= overrides)
// and never resizes it. A wasm32 memory starts small and grows with the connections, so
// kstack starts at the 65,536 buckets of such a machine and doubles the table whenever it
// holds more socks than buckets (up to 2^22): a run with a million connections gets the
// table a large machine would have been given at boot, and a small run is unchanged.
// bhash is indexed by the port itself (65,536 heads, one per port, where Linux hashes
// (net, port) into inet_bind_bucket chains), so every chain is one port's owners.
//
// Linux keeps one struct inet_bind_bucket per port in use; kstack walks the bhash chain
// for its owners and keeps the one bucket property that is not a function of them in
// tb_connect[port]: the bucket was made by __inet_hash_connect (tb->fastreuse and
// tb->fastreuseport both -1) and no bind() has joined it since, so connect() may share it.
import { jhash_3words } from "../lib/jhash";
import { prandom_u32 } from "../kernel/random";
import { Sock } from "../core/sock";
import { reuseport_alloc, reuseport_add_sock, reuseport_detach_sock, reuseport_select_sock } from "../core/sock_reuseport";
import { TCP_LISTEN, TCP_TIME_WAIT } from "../abi/tcp_states";
import { EBUSY, EINVAL } from "../abi/errno";

// @ts-ignore: decorator
@inline const EHASH_BITS_MIN: u32 = 16;
// @ts-ignore: decorator
@inline const EHASH_BITS_MAX: u32 = 22;
/** Listening hash buckets (by port; a handful of listeners). */
// @ts-ignore: decorator
@inline const BHASH_SIZE: u32 = 4096;
// @ts-ignore: decorator
@inline const PORT_HEADS: u32 = 65536;
let ehash: usize = 0;
let ehash_bits: u32 = EHASH_BITS_MIN;
let ehash_mask: u32 = (1 << EHASH_BITS_MIN) - 1;
let lhash: usize = 0;
let bhash: usize = 0;
let hash_secret: u32 = 0;
let ehash_count: u32 = 0;
let tb_connect: usize = 0;
/** INET_TABLE_PERTURB_SIZE (1 << CONFIG_INET_TABLE_PERTURB_ORDER, 16 by default). */
// @ts-ignore: decorator
@inline export const INET_TABLE_PERTURB_SIZE: u32 = 1 << 16;
/** table_perturb[]: __inet_hash_connect's per-destination-class offsets (Linux 5.17+). */
export let table_perturb: usize = 0;

export function inet_hashinfo_init(): void {
  ehash = heap.alloc(<usize>(ehash_mask + 1) << 2);
  memory.fill(ehash, 0, <usize>(ehash_mask + 1) << 2);
  lhash = heap.alloc(<usize>BHASH_SIZE << 2);
  memory.fill(lhash, 0, <usize>BHASH_SIZE << 2);
  bhash = heap.alloc(<usize>PORT_HEADS << 2);
  memory.fill(bhash, 0, <usize>PORT_HEADS << 2);
  hash_secret = prandom_u32();
  tb_connect = heap.alloc(65536);
  memory.fill(tb_connect, 0, 65536);
  // get_random_sleepable_once(table_perturb): random from the first use; seeded here.
  table_perturb = heap.alloc(<usize>INET_TABLE_PERTURB_SIZE << 2);
  for (let i: u32 = 0; i < INET_TABLE_PERTURB_SIZE; i++) store<u32>(table_perturb + (<usize>i << 2), prandom_u32());
}

/**
 * The thash_entries= boot parameter: ehash gets `entries` buckets (a power of two, at
 * least 16), before any connection exists. Tests use a small table to make it grow.
 * Returns 0, or -EBUSY once a sock is hashed, -EINVAL for a bad size.
 */
export function inet_ehash_set_entries(entries: u32): i32 {
  if (ehash_count != 0) return -EBUSY;
  if (entries < 16 || entries > (<u32>1 << EHASH_BITS_MAX) || (entries & (entries - 1)) != 0) return -EINVAL;
  ehash = heap.alloc(<usize>entries << 2);
  memory.fill(ehash, 0, <usize>entries << 2);
  ehash_bits = 31 - clz(entries);
  ehash_mask = entries - 1;
  return 0;
}

export function inet_ehash_count(): u32 { return ehash_count; }
/** Buckets in ehash now (grows with the connections; see the file header). */
export function inet_ehash_buckets(): u32 { return ehash_mask + 1; }

/**
 * inet_ehashfn() (Linux 6.15+): lport + jhash_3words(laddr, faddr, fport, secret), so a
 * connection's local port moves it to the next bucket and the rest is a keyed hash;
 * reuseport_select_sock scales the same value onto a SO_REUSEPORT group.
 */
export function ehashfn(laddr: u32, lport: u32, faddr: u32, fport: u32): u32 {
  return lport + jhash_3words(laddr, faddr, fport, hash_secret);
}
// @ts-ignore: decorator
@inline function ebucket(laddr: u32, lport: u32, faddr: u32, fport: u32): usize {
  return ehash + (<usize>(ehashfn(laddr, lport, faddr, fport) & ehash_mask) << 2);
}
// @ts-ignore: decorator
@inline function pbucket(table: usize, port: u32): usize { return table + (<usize>(port & (BHASH_SIZE - 1)) << 2); }
// @ts-ignore: decorator
@inline function bhead(port: u32): usize { return bhash + (<usize>(port & (PORT_HEADS - 1)) << 2); }

/** hlist_add_head(): sk first in the chain at `head`; `next_off`/`pprev_off` name its links. */
function chain_add(head: usize, sk: Sock, next_off: usize, pprev_off: usize): void {
  const skp = changetype<usize>(sk);
  const first = load<usize>(head);
  store<usize>(skp + next_off, first);
  if (first != 0) store<usize>(first + pprev_off, skp + next_off);
  store<usize>(head, skp);
  store<usize>(skp + pprev_off, head);
}

/** hlist_del_init(): O(1) through the back link; false if sk was not hashed. */
function chain_del(sk: Sock, next_off: usize, pprev_off: usize): bool {
  const skp = changetype<usize>(sk);
  const pprev = load<usize>(skp + pprev_off);
  if (pprev == 0) return false;
  const next = load<usize>(skp + next_off);
  store<usize>(pprev, next);
  if (next != 0) store<usize>(next + pprev_off, pprev);
  store<usize>(skp + next_off, 0);
  store<usize>(skp + pprev_off, 0);
  return true;
}

/**
 * Doubles ehash and moves every sock to its new bucket (kstack: Linux's table is fixed
 * at boot, see the file header). Amortized O(1) per insert; the old table stays with the
 * stub allocator, less than the new one. Only when the memory can take it: a failed
 * memory.grow would trap, and a fuller table is merely slower.
 */
function ehash_grow(): void {
  const nbits = ehash_bits + 1;
  const bytes = (<usize>1 << nbits) << 2;
  // wasm32 stops at 65,536 pages (4 GiB): keep the table's size again as headroom.
  if ((<u64>memory.size() << 16) + (<u64>bytes << 1) > (<u64>65536 << 16)) return;
  const nt = heap.alloc(bytes);
  memory.fill(nt, 0, bytes);
  const old = ehash;
  const n = ehash_mask + 1;
  ehash = nt;
  ehash_bits = nbits;
  ehash_mask = (<u32>1 << nbits) - 1;
  const next_off = offsetof<Sock>("ehash_next");
  const pprev_off = offsetof<Sock>("ehash_pprev");
  for (let i: u32 = 0; i < n; i++) {
    let p = load<usize>(old + (<usize>i << 2));
    while (p != 0) {
      const sk = changetype<Sock>(p);
      p = sk.ehash_next;
      chain_add(ebucket(sk.inet_rcv_saddr, sk.inet_num, sk.inet_daddr, sk.inet_dport), sk, next_off, pprev_off);
    }
  }
}

/** __inet_hash_nolisten(): enters a connection into ehash. */
export function inet_ehash_insert(sk: Sock): void {
  if (ehash_count > ehash_mask && ehash_bits < EHASH_BITS_MAX) ehash_grow();
  const b = ebucket(sk.inet_rcv_saddr, sk.inet_num, sk.inet_daddr, sk.inet_dport);
  chain_add(b, sk, offsetof<Sock>("ehash_next"), offsetof<Sock>("ehash_pprev"));
  ehash_count++;
}

export function inet_ehash_remove(sk: Sock): void {
  if (chain_del(sk, offsetof<Sock>("ehash_next"), offsetof<Sock>("ehash_pprev"))) ehash_count--;
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

/**
 * __inet_hash() for a listener: a SO_REUSEPORT listener joins the group of another
 * listener on the same address and port owned by the same uid (inet_reuseport_add_sock),
 * or starts one. Head insertion, as Linux does for IPv4. Returns 0 or -ENOMEM.
 */
export function inet_lhash_insert(sk: Sock): i32 {
  const b = pbucket(lhash, sk.inet_num);
  if (sk.sk_reuseport != 0) {
    let p = load<usize>(b);
    let joined = false;
    while (p != 0) {
      const sk2 = changetype<Sock>(p);
      p = sk2.ehash_next;
      if (sk2 !== sk && sk2.inet_num == sk.inet_num && sk2.sk_state == <u32>TCP_LISTEN &&
          sk2.sk_bound_dev_if == sk.sk_bound_dev_if && sk2.sk_reuseport != 0 &&
          sk2.sk_uid == sk.sk_uid && sk2.inet_rcv_saddr == sk.inet_rcv_saddr) {
        const rc = reuseport_add_sock(sk, sk2);
        if (rc != 0) return rc;
        joined = true;
        break;
      }
    }
    if (!joined) reuseport_alloc(sk);
  }
  chain_add(b, sk, offsetof<Sock>("ehash_next"), offsetof<Sock>("ehash_pprev"));
  return 0;
}

/** inet_unhash() of a listener; with tcp_migrate_req = 0 it just leaves its group. */
export function inet_lhash_remove(sk: Sock): void {
  chain_del(sk, offsetof<Sock>("ehash_next"), offsetof<Sock>("ehash_pprev"));
  reuseport_detach_sock(sk);
}

/**
 * __inet_lookup_listener(): a listener bound to daddr beats a wildcard one (the lookup by
 * (daddr, port) comes before the one by (INADDR_ANY, port)); among equals the first in
 * the chain. A SO_REUSEPORT listener hands over to its group's choice by the 4-tuple
 * hash (inet_lookup_reuseport with inet_ehashfn).
 */
export function inet_lookup_listener(daddr: u32, dport: u32, saddr: u32 = 0, sport: u32 = 0): Sock | null {
  let best: Sock | null = null;
  let p = load<usize>(pbucket(lhash, dport));
  while (p != 0) {
    const sk = changetype<Sock>(p);
    p = sk.ehash_next;
    if (sk.inet_num != dport || sk.sk_state != <u32>TCP_LISTEN) continue;
    if (sk.inet_rcv_saddr == daddr) { best = sk; break; }
    if (sk.inet_rcv_saddr == 0 && best === null) best = sk;
  }
  if (best !== null && best.sk_reuseport_cb != 0) {
    const sel = reuseport_select_sock(best, ehashfn(daddr, dport, saddr, sport));
    if (sel !== null) return sel;
  }
  return best;
}

// ───── bhash: ports held ─────

export function inet_bhash_add(sk: Sock, port: u32): void {
  sk.inet_num = port;
  sk.inet_sport = port;
  chain_add(bhead(port), sk, offsetof<Sock>("bind_next"), offsetof<Sock>("bind_pprev"));
}

/** inet_put_port(): the socket gives its local port back (inet_num = 0; inet_sport stays,
 *  so a RST sent right after — tcp_close's abort — still carries the port). */
export function inet_put_port(sk: Sock): void {
  if (sk.inet_num == 0) return;
  chain_del(sk, offsetof<Sock>("bind_next"), offsetof<Sock>("bind_pprev"));
  sk.inet_num = 0;
}

/** A bind() holds the port now: the bucket is no longer connect()'s to share. */
export function inet_csk_update_fastreuse(port: u32): void { store<u8>(tb_connect + port, 0); }
/** __inet_hash_connect made the bucket (fastreuse = fastreuseport = -1). */
export function inet_bucket_set_connect(port: u32): void { store<u8>(tb_connect + port, 1); }
/** The port's bucket may be shared by connect() (tb->fastreuse < 0 && tb->fastreuseport < 0). */
export function inet_bucket_connect_only(port: u32): bool { return load<u8>(tb_connect + port) != 0; }

/**
 * inet_csk_bind_conflict(): may sk take `port`? For every other owner whose address
 * overlaps (inet_rcv_saddr_equal with wildcards) and device matches, inet_bind_conflict():
 * - both SO_REUSEADDR and the owner is not listening: no conflict when relaxed (an
 *   explicit bind), a conflict for bind(0) (relax = false);
 * - otherwise no conflict only if reuseport_ok and both set SO_REUSEPORT and the owner is
 *   in TIME_WAIT or has the same uid.
 * An explicit bind() and listen() ask with relax = reuseport_ok = true,
 * inet_csk_find_open_port with both false. A TIME_WAIT owner keeps the sk_reuse and
 * sk_reuseport of its socket (tw_reuse, tw_reuseport).
 */
export function inet_bind_conflict(sk: Sock, port: u32, relax: bool, reuseport_ok: bool): bool {
  let p = load<usize>(bhead(port));
  while (p != 0) {
    const sk2 = changetype<Sock>(p);
    p = sk2.bind_next;
    if (sk2 === sk || sk2.inet_num != port) continue;
    if (sk.sk_bound_dev_if != 0 && sk2.sk_bound_dev_if != 0 && sk.sk_bound_dev_if != sk2.sk_bound_dev_if) continue;
    const overlap = sk2.inet_rcv_saddr == 0 || sk.inet_rcv_saddr == 0 || sk2.inet_rcv_saddr == sk.inet_rcv_saddr;
    if (!overlap) continue;
    const tw2 = sk2.sk_state == <u32>TCP_TIME_WAIT;
    if (sk.sk_reuse != 0 && sk2.sk_reuse != 0 && sk2.sk_state != <u32>TCP_LISTEN) {
      if (!relax || (!reuseport_ok && sk.sk_reuseport != 0 && sk2.sk_reuseport != 0 && (tw2 || sk.sk_uid == sk2.sk_uid))) return true;
    } else if (!reuseport_ok || sk.sk_reuseport == 0 || sk2.sk_reuseport == 0 || (!tw2 && sk.sk_uid != sk2.sk_uid)) {
      return true;
    }
  }
  return false;
}

/** The local port is used by a connection to this exact peer (the 4-tuple is taken). */
export function inet_tuple_taken(laddr: u32, lport: u32, faddr: u32, fport: u32): Sock | null {
  return inet_lookup_established(faddr, fport, laddr, lport);
}

/** Whether any socket holds the port (a bind bucket exists): O(1), one head per port. */
export function inet_port_used(port: u32): bool {
  return load<usize>(bhead(port)) != 0;
}
