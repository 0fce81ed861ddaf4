// Second opinion on our frames: Wireshark's dissectors (tshark) read a pcap we wrote and
// report, per frame, the protocol stack, malformed packets and bad checksums.
// tshark must be on PATH (Debian: `apt-get install -y tshark`); CI installs it, so tests
// that use it run (and fail when it is missing) whenever process.env.CI is set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TSHARK = process.env.TSHARK ?? 'tshark';

// Wireshark's expert-info groups (epan/proto.h PI_CHECKSUM, PI_MALFORMED), as tshark prints
// the numeric value of _ws.expert.group.
const PI_CHECKSUM = 0x01000000;
const PI_MALFORMED = 0x07000000;
// <proto>.checksum.status is PROTO_CHECKSUM_E_BAD = 0, GOOD = 1, UNVERIFIED = 2.
const CHECKSUM_BAD = '0';

/** The per-frame verdict. */
export interface TsharkFrame {
  /** frame.protocols, e.g. "eth:ethertype:ip:udp:data". */
  protocols: string;
  /** A dissector threw (`_ws.malformed`) or raised a Malformed expert item. */
  malformed: boolean;
  /** An IP/ICMP/UDP/TCP checksum did not verify. */
  badChecksum: boolean;
  /** Every expert-info message of the frame, for failure messages. */
  expert: string[];
}

export interface TsharkResult {
  frames: number;
  malformed: number;
  badChecksums: number;
  /** frame.protocols of each frame, in order. */
  protocols: string[];
  perFrame: TsharkFrame[];
}

let available: boolean | undefined;

/** Whether a working tshark is on PATH (checked once). */
export function tsharkAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync(TSHARK, ['--version'], { encoding: 'utf8' });
    available = r.status === 0 && /TShark/i.test(r.stdout);
  }
  return available;
}

/** Tests that need tshark run when it is installed, and also in CI, where its absence is a failure. */
export function tsharkRequired(): boolean {
  return tsharkAvailable() || !!process.env.CI;
}

// Checksum validation is off by default in Wireshark (offloading makes local captures look
// wrong); our frames are built in software, so every checksum must verify.
const CHECK_OPTS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
// Expert messages go last so that an odd character in one cannot shift the other columns.
const FIELDS = [
  'frame.number',
  'frame.protocols',
  '_ws.malformed',
  'ip.checksum.status',
  'udp.checksum.status',
  'tcp.checksum.status',
  'icmp.checksum.status',
  '_ws.expert.group',
  '_ws.expert.message',
];
const SEP = '\t';
const AGG = '\x1f'; // between repeated values of one field (e.g. inner and outer IP)

/** Runs tshark over `pcap` and counts frames, malformed frames and frames with a bad checksum. */
export function tsharkCheck(pcap: Uint8Array): TsharkResult {
  if (!tsharkAvailable()) throw new Error(`tshark not found (${TSHARK}); install it: apt-get install -y tshark`);
  const dir = mkdtempSync(join(tmpdir(), 'kstack-tshark-'));
  try {
    const file = join(dir, 'capture.pcap');
    writeFileSync(file, pcap);
    const args = ['-r', file, '-n', ...CHECK_OPTS, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a'];
    args.push('-E', `aggregator=${AGG}`);
    for (const f of FIELDS) args.push('-e', f);
    const r = spawnSync(TSHARK, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`tshark exited with ${r.status}: ${r.stderr}`);
    const perFrame = r.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map(parseLine);
    return {
      frames: perFrame.length,
      malformed: perFrame.filter((f) => f.malformed).length,
      badChecksums: perFrame.filter((f) => f.badChecksum).length,
      protocols: perFrame.map((f) => f.protocols),
      perFrame,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseLine(line: string): TsharkFrame {
  const cols = line.split(SEP);
  const col = (name: string): string[] => {
    const v = cols[FIELDS.indexOf(name)] ?? '';
    return v === '' ? [] : v.split(AGG);
  };
  const groups = col('_ws.expert.group').map(Number);
  const statuses = ['ip', 'udp', 'tcp', 'icmp'].flatMap((p) => col(`${p}.checksum.status`));
  return {
    protocols: col('frame.protocols').join(''),
    malformed: col('_ws.malformed').length > 0 || groups.includes(PI_MALFORMED),
    badChecksum: groups.includes(PI_CHECKSUM) || statuses.includes(CHECKSUM_BAD),
    // The message column is last: rejoin in case a message held a tab.
    expert: cols.slice(FIELDS.length - 1).join(SEP).split(AGG).filter((m) => m !== ''),
  };
}
