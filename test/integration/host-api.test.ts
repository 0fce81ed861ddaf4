// The host-side API around the kernel (API.md "A network"): sysctls, counters, captures,
// frame injection, and argument checking that throws where API.md says it throws.
import { describe, expect, it } from 'vitest';
import { constants as C, Network, readPcap } from '../../build/host/index.js';
import { boot, ENGINE, expectNoLeaks, pair } from '../helpers/machine.js';
import { loadHex } from '../helpers/frames.js';
import { tsharkCheck, tsharkRequired } from '../helpers/tshark.js';

describe('sysctl', () => {
  it('reads Linux defaults in /proc formats, sets values, and throws on unknown names or bad values', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    expect(h.sysctl('net.ipv4.ip_local_port_range')).toBe('32768\t60999');
    expect(h.sysctl('net.core.rmem_max')).toBe(4194304); // Linux 6.x default (4 MiB)
    expect(h.sysctl('net.ipv4.tcp_fin_timeout')).toBe(60);
    expect(h.sysctl('net.ipv4.tcp_wmem')).toBe('4096\t16384\t4194304');
    expect(h.sysctl('net.ipv4.ip_local_port_range', '40000 40009')).toBe('40000\t40009');
    expect(() => h.sysctl('net.ipv4.no_such_thing')).toThrow(/unknown/);
    expect(() => h.sysctl('net.ipv4.ip_local_port_range', '50000 40000')).toThrow();
    expect(() => h.sysctl('net.core.rmem_max', 'lots')).toThrow();
    expect(() => h.sysctl('net.ipv4.tcp_syncookies', 3)).toThrow(/range/);
  });

  it('ip_local_port_range bounds the ports autobind picks', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    h.sysctl('net.ipv4.ip_local_port_range', '40000 40001');
    const ports: (number | string)[] = [];
    const p = h.spawn(async (sys) => {
      const fds: number[] = [];
      for (let i = 0; i < 3; i++) {
        const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
        fds.push(fd);
        const r = await sys.sendto(fd, 'x', 0, { addr: '127.0.0.1', port: 9 });
        const name = await sys.getsockname(fd);
        ports.push(r < 0 ? r : typeof name === 'number' ? name : name.port);
      }
      for (const fd of fds) await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect([...ports.slice(0, 2)].sort()).toEqual([40000, 40001]);
    expect(ports[2]).toBe(-C.EAGAIN); // inet_autobind fails: no port left
    await expectNoLeaks(net);
  });
});

describe('observability', () => {
  it('counters() uses /proc/net/snmp and /proc/net/netstat field names', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const c = h.counters();
    expect(Object.keys(c)).toEqual(expect.arrayContaining(['Ip', 'Icmp', 'Tcp', 'Udp', 'TcpExt', 'IpExt']));
    expect(c.Ip).toMatchObject({ Forwarding: 2, DefaultTTL: 64, InReceives: 0 });
    expect(c.Tcp).toMatchObject({ RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1 });
    expect(c.TcpExt).toHaveProperty('ListenOverflows');
    expect(c.TcpExt).toHaveProperty('TCPAbortOnData');
  });

  it('host.pcap() captures loopback traffic too, and tshark reads it cleanly', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      const s = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(s, { addr: '127.0.0.1', port: 7777 });
      const c = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(c, 'hello over lo', 0, { addr: '127.0.0.1', port: 7777 });
      await sys.sendto(c, 'nobody home', 0, { addr: '127.0.0.1', port: 7778 });
      await sys.close(s);
      await sys.close(c);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    const pcap = h.pcap();
    const recs = readPcap(pcap).records;
    // As tcpdump -i lo on Linux: each frame once (two datagrams and one port unreachable).
    expect(recs.length).toBe(3);
    if (tsharkRequired()) {
      const t = tsharkCheck(pcap);
      expect(t.malformed).toBe(0);
      expect(t.badChecksums).toBe(0);
      expect(t.protocols.join(' ')).toMatch(/udp/);
      expect(t.protocols.join(' ')).toMatch(/icmp/);
    }
    await expectNoLeaks(net);
  });

  it('inject(): an echo request handed to the NIC is answered on the wire', async () => {
    const { net, a, b } = await pair();
    const frame = loadHex('icmp-echo-request');
    frame.set([0x02, 0x00, 0x00, 0x02, 0x00, 0x01], 0); // the server's MAC
    b.inject(frame);
    await net.run({ untilIdle: true });
    expect(b.counters().Icmp).toMatchObject({ InEchos: 1, OutEchoReps: 1 });
    const lines = net.trace();
    expect(lines[0]).toMatch(/ICMP echo request, id 4660, seq 1, length 16$/);
    expect(lines.some((l) => /10\.0\.0\.2 > 10\.0\.0\.1: ICMP echo reply, id 4660, seq 1, length 16$/.test(l))).toBe(true);
    void a;
    await expectNoLeaks(net);
  });
});

describe('argument checking', () => {
  it('Network.create, addHost and link reject bad options', async () => {
    await expect(Network.create({ clock: 'sundial' as never, engine: ENGINE })).rejects.toThrow();
    await expect(Network.create({ engine: 'python' as never })).rejects.toThrow();
    const net = await boot();
    expect(() => net.addHost({ name: 'x', ip: '10.0.0.300' })).toThrow();
    const a = net.addHost({ name: 'a', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'b', ip: '10.0.0.2' });
    expect(() => net.link(a, a)).toThrow();
    expect(() => net.link(a, b, { lossRate: 2 })).toThrow(RangeError);
    expect(() => net.link(a, b, { mtu: 20 })).toThrow(RangeError);
    expect(() => net.link(a, b, { delayMs: -1 })).toThrow(RangeError);
  });

  it('a process that throws exits with code 1 and its sockets are closed', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      throw new Error('boom');
    });
    await net.run({ untilIdle: true });
    const st = await p.exited;
    expect(st.code).toBe(1);
    expect(String(st.error)).toMatch(/boom/);
    await expectNoLeaks(net);
  });
});
