// RLIMIT_NOFILE and the descriptor table (fs/file.c, kernel/sys.c do_prlimit): EMFILE at
// the soft limit, lowest free number first, a table that grows when the limit is raised,
// limits inherited across fork.
import { describe, it, expect } from 'vitest';
import { constants as C } from '../../build/host/index.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';

describe('RLIMIT_NOFILE', () => {
  it('defaults to soft 1024 / hard 524288; the 1025th descriptor is EMFILE', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      expect(await sys.getrlimit(C.RLIMIT_NOFILE)).toEqual({ cur: 1024, max: 524288 });
      const fds: number[] = [];
      for (let i = 0; i < 1024; i++) fds.push(await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0));
      expect(fds[0]).toBe(0);
      expect(fds[1023]).toBe(1023);
      expect(await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0)).toBe(-C.EMFILE);
      // The lowest free number comes back first.
      expect(await sys.close(5)).toBe(0);
      expect(await sys.close(700)).toBe(0);
      expect(await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0)).toBe(5);
      expect(await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0)).toBe(700);
      // F_DUPFD at or past the soft limit is EINVAL (fcntl(2)).
      expect(await sys.fcntl(0, C.F_DUPFD, 1024)).toBe(-C.EINVAL);
      return 0;
    });
    await net.run({ untilIdle: true });
    expect((await p.exited).code).toBe(0);
    await expectNoLeaks(net);
  });

  it('raising the soft limit lets the table grow past 1024; fork copies the limits and every descriptor', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      expect(await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 5000, max: 524288 })).toBe(0);
      let last = -1;
      for (let i = 0; i < 5000; i++) last = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(last).toBe(4999);
      expect(await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0)).toBe(-C.EMFILE);
      expect(await sys.fcntl(4999, C.F_GETFL)).toBe(C.O_RDWR);
      const child = await sys.fork(async (c) => {
        expect(await c.getrlimit(C.RLIMIT_NOFILE)).toEqual({ cur: 5000, max: 524288 });
        expect(await c.fcntl(4999, C.F_GETFL)).toBe(C.O_RDWR);
        expect(await c.close(4999)).toBe(0);
        expect(await c.socket(C.AF_INET, C.SOCK_DGRAM, 0)).toBe(4999);
        return 7;
      });
      expect(await sys.waitpid(child)).toEqual({ pid: child, code: 7 });
      // The child's close did not touch the parent's descriptor.
      expect(await sys.fcntl(4999, C.F_GETFL)).toBe(C.O_RDWR);
      // Lowering the limit keeps open descriptors and refuses new ones.
      expect(await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 100, max: 524288 })).toBe(0);
      expect(await sys.close(50)).toBe(0);
      expect(await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0)).toBe(50);
      expect(await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0)).toBe(-C.EMFILE);
      expect(await sys.fcntl(4000, C.F_GETFL)).toBe(C.O_RDWR);
      return 0;
    });
    await net.run({ untilIdle: true });
    expect((await p.exited).code).toBe(0);
    expect(h.stats().files).toBe(0); // exit closed all 5000
    await expectNoLeaks(net);
  });

  it('setrlimit errors: cur above max is EINVAL, a hard limit past fs.nr_open is EPERM, other resources EINVAL', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      expect(await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 2000, max: 1000 })).toBe(-C.EINVAL);
      expect(await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 1024, max: 1048577 })).toBe(-C.EPERM);
      // uid 0 (CAP_SYS_RESOURCE) may raise the hard limit up to nr_open.
      expect(await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 1048576, max: 1048576 })).toBe(0);
      expect(await sys.getrlimit(C.RLIMIT_NOFILE)).toEqual({ cur: 1048576, max: 1048576 });
      expect(await sys.getrlimit(C.RLIMIT_NOFILE + 100)).toBe(-C.EINVAL);
      return 0;
    });
    await net.run({ untilIdle: true });
    expect((await p.exited).code).toBe(0);
    await expectNoLeaks(net);
  });
});
