// Open files and per-process descriptor tables. Linux: fs/file.c (alloc_fd: lowest free
// number from files->next_fd; RLIMIT_NOFILE gives EMFILE; expand_files doubles the
// table up to the limit), include/linux/fs.h struct file (f_count, f_flags), fs/fcntl.c. A file here is a socket (or, later, an epoll instance); fork
// copies the table and takes a reference on every file, as dup_fd does.
import { EBADF, EMFILE, ENOTSOCK } from "../abi/errno";
import { O_RDWR } from "../abi/fcntl";
import { Sock } from "../core/sock";
import { Task, NR_OPEN } from "./task";
import { kmem_cache_zalloc, kmem_cache_free, kmem_cache_inuse, SIZEOF_KMEM_CACHE } from "../lib/slab";

// @ts-ignore: decorator
@inline export const FILE_SOCKET: u32 = 1;
// @ts-ignore: decorator
@inline export const FILE_EPOLL: u32 = 2;
// @ts-ignore: decorator
@inline export const FD_CLOEXEC_BIT: usize = 1;

/** struct file (from a kmem_cache): 0 f_count │ 4 f_flags │ 8 f_type │ 12 private_data
 *  │ 16 f_owner │ 20 f_sig │ 24 f_ep (list head of the epitems watching this file,
 *  eventpoll_release's list) */
@final @unmanaged export class File {
  f_count: u32;
  f_flags: u32;
  f_type: u32;
  private_data: usize;
  f_owner: i32;
  f_sig: u32;
  f_ep_next: usize;
  f_ep_prev: usize;
}
// @ts-ignore: decorator
@inline export const FILE_F_EP: usize = 24;

const file_cache: usize = memory.data(SIZEOF_KMEM_CACHE, 4);
/** fs.file-max: the whole kernel's open files (ENFILE past it). Linux sizes it at 10% of
 *  memory in KiB (2,466,170 on this 24 GiB machine); a File here is 28 bytes, so the
 *  4 GiB of wasm32 bounds it first. */
export let file_max: u32 = 4194304;

export function files_open(): u32 { return kmem_cache_inuse(file_cache); }

export function alloc_file(type: u32, priv: usize, flags: u32): File | null {
  if (kmem_cache_inuse(file_cache) >= file_max) return null;
  const f = changetype<File>(kmem_cache_zalloc(file_cache, offsetof<File>()));
  f.f_count = 1;
  f.f_flags = <u32>O_RDWR | flags;
  f.f_type = type;
  f.private_data = priv;
  f.f_owner = 0;
  f.f_sig = 0;
  f.f_ep_next = f.f_ep_prev = changetype<usize>(f) + FILE_F_EP;
  return f;
}

/** Returns a file whose last reference is gone to the pool. */
export function free_file(f: File): void {
  kmem_cache_free(file_cache, changetype<usize>(f));
}

// @ts-ignore: decorator
@inline function slot(t: Task, fd: u32): usize { return t.fdt + (<usize>fd << 2); }

/** fget(): the file behind fd, or null. */
export function fget(t: Task, fd: i32): File | null {
  if (fd < 0 || <u32>fd >= t.fdt_size) return null;
  const v = load<usize>(slot(t, <u32>fd)) & ~FD_CLOEXEC_BIT;
  return v == 0 ? null : changetype<File>(v);
}

/**
 * sockfd_lookup_light(): the file of a socket fd (its private_data is the socket), so a
 * caller that also needs the file's flags walks task → fd table → file once; -EBADF or
 * -ENOTSOCK in *err.
 */
export function sockfd_lookup_light(t: Task, fd: i32, err_out: usize): File | null {
  const f = fget(t, fd);
  if (f === null) { store<i32>(err_out, -EBADF); return null; }
  if (f.f_type != FILE_SOCKET) { store<i32>(err_out, -ENOTSOCK); return null; }
  return f;
}

/** sockfd_lookup(): the socket behind fd; -EBADF or -ENOTSOCK in *err. */
export function sockfd_lookup(t: Task, fd: i32, err_out: usize): Sock | null {
  const f = sockfd_lookup_light(t, fd, err_out);
  return f === null ? null : changetype<Sock>(f.private_data);
}

/**
 * expand_files(): doubles the table until slot `fd` exists (never past nr_open). The old
 * table is not returned to the heap (the stub allocator keeps it): growth is geometric,
 * so the waste stays below the table's own size.
 */
function expand_files(t: Task, fd: u32): bool {
  if (fd < t.fdt_size) return true;
  if (fd >= NR_OPEN) return false;
  let n = t.fdt_size;
  while (n <= fd) n <<= 1;
  if (n > NR_OPEN) n = NR_OPEN;
  const nt = heap.alloc(<usize>n << 2);
  memory.copy(nt, t.fdt, <usize>t.fdt_size << 2);
  memory.fill(nt + (<usize>t.fdt_size << 2), 0, <usize>(n - t.fdt_size) << 2);
  t.fdt = nt;
  t.fdt_size = n;
  return true;
}

/** alloc_fd() + fd_install at the lowest free number at or above `from`; -EMFILE past
 *  RLIMIT_NOFILE's soft limit. */
export function fd_alloc(t: Task, f: File, cloexec: bool, from: u32): i32 {
  let fd = from > t.next_fd ? from : t.next_fd;
  const end = t.nofile_cur;
  for (;;) {
    if (fd >= end) return -EMFILE;
    if (fd >= t.fdt_size && !expand_files(t, fd)) return -EMFILE;
    if (load<usize>(slot(t, fd)) == 0) break;
    fd++;
  }
  store<usize>(slot(t, fd), changetype<usize>(f) | (cloexec ? FD_CLOEXEC_BIT : 0));
  if (from <= t.next_fd) t.next_fd = fd + 1;
  return <i32>fd;
}

export function fd_get_cloexec(t: Task, fd: i32): bool { return (load<usize>(slot(t, <u32>fd)) & FD_CLOEXEC_BIT) != 0; }
export function fd_set_cloexec(t: Task, fd: i32, on: bool): void {
  const p = slot(t, <u32>fd);
  const v = load<usize>(p) & ~FD_CLOEXEC_BIT;
  store<usize>(p, v | (on ? FD_CLOEXEC_BIT : 0));
}

/** Clears fd and returns its file (the caller drops the reference). */
export function fd_remove(t: Task, fd: i32): File | null {
  const f = fget(t, fd);
  if (f !== null) {
    store<usize>(slot(t, <u32>fd), 0);
    if (<u32>fd < t.next_fd) t.next_fd = <u32>fd; // __put_unused_fd
  }
  return f;
}

/** dup_fd(): the child's table is a copy; every file gains a reference. */
export function fdtable_copy(dst: Task, src: Task): void {
  // The child inherits the limits and a table as large as the parent's (dup_fd).
  dst.nofile_cur = src.nofile_cur;
  dst.nofile_max = src.nofile_max;
  dst.next_fd = src.next_fd;
  if (src.fdt_size > 0) expand_files(dst, src.fdt_size - 1);
  for (let fd: u32 = 0; fd < src.fdt_size; fd++) {
    const v = load<usize>(slot(src, fd));
    store<usize>(slot(dst, fd), v);
    if (v != 0) changetype<File>(v & ~FD_CLOEXEC_BIT).f_count++;
  }
}

/** The sock behind (task, fd), or 0 — for `ss`'s users column. */
export function fd_sock(t: Task, fd: i32): usize {
  const f = fget(t, fd);
  if (f === null || f.f_type != FILE_SOCKET) return 0;
  return f.private_data;
}
/** One past the highest descriptor in use (0 if none). */
export function fd_max(t: Task): i32 {
  for (let fd = <i32>t.fdt_size - 1; fd >= 0; fd--) if (load<usize>(slot(t, <u32>fd)) != 0) return fd + 1;
  return 0;
}

/** Slots the table has (exit closes them all). */
export function fd_table_size(t: Task): i32 { return <i32>t.fdt_size; }
