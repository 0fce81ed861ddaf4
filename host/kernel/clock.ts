// The network clock: virtual (moves only when the scheduler advances it, so a run is a
// pure function of its seed) or real (wall time since the network started). The kernel
// reads neither: the host passes `now` into kernel_poll (gVisor's ManualClock idea).

export interface Clock {
  readonly kind: 'virtual' | 'real';
  /** Milliseconds since the network started. */
  now(): number;
}

export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private t = 0;
  now(): number { return this.t; }
  /** Moves time forward to t (never back). */
  advanceTo(t: number): void { if (t > this.t) this.t = t; }
}

export class RealClock implements Clock {
  readonly kind = 'real' as const;
  private readonly t0 = performance.now();
  now(): number { return performance.now() - this.t0; }
}
