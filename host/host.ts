// One emulated machine: its own kernel (loopback, sysctls, ports, counters), its
// interfaces, and its processes. Created by Network.addHost.
import { ECHILD, ERESTARTSYS, ESRCH, IPPROTO_TCP, IPPROTO_UDP, SA_NOCLDWAIT, SIGCHLD, SIGKILL, SIG_IGN } from './abi/constants.js';
import { decodeTcpInfo, type TcpInfo } from './syscall/tcp-info.js';
import { KSTACK_SIG_HANDLER, SIG_DFL } from './abi/constants.js';
import { Kernel, parseIPv4, formatIPv4 } from './kernel/kernel.js';
import type { KernelModule } from './kernel/load.js';
import type { PoolSizes } from './kernel/kernel.js';
import { Sys, type SyscallPort, type SignalPort } from './syscall/async.js';
import { SignalHandlers, sigaction, sigprocmask, sigpending } from './signal/sigaction.js';
import { deliverSignals, signalPending } from './signal/delivery.js';
import { Process, type ExitStatus } from './process/process.js';
import { WorkerThread } from './process/thread.js';
import { launchWorker, workerStats } from './rpc/expose.js';
import { PcapWriter } from './tools/pcap.js';
import { defaultSysctls, sysctl } from './sysctl.js';
import type { LinkEnd } from './link.js';
import type { Network } from './network.js';

export interface HostOptions { name: string; ip: string }

export interface Counters { [group: string]: { [field: string]: number } }

export interface KernelStats {
  skbInUse: number; timers: number; sockets: number; files: number; tasks: number;
  ipfragQueues: number; neighbours: number; skbFreeSmall: number; skbFreeLarge: number;
  /** struct tcp_sock in use (a TIME_WAIT connection holds none: a timewait mini-sock). */
  tcpSocks: number;
  /** skb headers carved so far: the boot pool plus what bursts grew it by (pools.skbsMax caps it). */
  skbTotal: number;
}

/** One line of `ss -tanmi` (API.md host.ss()). */
export interface SsEntry {
  proto: 'tcp' | 'udp' | 'icmp';
  state: string;
  recvQ: number;
  sendQ: number;
  local: string;
  peer: string;
  pid: number | null;
  fd: number | null;
  /** ss's timer column, e.g. "(on,204ms,0)", "(timewait,59sec,0)", "(persist,1.6ms,3)". */
  timer: string | null;
  skmem: { r: number; rb: number; t: number; tb: number; w: number; d: number };
  info: TcpInfo | null;
}

/** ss's spelling of TCP states (misc/ss.c sstate_name). */
const SS_STATE: Record<number, string> = {
  1: 'ESTAB', 2: 'SYN-SENT', 3: 'SYN-RECV', 4: 'FIN-WAIT-1', 5: 'FIN-WAIT-2', 6: 'TIME-WAIT',
  7: 'UNCONN', 8: 'CLOSE-WAIT', 9: 'LAST-ACK', 10: 'LISTEN', 11: 'CLOSING',
};
const TIMER_NAMES = ['off', 'on', 'keepalive', 'timewait', 'persist'];

/** ss's print_ms_timer(): "59sec", "204ms", "1.004ms", "119min". */
function ssTime(timeout: number): string {
  let secs = Math.floor(timeout / 1000);
  const minutes = Math.floor(secs / 60);
  secs %= 60;
  let msecs = Math.floor(timeout % 1000);
  let buf = '';
  if (minutes) {
    msecs = 0;
    buf += `${minutes}min`;
    if (minutes > 9) secs = 0;
  }
  if (secs) {
    if (secs > 9) msecs = 0;
    buf += `${secs}${msecs ? '.' : 'sec'}`;
  }
  if (msecs) buf += `${String(msecs).padStart(3, '0')}ms`;
  return buf;
}

export interface Neighbour { ip: string; mac: string; state: string; ifindex: number }

const NUD_NAMES: Record<number, string> = { 0: 'NONE', 1: 'INCOMPLETE', 2: 'REACHABLE', 4: 'STALE', 8: 'DELAY', 0x10: 'PROBE', 0x20: 'FAILED', 0x40: 'NOARP', 0x80: 'PERMANENT' };

export class Host {
  readonly kernel: Kernel;
  readonly ip: string;
  readonly ipNum: number;
  readonly ends: LinkEnd[] = [];
  /** Live processes (spawn order). Exited forked children wait in `zombies` for waitpid. */
  readonly processes = new Map<number, Process>();
  private readonly zombies = new Map<number, Process>();
  private readonly parents = new Map<number, number>();
  private nextPid = 2;
  private readonly sysctls = defaultSysctls();
  private readonly capture: PcapWriter | null;
  private readonly rings = new Map<number, { tx: number; rx: number }>();
  private mibNames: { group: string; name: string }[] | null = null;
  private injectEnd: LinkEnd | null = null;
  /** Signal handler functions per live process (the kernel holds the rest of sigaction). */
  private readonly sigHandlers = new Map<number, SignalHandlers>();
  private sigTable = -1;

  constructor(readonly net: Network, readonly index: number, readonly name: string, ip: string, module: KernelModule, seed: number, pools: PoolSizes, capture: boolean) {
    this.ipNum = parseIPv4(ip);
    if (this.ipNum < 0) throw new Error(`addHost: bad ip ${JSON.stringify(ip)}`);
    this.ip = ip;
    this.kernel = new Kernel(module, {
      kick: (ifindex) => net.kick(this, ifindex),
      tap: (_ifindex, data) => { this.capture?.add(net.now(), data.slice()); },
      wake: (pid) => net.wake(this, pid),
    }, seed, pools);
    this.capture = capture ? new PcapWriter() : null;
    if (capture) this.kernel.x.netdev_set_tap(1, 1);
  }

  /** A locally administered MAC: 02:00:<host>:<host>:<if>:<if>. */
  macFor(ifn: number): [number, number] {
    const hi = 0x0200;
    const lo = (((this.index & 0xffff) << 16) | (ifn & 0xffff)) >>> 0;
    return [hi, lo];
  }

  /** Adds an Ethernet interface (ip link add) carrying the host's address. */
  addInterface(mtu: number): number {
    const [hi, lo] = this.macFor(this.ends.length + 1);
    const ifindex = this.kernel.x.netdev_add_eth(hi, lo, mtu, this.ipNum, 32);
    if (ifindex < 0) throw new Error(`kstack: ${this.name}: cannot add an interface (${ifindex})`);
    if (this.capture) this.kernel.x.netdev_set_tap(ifindex, 1);
    this.rings.set(ifindex, { tx: this.kernel.x.netdev_tx_ring(ifindex), rx: this.kernel.x.netdev_rx_ring(ifindex) });
    return ifindex;
  }

  txRing(ifindex: number): number { return this.rings.get(ifindex)!.tx; }
  rxRing(ifindex: number): number { return this.rings.get(ifindex)!.rx; }

  /** ip route add <dst>/<prefixlen> dev <ifindex> [via <gateway>]. */
  addRoute(dst: string, prefixlen: number, ifindex: number, gateway?: string): void {
    const rc = this.kernel.x.route_add(parseIPv4(dst), prefixlen, ifindex, gateway ? parseIPv4(gateway) : 0);
    if (rc < 0) throw new Error(`kstack: ${this.name}: route ${dst}/${prefixlen} failed (${rc})`);
  }

  /** ethtool -G: RX/TX descriptor ring sizes (powers of two, 8..4096). */
  setRings(ifindex: number, rings: { rx: number; tx: number }): void {
    const rc = this.kernel.x.netdev_set_rings(ifindex, rings.rx, rings.tx);
    if (rc < 0) throw new Error(`kstack: ${this.name}: ring sizes ${rings.rx}/${rings.tx} refused (${rc})`);
  }

  // ───── processes ─────

  private allocPid(): number {
    for (let i = 0; i < 1023; i++) {
      const pid = this.nextPid;
      this.nextPid = this.nextPid >= 1024 ? 2 : this.nextPid + 1;
      if (!this.processes.has(pid) && !this.zombies.has(pid)) return pid;
    }
    throw new Error(`kstack: ${this.name}: no free pid`);
  }

  /**
   * Runs fn(sys) as a process on this host's thread; every syscall returns a promise.
   * uid/gid (default 0, root) are its credentials: kill(2) checks them (EPERM), and so do
   * SO_REUSEPORT groups (same uid) and ports below 1024.
   */
  spawn(fn: (sys: Sys) => unknown, opts: { name?: string; uid?: number; gid?: number } = {}): Process {
    const pid = this.allocPid();
    const rc = this.kernel.x.task_create(pid, (opts.uid ?? 0) >>> 0, (opts.gid ?? 0) >>> 0);
    if (rc < 0) throw new Error(`kstack: task_create failed (${rc})`);
    return this.start(pid, fn, opts.name ?? `proc${pid}`);
  }

  private start(pid: number, fn: (sys: Sys) => unknown, name: string, handlers = new SignalHandlers()): Process {
    const proc = new Process(pid, name, (p, signo) => { this.kill(null, p.pid, signo === undefined ? SIGKILL : signo); });
    this.processes.set(pid, proc);
    this.sigHandlers.set(pid, handlers);
    const port: SyscallPort = {
      kernel: this.kernel,
      pid,
      now: () => this.net.now(),
      realClock: this.net.clock.kind === 'real',
      blocking: (attempt) => this.net.block(this, proc, attempt),
      exit: (code) => {
        this.exitProcess(proc, { code: code | 0 });
        return new Promise<never>(() => {});
      },
      signals: this.signalPort(proc, handlers),
      fork: (child) => Promise.resolve(this.fork(proc, child)),
      waitpid: (cpid) => this.waitpid(proc, cpid),
    };
    const sys = new Sys(port);
    this.net.activity();
    Promise.resolve()
      .then(() => fn(sys))
      .then(
        (v) => this.exitProcess(proc, { code: typeof v === 'number' ? v | 0 : 0 }),
        (err) => this.exitProcess(proc, { code: 1, error: err }),
      );
    return proc;
  }

  /**
   * Runs the module's default export main(sys, args) in a worker thread (Node
   * worker_threads, or a Web Worker), where every syscall blocks for real (process/thread.ts).
   */
  spawnWorker(moduleUrl: string | URL, opts: { args?: unknown[]; name?: string; channelBytes?: number } = {}): Process {
    // The worker imports it from its own script's place: a relative path would mean nothing there.
    if (!(moduleUrl instanceof URL) && !/^[a-z][a-z0-9+.-]*:|^\//i.test(moduleUrl)) {
      throw new TypeError(`spawnWorker: moduleUrl must be absolute, e.g. new URL('./main.mjs', import.meta.url); got ${JSON.stringify(moduleUrl)}`);
    }
    const pid = this.allocPid();
    const rc = this.kernel.x.task_create(pid, 0, 0);
    if (rc < 0) throw new Error(`kstack: task_create failed (${rc})`);
    return this.startWorker(pid, String(moduleUrl), opts.args ?? [], opts.name ?? `worker${pid}`, opts.channelBytes);
  }

  private startWorker(pid: number, url: string, args: unknown[], name: string, channelBytes?: number): Process {
    let proc: Process | null = null;
    const w = new WorkerThread(url, args, {
      launch: launchWorker,
      fork: (u, a) => this.forkWorker(proc!, u, a, channelBytes),
      request: () => this.net.threadRequest(),
      served: () => this.net.threadServed(),
      stats: workerStats,
    }, channelBytes);
    proc = this.start(pid, (sys) => w.run(sys), name);
    w.attach(proc);
    return proc;
  }

  /** fork(2) from a worker: the child gets a copy of the fd table and runs `url` in its own worker. */
  private forkWorker(parent: Process, url: string, args: unknown[], channelBytes?: number): number {
    if (parent.state === 'exited') return -3;
    const pid = this.allocPid();
    const rc = this.kernel.x.task_fork(parent.pid, pid);
    if (rc < 0) return rc;
    // The child runs another module, as after execve: flush_signal_handlers() sets handled
    // signals back to SIG_DFL (SIG_IGN and the mask stay); its functions were the parent's.
    const k = this.kernel;
    for (let s = 1; s <= 64; s++) {
      if (k.x.sys_rt_sigaction(pid, s, -1, 0, 0, 0) === 0 && k.u32()[k.uaddr >>> 2] === KSTACK_SIG_HANDLER) k.x.sys_rt_sigaction(pid, s, SIG_DFL, 0, 0, 0);
    }
    this.parents.set(pid, parent.pid);
    this.startWorker(pid, url, args, `${parent.name}-child`, channelBytes);
    return pid;
  }

  private fork(parent: Process, fn: (sys: Sys) => unknown): number {
    if (parent.state === 'exited') return -3;
    const pid = this.allocPid();
    const rc = this.kernel.x.task_fork(parent.pid, pid);
    if (rc < 0) return rc;
    this.parents.set(pid, parent.pid);
    this.start(pid, fn, `${parent.name}-child`, (this.sigHandlers.get(parent.pid) ?? new SignalHandlers()).clone());
    return pid;
  }

  /**
   * wait4(pid): sleeps until the child exits. As do_wait(), a signal that wakes the parent
   * ends the sleep with -ERESTARTSYS (the syscall layer turns it into EINTR, or a restart
   * under SA_RESTART) — unless the child is already a zombie by then: the zombie is found
   * first, so the SIGCHLD of the child being waited for never interrupts its own wait.
   */
  private async waitpid(parent: Process, pid: number): Promise<{ pid: number; code?: number; signal?: number } | number> {
    const child = this.processes.get(pid) ?? this.zombies.get(pid);
    if (!child || this.parents.get(pid) !== parent.pid) return -ECHILD;
    const x = this.kernel.x;
    parent.hostWait = true;
    x.task_host_wait(parent.pid, 1);
    const woken = new Promise<null>((resolve) => { parent.interruptHostWait = () => resolve(null); });
    const raced = await Promise.race([child.exited, woken]);
    parent.hostWait = false;
    parent.interruptHostWait = null;
    x.task_host_wait(parent.pid, 0);
    if (raced === null && child.status === null) return -ERESTARTSYS;
    const st = child.status ?? (await child.exited);
    // Reaped at its exit (the parent ignores SIGCHLD or set SA_NOCLDWAIT): wait finds no child.
    if (!this.parents.has(pid)) return -ECHILD;
    this.zombies.delete(pid); // reaped
    this.parents.delete(pid);
    this.net.activity();
    return st.signal !== undefined ? { pid, signal: st.signal } : { pid, code: st.code ?? 0 };
  }

  // ───── signals (the mechanism is the kernel's: assembly/sys/signal.ts) ─────

  /** do_notify_parent(): a parent whose SIGCHLD is SIG_IGN or has SA_NOCLDWAIT leaves no zombies. */
  private autoreap(ppid: number): boolean {
    const k = this.kernel;
    if (k.x.sys_rt_sigaction(ppid, SIGCHLD, -1, 0, 0, 0) !== 0) return false;
    const u32 = k.u32();
    const o = k.uaddr >>> 2;
    return u32[o] === SIG_IGN || (u32[o + 1] & SA_NOCLDWAIT) !== 0;
  }

  private signalPort(proc: Process, handlers: SignalHandlers): SignalPort {
    const k = this.kernel;
    const pid = proc.pid;
    if (this.sigTable < 0) this.sigTable = k.x.sig_pending_table();
    const table = this.sigTable;
    const ctx = { kernel: k, pid, handlers, terminate: (signo: number) => this.exitProcess(proc, { signal: signo }) };
    return {
      pending: () => signalPending(k, table, pid),
      deliver: (rc, restart) => deliverSignals(ctx, rc, restart),
      sigaction: (signo, act) => sigaction(k, pid, handlers, signo, act),
      sigprocmask: (how, set) => sigprocmask(k, pid, how, set),
      sigpending: () => sigpending(k, pid),
      kill: (target, signo) => this.kill(proc, target, signo),
    };
  }

  /**
   * kill(2) from `sender` (null: the host, as root). A signal whose default action kills
   * ends its process at once (complete_signal's group exit), whatever it is doing; the
   * others wait for the process's next syscall boundary, or wake it from a sleep.
   */
  private kill(sender: Process | null, target: number, signo: number): number {
    const x = this.kernel.x;
    let r = sender ? x.sys_kill(sender.pid, target, signo) : x.signal_kill(target, signo);
    // A zombie still exists for kill(2) until reaped; its signals go nowhere.
    if (r === -ESRCH && target > 0 && this.zombies.has(target) && signo >= 0 && signo <= 64) r = 0;
    const dying: [Process, number][] = [];
    for (const p of this.processes.values()) {
      const sig = x.task_fatal_signal(p.pid);
      if (sig) dying.push([p, sig]);
    }
    for (const [p, sig] of dying) this.exitProcess(p, { signal: sig });
    return r;
  }

  exitProcess(p: Process, status: ExitStatus): void {
    if (p.state === 'exited') return;
    if (p.state === 'blocked') this.kernel.x.task_interrupt(p.pid);
    p.finish(status);
    this.kernel.x.task_exit(p.pid);
    this.processes.delete(p.pid);
    this.sigHandlers.delete(p.pid);
    // A forked child stays a zombie until its parent reaps it (or exits); others go at once.
    if (this.parents.has(p.pid) && this.processes.has(this.parents.get(p.pid)!)) {
      if (this.autoreap(this.parents.get(p.pid)!)) this.parents.delete(p.pid);
      else this.zombies.set(p.pid, p);
    }
    for (const [child, parent] of this.parents) {
      if (parent === p.pid) {
        this.parents.delete(child);
        this.zombies.delete(child);
      }
    }
    this.net.activity();
  }

  // ───── observability ─────

  /** This host's frames on every interface, lo included (tcpdump -i any). */
  pcap(): Uint8Array {
    if (!this.capture) throw new Error('kstack: capture is off (Network.create({ capture: false }))');
    return this.capture.toBytes();
  }

  sysctl(name: string, value?: string | number): string | number {
    return sysctl(this.sysctls, this.kernel, name, value);
  }

  /** /proc/net/snmp and /proc/net/netstat, by Linux's field names. */
  counters(): Counters {
    const x = this.kernel.x;
    if (!this.mibNames) {
      const groups: string[] = [];
      const starts: number[] = [];
      const gc = x.mib_group_count();
      for (let g = 0; g < gc; g++) {
        groups.push(this.kernel.string(x.mib_group_name(g)));
        starts.push(x.mib_group_start(g));
      }
      const n = x.mib_count();
      this.mibNames = [];
      for (let i = 0; i < n; i++) {
        let g = 0;
        while (g + 1 < gc && i >= starts[g + 1]) g++;
        this.mibNames.push({ group: groups[g], name: this.kernel.string(x.mib_name(i)) });
      }
    }
    const out: Counters = {};
    this.mibNames.forEach((m, i) => {
      (out[m.group] ??= {})[m.name] = x.mib_value(i);
    });
    // Gauges that Linux prints as signed (MaxConn -1).
    if (out.Tcp) out.Tcp.MaxConn = -1;
    return out;
  }

  /** Drop reasons seen by kfree_skb_reason (the drop monitor's view). */
  drops(): Record<string, number> {
    const x = this.kernel.x;
    const out: Record<string, number> = {};
    for (let i = 2; i < x.drop_reason_count(); i++) {
      const v = x.drop_reason_value(i);
      if (v) out[this.kernel.string(x.drop_reason_name(i))] = v;
    }
    return out;
  }

  /** Pool and table occupancy: after a test, skbInUse (beyond RX rings), timers and files return to baseline. */
  stats(): KernelStats {
    const x = this.kernel.x;
    return {
      skbInUse: x.stat_skb_inuse(), timers: x.stat_timers(), sockets: x.stat_socks(), files: x.stat_files(),
      tasks: x.stat_tasks(), ipfragQueues: x.stat_ipfrag_queues(), neighbours: x.stat_neigh(),
      skbFreeSmall: x.stat_skb_free_small(), skbFreeLarge: x.stat_skb_free_large(), skbTotal: x.stat_skb_total(),
      tcpSocks: x.stat_tcp_socks(),
    };
  }

  /** Interface statistics (ip -s link). */
  linkStats(ifindex: number): Record<string, number> {
    const s = (w: number) => this.kernel.x.netdev_stat(ifindex, w);
    return { rxPackets: s(0), rxBytes: s(1), rxDropped: s(2), rxErrors: s(3), txPackets: s(4), txBytes: s(5), txDropped: s(6), txErrors: s(7), qdiscDrops: s(8), qdiscQlen: s(9) };
  }

  /** ip neigh. */
  neighbours(): Neighbour[] {
    const out: Neighbour[] = [];
    const k = this.kernel;
    const base = k.uaddr;
    for (let i = 0; ; i++) {
      const r = k.x.neigh_entry(i, base);
      if (r < 0) break;
      if (r === 0) continue;
      const u = k.u32();
      const hi = u[(base + 4) >>> 2];
      const lo = u[(base + 8) >>> 2];
      const bytes = [(hi >>> 8) & 255, hi & 255, lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255];
      out.push({ ip: formatIPv4(u[base >>> 2]), mac: bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'), state: NUD_NAMES[u[(base + 12) >>> 2]] ?? String(u[(base + 12) >>> 2]), ifindex: u[(base + 16) >>> 2] });
    }
    return out;
  }

  /**
   * Sockets as `ss -tanmi` shows them (TCP; `{ all: true }` adds UDP and ping sockets):
   * Linux's state spelling, Recv-Q/Send-Q (for a listener: accept queue and backlog), the
   * owning process, the timer column, skmem, and TCP_INFO.
   */
  ss(opts: { all?: boolean } = {}): SsEntry[] {
    const k = this.kernel;
    const x = k.x;
    const owners = new Map<number, { pid: number; fd: number }>();
    for (const p of this.processes.values()) {
      const max = x.ss_fd_max(p.pid);
      for (let fd = 0; fd < max; fd++) {
        const sk = x.ss_fd_sock(p.pid, fd);
        if (sk && !owners.has(sk)) owners.set(sk, { pid: p.pid, fd });
      }
    }
    const out: SsEntry[] = [];
    for (let sk = x.ss_next(0); sk !== 0; sk = x.ss_next(sk)) {
      x.ss_fill(sk);
      const base = k.uarea;
      const dv = new DataView(x.memory.buffer, base, 360);
      const u32 = (o: number) => dv.getUint32(o, true);
      const proto = u32(44);
      if (proto !== IPPROTO_TCP && !opts.all) continue;
      const state = u32(0);
      const tcp = proto === IPPROTO_TCP;
      const timerKind = u32(28);
      const timerMs = dv.getFloat64(32, true);
      const owner = owners.get(sk);
      out.push({
        proto: tcp ? 'tcp' : proto === IPPROTO_UDP ? 'udp' : 'icmp',
        state: tcp ? (SS_STATE[state] ?? String(state)) : state === 1 ? 'ESTAB' : 'UNCONN',
        recvQ: u32(20),
        sendQ: u32(24),
        local: `${formatIPv4(u32(4))}:${u32(8) || '*'}`,
        peer: state === 10 || (!tcp && u32(16) === 0) ? '0.0.0.0:*' : `${formatIPv4(u32(12))}:${u32(16)}`,
        pid: owner?.pid ?? null,
        fd: owner?.fd ?? null,
        timer: timerKind ? `(${TIMER_NAMES[timerKind]},${ssTime(Math.max(0, timerMs))},${u32(40)})` : null,
        skmem: { r: u32(48), rb: u32(52), t: u32(56), tb: u32(60), w: u32(64), d: u32(72) },
        info: tcp && u32(84) === 0 ? decodeTcpInfo(x.memory.buffer, base + 128) : null, // 84: a request sock, no tcp_info
      });
    }
    return out;
  }

  /** Hands a raw Ethernet frame to this host's NIC as if it came off the wire. */
  inject(frame: Uint8Array): void {
    if (!(frame instanceof Uint8Array)) throw new TypeError('inject: frame must be a Uint8Array');
    if (!this.injectEnd) {
      this.injectEnd = this.ends[0] ?? null;
      if (!this.injectEnd) {
        const ifindex = this.addInterface(1500);
        this.injectEnd = { host: this, ifindex, peer: null, link: null };
        this.ends.push(this.injectEnd);
      }
    }
    this.net.injectFrame(this.injectEnd, frame);
  }
}
