// The softirq hook: the link layer registers net_rx_action here so that code in lower
// files can run pending receive work (do_softirq) at the end of a syscall, as Linux does
// on local_bh_enable(). Linux: kernel/softirq.c.
let net_rx_fn: u32 = 0;
export function open_softirq_net_rx(fn: u32): void { net_rx_fn = fn; }

/** NET_RX_SOFTIRQ is raised (local_softirq_pending()): napi_schedule() raised it, or the
 *  last run left work. Only a raised softirq runs its handler, as in __do_softirq(). */
let net_rx_pending: bool = false;
/** raise_softirq(NET_RX_SOFTIRQ). */
// @ts-ignore: decorator
@inline export function raise_net_rx_softirq(): void { net_rx_pending = true; }

/** Runs NET_RX once (budget-limited) if it is raised; true if work remains. */
export function do_softirq(): bool {
  // do_softirq(): nothing pending, nothing to do (every syscall exit comes through here).
  if (!net_rx_pending || net_rx_fn == 0) return false;
  net_rx_pending = false;
  const more = call_indirect<bool>(net_rx_fn);
  // net_rx_action(): work left over (budget or weight used up) raises NET_RX again.
  if (more) net_rx_pending = true;
  return more;
}
