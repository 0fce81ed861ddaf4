// Runs differential test cases against this machine's real Linux kernel, through python3's
// socket module over loopback. test/helpers/kstack-steps.ts interprets the same cases on
// kstack, and the tests compare the two answers.
//
// The step language (shared by both interpreters). A case is { name, steps }; each step is
// an array whose first element is the operation. Socket operands are *names* ('a', 'b');
// real fd numbers never appear in a result because they differ between the two sides.
//
//   ['socket', s, domain, type, protocol]   → 'fd' or '-ENAME'
//   ['badfd', s, n]                         → 0; name s now means raw fd n (nothing opened)
//   ['bind', s, addr, port]                 → 0 or '-ENAME'
//   ['connect', s, addr, port]              → 0 or '-ENAME'
//   ['connect', s, 'AF_UNSPEC']             → connect to an AF_UNSPEC sockaddr (dissolves
//                                             a UDP association, udp_disconnect)
//   ['listen', s, backlog] / ['accept', s]  → 0 / 'fd', or '-ENAME'
//   ['accept', s, t]                        → 'fd' or '-ENAME'; the new socket is named t
//   ['fill', s, chunk]                      → total bytes MSG_DONTWAIT sends of `chunk`
//                                             bytes took: send until EAGAIN, sleep 300 ms,
//                                             again, until a round takes nothing (the
//                                             seeds' "how much does the kernel accept")
//   ['send', s, data, flags]                → bytes sent or '-ENAME'
//   ['sendto', s, data, flags, addr, port]  → bytes sent or '-ENAME'
//   ['sendto', s, data, flags]              → sendto(2) with a NULL address
//   ['recv', s, bufsize, flags]             → recv(2)'s return value (MSG_TRUNC: real length)
//   ['recvtext', s, bufsize, flags]         → the bytes received as a latin1 string
//   ['recvfrom', s, bufsize, flags]         → { n, addr: 'ip:port' } or '-ENAME'
//   ['getsockname', s] / ['getpeername', s] → 'ip:port' or '-ENAME'
//   ['portparity', s]                       → 'odd' or 'even': the parity of s's local port
//   ['setsockopt', s, level, name, value]   → 0 or '-ENAME'
//   ['getsockopt', s, level, name]          → the int value or '-ENAME'
//   ['getsockopt', s, level, name, sysctl]  → the value divided by that sysctl's value
//                                             (e.g. 2 for 2*net.core.rmem_max)
//   ['setlinger', s, onoff, linger]         → setsockopt(SO_LINGER, struct linger): 0 or '-ENAME'
//   ['setcc', s, name]                      → setsockopt(TCP_CONGESTION, name): 0 or '-ENAME'
//   ['getcc', s]                            → getsockopt(TCP_CONGESTION): the name or '-ENAME'
//   ['getlinger', s]                        → getsockopt(SO_LINGER) as 'onoff,linger'
//   ['fcntl', s, cmd, arg?]                 → fcntl(2)'s return value or '-ENAME'
//   ['ioctl', s, request]                   → the int the ioctl wrote (FIONREAD) or '-ENAME'
//   ['shutdown', s, how]                    → 0 or '-ENAME'
//   ['close', s]                            → 0 or '-ENAME'
//   ['sleep', ms]                           → 0 (lets loopback traffic and ICMP errors land)
//   ['netstat', group, name]                → how much that counter ('TcpExt',
//                                             'TCPDeferAcceptDrop') grew since the case
//                                             began (/proc/net/netstat or snmp: exact only
//                                             in a case's own namespace, i.e. with sysctls)
//   ['epoll_create', e, flags]              → 'fd' or '-ENAME'; e names the epoll fd
//   ['epoll_ctl', e, op, s, events, data]   → 0 or '-ENAME' (op: 'EPOLL_CTL_ADD', ...)
//   ['epoll_wait', e, maxevents, timeout]   → the events as 'data:0xevents' joined by
//                                             spaces ('' for none), or '-ENAME'
//   ['poll', 'a:POLLIN|POLLOUT,b:POLLIN', timeout] → 'n a=0xrevents b=0xrevents' or '-ENAME'
//   ['select', 'a,b', 'c', '', timeout]     → read, write, except lists of names:
//                                             'n r=a w=c x=' or '-ENAME'
//
// Arguments: a constant is a number, a C name ('SOL_SOCKET') or names or-ed together
// ('SOCK_DGRAM|SOCK_NONBLOCK'); a port is a number or '$portof:x', the port socket x was
// last seen bound to (the kernel picks it: cases bind to port 0); data is a number (that
// many bytes of a fixed pattern) or a string (its latin1 bytes).
//
// Ports in results are symbolic too: a port that some socket x of the case was seen bound
// to is written '$x' ('127.0.0.1:$b'); 0 is written 0; anything else as its number. Both
// interpreters silently call getsockname after every step that may bind a socket (bind,
// connect, send, sendto, listen) to learn those ports.
//
// Errno names are canonical: EAGAIN (not EWOULDBLOCK), EOPNOTSUPP (not ENOTSUP), EDEADLK.

import { execFileSync } from 'node:child_process';

export type Arg = string | number;
export type Step = [string, ...Arg[]];
export interface LinuxCase {
  name: string;
  steps: Step[];
  /**
   * Sysctls for this case ('net.ipv4.ip_local_port_range': '40000 40009'). Linux runs
   * such a case in a network namespace of its own (unshare -n, loopback up), so this
   * machine's settings are never touched; kstack sets them on its host.
   */
  sysctls?: Record<string, string | number>;
}
export type StepResult = number | string | { n: number; addr: string };
/** One entry per step of the case, in order. */
export type LinuxResult = StepResult[];

/** Aliases some errno tables prefer, mapped to the names Linux's headers list first. */
export const ERRNO_ALIASES: Record<string, string> = {
  EWOULDBLOCK: 'EAGAIN',
  ENOTSUP: 'EOPNOTSUPP',
  EDEADLOCK: 'EDEADLK',
};

const PY = String.raw`
import errno, fcntl, json, os, select, socket, struct, sys, termios, time, ctypes, array

ALIASES = {'EWOULDBLOCK': 'EAGAIN', 'ENOTSUP': 'EOPNOTSUPP', 'EDEADLOCK': 'EDEADLK'}
libc = ctypes.CDLL(None, use_errno=True)

def ename(n):
    name = errno.errorcode.get(n, 'E%d' % n)
    return '-' + ALIASES.get(name, name)

EXTRA = {'SIOCINQ': termios.FIONREAD, 'SIOCOUTQ': termios.TIOCOUTQ,
         'EPOLL_CTL_ADD': 1, 'EPOLL_CTL_DEL': 2, 'EPOLL_CTL_MOD': 3}

class EpollEvent(ctypes.Structure):
    _pack_ = 1  # x86-64's struct epoll_event is packed (12 bytes)
    _fields_ = [('events', ctypes.c_uint32), ('data', ctypes.c_uint64)]

class PollFd(ctypes.Structure):
    _fields_ = [('fd', ctypes.c_int), ('events', ctypes.c_short), ('revents', ctypes.c_short)]

class RawFd:
    """A descriptor that is not a socket (an epoll fd), shaped like one for the cleanup."""
    def __init__(self, fd): self.fd = fd
    def fileno(self): return self.fd
    def close(self): os.close(self.fd)
    def detach(self): pass

def check(r):
    if r < 0:
        raise OSError(ctypes.get_errno(), 'syscall')
    return r

def const(v):
    if isinstance(v, int):
        return v
    total = 0
    for part in v.split('|'):
        part = part.strip()
        if part.isdigit():
            total |= int(part)
            continue
        found = EXTRA.get(part)
        for mod in (socket, fcntl, os, termios, select):
            if found is None and hasattr(mod, part):
                found = getattr(mod, part)
                break
        if found is None:
            raise KeyError('unknown constant ' + part)
        total |= int(found)
    return total

def payload(d):
    if isinstance(d, int):
        return bytes((i * 7 + 3) & 0xff for i in range(d))
    return d.encode('latin1')

def read_sysctl(name):
    with open('/proc/sys/' + name.replace('.', '/')) as f:
        return int(f.read().split()[0])

def counter(group, name):
    for path in ('/proc/net/netstat', '/proc/net/snmp'):
        with open(path) as f:
            lines = f.read().splitlines()
        for head, vals in zip(lines[::2], lines[1::2]):
            if head.startswith(group + ':'):
                table = dict(zip(head.split()[1:], vals.split()[1:]))
                if name in table:
                    return int(table[name])
    raise KeyError('no counter %s %s' % (group, name))

def run_case(case):
    base = {}       # (group, name) -> the counter when the case began
    for step in case['steps']:
        if step[0] == 'netstat':
            base[(step[1], step[2])] = counter(step[1], step[2])
    socks = {}      # name -> socket object (its fd may be a stale, closed number)
    closed = {}     # name -> fd number we closed behind the socket object's back
    ports = {}      # port -> name
    last_port = {}  # name -> port

    def fd_of(n):
        if n in closed:
            return closed[n]
        return socks[n].fileno()

    def learn(n):
        if n not in socks or n in closed:
            return
        try:
            ip, port = socks[n].getsockname()[:2]
        except OSError:
            return
        if port:
            last_port[n] = port
            ports.setdefault(port, n)

    def port_arg(p):
        if isinstance(p, str) and p.startswith('$portof:'):
            return last_port[p[len('$portof:'):]]
        return int(p)

    def fmt(addr):
        ip, port = addr[:2]
        if port == 0:
            return '%s:0' % ip
        if port in ports:
            return '%s:$%s' % (ip, ports[port])
        return '%s:%d' % (ip, port)

    def do(step):
        op = step[0]
        if op == 'sleep':
            time.sleep(step[1] / 1000.0)
            return 0
        if op == 'netstat':
            return counter(step[1], step[2]) - base[(step[1], step[2])]
        if op == 'socket':
            _, n, dom, typ, proto = step
            socks[n] = socket.socket(const(dom), const(typ), const(proto))
            closed.pop(n, None)
            return 'fd'
        if op == 'badfd':
            # A socket object around a raw fd number that is not open: dup a socket to
            # that number, wrap it, then close the number underneath the wrapper.
            _, n, num = step
            tmp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            os.dup2(tmp.fileno(), num)
            tmp.close()
            socks[n] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0, num)
            os.close(num)
            closed[n] = num
            return 0
        if op == 'epoll_create':
            socks[step[1]] = RawFd(check(libc.epoll_create1(const(step[2]))))
            closed.pop(step[1], None)
            return 'fd'
        if op == 'poll':
            spec = [x.split(':') for x in step[1].split(',') if x]
            arr = (PollFd * max(1, len(spec)))()
            for i, (nm, ev) in enumerate(spec):
                arr[i].fd = fd_of(nm)
                arr[i].events = const(ev)
            r = check(libc.poll(arr, len(spec), int(step[2])))
            return ' '.join([str(r)] + ['%s=0x%x' % (nm, arr[i].revents & 0xffff) for i, (nm, _) in enumerate(spec)])
        if op == 'select':
            lists = [[x for x in l.split(',') if x] for l in step[1:4]]
            r, w, x = select.select(*[[fd_of(nm) for nm in l] for l in lists], step[4] / 1000.0)
            got = [r, w, x]
            n_ready = sum(len(g) for g in got)
            return '%d r=%s w=%s x=%s' % ((n_ready,) + tuple(','.join(nm for nm in lists[i] if fd_of(nm) in got[i]) for i in range(3)))
        n = step[1]
        s = socks[n]
        if op == 'epoll_ctl':
            ev = EpollEvent(const(step[4]) if len(step) > 4 else 0, int(step[5]) if len(step) > 5 else 0)
            return check(libc.epoll_ctl(fd_of(n), const(step[2]), fd_of(step[3]), ctypes.byref(ev)))
        if op == 'epoll_wait':
            arr = (EpollEvent * max(1, int(step[2])))()
            r = check(libc.epoll_wait(fd_of(n), arr, int(step[2]), int(step[3])))
            return ' '.join('%d:0x%x' % (arr[i].data, arr[i].events) for i in range(r))
        if op == 'close':
            fd = fd_of(n)
            closed[n] = fd
            os.close(fd)
            return 0
        if op == 'bind':
            s.bind((step[2], port_arg(step[3])))
            return 0
        if op == 'connect':
            if step[2] == 'AF_UNSPEC':
                sa = bytes(16)  # sa_family = AF_UNSPEC (0), rest zero
                r = libc.connect(fd_of(n), ctypes.c_char_p(sa), ctypes.c_uint(16))
                if r < 0:
                    raise OSError(ctypes.get_errno(), 'connect')
                return r
            s.connect((step[2], port_arg(step[3])))
            return 0
        if op == 'listen':
            s.listen(step[2])
            return 0
        if op == 'accept':
            fd, _ = s._accept()
            if len(step) > 2:
                socks[step[2]] = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fd)
                closed.pop(step[2], None)
            else:
                os.close(fd)
            return 'fd'
        if op == 'fill':
            data = payload(step[2])
            total = 0
            while True:
                got = 0
                while True:
                    try:
                        got += s.send(data, socket.MSG_DONTWAIT)
                    except BlockingIOError:
                        break
                total += got
                if got == 0:
                    return total
                time.sleep(0.3)
        if op == 'send':
            return s.send(payload(step[2]), const(step[3]))
        if op == 'sendto':
            if len(step) <= 4:
                # sendto(fd, buf, len, flags, NULL, 0) is what send(2) does.
                return s.send(payload(step[2]), const(step[3]))
            return s.sendto(payload(step[2]), const(step[3]), (step[4], port_arg(step[5])))
        if op == 'recv':
            buf = bytearray(step[2])
            return s.recv_into(buf, step[2], const(step[3]))
        if op == 'recvtext':
            buf = bytearray(step[2])
            r = s.recv_into(buf, step[2], const(step[3]))
            return bytes(buf[:min(r, step[2])]).decode('latin1')
        if op == 'recvfrom':
            buf = bytearray(step[2])
            r, addr = s.recvfrom_into(buf, step[2], const(step[3]))
            return {'n': r, 'addr': fmt(addr)}
        if op == 'getsockname':
            return fmt(s.getsockname())
        if op == 'portparity':
            return 'odd' if s.getsockname()[1] % 2 else 'even'
        if op == 'getpeername':
            return fmt(s.getpeername())
        if op == 'setsockopt':
            s.setsockopt(const(step[2]), const(step[3]), int(step[4]))
            return 0
        if op == 'getsockopt':
            v = s.getsockopt(const(step[2]), const(step[3]))
            if len(step) > 4:
                return v / read_sysctl(step[4])
            return v
        if op == 'setcc':
            s.setsockopt(socket.IPPROTO_TCP, 13, step[2].encode('latin1'))
            return 0
        if op == 'getcc':
            return s.getsockopt(socket.IPPROTO_TCP, 13, 16).split(b'\0')[0].decode('latin1')
        if op == 'setlinger':
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', int(step[2]), int(step[3])))
            return 0
        if op == 'getlinger':
            return '%d,%d' % struct.unpack('ii', s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))
        if op == 'fcntl':
            if len(step) > 3:
                return fcntl.fcntl(fd_of(n), const(step[2]), const(step[3]))
            return fcntl.fcntl(fd_of(n), const(step[2]))
        if op == 'ioctl':
            buf = array.array('i', [0])
            fcntl.ioctl(fd_of(n), const(step[2]), buf, True)
            return buf[0]
        if op == 'shutdown':
            s.shutdown(const(step[2]))
            return 0
        raise KeyError('unknown step ' + op)

    out = []
    try:
        for step in case['steps']:
            try:
                r = do(step)
            except OSError as e:
                r = ename(e.errno)
            out.append(r)
            if step[0] in ('bind', 'connect', 'send', 'sendto', 'listen', 'socket'):
                learn(step[1])
            if step[0] == 'accept' and len(step) > 2:
                learn(step[2])
    finally:
        for n, s in socks.items():
            if n in closed:
                s.detach()
            else:
                s.close()
    return out

cases = json.load(sys.stdin)
print(json.dumps([run_case(c) for c in cases]))
`;

/** Runs every case against this machine's kernel in one python3 process. */
export function linuxRun(cases: LinuxCase[], opts: { sysctls?: Record<string, string | number> } = {}): LinuxResult[] {
  // Cases with sysctls (run-wide in opts, or the case's own) run in a network namespace of
  // their own (unshare -n, as root), so that the settings never reach anything else using
  // this machine's loopback; the rest run together in one python3.
  const sysctlsOf = (c: LinuxCase) => (opts.sysctls || c.sysctls ? { ...(opts.sysctls ?? {}), ...(c.sysctls ?? {}) } : null);
  const plain = cases.filter((c) => !sysctlsOf(c));
  const results = new Map<LinuxCase, LinuxResult>();
  if (plain.length) {
    const out = execFileSync('python3', ['-c', PY], { input: JSON.stringify(plain), encoding: 'utf8', maxBuffer: 64 << 20 });
    (JSON.parse(out) as LinuxResult[]).forEach((r, i) => results.set(plain[i]!, r));
  }
  for (const c of cases) {
    const sys = sysctlsOf(c);
    if (!sys) continue;
    const set = Object.entries(sys).map(([k, v]) => `sysctl -qw ${k}=${JSON.stringify(String(v))}`).join(' && ');
    const out = execFileSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && ${set} && exec python3 -c "$0"`, PY], {
      input: JSON.stringify([c]),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    results.set(c, (JSON.parse(out) as LinuxResult[])[0]!);
  }
  return cases.map((c) => results.get(c)!);
}

/** The numeric values of C constant names on this machine (python's socket/fcntl/os/termios). */
export function linuxConstants(names: string[]): Record<string, number> {
  const script = String.raw`
import json, sys, socket, fcntl, os, termios, select
out = {}
for n in json.load(sys.stdin):
    if n == 'SIOCINQ': out[n] = termios.FIONREAD; continue
    if n == 'SIOCOUTQ': out[n] = termios.TIOCOUTQ; continue
    for mod in (socket, fcntl, os, termios, select):
        if hasattr(mod, n):
            out[n] = int(getattr(mod, n))
            break
print(json.dumps(out))
`;
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify(names), encoding: 'utf8' });
  return JSON.parse(out) as Record<string, number>;
}
