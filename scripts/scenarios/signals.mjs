// Signals (signal(7)): SIGPIPE killing a careless writer, EINTR versus SA_RESTART on a
// blocking recv(), and signal-driven I/O (O_ASYNC + F_SETOWN raising SIGIO).
import { constants as C, errnoName } from '../../build/host/index.js';

const E = (r) => (typeof r === 'number' && r < 0 ? errnoName(r) : String(r));
const status = (st) => (st.signal !== undefined ? `killed by signal ${st.signal} (${sigName(st.signal)})` : `exited ${st.code}`);
const sigName = (n) => Object.keys(C).find((k) => /^SIG[A-Z]+$/.test(k) && !['SIGIOT', 'SIGPOLL', 'SIGCLD', 'SIGUNUSED'].includes(k) && C[k] === n) ?? n;

async function listen(sys, port) {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  await sys.bind(l, { addr: '0.0.0.0', port });
  await sys.listen(l, 16);
  return l;
}
async function dial(sys, port) {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  await sys.connect(fd, { addr: '10.0.0.2', port });
  return fd;
}

export default {
  name: 'signals',
  order: 30,
  description: 'SIGPIPE kills a careless writer (SIG_IGN gets EPIPE), EINTR vs SA_RESTART on a blocking recv, SIGIO from an O_ASYNC socket',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 1 });
    say('net', 'client 10.0.0.1 ── 1 ms ── server 10.0.0.2');

    // ── 1. SIGPIPE ──
    say('net', '── 1. the server resets each connection; the client keeps writing');
    b.spawn(async (sys) => {
      const l = await listen(sys, 7001);
      for (let i = 0; i < 2; i++) {
        const c = await sys.accept(l);
        await sys.setsockopt(c, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 });
        await sys.close(c); // SO_LINGER {1, 0}: RST
      }
      await sys.close(l);
    });
    for (const ignore of [false, true]) {
      const who = ignore ? 'careful' : 'careless';
      const p = a.spawn(async (sys) => {
        if (ignore) {
          await sys.sigaction(C.SIGPIPE, { handler: 'SIG_IGN' });
          say(who, 'sigaction(SIGPIPE, SIG_IGN)');
        }
        const fd = await dial(sys, 7001);
        await sys.nanosleep(20);
        say(who, `send → ${E(await sys.send(fd, 'hello'))} (the RST left ECONNRESET; no signal for that)`);
        say(who, ignore ? 'send again: EPIPE, and SIGPIPE, which is ignored' : 'send again: EPIPE raises SIGPIPE, whose default action ends the process');
        say(who, `send → ${E(await sys.send(fd, 'hello'))}`);
        await sys.close(fd);
        return 0;
      }, { name: who });
      p.exited.then((st) => say(who, `process ${status(st)}`));
      await net.run({ untilMs: net.now() + 1000 });
    }

    // ── 2. EINTR vs SA_RESTART ──
    say('net', '── 2. a blocking recv(); SIGUSR1 arrives at +100 ms, the data at +300 ms');
    b.spawn(async (sys) => {
      const l = await listen(sys, 7002);
      for (let i = 0; i < 2; i++) {
        const c = await sys.accept(l);
        await sys.nanosleep(300);
        await sys.send(c, 'data');
        await sys.recv(c, new Uint8Array(8), 0); // until the client closes
        await sys.close(c);
      }
      await sys.close(l);
    });
    for (const flags of [0, C.SA_RESTART]) {
      const who = flags ? 'restart' : 'eintr';
      const t0 = net.now();
      const at = () => `+${Math.round(net.now() - t0)} ms`;
      const p = a.spawn(async (sys) => {
        await sys.sigaction(C.SIGUSR1, { handler: (s) => say(who, `${at()} handler for signal ${s} runs`), flags });
        say(who, `sigaction(SIGUSR1, handler${flags ? ', SA_RESTART' : ''}); recv() blocks`);
        const fd = await dial(sys, 7002);
        const buf = new Uint8Array(8);
        let r = await sys.recv(fd, buf, 0);
        say(who, `${at()} recv → ${E(r)}`);
        if (r < 0) {
          r = await sys.recv(fd, buf, 0);
          say(who, `${at()} recv again → ${E(r)}`);
        }
        await sys.close(fd);
      }, { name: who });
      a.spawn(async (sys) => {
        await sys.nanosleep(100);
        await sys.kill(p.pid, C.SIGUSR1);
      }, { name: 'killer' });
      await net.run({ untilMs: net.now() + 1000 });
    }

    // ── 3. SIGIO ──
    say('net', '── 3. signal-driven I/O: a UDP socket with O_ASYNC, owned by its process');
    const io = b.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '0.0.0.0', port: 7003 });
      let got = 0;
      await sys.sigaction(C.SIGIO, {
        handler: async () => {
          const buf = new Uint8Array(64);
          let n;
          while ((n = await sys.recv(fd, buf, C.MSG_DONTWAIT)) > 0) {
            got++;
            say('sigio', `SIGIO handler: read "${new TextDecoder().decode(buf.subarray(0, n))}"`);
          }
        },
      });
      await sys.fcntl(fd, C.F_SETOWN, await sys.getpid());
      await sys.fcntl(fd, C.F_SETFL, C.O_ASYNC);
      say('sigio', 'fcntl(F_SETOWN, getpid()), fcntl(F_SETFL, O_ASYNC); then it sleeps');
      while (got < 3) {
        const r = await sys.nanosleep(10_000);
        say('sigio', `nanosleep → ${E(r)} (never restarted)`);
      }
      await sys.close(fd);
    }, { name: 'sigio' });
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      for (let i = 1; i <= 3; i++) {
        await sys.nanosleep(50);
        await sys.sendto(fd, `datagram ${i}`, 0, { addr: '10.0.0.2', port: 7003 });
      }
      await sys.close(fd);
    }, { name: 'sender' });
    await net.run({ untilIdle: true });
    say('sigio', `process ${status(await io.exited)}`);
  },
};
