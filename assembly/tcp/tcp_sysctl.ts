// net.ipv4.tcp_* sysctls with Linux's defaults (Documentation/networking/ip-sysctl.rst).
export let tcp_wmem_min: u32 = 4096;
export let tcp_wmem_def: u32 = 16384;
export let tcp_wmem_max: u32 = 4194304;
export let tcp_rmem_min: u32 = 4096;
export let tcp_rmem_def: u32 = 131072;
// Linux 6.17 raised tcp_rmem[2] to 32 MiB (the kernel on this machine has it).
export let tcp_rmem_max: u32 = 33554432;
export let tcp_timestamps: u32 = 1;
export let tcp_window_scaling: u32 = 1;
export let tcp_sack: u32 = 1;
export let tcp_syn_retries: u32 = 6;
/** net.ipv4.tcp_syn_linear_timeouts: the first retransmits of a SYN wait 1 s each (6.x). */
export let tcp_syn_linear_timeouts: u32 = 4;
export let tcp_synack_retries: u32 = 5;
export let tcp_retries1: u32 = 3;
export let tcp_retries2: u32 = 15;
export let tcp_orphan_retries: u32 = 0;
export let tcp_fin_timeout: u32 = 60;
export let tcp_keepalive_time: u32 = 7200;
export let tcp_keepalive_intvl: u32 = 75;
export let tcp_keepalive_probes: u32 = 9;
export let tcp_moderate_rcvbuf: u32 = 1;
export let tcp_slow_start_after_idle: u32 = 1;
export let tcp_notsent_lowat: u32 = 0xffffffff;
/** max(128, ehash entries / 128) as inet_init computes it: 65536 / 128. */
export let tcp_max_syn_backlog: u32 = 512;
export let somaxconn: u32 = 4096;
export let tcp_abort_on_overflow: u32 = 0;
/** 1: SYN cookies when the SYN queue overflows; 2: always; 0: never. */
export let tcp_syncookies: u32 = 1;
export let tcp_min_snd_mss: u32 = 48;
export let tcp_base_mss: u32 = 1024;
// ports and TIME_WAIT (tcp_sysctl_set 40..): 2 = reuse TIME_WAIT for loopback only.
export let tcp_tw_reuse: u32 = 2;
export let tcp_tw_reuse_delay: u32 = 1000;
export let tcp_max_tw_buckets: u32 = 262144;
export let tcp_rfc1337: u32 = 0;
/** net.ipv4.tcp_early_retrans: 3 or 4 arm the tail loss probe (RFC 8985 §7), 0..2 do not. */
export let tcp_early_retrans: u32 = 3;
/** net.ipv4.tcp_frto: F-RTO (RFC 5682) after a retransmission timeout when non-zero (default 2). */
export let tcp_frto: u32 = 2;
/** net.ipv4.tcp_min_rtt_wlen: seconds over which tcpi_min_rtt is the minimum (kstack: fixed). */
export let tcp_min_rtt_wlen: u32 = 300;
/** net.ipv4.tcp_pacing_ss_ratio / tcp_pacing_ca_ratio: sk_pacing_rate as a percentage of
 *  cwnd·mss/srtt in slow start and in congestion avoidance (kstack: fixed). */
export let tcp_pacing_ss_ratio: u32 = 200;
export let tcp_pacing_ca_ratio: u32 = 120;

/** Sets one (index order as host/sysctl.ts passes them); returns -EINVAL when refused. */
export function tcp_sysctl_set(which: u32, a: u32, b: u32, c: u32): i32 {
  switch (which) {
    case 0: tcp_wmem_min = a; tcp_wmem_def = b; tcp_wmem_max = c; return 0;
    case 1: tcp_rmem_min = a; tcp_rmem_def = b; tcp_rmem_max = c; return 0;
    case 2: tcp_timestamps = a; return 0;
    case 3: tcp_window_scaling = a; return 0;
    case 4: tcp_sack = a; return 0;
    case 5: tcp_syn_retries = a; return 0;
    case 6: tcp_synack_retries = a; return 0;
    case 7: tcp_retries2 = a; return 0;
    case 8: tcp_fin_timeout = a; return 0;
    case 9: tcp_keepalive_time = a; return 0;
    case 10: tcp_keepalive_intvl = a; return 0;
    case 11: tcp_keepalive_probes = a; return 0;
    case 12: tcp_moderate_rcvbuf = a; return 0;
    case 13: tcp_slow_start_after_idle = a; return 0;
    case 14: tcp_notsent_lowat = a; return 0;
    case 15: tcp_max_syn_backlog = a; return 0;
    case 16: somaxconn = a; return 0;
    case 17: tcp_abort_on_overflow = a; return 0;
    case 18: tcp_retries1 = a; return 0;
    case 19: tcp_orphan_retries = a; return 0;
    case 20: tcp_syn_linear_timeouts = a; return 0;
    case 21: tcp_syncookies = a; return 0;
    case 40: tcp_tw_reuse = a; return 0;
    case 41: tcp_tw_reuse_delay = a; return 0;
    case 42: tcp_max_tw_buckets = a; return 0;
    case 43: tcp_rfc1337 = a; return 0;
    case 50: tcp_early_retrans = a; return 0;
    case 60: tcp_frto = a; return 0;
    default: return -22;
  }
}
