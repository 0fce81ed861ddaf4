// sysctl names → kernel settings, with Linux's defaults and /proc's text formats.
// Names and defaults: Documentation/networking/ip-sysctl.rst and net/core sysctls.
// Settings whose machinery arrives with TCP are stored and validated already, so that
// scripts can set them now; the kernel reads them when their code lands.
import type { Kernel } from './kernel/kernel.js';

interface Entry {
  value: string;
  /** Number of integers the value holds (1, 2 or 3). */
  arity: number;
  min?: number;
  max?: number;
  /** Pushes the parsed value into the kernel; returns -errno on refusal. */
  apply?: (k: Kernel, v: number[]) => number;
}

export function defaultSysctls(): Map<string, Entry> {
  const m = new Map<string, Entry>();
  const int = (name: string, value: number, apply?: Entry['apply'], min = 0, max = 2147483647) =>
    m.set(name, { value: String(value), arity: 1, min, max, apply });
  const set = (which: number) => (k: Kernel, v: number[]) => k.x.sysctl_set(which, v[0] | 0, (v[1] ?? 0) | 0);
  m.set('net.ipv4.ip_local_port_range', { value: '32768\t60999', arity: 2, min: 1, max: 65535, apply: (k, v) => k.x.sysctl_set(0, v[0], v[1]) });
  // kstack: Linux's built-in default is "1 0" (no one may open ping sockets); distributions
  // (systemd) set "0 2147483647", which API.md's ping sockets assume.
  m.set('net.ipv4.ping_group_range', { value: '0\t2147483647', arity: 2, min: 0, max: 2147483647, apply: (k, v) => k.x.sysctl_set(1, v[0], v[1]) });
  int('net.core.rmem_default', 212992, set(2), 256);
  int('net.core.wmem_default', 212992, set(3), 256);
  int('net.core.rmem_max', 4194304, set(4), 256);
  int('net.core.wmem_max', 4194304, set(5), 256);
  int('net.ipv4.ip_forward', 0, set(6), 0, 1);
  int('net.ipv4.ipfrag_time', 30, set(7), 1);
  int('net.ipv4.ipfrag_high_thresh', 4194304, set(8), 0);
  int('net.ipv4.icmp_echo_ignore_all', 0, set(9), 0, 1);
  int('net.ipv4.icmp_echo_ignore_broadcasts', 1, set(10), 0, 1);
  // ICMP rate limiting (net/ipv4/icmp.c). icmp_ratelimit is in ms (proc_dointvec_ms_jiffies,
  // no negative values); icmp_ratemask is any int, a bit per type; the global bucket's two
  // are proc_dointvec_minmax from 0. Defaults: Linux 6.x's, as this machine's 6.18 reports.
  int('net.ipv4.icmp_ratelimit', 1000, set(14), 0);
  int('net.ipv4.icmp_ratemask', 6168, set(15), -2147483648);
  int('net.ipv4.icmp_msgs_per_sec', 1000, set(16), 0);
  int('net.ipv4.icmp_msgs_burst', 50, set(17), 0);
  int('net.core.netdev_budget', 300, set(11), 1);
  int('net.core.netdev_max_backlog', 1000, set(12), 1);
  const neigh = (parm: number, scale: number) => (k: Kernel, v: number[]) => k.x.sysctl_set(13, v[0] * scale, parm);
  int('net.ipv4.neigh.default.base_reachable_time_ms', 30000, neigh(0, 1), 1);
  int('net.ipv4.neigh.default.delay_first_probe_time', 5, neigh(1, 1000), 0);
  int('net.ipv4.neigh.default.retrans_time_ms', 1000, neigh(2, 1), 1);
  int('net.ipv4.neigh.default.mcast_solicit', 3, neigh(3, 1), 0);
  int('net.ipv4.neigh.default.ucast_solicit', 3, neigh(4, 1), 0);
  int('net.ipv4.neigh.default.unres_qlen_bytes', 212992, neigh(5, 1), 0);
  // TCP (net/ipv4/sysctl_net_ipv4.c); tcp_sysctl_set()'s indices.
  const tcp = (which: number) => (k: Kernel, v: number[]) => k.x.tcp_sysctl(which, v[0] | 0, (v[1] ?? 0) | 0, (v[2] ?? 0) | 0);
  int('net.core.somaxconn', 4096, tcp(16), 0);
  int('net.ipv4.tcp_fin_timeout', 60, tcp(8), 1);
  int('net.ipv4.tcp_syncookies', 1, tcp(21), 0, 2);
  int('net.ipv4.tcp_tw_reuse', 2, tcp(40), 0, 2);
  int('net.ipv4.tcp_max_syn_backlog', 512, tcp(15), 0);
  int('net.ipv4.tcp_syn_linear_timeouts', 4, tcp(20), 0, 1000);
  int('net.ipv4.tcp_abort_on_overflow', 0, tcp(17), 0, 1);
  int('net.ipv4.tcp_max_tw_buckets', 262144, tcp(42), 0);
  int('net.ipv4.tcp_tw_reuse_delay', 1000, tcp(41), 1, 60000);
  int('net.ipv4.tcp_rfc1337', 0, tcp(43), 0, 1);
  int('net.ipv4.tcp_early_retrans', 3, tcp(50), 0, 4);
  // A u8 (proc_dou8vec_minmax, no bounds): any non-zero value turns F-RTO on.
  int('net.ipv4.tcp_frto', 2, tcp(60), 0, 255);
  int('net.ipv4.tcp_syn_retries', 6, tcp(5), 1, 127);
  int('net.ipv4.tcp_synack_retries', 5, tcp(6), 0, 255);
  int('net.ipv4.tcp_retries1', 3, tcp(18), 0, 255);
  int('net.ipv4.tcp_retries2', 15, tcp(7), 0, 255);
  int('net.ipv4.tcp_orphan_retries', 0, tcp(19), 0, 255);
  int('net.ipv4.tcp_slow_start_after_idle', 1, tcp(13), 0, 1);
  int('net.ipv4.tcp_adv_win_scale', 1, undefined, -31, 31);
  int('net.ipv4.tcp_timestamps', 1, tcp(2), 0, 2);
  int('net.ipv4.tcp_window_scaling', 1, tcp(3), 0, 1);
  int('net.ipv4.tcp_sack', 1, tcp(4), 0, 1);
  int('net.ipv4.tcp_keepalive_time', 7200, tcp(9), 1);
  int('net.ipv4.tcp_keepalive_intvl', 75, tcp(10), 1);
  int('net.ipv4.tcp_keepalive_probes', 9, tcp(11), 1);
  int('net.ipv4.tcp_moderate_rcvbuf', 1, tcp(12), 0, 1);
  m.set('net.ipv4.tcp_notsent_lowat', { value: '4294967295', arity: 1, min: 0, max: 4294967295, apply: (k, v) => k.x.tcp_sysctl(14, v[0] >>> 0, 0, 0) });
  m.set('net.ipv4.tcp_wmem', { value: '4096\t16384\t4194304', arity: 3, min: 1, max: 2147483647, apply: (k, v) => k.x.tcp_sysctl(0, v[0], v[1], v[2]) });
  m.set('net.ipv4.tcp_rmem', { value: '4096\t131072\t33554432', arity: 3, min: 1, max: 2147483647, apply: (k, v) => k.x.tcp_sysctl(1, v[0], v[1], v[2]) });
  // The algorithms registered in the kernel (tcp_cong.ts); CUBIC is the default, as Linux's.
  m.set('net.ipv4.tcp_congestion_control', { value: 'cubic', arity: 0 });
  m.set('net.ipv4.tcp_available_congestion_control', { value: 'reno cubic', arity: -1 });
  return m;
}

/** Reads or sets a sysctl; throws on an unknown name or a bad value (API.md). */
export function sysctl(table: Map<string, Entry>, k: Kernel, name: string, value?: string | number): string | number {
  const e = table.get(name);
  if (!e) throw new Error(`sysctl: unknown name ${JSON.stringify(name)}`);
  // The registered algorithms, as the kernel lists them (tcp_get_available_congestion_control).
  if (name === 'net.ipv4.tcp_available_congestion_control') e.value = new TextDecoder().decode(k.u8().slice(k.uarea, k.uarea + k.x.tcp_cc_available()));
  const read = () => (e.arity === 1 ? Number(e.value) : e.value);
  if (value === undefined) return read();
  if (e.arity === -1) throw new Error(`sysctl: ${name} is read-only`);
  if (e.arity === 0) {
    if (typeof value !== 'string' || !/^[a-z0-9_]+$/.test(value)) throw new Error(`sysctl: bad value for ${name}`);
    if (name === 'net.ipv4.tcp_congestion_control') {
      // tcp_set_default_congestion_control(): the kernel knows its algorithms (-ENOENT).
      const bytes = new TextEncoder().encode(value);
      k.u8().set(bytes, k.uarea);
      if (k.x.tcp_cc_sysctl_set(bytes.length) < 0) throw new Error(`sysctl: ${name}: no such algorithm ${value}`);
    }
    e.value = value;
    return read();
  }
  const parts = String(value).trim().split(/\s+/);
  if (parts.length !== e.arity) throw new Error(`sysctl: ${name} takes ${e.arity} integer(s), got ${JSON.stringify(value)}`);
  const nums = parts.map((p) => {
    if (!/^-?\d+$/.test(p)) throw new Error(`sysctl: bad value for ${name}: ${JSON.stringify(value)}`);
    const n = Number(p);
    if ((e.min !== undefined && n < e.min) || (e.max !== undefined && n > e.max)) throw new Error(`sysctl: ${name} out of range: ${n}`);
    return n;
  });
  if (e.apply) {
    const rc = e.apply(k, nums);
    if (rc < 0) throw new Error(`sysctl: ${name}: invalid value ${JSON.stringify(value)}`);
  }
  e.value = nums.join('\t');
  return read();
}
