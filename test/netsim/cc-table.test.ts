// A seeded network simulation: algorithm × random loss × RTT → goodput and retransmissions
// on a 20 Mbit/s link, pinned in cc-table.txt (smoltcp tests/netsim.rs style). A correctness
// record of what the congestion control does on the virtual clock, not a timing test: a
// change in any number is a change in behaviour, to be looked at and re-pinned
// (`npx vitest run test/netsim -u`). Both engines must produce the same table.
//
// Mathis et al. (1997): a Reno flow with random loss p converges to
//   goodput ≈ MSS/RTT · C/√p,  C = √(3/2) ≈ 1.22,
// the "mathis" column (capped at nothing: it ignores the link rate, timeouts and the slow
// start at the beginning of a short transfer). Where Reno lands: at p = 0.2% a 2 MB
// transfer sees only 3 losses, so it never reaches the equilibrium the formula assumes —
// capped by the 20 Mbit/s link below Mathis at 10 ms, above it at 60 ms (one recovery,
// mostly slow start); from p = 1% on it comes within about 10-20% of Mathis, below at
// 10 ms and above at 60 ms. A timeout costs an RTO of at least 200 ms, which shows at 3%.
// CUBIC's window growth does not depend on the RTT (RFC 9438 §5.2), which shows at 60 ms.
import { expect, it } from 'vitest';
import { constants as C, Network } from '../../build/host/index.js';
import { ENGINE } from '../helpers/machine.js';
import { serverReadAll } from '../helpers/tcp.js';

const RATE = 20e6;
const BYTES = 2_000_000;
const MSS = 1448;

async function flow(cc: string, loss: number, rttMs: number) {
  const net = await Network.create({ clock: 'virtual', seed: 7, engine: ENGINE });
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  net.link(a, b, { ab: { delayMs: rttMs / 2, rateBps: RATE, lossRate: loss, queuePackets: 200 }, ba: { delayMs: rttMs / 2 } });
  a.sysctl('net.ipv4.tcp_congestion_control', cc);
  const server = b.spawn((sys) => serverReadAll(sys, 5001));
  let ms = 0;
  const client = a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.connect(fd, { addr: '10.0.0.2', port: 5001 });
    const t0 = await sys.clock_gettime();
    await sys.send(fd, new Uint8Array(BYTES));
    while ((await sys.ioctl(fd, C.SIOCOUTQ)) > 0) await sys.nanosleep(5);
    ms = (await sys.clock_gettime()) - t0;
    await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await server.exited).toEqual({ code: BYTES });
  await client.exited;
  const x = a.counters().TcpExt;
  return {
    goodput: (BYTES * 8) / (ms / 1000) / 1e6,
    retrans: a.counters().Tcp.RetransSegs,
    timeouts: x.TCPTimeouts,
    recoveries: x.TCPRenoRecovery + x.TCPSackRecovery,
  };
}

it('congestion control under random loss: goodput and retransmissions per algorithm, loss rate and RTT (pinned)', async () => {
  const rows = ['cc     loss   rtt  goodput  mathis  retrans  timeouts  recoveries'];
  for (const cc of ['reno', 'cubic'])
    for (const loss of [0, 0.002, 0.01, 0.03])
      for (const rtt of [10, 60]) {
        const r = await flow(cc, loss, rtt);
        const mathis = loss > 0 ? ((MSS * 8) / (rtt / 1000)) * (Math.sqrt(1.5) / Math.sqrt(loss)) / 1e6 : Infinity;
        rows.push(
          `${cc.padEnd(6)} ${loss.toFixed(3)} ${String(rtt).padStart(4)} ${r.goodput.toFixed(2).padStart(8)} ${(Number.isFinite(mathis) ? mathis.toFixed(2) : '-').padStart(7)} ${String(r.retrans).padStart(8)} ${String(r.timeouts).padStart(9)} ${String(r.recoveries).padStart(11)}`,
        );
      }
  await expect(rows.join('\n') + '\n').toMatchFileSnapshot('./cc-table.txt');
}, 300_000);
