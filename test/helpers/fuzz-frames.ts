// The frame fuzzer (scripts/fuzz-frames.mjs, typed by scripts/fuzz-frames.d.mts): a seeded
// generator of valid and mutated Ethernet frames for the hosts of a pair() network, the
// driver that injects them, and the counter identities that must hold afterwards.
export {
  Rng, makeFuzzer, classifyFrame, rxWillMiss, runFuzz, accountFuzz, stopFrame, inetChecksum, parseIp, parseMac,
  PAIR_TARGETS, SERVICE, FRAME_CLASSES, RX_BUF_LEN, ETH_HLEN, ETH_P_IP, ETH_P_ARP,
} from '../../scripts/fuzz-frames.mjs';
export type {
  FuzzTarget, FuzzFrame, Fuzzer, FuzzOptions, FrameClass, HostTally, FuzzRunOptions, FuzzRunResult, AccountingCheck,
} from '../../scripts/fuzz-frames.mjs';
