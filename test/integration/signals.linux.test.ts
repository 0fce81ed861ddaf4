// Differential test: signals and blocking socket calls on kstack against this machine's
// Linux (python3: the signal module installs the handlers, siginterrupt() chooses
// SA_RESTART, ctypes calls libc directly so that Python's own EINTR retry (PEP 475) stays
// out of the way). Each case: the call's answer and how many times the handler ran; Linux's
// answers are pinned too, so a change in this machine's kernel shows as a Linux failure.
// SIGALRM comes from setitimer(100 ms) on Linux and from another process's kill() at
// 100 ms on kstack; "late" data or a connection arrives at 300 ms.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Host, type Sys } from '../../build/host/index.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';

type Answer = (number | string)[];

const PY = String.raw`
import ctypes, errno, json, os, signal, socket, struct, time
libc = ctypes.CDLL(None, use_errno=True)
ALIASES = {'EWOULDBLOCK': 'EAGAIN'}
def res(r):
    if r >= 0: return r
    e = ctypes.get_errno()
    n = errno.errorcode.get(e, 'E%d' % e)
    return '-' + ALIASES.get(n, n)

class Timespec(ctypes.Structure):
    _fields_ = [('tv_sec', ctypes.c_long), ('tv_nsec', ctypes.c_long)]

def pair():
    l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(8)
    c = socket.socket(); c.connect(l.getsockname())
    s, _ = l.accept()
    return l, c, s

def later(fn, delay):
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        time.sleep(delay)
        try: fn()
        finally: os._exit(0)
    return pid

def handler_setup(restart):
    hits = []
    signal.signal(signal.SIGALRM, lambda s, f: hits.append(s))
    signal.siginterrupt(signal.SIGALRM, not restart)
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    return hits

def recv_case(restart, rcvtimeo):
    l, c, s = pair()
    if rcvtimeo:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 10, 0))
    kid = later(lambda: s.send(b'late'), 0.3)
    hits = handler_setup(restart)
    buf = ctypes.create_string_buffer(16)
    r1 = res(libc.recv(c.fileno(), buf, 16, 0))
    out = [r1, len(hits)]
    if r1 != 4: out.append(res(libc.recv(c.fileno(), buf, 16, 0)))
    os.waitpid(kid, 0)
    for x in (l, c, s): x.close()
    return out

def accept_case(restart):
    l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(8)
    addr = l.getsockname()
    def dial():
        k = socket.socket(); k.connect(addr); k.close()
    kid = later(dial, 0.3)
    hits = handler_setup(restart)
    r1 = libc.accept(l.fileno(), None, None)
    out = ['fd' if r1 >= 0 else res(r1), len(hits)]
    if r1 >= 0: os.close(r1)
    os.waitpid(kid, 0)
    l.close()
    return out

def sleep_case(restart):
    hits = handler_setup(restart)
    ts = Timespec(1, 0)
    return [res(libc.nanosleep(ctypes.byref(ts), None)), len(hits)]

def sigpipe_case(disposition, flags):
    l, c, s = pair()
    c.shutdown(socket.SHUT_WR)
    pid = os.fork()
    if pid == 0:
        hits = []
        if disposition == 'default': signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        elif disposition == 'ignore': signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        else: signal.signal(signal.SIGPIPE, lambda s, f: hits.append(s))
        r = res(libc.send(c.fileno(), b'x', 1, flags))
        time.sleep(0.01)  # let the Python-level handler run
        os._exit(100 + len(hits) if r == '-EPIPE' else 1)
    _, st = os.waitpid(pid, 0)
    for x in (l, c, s): x.close()
    if os.WIFSIGNALED(st): return ['signal %d' % os.WTERMSIG(st)]
    code = os.WEXITSTATUS(st)
    return ['-EPIPE', code - 100] if code >= 100 else ['exit %d' % code]

def waitpid_case(restart):
    kid = os.fork()
    if kid == 0:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        time.sleep(0.3)
        os._exit(7)
    hits = handler_setup(restart)
    st = ctypes.c_int(0)
    r1 = libc.waitpid(kid, ctypes.byref(st), 0)
    out = ['pid' if r1 == kid else res(r1), len(hits)]
    if r1 != kid: libc.waitpid(kid, ctypes.byref(st), 0)
    out.append('exit %d' % os.WEXITSTATUS(st.value))
    return out

def waitpid_sigchld_case():
    hits = []
    signal.signal(signal.SIGCHLD, lambda s, f: hits.append(s))
    signal.siginterrupt(signal.SIGCHLD, True)
    kid = os.fork()
    if kid == 0:
        time.sleep(0.3)
        os._exit(7)
    st = ctypes.c_int(0)
    r1 = libc.waitpid(kid, ctypes.byref(st), 0)
    out = ['pid' if r1 == kid else res(r1), len(hits), 'exit %d' % os.WEXITSTATUS(st.value)]
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    return out

out = {
    'waitpid, no SA_RESTART': waitpid_case(False),
    'waitpid, SA_RESTART': waitpid_case(True),
    'waitpid, the child\'s own SIGCHLD (handler, no SA_RESTART)': waitpid_sigchld_case(),
    'recv, no SA_RESTART': recv_case(False, False),
    'recv, SA_RESTART': recv_case(True, False),
    'recv with SO_RCVTIMEO, SA_RESTART': recv_case(True, True),
    'accept, no SA_RESTART': accept_case(False),
    'accept, SA_RESTART': accept_case(True),
    'nanosleep, SA_RESTART': sleep_case(True),
    'send after SHUT_WR, SIGPIPE default': sigpipe_case('default', 0),
    'send after SHUT_WR, SIGPIPE ignored': sigpipe_case('ignore', 0),
    'send after SHUT_WR, SIGPIPE handled': sigpipe_case('handler', 0),
    'send after SHUT_WR, MSG_NOSIGNAL': sigpipe_case('default', socket.MSG_NOSIGNAL),
}
print(json.dumps(out))
`;

const LINUX: Record<string, Answer> = {
  'waitpid, no SA_RESTART': ['-EINTR', 1, 'exit 7'],
  'waitpid, SA_RESTART': ['pid', 1, 'exit 7'],
  "waitpid, the child's own SIGCHLD (handler, no SA_RESTART)": ['pid', 1, 'exit 7'],
  'recv, no SA_RESTART': ['-EINTR', 1, 4],
  'recv, SA_RESTART': [4, 1],
  'recv with SO_RCVTIMEO, SA_RESTART': ['-EINTR', 1, 4],
  'accept, no SA_RESTART': ['-EINTR', 1],
  'accept, SA_RESTART': ['fd', 1],
  'nanosleep, SA_RESTART': ['-EINTR', 1],
  'send after SHUT_WR, SIGPIPE default': ['signal 13'],
  'send after SHUT_WR, SIGPIPE ignored': ['-EPIPE', 0],
  'send after SHUT_WR, SIGPIPE handled': ['-EPIPE', 1],
  'send after SHUT_WR, MSG_NOSIGNAL': ['-EPIPE', 0],
};

const res = (r: number): number | string => (r >= 0 ? r : `-${errnoName(r)}`);

/** A loopback connection: listener, client, accepted server end. */
async function loPair(sys: Sys): Promise<[number, number, number]> {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  await sys.bind(l, { addr: '127.0.0.1', port: 0 });
  await sys.listen(l, 8);
  const port = ((await sys.getsockname(l)) as { port: number }).port;
  const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  await sys.connect(c, { addr: '127.0.0.1', port });
  const s = await sys.accept(l);
  return [l, c, s];
}

/** Runs body as a process on a fresh host, with SIGALRM from another process at 100 ms. */
async function onKstack(body: (sys: Sys, h: Host) => Promise<Answer>, alarm = true): Promise<Answer> {
  const net = await boot();
  const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
  let out: Answer = [];
  const p = h.spawn(async (sys) => { out = await body(sys, h); });
  if (alarm) h.spawn(async (sys) => { await sys.nanosleep(100); await sys.kill(p.pid, C.SIGALRM); });
  await net.run({ untilIdle: true });
  const st = await p.exited;
  if (st.signal !== undefined) out = [`signal ${st.signal}`];
  await expectNoLeaks(net);
  return out;
}

function handlerSetup(sys: Sys, restart: boolean): Promise<{ hits: number }> {
  const hits = { hits: 0 };
  return sys.sigaction(C.SIGALRM, { handler: () => { hits.hits++; }, flags: restart ? C.SA_RESTART : 0 }).then(() => hits);
}

const recvCase = (restart: boolean, rcvtimeo: boolean) => onKstack(async (sys) => {
  const [l, c, s] = await loPair(sys);
  if (rcvtimeo) await sys.setsockopt(c, C.SOL_SOCKET, C.SO_RCVTIMEO_OLD, 10_000);
  const hits = await handlerSetup(sys, restart);
  const kid = await sys.fork(async (k) => { await k.nanosleep(300); await k.send(s, 'late'); });
  const buf = new Uint8Array(16);
  const r1 = await sys.recv(c, buf, 0);
  const out: Answer = [res(r1), hits.hits];
  if (r1 !== 4) out.push(res(await sys.recv(c, buf, 0)));
  await sys.waitpid(kid);
  for (const fd of [l, c, s]) await sys.close(fd);
  return out;
});

const acceptCase = (restart: boolean) => onKstack(async (sys, h) => {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  await sys.bind(l, { addr: '127.0.0.1', port: 0 });
  await sys.listen(l, 8);
  const port = ((await sys.getsockname(l)) as { port: number }).port;
  h.spawn(async (k) => {
    await k.nanosleep(300);
    const fd = await k.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await k.connect(fd, { addr: '127.0.0.1', port });
    await k.close(fd);
  });
  const hits = await handlerSetup(sys, restart);
  const r1 = await sys.accept(l);
  const out: Answer = [r1 >= 0 ? 'fd' : res(r1), hits.hits];
  if (r1 >= 0) await sys.close(r1);
  await sys.nanosleep(400); // the dialer is done before the listener goes
  await sys.close(l);
  return out;
});

const sleepCase = (restart: boolean) => onKstack(async (sys) => {
  const hits = await handlerSetup(sys, restart);
  return [res(await sys.nanosleep(1000)), hits.hits];
});

const sigpipeCase = (disposition: 'default' | 'ignore' | 'handler', flags: number) => onKstack(async (sys) => {
  const [l, c, s] = await loPair(sys);
  await sys.shutdown(c, C.SHUT_WR);
  let hits = 0;
  if (disposition === 'ignore') await sys.sigaction(C.SIGPIPE, { handler: 'SIG_IGN' });
  if (disposition === 'handler') await sys.sigaction(C.SIGPIPE, { handler: () => { hits++; } });
  const r = await sys.send(c, 'x', flags);
  for (const fd of [l, c, s]) await sys.close(fd);
  return [res(r), hits];
}, false);

/** The child exits with 7 at 300 ms; SIGALRM (another process's kill) comes at 100 ms. */
const waitpidCase = (restart: boolean) => onKstack(async (sys) => {
  const kid = await sys.fork(async (k) => { await k.nanosleep(300); return 7; });
  const hits = await handlerSetup(sys, restart);
  let r = await sys.waitpid(kid);
  const out: Answer = [typeof r === 'number' ? res(r) : 'pid', hits.hits];
  if (typeof r === 'number') r = await sys.waitpid(kid);
  out.push(typeof r === 'number' ? res(r) : `exit ${r.code}`);
  return out;
});

const waitpidSigchldCase = () => onKstack(async (sys) => {
  let hits = 0;
  await sys.sigaction(C.SIGCHLD, { handler: () => { hits++; } });
  const kid = await sys.fork(async (k) => { await k.nanosleep(300); return 7; });
  const r = await sys.waitpid(kid);
  return typeof r === 'number' ? [res(r), hits] : [r.pid === kid ? 'pid' : 'other', hits, `exit ${r.code}`];
}, false);

const KSTACK: Record<string, () => Promise<Answer>> = {
  'waitpid, no SA_RESTART': () => waitpidCase(false),
  'waitpid, SA_RESTART': () => waitpidCase(true),
  "waitpid, the child's own SIGCHLD (handler, no SA_RESTART)": () => waitpidSigchldCase(),
  'recv, no SA_RESTART': () => recvCase(false, false),
  'recv, SA_RESTART': () => recvCase(true, false),
  'recv with SO_RCVTIMEO, SA_RESTART': () => recvCase(true, true),
  'accept, no SA_RESTART': () => acceptCase(false),
  'accept, SA_RESTART': () => acceptCase(true),
  'nanosleep, SA_RESTART': () => sleepCase(true),
  'send after SHUT_WR, SIGPIPE default': () => sigpipeCase('default', 0),
  'send after SHUT_WR, SIGPIPE ignored': () => sigpipeCase('ignore', 0),
  'send after SHUT_WR, SIGPIPE handled': () => sigpipeCase('handler', 0),
  'send after SHUT_WR, MSG_NOSIGNAL': () => sigpipeCase('default', C.MSG_NOSIGNAL),
};

describe('signals vs Linux: EINTR, SA_RESTART, SIGPIPE, waitpid', () => {
  let linux: Record<string, Answer>;
  beforeAll(() => {
    linux = JSON.parse(execFileSync('python3', ['-c', PY], { encoding: 'utf8', timeout: 60_000 }));
  }, 120_000);

  for (const name of Object.keys(LINUX)) {
    it(name, async () => {
      expect(linux[name]).toEqual(LINUX[name]);
      expect(await KSTACK[name]()).toEqual(linux[name]);
    });
  }
});
