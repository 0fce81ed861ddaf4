// The softirq hook: the link layer registers net_rx_action here so that code in lower
// files can run pending receive work (do_softirq) at the end of a syscall, as Linux does
// on local_bh_enable(). Linux: kernel/softirq.c.
let net_rx_fn: u32 = 0;
export function open_softirq_net_rx(fn: u32): void { net_rx_fn = fn; }

/** Runs NET_RX once (budget-limited); true if work remains. */
export function do_softirq(): bool {
  return net_rx_fn != 0 ? call_indirect<bool>(net_rx_fn) : false;
}
