// SO_REUSEPORT groups: the sockets sharing one (address, port), and the choice among them
// for an incoming packet by a hash of its 4-tuple. Linux: net/core/sock_reuseport.c
// (reuseport_alloc, reuseport_add_sock, reuseport_detach_sock, reuseport_select_sock).
//
// struct sock_reuseport, from a slab that grows in chunks when a group is created (a rare
// event: listen()/bind() of the first member), never per packet:
//   0 num_socks │ 4 next (free list) │ 8 socks[REUSEPORT_MAX_SOCKS] (Sock pointers)
import { Sock } from "./sock";

/** kstack: a group holds at most this many sockets (Linux grows socks[] up to U16_MAX). */
// @ts-ignore: decorator
@inline export const REUSEPORT_MAX_SOCKS: u32 = 256;
// @ts-ignore: decorator
@inline const SIZEOF_REUSE: usize = 8 + <usize>REUSEPORT_MAX_SOCKS * 4;
// @ts-ignore: decorator
@inline const REUSE_CHUNK: u32 = 8;
/** TCP_ESTABLISHED: a connected UDP member is skipped by the hash (it has its own peer). */
// @ts-ignore: decorator
@inline const TCP_ESTABLISHED: u32 = 1;

let reuse_free: usize = 0;
let reuse_inuse: u32 = 0;

export function reuseport_groups_inuse(): u32 { return reuse_inuse; }

function reuse_get(): usize {
  if (reuse_free == 0) {
    const base = heap.alloc(<usize>REUSE_CHUNK * SIZEOF_REUSE);
    for (let i: u32 = 0; i < REUSE_CHUNK; i++) {
      const r = base + <usize>i * SIZEOF_REUSE;
      store<usize>(r + 4, reuse_free);
      reuse_free = r;
    }
  }
  const r = reuse_free;
  reuse_free = load<usize>(r + 4);
  store<u32>(r, 0);
  reuse_inuse++;
  return r;
}

// @ts-ignore: decorator
@inline function slot(r: usize, i: u32): usize { return r + 8 + (<usize>i << 2); }

/** reuseport_alloc(): sk starts a group of its own. */
export function reuseport_alloc(sk: Sock): void {
  if (sk.sk_reuseport_cb != 0) return;
  const r = reuse_get();
  store<usize>(slot(r, 0), changetype<usize>(sk));
  store<u32>(r, 1);
  sk.sk_reuseport_cb = r;
}

/** reuseport_add_sock(): sk joins sk2's group, at the end of socks[]. -ENOMEM when full. */
export function reuseport_add_sock(sk: Sock, sk2: Sock): i32 {
  if (sk2.sk_reuseport_cb == 0) reuseport_alloc(sk2);
  const r = sk2.sk_reuseport_cb;
  const n = load<u32>(r);
  if (n >= REUSEPORT_MAX_SOCKS) return -12;
  store<usize>(slot(r, n), changetype<usize>(sk));
  store<u32>(r, n + 1);
  sk.sk_reuseport_cb = r;
  return 0;
}

/** reuseport_detach_sock(): the last member takes sk's slot (so the spread changes). */
export function reuseport_detach_sock(sk: Sock): void {
  const r = sk.sk_reuseport_cb;
  if (r == 0) return;
  sk.sk_reuseport_cb = 0;
  const n = load<u32>(r);
  for (let i: u32 = 0; i < n; i++) {
    if (load<usize>(slot(r, i)) == changetype<usize>(sk)) {
      store<usize>(slot(r, i), load<usize>(slot(r, n - 1)));
      store<u32>(r, n - 1);
      break;
    }
  }
  if (load<u32>(r) == 0) {
    store<usize>(r + 4, reuse_free);
    reuse_free = r;
    reuse_inuse--;
  }
}

/**
 * reuseport_select_sock() without a BPF program: socks[reciprocal_scale(hash, n)], or the
 * next member that is not a connected (TCP_ESTABLISHED) UDP socket
 * (reuseport_select_sock_by_hash). Returns null when sk has no group.
 */
export function reuseport_select_sock(sk: Sock, hash: u32): Sock | null {
  const r = sk.sk_reuseport_cb;
  if (r == 0) return null;
  const n = load<u32>(r);
  if (n == 0) return null;
  // reciprocal_scale(): (u64)hash * n >> 32.
  const j = <u32>((<u64>hash * <u64>n) >> 32);
  let i = j;
  do {
    const s = changetype<Sock>(load<usize>(slot(r, i)));
    if (s.sk_state != TCP_ESTABLISHED) return s;
    i++;
    if (i >= n) i = 0;
  } while (i != j);
  return null;
}
