// The shared body of the differential test files (udp-errno.linux, tcp-errno.linux): each
// case runs on this machine's kernel and on kstack, and must give the same answers. Each
// case also pins Linux's answer (`linux`), so that a change in this machine's kernel shows
// up as a failure of the Linux half, not as a kstack bug.

import { beforeAll, expect, it } from 'vitest';
import { linuxConstants, linuxRun, type LinuxCase, type LinuxResult } from './linux.js';
import { kstackRun, loadKstack } from './kstack-steps.js';

export interface PinnedCase extends LinuxCase {
  /** Linux's answer on this machine, one entry per step. */
  linux: LinuxResult;
}

/** C names the cases resolve through `constants` (or the fallback table). */
function constantNames(cases: LinuxCase[]): string[] {
  const names = new Set<string>(['AF_UNSPEC']);
  for (const c of cases)
    for (const s of c.steps)
      for (const a of s.slice(1))
        if (typeof a === 'string')
          for (const p of a.split('|')) if (/^[A-Z][A-Z0-9_]+$/.test(p)) names.add(p);
  return [...names].sort();
}

/** One readable line per step, so a mismatch shows which step differs. */
export function annotate(c: LinuxCase, r: LinuxResult): string[] {
  return c.steps.map((s, i) => `${JSON.stringify(s)} => ${i < r.length ? JSON.stringify(r[i]) : '(missing)'}`);
}

/** Defines, inside the caller's describe(), a constants check and one test per case. */
export function differentialTests(cases: PinnedCase[]): void {
  let linux: LinuxResult[];
  beforeAll(() => {
    linux = linuxRun(cases);
  }, 120_000);

  it('constants used by these cases have this machine’s values', async () => {
    const want = linuxConstants(constantNames(cases));
    const { constants: C } = await loadKstack();
    const got: Record<string, number> = {};
    // Compared as i32, as test/arch/abi.test.ts does: the kernel holds EPOLLET (1U << 31) in an i32.
    for (const n of Object.keys(want)) if (C[n] !== undefined) got[n] = C[n] | 0;
    const expected: Record<string, number> = {};
    for (const n of Object.keys(got)) expected[n] = want[n] | 0;
    expect(got).toEqual(expected);
  });

  cases.forEach((c, i) => {
    it(c.name, async () => {
      // Linux first: the pinned answer documents what the name claims.
      expect(annotate(c, linux[i])).toEqual(annotate(c, c.linux));
      const [k] = await kstackRun([c]);
      expect(annotate(c, k)).toEqual(annotate(c, linux[i]));
    });
  });
}
