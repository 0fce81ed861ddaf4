// Time as Linux keeps it: nanosleep on an hrtimer (exact), socket timeouts on the jiffies
// timer wheel (schedule_timeout: rounded up to the wheel level's granularity), and the
// real clock driving the same kernel from wall time.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName } from '../../build/host/index.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';

describe('clocks and timers', () => {
  it('nanosleep sleeps exactly the requested time (hrtimer), even 60 s and 1.5 ms', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const times: number[] = [];
    const p = h.spawn(async (sys) => {
      for (const ms of [1.5, 60_000, 7]) {
        const t0 = await sys.clock_gettime();
        expect(await sys.nanosleep(ms)).toBe(0);
        times.push((await sys.clock_gettime()) - t0);
      }
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(times).toEqual([1.5, 60_000, 7]);
    await expectNoLeaks(net);
  });

  it('SO_RCVTIMEO fires on the timer wheel: never early, late by at most 1/8 (Linux timer slack)', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const waited: [number, number][] = [];
    const p = h.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '127.0.0.1', port: 0 });
      for (const ms of [10, 100, 1000, 5000, 60_000]) {
        await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVTIMEO_OLD, ms);
        const t0 = await sys.clock_gettime();
        const r = await sys.recv(fd, new Uint8Array(8), 0);
        expect(errnoName(r)).toBe('EAGAIN');
        waited.push([ms, (await sys.clock_gettime()) - t0]);
      }
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    for (const [ms, took] of waited) {
      expect(took).toBeGreaterThanOrEqual(ms);
      expect(took).toBeLessThanOrEqual(ms + Math.ceil(ms / 8) + 1);
    }
    // Level 0 of the wheel (< 64 ms) is exact.
    expect(waited[0][1]).toBe(10);
    await expectNoLeaks(net);
  });

  it('real clock: nanosleep counts from the caller\'s now even when the kernel last polled long before', async () => {
    const net = await boot({ clock: 'real' });
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      // 40 ms of work with no kernel call: the kernel's clock stays at its last poll.
      const until = Date.now() + 40;
      while (Date.now() < until);
      const t0 = await sys.clock_gettime();
      expect(await sys.nanosleep(20)).toBe(0);
      expect(await sys.clock_gettime()).toBeGreaterThanOrEqual(t0 + 20);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
  });

  it('real clock: SO_RCVTIMEO counts from the caller\'s now even when the kernel last polled long before', async () => {
    const net = await boot({ clock: 'real' });
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      const s = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.bind(s, { addr: '127.0.0.1', port: 5001 })).toBe(0);
      expect(await sys.setsockopt(s, C.SOL_SOCKET, C.SO_RCVTIMEO, 30)).toBe(0);
      const until = Date.now() + 40;
      while (Date.now() < until);
      const t0 = await sys.clock_gettime();
      expect(errnoName(-(await sys.recv(s, new Uint8Array(8), 0)))).toBe('EAGAIN');
      // Socket timeouts run on jiffies (HZ=1000): the call's own jiffy is counted whole, so
      // the wait is at least 29 ms of wall time, as schedule_timeout's is in Linux.
      expect(await sys.clock_gettime()).toBeGreaterThanOrEqual(t0 + 29);
      await sys.close(s);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
  });

  it('real clock: a loopback UDP exchange completes with wall time passing', async () => {
    const net = await boot({ clock: 'real' });
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      const s = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(s, { addr: '127.0.0.1', port: 5000 });
      const c = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const t0 = await sys.clock_gettime();
      expect(await sys.nanosleep(20)).toBe(0);
      expect(await sys.clock_gettime()).toBeGreaterThanOrEqual(t0 + 20);
      expect(await sys.sendto(c, 'hi', 0, { addr: '127.0.0.1', port: 5000 })).toBe(2);
      expect(await sys.recv(s, new Uint8Array(8), 0)).toBe(2);
      await sys.close(s);
      await sys.close(c);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
  });
});
