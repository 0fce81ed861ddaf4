// epoll_wait with one ready descriptor among N watched: N = 10 vs N = 100,000, side by
// side in one run. Linux's epoll_wait looks at the ready list only (ep_send_events), never
// at the interest set, so the two should cost the same; the target is a ratio within 1.5×.
//
// How 100,000 watched descriptors fit under RLIMIT_NOFILE = 1024 per process (kstack has
// no setrlimit) and fs.file-max (65,536 here): the parent creates the epoll fd and forks
// 98 children, which share it as after fork(2). Each child makes one quiet UDP socket and
// dups it with F_DUPFD up to ~1,020 descriptors, adding every descriptor to the shared
// epoll: epoll keys its items by (file, fd), so each is a distinct item, exactly as on
// Linux, while only ~100 files exist. The children then sleep (their descriptors keep
// the items alive: eventpoll_release would remove them at exit). The one ready item is a
// UDP socket of the parent's holding a datagram it never reads (level-triggered, so every
// epoll_wait reports it).
import { Network, constants as C } from '../../build/host/index.js';
import { median, now } from './timing.mjs';

async function setup(engine, n) {
  const net = await Network.create({ clock: 'virtual', engine, capture: false });
  const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
  const ctl = { ready: null, release: null, result: null };
  h.spawn(async (sys) => {
    const ep = await sys.epoll_create1(0);
    const hot = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    await sys.bind(hot, { addr: '127.0.0.1', port: 9999 });
    await sys.sendto(hot, 'x', 0, { addr: '127.0.0.1', port: 9999 });
    if ((await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, hot, { events: C.EPOLLIN, data: -1 })) !== 0) throw new Error('ctl hot');
    let left = n - 1;
    const kids = [];
    // Small N: the parent's own descriptors suffice.
    if (left <= 1000) {
      const q = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      for (let i = 0; i < left; i++) {
        const fd = i === 0 ? q : await sys.fcntl(q, C.F_DUPFD, 0);
        if (fd < 0 || (await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, fd, { events: C.EPOLLIN, data: fd })) !== 0) throw new Error(`small setup ${fd}`);
      }
      left = 0;
    }
    while (left > 0) {
      const take = Math.min(left, 1020);
      left -= take;
      kids.push(await sys.fork(async (cs) => {
        const q = await cs.socket(C.AF_INET, C.SOCK_DGRAM, 0);
        for (let i = 0; i < take; i++) {
          const fd = i === 0 ? q : await cs.fcntl(q, C.F_DUPFD, 0);
          if (fd < 0) throw new Error(`dup: ${fd}`);
          const r = await cs.epoll_ctl(ep, C.EPOLL_CTL_ADD, fd, { events: C.EPOLLIN, data: fd });
          if (r !== 0) throw new Error(`epoll_ctl: ${r}`);
        }
        await cs.nanosleep(1e9);
      }));
    }
    await sys.nanosleep(1);
    const items = h.kernel.x.stat_epitems();
    if (items !== n) throw new Error(`expected ${n} items, have ${items}`);
    // Hand the parent's epoll_wait to the benchmark loop.
    await new Promise((resolve) => { ctl.ready = { sys, ep, resolve }; });
    for (const k of kids) h.processes.get(k)?.kill(9);
  });
  // Run until the parent parks on the promise (every child sleeps).
  await net.run({ untilMs: 10 });
  if (!ctl.ready) throw new Error('epoll bench setup did not finish');
  return { net, x: h.kernel.x, pid: [...h.processes.keys()][0], ...ctl.ready };
}

/** The kernel export alone (no promise, no host): ns per sys_epoll_wait reporting one event. */
function kernelLoop(s, iters) {
  const t0 = now();
  for (let i = 0; i < iters; i++) {
    if (s.x.sys_epoll_wait(s.pid, s.ep, 64, 0) !== 1) throw new Error('sys_epoll_wait');
  }
  return ((now() - t0) * 1e6) / iters;
}

/** Time per epoll_wait(ep, 64, 0) that reports one event, in ns. */
async function loop(s, iters) {
  const t0 = now();
  for (let i = 0; i < iters; i++) {
    const r = await s.sys.epoll_wait(s.ep, 64, 0);
    if (r.length !== 1) throw new Error(`epoll_wait: ${JSON.stringify(r)}`);
  }
  return ((now() - t0) * 1e6) / iters;
}

export async function benchEpoll({ engine = 'wasm', quick = false, log = () => {} } = {}) {
  log(`  setting up N = 10 and N = 100,000 (${engine})…`);
  const small = await setup(engine, 10);
  const big = await setup(engine, 100_000);
  const iters = quick ? 5_000 : 40_000;
  await loop(small, iters);
  await loop(big, iters);
  const a = [];
  const b = [];
  const ka = [];
  const kb = [];
  kernelLoop(small, iters * 4);
  kernelLoop(big, iters * 4);
  for (let r = 0; r < (quick ? 3 : 9); r++) {
    a.push(await loop(small, iters));
    b.push(await loop(big, iters));
    ka.push(kernelLoop(small, iters * 4));
    kb.push(kernelLoop(big, iters * 4));
  }
  for (const s of [small, big]) s.resolve();
  return { engine, smallNs: median(a), bigNs: median(b), kernelSmallNs: median(ka), kernelBigNs: median(kb) };
}
