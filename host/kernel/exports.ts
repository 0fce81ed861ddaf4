// The kernel's Wasm exports and imports, typed (tcpip.js style: names identical to the
// symbols in assembly/index.ts). Both engines (Wasm and wasm2js) present this shape.

export interface KernelExports {
  memory: { buffer: ArrayBuffer };
  kernel_init(seed: number, nskb: number, nsmall: number, nlarge: number): void;
  kernel_poll(nowMs: number): number;
  kernel_clock_set(nowMs: number): void;
  kernel_next_deadline(): number;
  kstack_uarea(): number;
  kstack_uarea_size(): number;
  kstack_uaddr(): number;
  netdev_add_eth(macHi: number, macLo: number, mtu: number, ip: number, prefixlen: number): number;
  route_add(dst: number, prefixlen: number, ifindex: number, gateway: number): number;
  netdev_set_netem(ifindex: number, latencyMs: number, jitterMs: number, rateBps: number, loss: number, duplicate: number, reorder: number, corrupt: number, limit: number): number;
  netdev_mtu(ifindex: number): number;
  netdev_set_mtu(ifindex: number, mtu: number): number;
  netdev_tx_ring(ifindex: number): number;
  netdev_rx_ring(ifindex: number): number;
  netdev_set_rings(ifindex: number, rx: number, tx: number): number;
  netdev_interrupt(ifindex: number): void;
  netdev_set_tap(ifindex: number, on: number): void;
  netdev_stat(ifindex: number, which: number): number;
  sysctl_set(which: number, a: number, b: number): number;
  mib_count(): number;
  mib_value(i: number): number;
  mib_name(i: number): number;
  mib_group_count(): number;
  mib_group_name(g: number): number;
  mib_group_start(g: number): number;
  drop_reason_count(): number;
  drop_reason_name(i: number): number;
  drop_reason_value(i: number): number;
  stat_skb_inuse(): number;
  stat_skb_free_small(): number;
  stat_skb_free_large(): number;
  stat_timers(): number;
  stat_socks(): number;
  stat_files(): number;
  stat_tasks(): number;
  stat_ipfrag_queues(): number;
  stat_softnet(which: number): number;
  stat_neigh(): number;
  neigh_entry(i: number, out: number): number;
  task_create(pid: number, uid: number, gid: number): number;
  task_fork(parent: number, child: number): number;
  task_exit(pid: number): number;
  task_interrupt(pid: number): number;
  task_host_wait(pid: number, on: number): number;
  sys_socket(pid: number, family: number, type: number, protocol: number): number;
  sys_bind(pid: number, fd: number, family: number, addr: number, port: number): number;
  sys_connect(pid: number, fd: number, family: number, addr: number, port: number): number;
  sys_listen(pid: number, fd: number, backlog: number): number;
  sys_accept4(pid: number, fd: number, flags: number): number;
  sys_getsockname(pid: number, fd: number): number;
  sys_getpeername(pid: number, fd: number): number;
  sys_shutdown(pid: number, fd: number, how: number): number;
  sys_close(pid: number, fd: number): number;
  sys_close_wait(pid: number): number;
  sys_sendto(pid: number, fd: number, len: number, flags: number, hasAddr: number, family: number, addr: number, port: number): number;
  sys_recvfrom(pid: number, fd: number, len: number, flags: number): number;
  sys_setsockopt(pid: number, fd: number, level: number, name: number, val: number): number;
  sys_getsockopt(pid: number, fd: number, level: number, name: number): number;
  sys_fcntl(pid: number, fd: number, cmd: number, arg: number): number;
  sys_ioctl(pid: number, fd: number, cmd: number, arg: number): number;
  sys_nanosleep(pid: number, ms: number): number;
  sys_setrlimit(pid: number, resource: number, cur: number, max: number): number;
  sys_getrlimit(pid: number, resource: number): number;
  sys_setsockopt_linger(pid: number, fd: number, onoff: number, linger: number): number;
  sys_getsockopt_linger(pid: number, fd: number): number;
  sys_setsockopt_str(pid: number, fd: number, level: number, name: number, len: number): number;
  tcp_cc_sysctl_set(len: number): number;
  tcp_cc_available(): number;
  tcp_sysctl(which: number, a: number, b: number, c: number): number;
  kstack_trace_tcp_states(on: number): void;
  stat_tcp_socks(): number;
  sig_pending_table(): number;
  sys_rt_sigaction(pid: number, sig: number, kind: number, flags: number, lo: number, hi: number): number;
  sys_rt_sigprocmask(pid: number, how: number, lo: number, hi: number, hasSet: number): number;
  sys_rt_sigpending(pid: number): number;
  sys_rt_sigreturn(pid: number, lo: number, hi: number): number;
  sys_kill(pid: number, target: number, sig: number): number;
  signal_kill(target: number, sig: number): number;
  task_fatal_signal(pid: number): number;
  signal_get(pid: number, rc: number): number;
  signal_get_out(): number;
  ss_next(sk: number): number;
  ss_fill(sk: number): void;
  ss_fd_sock(pid: number, fd: number): number;
  ss_fd_max(pid: number): number;
  sys_epoll_create1(pid: number, flags: number): number;
  sys_epoll_ctl(pid: number, epfd: number, op: number, fd: number, events: number, dataLo: number, dataHi: number): number;
  sys_epoll_wait(pid: number, epfd: number, maxevents: number, timeoutMs: number): number;
  sys_poll(pid: number, nfds: number, timeoutMs: number): number;
  sys_select(pid: number, nfds: number, timeoutMs: number): number;
  task_wakeups(pid: number): number;
  stat_epitems(): number;
  stat_poll_entries(): number;
  // benchmark hooks (assembly/lib_exports.ts)
  bench_csum_simd(p: number, n: number): number;
  bench_csum_scalar(p: number, n: number): number;
  bench_csum_loop(p: number, n: number, iters: number, simd: number): number;
  bench_memcpy_loop(dst: number, src: number, n: number, iters: number): void;
  test_scratch(): number;
  stat_ehash(which: number): number;
  stat_heap_top(): number;
  kstack_thash_entries(entries: number): number;
  kstack_pool_max(nskbMax: number, nsmallMax: number): number;
  stat_skb_total(): number;
  kstack_skb_hold(n: number): number;
  kstack_skb_release(): number;
}

/** What the kernel calls on the host (assembly `@external("env", ...)`). */
export interface KernelHooks {
  /** A TX descriptor was posted on ifindex (the doorbell). */
  kick(ifindex: number): void;
  /** A frame passed a tapped device: dir 0 = received, 1 = sent. Valid only during the call. */
  tap(ifindex: number, data: Uint8Array, dir: number): void;
  /** A blocked task can retry its syscall. */
  wake(pid: number): void;
  /** A TCP socket changed state (only when kstack_trace_tcp_states(1) was called). */
  tcpState?(sk: number, oldState: number, state: number): void;
}
