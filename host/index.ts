// kstack's public API (API.md): Network, constants, errnoName, strerror.
export { Network, type NetworkOptions, type RunOptions } from './network.js';
export { Host, type Counters, type KernelStats, type SsEntry } from './host.js';
export { type TcpInfo } from './syscall/tcp-info.js';
export { Link, type LinkOptions, type LinkDirection } from './link.js';
export { Sys, type SockAddr } from './syscall/async.js';
export { Process, type ExitStatus } from './process/process.js';
export { BlockingSys, type WaitStatus } from './syscall/sys.js';
export { constants } from './abi/constants.js';
export { errnoName, strerror } from './syscall/errno.js';
export { PcapWriter, readPcap } from './tools/pcap.js';
export { formatFrame } from './tools/trace.js';
export { timeSequence, timeSequenceSvg, cwndSvg, sampleTcpInfo, CA_STATE_NAMES, type TimeSequence, type CwndSample, type Frame } from './tools/plot.js';
export { type SigAction, type SigHandler } from './syscall/async.js';
