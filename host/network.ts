// A network of emulated hosts and the scheduler that runs it. Every host has its own
// kernel; links move frames between their NIC rings; processes are async functions whose
// syscalls run in their host's kernel.
//
// The virtual clock moves only when no process can run: processes run until each one is
// blocked in a syscall (or has exited); then frames in flight are delivered; then time
// jumps to the earliest kernel deadline (timers, netem). Everything happens in a fixed
// order (host order, pid order), so a run is a pure function of its seed.
import { KSTACK_EBLOCK } from './abi/constants.js';
import { loadKernel, type Engine, type KernelModule } from './kernel/load.js';
import { DEFAULT_POOLS, type PoolSizes } from './kernel/kernel.js';
import { VirtualClock, RealClock, type Clock } from './kernel/clock.js';
import type { Process, ProcThread } from './process/process.js';
import { PcapWriter, readPcap } from './tools/pcap.js';
import { formatFrame } from './tools/trace.js';
import { Host, type HostOptions } from './host.js';
import { Link, applyNetem, drainTx, deliverRx, type LinkEnd, type LinkOptions } from './link.js';

export interface NetworkOptions {
  clock?: 'virtual' | 'real';
  seed?: number;
  engine?: Engine;
  /** Record every frame for pcap()/trace() (default true). */
  capture?: boolean;
  /** skb pool sizes per host. */
  pools?: Partial<PoolSizes>;
}

export interface RunOptions { untilMs?: number; untilIdle?: boolean }

const yieldMacrotask: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

/** splitmix32: per-host kernel seeds derived from the network seed. */
function mix(seed: number, i: number): number {
  let x = (seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export class Network {
  readonly hosts: Host[] = [];
  readonly links: Link[] = [];
  readonly clock: Clock;
  readonly seed: number;
  readonly engine: Engine;
  private readonly capture: PcapWriter | null;
  private readonly pools: PoolSizes;
  private readonly kicked: LinkEnd[] = [];
  private readonly kickedSet = new Set<LinkEnd>();
  /** Link ends by host index and ifindex (the doorbell's lookup, once per frame). */
  private readonly endsByHost: (LinkEnd | undefined)[][] = [];
  private readonly touched = new Set<LinkEnd>();
  private readonly touchedHosts = new Set<Host>();
  private readonly frameTaps: ((timeMs: number, frame: Uint8Array) => void)[] = [];
  private wokenCount = 0;
  private activityCount = 0;
  private running = false;

  private constructor(private readonly module: KernelModule, opts: NetworkOptions) {
    this.clock = opts.clock === 'real' ? new RealClock() : new VirtualClock();
    this.seed = (opts.seed ?? 1) >>> 0;
    this.engine = module.engine;
    this.capture = opts.capture === false ? null : new PcapWriter();
    this.pools = { ...DEFAULT_POOLS, ...opts.pools };
  }

  static async create(opts: NetworkOptions = {}): Promise<Network> {
    if (opts.clock !== undefined && opts.clock !== 'virtual' && opts.clock !== 'real') throw new Error(`Network.create: clock must be 'virtual' or 'real'`);
    if (opts.engine !== undefined && opts.engine !== 'wasm' && opts.engine !== 'js') throw new Error(`Network.create: engine must be 'wasm' or 'js'`);
    return new Network(await loadKernel(opts.engine ?? 'wasm'), opts);
  }

  now(): number { return this.clock.now(); }

  addHost(opts: HostOptions): Host {
    if (!opts || typeof opts.name !== 'string') throw new Error('addHost: { name, ip } required');
    const h = new Host(this, this.hosts.length + 1, opts.name, opts.ip, this.module, mix(this.seed, this.hosts.length), this.pools, this.capture !== null);
    this.hosts.push(h);
    this.endsByHost[h.index] = [];
    return h;
  }

  /** A point-to-point Ethernet link; each side gets an interface and a /32 route to the other. */
  link(a: Host, b: Host, opts: LinkOptions = {}): Link {
    if (a === b) throw new Error('link: a host cannot be linked to itself');
    const mtu = opts.mtu ?? 1500;
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new RangeError(`link: mtu must be an integer in [68, 65535], got ${mtu}`);
    const ea: LinkEnd = { host: a, ifindex: a.addInterface(mtu), peer: null, link: null };
    const eb: LinkEnd = { host: b, ifindex: b.addInterface(mtu), peer: ea, link: null };
    ea.peer = eb;
    const l = new Link(ea, eb, mtu);
    ea.link = l;
    eb.link = l;
    const { ab, ba, ...both } = opts;
    applyNetem(ea, { ...both, ...ab });
    applyNetem(eb, { ...both, ...ba });
    a.ends.push(ea);
    b.ends.push(eb);
    this.endsByHost[a.index][ea.ifindex] = ea;
    this.endsByHost[b.index][eb.ifindex] = eb;
    a.addRoute(b.ip, 32, ea.ifindex);
    b.addRoute(a.ip, 32, eb.ifindex);
    this.links.push(l);
    return l;
  }

  /** Every frame that crossed a link, as pcap (LINKTYPE_ETHERNET, network-clock stamps). */
  pcap(): Uint8Array {
    if (!this.capture) throw new Error('kstack: capture is off (Network.create({ capture: false }))');
    return this.capture.toBytes();
  }

  /** The same frames as `tcpdump -n` lines. */
  trace(opts: { link?: boolean } = {}): string[] {
    return readPcap(this.pcap()).records.map((r) => formatFrame(r.timeMs, r.frame, opts));
  }

  /** Calls fn for every frame that crosses a link (a live tcpdump); returns an unsubscribe. */
  onFrame(fn: (timeMs: number, frame: Uint8Array) => void): () => void {
    this.frameTaps.push(fn);
    return () => {
      const i = this.frameTaps.indexOf(fn);
      if (i >= 0) this.frameTaps.splice(i, 1);
    };
  }

  private readonly wireFn = (frame: Uint8Array): void => this.wire(frame);

  private wire(frame: Uint8Array): void {
    const t = this.now();
    this.capture?.add(t, frame.slice());
    for (const fn of this.frameTaps) fn(t, frame);
  }

  // ───── called by hosts and kernels ─────

  /** A kernel rang a TX doorbell. */
  kick(host: Host, ifindex: number): void {
    const end = this.endsByHost[host.index][ifindex];
    if (end && !this.kickedSet.has(end)) {
      this.kickedSet.add(end);
      this.kicked.push(end);
    }
  }

  /** A kernel woke a task. */
  wake(host: Host, pid: number): void {
    const p = host.processes.get(pid);
    if (!p || p.state === 'exited') return;
    // Asleep in waitpid (the host's wait, not a kernel one): the kernel wakes it there only
    // for a signal; the wait then answers -ERESTARTSYS, which the signal decides (and a
    // wake with no signal left to deliver simply restarts it).
    if (p.hostWait) { p.interruptHostWait?.(); return; }
    if (p.woken) return;
    // A wake can come while the process is still inside the syscall that is about to
    // block (its own softirq work woke it, e.g. loopback delivers the SYN-ACK before
    // connect() returns). Remember it, as prepare_to_wait()'s ordering does in Linux; at
    // worst it costs one extra retry.
    p.woken = true;
    if (p.state === 'blocked') this.wokenCount++;
  }

  /** Something happened that may let a process run (a syscall, a spawn, an exit). */
  activity(): void { this.activityCount++; }

  /** A syscall said KSTACK_EBLOCK: park the process until its task is woken. */
  block(_host: Host, proc: Process, attempt: () => number): Promise<number> {
    this.activityCount++;
    if (proc.woken) this.wokenCount++;
    return new Promise<number>((resolve) => {
      proc.state = 'blocked';
      proc.retry = attempt;
      proc.resolveBlocked = resolve;
    });
  }

  /**
   * A worker process posted a syscall (process/thread.ts). Inside a run on the virtual
   * clock it waits for the next round of settle(); otherwise it goes in at once.
   */
  threadRequest(): boolean {
    this.activityCount++;
    return !(this.running && this.clock.kind === 'virtual');
  }

  /** A worker's syscall went into the kernel: outside a virtual-clock round, move what it queued. */
  threadServed(): void {
    this.activityCount++;
    if (this.running && this.clock.kind === 'virtual') return;
    this.pump();
    this.retryWoken();
  }

  /**
   * A round: once no worker process computes, every posted syscall goes in, in host and
   * spawn order — the order threads happened to post in never shows (determinism).
   */
  private threadRound(): boolean {
    if (this.clock.kind !== 'virtual') return false;
    const ready: ProcThread[] = [];
    for (const h of this.hosts) {
      for (const p of h.processes.values()) {
        const t = p.thread;
        if (!t) continue;
        if (t.computing) return false;
        if (t.pending) ready.push(t);
      }
    }
    for (const t of ready) t.serve();
    return ready.length > 0;
  }

  private threadComputing(): boolean {
    for (const h of this.hosts) for (const p of h.processes.values()) if (p.thread?.computing) return true;
    return false;
  }

  /** On the virtual clock, a worker computing between syscalls is running: wait for it. */
  private threadBusy(): Promise<void> | null {
    if (this.clock.kind !== 'virtual') return null;
    let busy: Promise<void>[] | null = null;
    for (const h of this.hosts) for (const p of h.processes.values()) if (p.thread?.computing) (busy ??= []).push(p.thread.nextEvent());
    return busy ? Promise.race(busy) : null;
  }

  injectFrame(end: LinkEnd, frame: Uint8Array): void {
    const touched = new Set<LinkEnd>();
    this.wire(frame);
    deliverRx(end, frame, touched);
    this.interrupt(touched);
    this.pump();
  }

  // ───── the scheduler ─────

  private interrupt(ends: Set<LinkEnd>): void {
    const hosts = this.touchedHosts;
    for (const e of ends) {
      e.host.kernel.x.netdev_interrupt(e.ifindex);
      hosts.add(e.host);
    }
    ends.clear();
    if (hosts.size === 0) return;
    const now = this.now();
    for (const h of this.hosts) if (hosts.has(h)) h.kernel.x.kernel_poll(now);
    hosts.clear();
  }

  /** Moves frames until no TX ring has any; returns whether anything moved. */
  private pump(): boolean {
    let moved = false;
    while (this.kicked.length) {
      const touched = this.touched;
      // Drain in kick order; kicks made while draining land behind and are taken next.
      for (let i = 0; i < this.kicked.length; i++) {
        const end = this.kicked[i];
        this.kickedSet.delete(end);
        if (drainTx(end, this.wireFn, touched)) moved = true;
      }
      this.kicked.length = 0;
      this.interrupt(touched);
    }
    return moved;
  }

  /** Repeats the syscalls of woken processes (host order, pid order). */
  private retryWoken(): boolean {
    if (this.wokenCount === 0) return false;
    let any = false;
    while (this.wokenCount > 0) {
      this.wokenCount = 0;
      for (const h of this.hosts) {
        // Spawn order (a Map keeps insertion order): deterministic, and no sort per round.
        for (const p of h.processes.values()) {
          if (p.state !== 'blocked' || !p.woken) continue;
          p.woken = false;
          const r = p.retry!();
          if (r === KSTACK_EBLOCK) continue;
          const resolve = p.resolveBlocked!;
          p.state = 'running';
          p.retry = null;
          p.resolveBlocked = null;
          resolve(r);
          any = true;
        }
      }
      this.pump();
    }
    return any;
  }

  private pollAll(): void {
    const now = this.now();
    for (const h of this.hosts) h.kernel.x.kernel_poll(now);
    this.pump();
  }

  private nextDeadline(): number {
    let next = -1;
    for (const h of this.hosts) {
      const d = h.kernel.x.kernel_next_deadline();
      if (d >= 0 && (next < 0 || d < next)) next = d;
    }
    return next;
  }

  private anyRunning(): boolean {
    for (const h of this.hosts) for (const p of h.processes.values()) if (p.state === 'running' && !p.hostWait) return true;
    return false;
  }

  private allExited(): boolean {
    for (const h of this.hosts) if (h.processes.size !== 0) return false;
    return true;
  }

  /** Lets processes run until each is blocked or exited (or makes no progress). */
  private async settle(): Promise<void> {
    let stalled = 0;
    // On the real clock, a round that follows progress first lets pending promise chains
    // run (a process resumed by a syscall's answer makes its next call within a couple of
    // microtasks) and yields a macrotask only when that moved nothing: the event loop's
    // turnaround is most of a short syscall's cost there. The virtual clock keeps one
    // macrotask per round, so the order processes run in, and every pinned pcap, stay.
    const micro = this.clock.kind === 'real';
    let quick = false;
    for (;;) {
      const before = this.activityCount;
      if (quick) {
        await null;
        await null;
      } else {
        await yieldMacrotask();
      }
      const moved = this.pump();
      const resumed = this.retryWoken();
      if (moved || resumed || this.activityCount !== before) { stalled = 0; quick = micro; continue; }
      if (quick) { quick = false; continue; } // nothing moved in microtasks: a macrotask next
      if (this.threadRound()) { stalled = 0; continue; }
      const busy = this.threadBusy();
      if (busy) { await busy; stalled = 0; continue; }
      if (!this.anyRunning()) return;
      // A process awaits something outside kstack; give it a moment, then let time move.
      if (++stalled > 50) return;
    }
  }

  /**
   * Advances the network: until virtual time `untilMs`, or until every process has exited
   * or waits with nothing scheduled that could wake it (`untilIdle`, the default).
   */
  async run(opts: RunOptions = {}): Promise<void> {
    if (this.running) throw new Error('Network.run: already running');
    this.running = true;
    try {
      const limit = opts.untilMs ?? Infinity;
      const untilIdle = opts.untilIdle ?? opts.untilMs === undefined;
      this.pollAll();
      for (;;) {
        await this.settle();
        if (untilIdle && this.allExited()) break;
        const next = this.nextDeadline();
        // (On the real clock a worker still starting or computing is not idle.)
        if (untilIdle && next < 0 && !this.threadComputing()) break;
        if (this.clock instanceof VirtualClock) {
          if (next < 0 || next > limit) {
            if (limit !== Infinity) {
              this.clock.advanceTo(limit);
              this.pollAll();
              await this.settle();
            }
            break;
          }
          this.clock.advanceTo(next);
          this.pollAll();
        } else {
          const now = this.now();
          if (now >= limit) break;
          const target = Math.min(next < 0 ? now + 10 : next, limit);
          const wait = Math.max(0, Math.min(target - now, 10));
          await new Promise((r) => setTimeout(r, wait));
          this.pollAll();
        }
      }
    } finally {
      this.running = false;
      // Calls posted in the last round's wake stay no longer gated.
      for (const h of this.hosts) for (const p of h.processes.values()) if (p.thread?.pending) p.thread.serve();
    }
  }
}
