// Shared inet tables: ICMP error → errno (Linux net/ipv4/icmp.c icmp_err_convert[]) and
// the local port range (net.ipv4.ip_local_port_range, default 32768 60999).

/** icmp_err_convert[code]: errno and whether the error is "hard" (fatal). */
const ERRNO: StaticArray<i32> = [101, 113, 92, 111, 90, 95, 101, 112, 64, 101, 113, 101, 113, 113, 113, 113];
const FATAL: StaticArray<u8> = [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1];

export function icmp_err_convert_errno(code: u32): i32 { return code < 16 ? unchecked(ERRNO[code]) : 113; }
export function icmp_err_convert_fatal(code: u32): bool { return code < 16 ? unchecked(FATAL[code]) != 0 : true; }

export let ip_local_port_low: u32 = 32768;
export let ip_local_port_high: u32 = 60999;
/** Sets the range; Linux refuses low > high and (since 6.x) an even/odd parity mismatch is allowed. */
export function set_ip_local_port_range(low: u32, high: u32): i32 {
  if (low == 0 || high > 65535 || low > high) return -22;
  ip_local_port_low = low;
  ip_local_port_high = high;
  return 0;
}

/** net.ipv4.ping_group_range: kstack's default admits every group (see docs/CONFORMANCE.md). */
export let ping_group_low: u32 = 0;
export let ping_group_high: u32 = 2147483647;
export function set_ping_group_range(low: u32, high: u32): void {
  ping_group_low = low;
  ping_group_high = high;
}
