// The kernel ABI: the only exports the host sees (host/kernel/exports.ts mirrors them).
// No logic here beyond calling into the layers and running softirqs at syscall exit.
// All arguments are i32/u32/f64 (no i64: wasm2js would split them), addresses into
// linear memory are u32. Syscalls return >= 0 or -errno; KSTACK_EBLOCK (-1000) means
// "would block: wait for host_task_wake(pid), then call again".
import { clock_advance, jiffies, ktime_ns } from "./kernel/clock";
import { prandom_seed } from "./kernel/random";
import { timer_init, run_timers, timer_next_expiry, timer_any_pending, timers_armed } from "./kernel/timer";
import { hrtimer_init_base, hrtimer_run, hrtimer_next, hrtimers_queued } from "./kernel/hrtimer";
import { snmp_get, snmp_set, MIB_MAX, MIB_NAMES, MIB_GROUPS, MIB_GROUP_START, IPSTATS_MIB_FORWARDING, IPSTATS_MIB_DEFAULTTTL, TCP_MIB_RTOALGORITHM, TCP_MIB_RTOMIN, TCP_MIB_RTOMAX, TCP_MIB_MAXCONN } from "./kernel/mib";
import { drop_count, DROP_REASON_NAMES, SKB_DROP_REASON_MAX } from "./kernel/drop_reason";
import { open_softirq_net_rx, do_softirq } from "./kernel/softirq";
import { SKB_TRUESIZE, skb_init, skb_pool_inuse, skb_pool_free_small, skb_pool_free_large, skb_pool_hold, skb_pool_release, skb_pool_set_max, skb_pool_total } from "./core/skbuff";
import { sock_inuse, set_core_mem } from "./core/sock";
import { netdev_alloc, netdev_refill, netdev_rx_missed, dev_get_by_index, dev_count, netdev_irq, net_rx_action, napi_pending, netdev_set_ring, qdisc_run, IFF_LOOPBACK, ARPHRD_ETHER, ARPHRD_LOOPBACK, set_netdev_budget, set_netdev_max_backlog, softnet_time_squeeze, softnet_dropped, NetDevice } from "./link/netdevice";
import { netem_alloc, netem_change, netem_init, netem_next, netem_drops, netem_qlen } from "./link/netem";
import { neigh_init, neigh_set_parm, neigh_count, neigh_get, neigh_max, neigh_unres_discards } from "./link/neighbour";
import { arp_init } from "./link/arp";
import { fib_add, RTN_LOCAL, RTN_UNICAST, set_ip_forward } from "./ip/route";
import { ip_init } from "./ip/ip_input";
import { ip_output_init } from "./ip/ip_output";
import { ipfrag_init, ipfrag_queues, set_ipfrag_time, set_ipfrag_high_thresh, ipfrag_set_pool_cap } from "./ip/ip_fragment";
import { icmp_init, set_icmp_echo_ignore_all, set_icmp_echo_ignore_broadcasts, set_icmp_ratelimit, set_icmp_ratemask, set_icmp_msgs_per_sec, set_icmp_msgs_burst } from "./ip/icmp";
import { set_ip_local_port_range, set_ping_group_range } from "./ip/inet_common";
import { udp_init } from "./udp/udp";
import { ping_init } from "./udp/ping";
import { tcp_init } from "./tcp/tcp";
import { inet_hashinfo_init, inet_ehash_count, inet_ehash_buckets, inet_ehash_set_entries } from "./tcp/inet_hashtables";
import { tcp_sysctl_set } from "./tcp/tcp_sysctl";
import { tcp_trace_states, tcp_flush_puts } from "./tcp/tcp_state";
import { tcp_socks_inuse } from "./tcp/tcp_sock";
import { sys_socket as _socket, sys_bind as _bind, sys_connect as _connect, sys_listen as _listen, sys_accept4 as _accept4, sys_getname as _getname, sys_shutdown as _shutdown, sys_close as _close, sys_close_wait as _close_wait } from "./sys/sys_socket";
import { sys_sendto as _sendto, sys_recvfrom as _recvfrom } from "./sys/sys_rw";
import { sys_setsockopt as _setsockopt, sys_getsockopt as _getsockopt, sys_setsockopt_linger as _setlinger, sys_getsockopt_linger as _getlinger } from "./sys/sys_sockopt";
import { sys_setsockopt_str as _setsockopt_str } from "./sys/sys_sockopt";
import { tcp_set_default_congestion_control, tcp_get_available_congestion_control } from "./tcp/tcp_cong";
import { sys_fcntl as _fcntl, sys_ioctl as _ioctl } from "./sys/sys_fcntl";
import { sys_task_create, sys_task_fork, sys_task_exit, sys_task_interrupt, sys_nanosleep as _nanosleep, sys_setrlimit as _setrlimit, sys_getrlimit as _getrlimit } from "./sys/sys_task";
import { files_open, fd_sock, fd_max } from "./sys/fdtable";
import { task_get } from "./sys/task";
import { sock_iter, Sock, SOCK_DEAD } from "./core/sock";
import { inet_diag_fill, inet_diag_register_info, inet_req_diag_fill } from "./socket/inet_diag";
import { reqsk_iter, reqsk_inuse } from "./tcp/request_sock";
import { tcp_diag_get_info } from "./tcp/tcp";
import { tasks_live, task_set_host_wait } from "./sys/task";
import { sys_epoll_create1 as _epoll_create1, sys_epoll_ctl as _epoll_ctl, sys_epoll_wait as _epoll_wait, epitems_inuse, SIZEOF_EPOLL_EVENT } from "./sys/eventpoll";
import { sys_poll as _poll } from "./sys/poll";
import { sys_select as _select } from "./sys/select";
import { poll_entries_inuse } from "./sys/poll_table";
import { signal_init, sigpending_table, sys_kill as _kill, signal_kill as _signal_kill, task_fatal_signal as _fatal, sys_rt_sigaction as _sigaction, sys_rt_sigprocmask as _sigprocmask, sys_rt_sigpending as _sigpending, sys_rt_sigreturn as _sigreturn, signal_get as _signal_get, signal_out as _signal_out } from "./sys/signal";

export * from "./lib_exports";

// ───── boot ─────

/** The syscall arena: user buffers are copied here by the host (1 MiB + 64 B of addresses). */
// @ts-ignore: decorator
@inline const UAREA_SIZE: u32 = 1 << 20;
let uarea_base: usize = 0;
export function kstack_uarea(): usize { return uarea_base; }
export function kstack_uarea_size(): u32 { return UAREA_SIZE; }
/** 64 bytes for address results (getsockname, recvfrom): 0 addr, 4 port. */
export function kstack_uaddr(): usize { return uarea_base + UAREA_SIZE; }

/**
 * Boots one host's kernel: seeds the PRNG, carves the pools, registers the protocols
 * (dev_add_pack, inet_add_protocol, struct proto), brings up lo (127.0.0.1/8).
 */
export function kernel_init(seed: u32, nskb: u32, nsmall: u32, nlarge: u32): void {
  prandom_seed(seed);
  timer_init();
  hrtimer_init_base();
  skb_init(nskb, nsmall, nlarge);
  uarea_base = heap.alloc(UAREA_SIZE + 64);
  neigh_init();
  netem_init();
  arp_init();
  ip_init();
  ip_output_init();
  ipfrag_init();
  ipfrag_set_pool_cap((nsmall >> 1) * SKB_TRUESIZE(2048));
  icmp_init();
  udp_init();
  ping_init();
  inet_hashinfo_init();
  tcp_init();
  inet_diag_register_info(tcp_diag_get_info.index);
  open_softirq_net_rx(net_rx_action.index);
  signal_init();
  // Constant rows of /proc/net/snmp (Forwarding 2 = not a router).
  snmp_set(IPSTATS_MIB_FORWARDING, 2);
  snmp_set(IPSTATS_MIB_DEFAULTTTL, 64);
  snmp_set(TCP_MIB_RTOALGORITHM, 1);
  snmp_set(TCP_MIB_RTOMIN, 200);
  snmp_set(TCP_MIB_RTOMAX, 120000);
  snmp_set(TCP_MIB_MAXCONN, 0xffffffff);
  const lo = netdev_alloc(ARPHRD_LOOPBACK, IFF_LOOPBACK, 65536, 0);
  if (lo !== null) {
    lo.ip_addr = 0x7f000001;
    lo.prefixlen = 8;
    fib_add(0x7f000000, 8, RTN_LOCAL, lo.ifindex, 0, 0x7f000001);
  }
}

/**
 * kernel_poll(now): runs due timers, qdisc watchdogs and pending NAPI work at time now
 * (ms on the network clock). Returns the next time (ms) it needs to run, or -1.
 */
/**
 * Brings the kernel clock up to now_ms without running anything (the next kernel_poll
 * runs what fell due). On the real clock the host calls it before a syscall that arms a
 * timer from "now" (nanosleep), so the sleep counts from the caller's now, not from the
 * last poll: Linux's hrtimer_nanosleep reads the clock at the call.
 */
export function kernel_clock_set(now_ms: f64): void { clock_advance(now_ms * 1e6); }

export function kernel_poll(now_ms: f64): f64 {
  clock_advance(now_ms * 1e6);
  run_timers();
  hrtimer_run();
  const n = dev_count();
  for (let i: u32 = 1; i <= n; i++) {
    const dev = dev_get_by_index(i);
    if (dev !== null && (dev.flags & IFF_LOOPBACK) == 0) {
      netdev_refill(dev);
      qdisc_run(dev);
    }
  }
  do_softirq();
  tcp_flush_puts();
  return kernel_next_deadline();
}

/** The next time the kernel has work, in ms, or -1. */
export function kernel_next_deadline(): f64 {
  if (napi_pending()) return ktime_ns / 1e6;
  let next: f64 = -1;
  if (timer_any_pending()) {
    const d = <i32>(timer_next_expiry() - jiffies);
    next = (d <= 0 ? ktime_ns / 1e6 : <f64>(jiffies + <u32>d)) ;
    if (d <= 0) next = ktime_ns / 1e6;
    else next = Math.floor(ktime_ns / 1e6) + <f64>d;
  }
  const hr = hrtimer_next();
  if (hr >= 0) {
    const ms = hr / 1e6;
    if (next < 0 || ms < next) next = ms;
  }
  const n = dev_count();
  for (let i: u32 = 1; i <= n; i++) {
    const dev = dev_get_by_index(i);
    if (dev === null || (dev.flags & IFF_LOOPBACK) != 0) continue;
    const t = netem_next(dev);
    if (t >= 0) {
      const ms = t / 1e6;
      if (next < 0 || ms < next) next = ms;
    }
  }
  return next;
}

// ───── devices, addresses, routes (ip link / ip addr / ip route / tc / ethtool) ─────

/** Adds an Ethernet device; mac as two halves (hi: first 2 octets). Returns ifindex or -errno. */
export function netdev_add_eth(mac_hi: u32, mac_lo: u32, mtu: u32, ip: u32, prefixlen: u32): i32 {
  const dev = netdev_alloc(ARPHRD_ETHER, 0, mtu, (<u64>mac_hi << 32) | <u64>mac_lo);
  if (dev === null) return -28;
  netem_alloc(dev);
  dev.ip_addr = ip;
  dev.prefixlen = prefixlen;
  if (ip != 0) fib_add(ip, 32, RTN_LOCAL, 1, 0, ip); // the local table routes own addresses via lo
  return <i32>dev.ifindex;
}
export function route_add(dst: u32, prefixlen: u32, ifindex: u32, gateway: u32): i32 {
  const dev = dev_get_by_index(ifindex);
  if (dev === null) return -19; // ENODEV
  return fib_add(dst, prefixlen, RTN_UNICAST, ifindex, gateway, 0);
}
export function netdev_set_netem(ifindex: u32, latency_ms: f64, jitter_ms: f64, rate_bps: f64, loss: f64, duplicate: f64, reorder: f64, corrupt: f64, limit: u32): i32 {
  const dev = dev_get_by_index(ifindex);
  if (dev === null || (dev.flags & IFF_LOOPBACK) != 0) return -19;
  netem_change(dev, latency_ms * 1e6, jitter_ms * 1e6, rate_bps, prob(loss), prob(duplicate), prob(reorder), prob(corrupt), limit);
  return 0;
}
function prob(p: f64): u32 {
  if (!(p > 0)) return 0;
  if (p >= 1) return 0xffffffff;
  return <u32>(p * 4294967296.0);
}
export function netdev_mtu(ifindex: u32): u32 { const d = dev_get_by_index(ifindex); return d === null ? 0 : d.mtu; }
export function netdev_set_mtu(ifindex: u32, mtu: u32): i32 {
  const d = dev_get_by_index(ifindex);
  if (d === null) return -19;
  if (mtu < 68 || mtu > 65536) return -22;
  d.mtu = mtu;
  return 0;
}
export function netdev_tx_ring(ifindex: u32): usize { const d = dev_get_by_index(ifindex); return d === null ? 0 : d.tx_ring; }
export function netdev_rx_ring(ifindex: u32): usize { const d = dev_get_by_index(ifindex); return d === null ? 0 : d.rx_ring; }
export function netdev_set_rings(ifindex: u32, rx: u32, tx: u32): i32 {
  const d = dev_get_by_index(ifindex);
  if (d === null || (d.flags & IFF_LOOPBACK) != 0) return -19;
  return netdev_set_ring(d, rx, tx);
}
/** The device interrupt: frames were delivered to RX or TX descriptors completed. */
export function netdev_interrupt(ifindex: u32): void {
  const d = dev_get_by_index(ifindex);
  if (d !== null) netdev_irq(d);
}
export function netdev_set_tap(ifindex: u32, on: u32): void {
  const d = dev_get_by_index(ifindex);
  if (d !== null) d.tap = on;
}
/** Device statistics (ip -s link): 0 rx_packets 1 rx_bytes 2 rx_dropped 3 rx_errors
 *  4 tx_packets 5 tx_bytes 6 tx_dropped 7 tx_errors 8 qdisc drops 9 qdisc qlen. */
export function netdev_stat(ifindex: u32, which: u32): u32 {
  const d = dev_get_by_index(ifindex);
  if (d === null) return 0;
  switch (which) {
    case 0: return d.rx_packets;
    case 1: return d.rx_bytes;
    // rx_missed_errors (no posted RX buffer) are part of rx_dropped, as `ip -s link` shows.
    case 2: return d.rx_dropped + ((d.flags & IFF_LOOPBACK) != 0 ? 0 : netdev_rx_missed(d));
    case 3: return d.rx_errors;
    case 4: return d.tx_packets;
    case 5: return d.tx_bytes;
    case 6: return d.tx_dropped;
    case 7: return d.tx_errors;
    case 8: return (d.flags & IFF_LOOPBACK) != 0 ? 0 : netem_drops(d);
    case 9: return (d.flags & IFF_LOOPBACK) != 0 ? 0 : netem_qlen(d);
    default: return 0;
  }
}

// ───── sysctls (the host maps names to these) ─────
export function sysctl_set(which: u32, a: i32, b: i32): i32 {
  switch (which) {
    case 0: return set_ip_local_port_range(<u32>a, <u32>b);
    case 1: set_ping_group_range(<u32>a, <u32>b); return 0;
    case 2: set_core_mem(0, a); return 0; // net.core.rmem_default
    case 3: set_core_mem(1, a); return 0; // net.core.wmem_default
    case 4: set_core_mem(2, a); return 0; // net.core.rmem_max
    case 5: set_core_mem(3, a); return 0; // net.core.wmem_max
    case 6: set_ip_forward(<u32>a); snmp_set(IPSTATS_MIB_FORWARDING, a != 0 ? 1 : 2); return 0;
    case 7: set_ipfrag_time(<u32>a); return 0;
    case 8: set_ipfrag_high_thresh(<u32>a); return 0;
    case 9: set_icmp_echo_ignore_all(<u32>a); return 0;
    case 10: set_icmp_echo_ignore_broadcasts(<u32>a); return 0;
    case 11: set_netdev_budget(<u32>a); return 0;
    case 12: set_netdev_max_backlog(<u32>a); return 0;
    case 13: neigh_set_parm(<u32>b, <u32>a); return 0;
    case 14: set_icmp_ratelimit(<u32>a); return 0;
    case 15: set_icmp_ratemask(<u32>a); return 0;
    case 16: set_icmp_msgs_per_sec(<u32>a); return 0;
    case 17: set_icmp_msgs_burst(<u32>a); return 0;
    default: return -22;
  }
}

// ───── counters, pools, leak checks ─────
export function mib_count(): u32 { return MIB_MAX; }
export function mib_value(i: u32): u32 { return snmp_get(i); }
export function mib_name(i: u32): usize { return changetype<usize>(MIB_NAMES[i]); }
export function mib_group_count(): u32 { return MIB_GROUPS.length; }
export function mib_group_name(g: u32): usize { return changetype<usize>(MIB_GROUPS[g]); }
export function mib_group_start(g: u32): u32 { return MIB_GROUP_START[g]; }
export function drop_reason_count(): u32 { return SKB_DROP_REASON_MAX; }
export function drop_reason_name(i: u32): usize { return changetype<usize>(DROP_REASON_NAMES[i]); }
export function drop_reason_value(i: u32): u32 { return drop_count(i); }
export function stat_skb_inuse(): u32 { return skb_pool_inuse(); }
export function stat_skb_free_small(): u32 { return skb_pool_free_small(); }
export function stat_skb_free_large(): u32 { return skb_pool_free_large(); }
export function stat_timers(): u32 { return timers_armed() + hrtimers_queued(); }
export function stat_socks(): u32 { return sock_inuse(); }
export function stat_files(): u32 { return files_open(); }
export function stat_tasks(): u32 { return tasks_live(); }
export function stat_ipfrag_queues(): u32 { return ipfrag_queues(); }
export function stat_softnet(which: u32): u32 { return which == 0 ? softnet_time_squeeze : which == 1 ? softnet_dropped : neigh_unres_discards; }
export function neigh_entry(i: u32, out: usize): i32 {
  if (i >= neigh_max()) return -1;
  const n = neigh_get(i);
  if (n === null) return 0;
  store<u32>(out, n.ip);
  store<u32>(out, <u32>(n.mac >> 32), 4);
  store<u32>(out, <u32>n.mac, 8);
  store<u32>(out, n.nud_state, 12);
  store<u32>(out, n.ifindex, 16);
  return 1;
}
export function stat_neigh(): u32 { return neigh_count(); }

// ───── syscalls (pid first); each runs pending softirq work before returning ─────
// @ts-ignore: decorator
@inline function ret(rc: i32): i32 { do_softirq(); tcp_flush_puts(); return rc; }

export function task_create(pid: u32, uid: u32, gid: u32): i32 { return sys_task_create(pid, uid, gid); }
export function task_fork(parent: u32, child: u32): i32 { return sys_task_fork(parent, child); }
export function sys_setrlimit(pid: u32, resource: u32, cur: u32, max: u32): i32 { return _setrlimit(pid, resource, cur, max); }
/** getrlimit(): rlim_cur as the result, rlim_max at uaddr. */
export function sys_getrlimit(pid: u32, resource: u32): i32 { return _getrlimit(pid, resource, kstack_uaddr()); }
export function task_exit(pid: u32): i32 { return ret(sys_task_exit(pid)); }
export function task_interrupt(pid: u32): i32 { return ret(sys_task_interrupt(pid)); }
/** wait4(): the host marks pid sleeping in it (on = 1) and awake again (on = 0); a signal wakes it (host_task_wake). */
export function task_host_wait(pid: u32, on: u32): i32 { return task_set_host_wait(pid, on); }
export function sys_socket(pid: u32, family: u32, type: u32, protocol: u32): i32 { return _socket(pid, family, type, protocol); }
export function tcp_sysctl(which: u32, a: u32, b: u32, c: u32): i32 { return tcp_sysctl_set(which, a, b, c); }
export function kstack_trace_tcp_states(on: u32): void { tcp_trace_states(on); }
export function stat_tcp_socks(): u32 { return tcp_socks_inuse(); }
export function sys_bind(pid: u32, fd: i32, family: u32, addr: u32, port: u32): i32 { return _bind(pid, fd, family, addr, port); }
export function sys_connect(pid: u32, fd: i32, family: u32, addr: u32, port: u32): i32 { return ret(_connect(pid, fd, family, addr, port)); }
export function sys_listen(pid: u32, fd: i32, backlog: i32): i32 { return ret(_listen(pid, fd, backlog)); }
export function sys_accept4(pid: u32, fd: i32, flags: u32): i32 { return ret(_accept4(pid, fd, flags)); }
export function sys_getsockname(pid: u32, fd: i32): i32 { return _getname(pid, fd, kstack_uaddr(), 0); }
export function sys_getpeername(pid: u32, fd: i32): i32 { return _getname(pid, fd, kstack_uaddr(), 1); }
export function sys_shutdown(pid: u32, fd: i32, how: u32): i32 { return ret(_shutdown(pid, fd, how)); }
export function sys_close(pid: u32, fd: i32): i32 { return ret(_close(pid, fd)); }
/** The rest of a close() that answered KSTACK_EBLOCK (SO_LINGER): call it after each wake-up. */
export function sys_close_wait(pid: u32): i32 { return ret(_close_wait(pid)); }
/** sendto(): the data is at kstack_uarea(). */
export function sys_sendto(pid: u32, fd: i32, len: u32, flags: u32, has_addr: u32, family: u32, addr: u32, port: u32): i32 {
  return ret(_sendto(pid, fd, uarea_base, len, flags, has_addr, family, addr, port));
}
/** recvfrom(): data lands at kstack_uarea(), the source address at kstack_uaddr(). */
export function sys_recvfrom(pid: u32, fd: i32, len: u32, flags: u32): i32 {
  return ret(_recvfrom(pid, fd, uarea_base, len, flags, kstack_uaddr()));
}
export function sys_setsockopt(pid: u32, fd: i32, level: i32, name: i32, val: i32): i32 { return ret(_setsockopt(pid, fd, level, name, val)); }
/** getsockopt(): an int option's value; struct options (TCP_INFO) are written at kstack_uarea(). */
export function sys_getsockopt(pid: u32, fd: i32, level: i32, name: i32): i32 { return ret(_getsockopt(pid, fd, level, name, uarea_base)); }
export function sys_setsockopt_linger(pid: u32, fd: i32, onoff: i32, linger: i32): i32 { return _setlinger(pid, fd, onoff, linger); }
/** getsockopt(SO_LINGER): l_onoff and l_linger at kstack_uaddr(). */
export function sys_getsockopt_linger(pid: u32, fd: i32): i32 { return _getlinger(pid, fd, kstack_uaddr()); }
/** setsockopt() with a string (TCP_CONGESTION): its `len` bytes at kstack_uarea(). */
export function sys_setsockopt_str(pid: u32, fd: i32, level: i32, name: i32, len: u32): i32 { return ret(_setsockopt_str(pid, fd, level, name, uarea_base, len)); }
/** net.ipv4.tcp_congestion_control: set from the name at kstack_uarea() (-ENOENT). */
export function tcp_cc_sysctl_set(len: u32): i32 { return tcp_set_default_congestion_control(uarea_base, len); }
/** net.ipv4.tcp_available_congestion_control, written at kstack_uarea(); returns its length. */
export function tcp_cc_available(): u32 { return tcp_get_available_congestion_control(uarea_base); }
export function sys_fcntl(pid: u32, fd: i32, cmd: i32, arg: i32): i32 { return _fcntl(pid, fd, cmd, arg); }
export function sys_ioctl(pid: u32, fd: i32, cmd: u32, arg: i32): i32 { return _ioctl(pid, fd, cmd, arg); }
export function sys_nanosleep(pid: u32, ms: f64): i32 { return _nanosleep(pid, ms); }

// ───── signals (sys/signal.ts); sets are two u32 words, low word = signals 1..32 ─────
/** TIF_SIGPENDING per pid (one byte each): the host checks it at every syscall boundary. */
export function sig_pending_table(): usize { return sigpending_table(); }
/** rt_sigaction(): kind -1 reads only; the old action at kstack_uaddr() (kind, flags, mask). */
export function sys_rt_sigaction(pid: u32, sig: i32, kind: i32, flags: i32, lo: u32, hi: u32): i32 { return _sigaction(pid, sig, kind, flags, lo, hi, kstack_uaddr()); }
/** rt_sigprocmask(): the old mask at kstack_uaddr(). */
export function sys_rt_sigprocmask(pid: u32, how: i32, lo: u32, hi: u32, has_set: u32): i32 { return _sigprocmask(pid, how, lo, hi, has_set, kstack_uaddr()); }
export function sys_rt_sigpending(pid: u32): i32 { return _sigpending(pid, kstack_uaddr()); }
export function sys_rt_sigreturn(pid: u32, lo: u32, hi: u32): i32 { return _sigreturn(pid, lo, hi); }
export function sys_kill(pid: u32, target: i32, sig: i32): i32 { return _kill(pid, target, sig); }
/** A signal from the host itself (process.kill()), with root's permission. */
export function signal_kill(target: i32, sig: i32): i32 { return _signal_kill(target, sig); }
export function task_fatal_signal(pid: u32): i32 { return _fatal(pid); }
/** The next signal to act on at a syscall boundary (rc: the call's answer); see signal_get. */
export function signal_get(pid: u32, rc: i32): i32 { return _signal_get(pid, rc, _signal_out()); }
/** Where signal_get() writes (signo, answer, old mask low, high). */
export function signal_get_out(): usize { return _signal_out(); }

// ───── ss (inet_diag) ─────
/** The next socket after `sk` (0 starts), or 0 at the end. */
// Request socks follow the socks, their pointers tagged with bit 0 (both are aligned).
export function ss_next(sk: usize): usize {
  if ((sk & 1) != 0) { const r = reqsk_iter(sk & ~1); return r != 0 ? r | 1 : 0; }
  let n = sock_iter(sk);
  // A closed, orphaned TCP sock still allocated (its requests hold a closed listener) is
  // in no hash table, so Linux's inet_diag never reports it.
  while (n != 0 && changetype<Sock>(n).sk_protocol == 6 && changetype<Sock>(n).sk_state == 7 && (changetype<Sock>(n).sk_flags & SOCK_DEAD) != 0) n = sock_iter(n);
  if (n != 0) return n;
  const r = reqsk_iter(0);
  return r != 0 ? r | 1 : 0;
}
/** Fills the inet_diag record for sk at kstack_uarea(). */
export function ss_fill(sk: usize): void {
  if ((sk & 1) != 0) inet_req_diag_fill(sk & ~1, uarea_base);
  else inet_diag_fill(sk, uarea_base);
}
/** Request socks allocated (leak check) and a task's wake-up count (exclusive-wait tests). */
export function stat_reqsks(): u32 { return reqsk_inuse(); }
export function stat_task_wakeups(pid: u32): u32 { const t = task_get(pid); return t === null ? 0 : t.wakeups; }
/** The sock behind (pid, fd), or 0. */
export function ss_fd_sock(pid: u32, fd: i32): usize {
  const t = task_get(pid);
  return t === null ? 0 : fd_sock(t, fd);
}
export function ss_fd_max(pid: u32): i32 {
  const t = task_get(pid);
  return t === null ? 0 : fd_max(t);
}

// ───── epoll, poll, select (sys/eventpoll.ts, sys/poll.ts, sys/select.ts) ─────
export function sys_epoll_create1(pid: u32, flags: i32): i32 { return _epoll_create1(pid, flags); }
/** epoll_ctl(): data is the u64 epoll_data as two halves. */
export function sys_epoll_ctl(pid: u32, epfd: i32, op: i32, fd: i32, events: u32, data_lo: u32, data_hi: u32): i32 {
  return ret(_epoll_ctl(pid, epfd, op, fd, events, data_lo, data_hi));
}
/** epoll_wait(): the events (struct epoll_event, 12 bytes packed) land at kstack_uarea(). */
export function sys_epoll_wait(pid: u32, epfd: i32, maxevents: i32, timeout_ms: i32): i32 {
  return ret(_epoll_wait(pid, epfd, maxevents, timeout_ms, uarea_base, <i32>(UAREA_SIZE / SIZEOF_EPOLL_EVENT)));
}
/** poll(): nfds struct pollfd at kstack_uarea(), revents filled in place. */
export function sys_poll(pid: u32, nfds: u32, timeout_ms: i32): i32 { return ret(_poll(pid, uarea_base, nfds, timeout_ms)); }
/** select(): the in, out and ex fd_sets (128 bytes each) at kstack_uarea(), rewritten in place. */
export function sys_select(pid: u32, nfds: i32, timeout_ms: i32): i32 { return ret(_select(pid, nfds, uarea_base, timeout_ms)); }
/** Wake-ups the task has had (the thundering-herd counters). */
export function task_wakeups(pid: u32): u32 { const t = task_get(pid); return t === null ? 0 : t.wakeups; }
export function stat_epitems(): u32 { return epitems_inuse(); }
export function stat_poll_entries(): u32 { return poll_entries_inuse(); }

// ───── scale (tcp/inet_hashtables.ts) ─────
/** ehash: 0 = socks hashed, 1 = buckets (the table doubles as connections grow). */
export function stat_ehash(which: u32): u32 { return which == 0 ? inet_ehash_count() : inet_ehash_buckets(); }
/** The heap's high-water mark in bytes (the stub allocator's top; memory.size() rounds up). */
export function stat_heap_top(): usize { const p = heap.alloc(0); heap.free(p); return p; }
/** thash_entries= (boot parameter): the ehash size before any connection; 0 or -errno. */
export function kstack_thash_entries(entries: u32): i32 { return inet_ehash_set_entries(entries); }

// ───── skb pool: growth ceilings, and fault injection (tests of pool exhaustion) ─────
/** Ceilings the skb headers and small buffers may grow to (at least what kernel_init carved); 0 if memory refuses. */
export function kstack_pool_max(nskb_max: u32, nsmall_max: u32): i32 { return skb_pool_set_max(nskb_max, nsmall_max) ? 1 : 0; }
/** skb headers carved so far: the boot pool plus growth. */
export function stat_skb_total(): u32 { return skb_pool_total(); }
/** Takes up to n skbs out of the pool; returns how many were free. */
export function kstack_skb_hold(n: u32): u32 { return skb_pool_hold(n); }
/** Gives them back; returns how many. */
export function kstack_skb_release(): u32 { return skb_pool_release(); }
