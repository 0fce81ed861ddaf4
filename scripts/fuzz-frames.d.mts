// Types for scripts/fuzz-frames.mjs (plain JS so that scripts/fuzz.mjs runs it without a
// compile step; test/helpers/fuzz-frames.ts re-exports it with these types).
import type { Network } from '../build/host/index.js';

export interface FuzzTarget { ip: number[]; mac: number[] }
export interface FuzzFrame { target: number; frame: Uint8Array; kind: string }
export interface Fuzzer {
  /** Idents of each host's ping socket (frames aimed at them reach ping_rcv/ping_err). */
  readonly pingIds: number[][];
  next(): FuzzFrame;
}
export interface FuzzOptions { seed?: number; targets?: FuzzTarget[]; pingIds?: number[][]; mutateRate?: number }

export type FrameClass = 'missed' | 'short' | 'giant' | 'other' | 'ipOtherhost' | 'ipShort' | 'ip' | 'arpShort' | 'arpOtherhost' | 'arp';
export type HostTally = { injected: number } & Record<FrameClass, number>;

export interface FuzzRunOptions {
  net: Network;
  /** The `constants` export of kstack. */
  C: Record<string, number>;
  frames: number;
  seed?: number;
  batch?: number;
  longEvery?: number;
  onProgress?: (done: number) => void;
  progressMs?: number;
  shouldStop?: () => boolean;
}
export interface FuzzRunResult {
  frames: number;
  fuzzMs: number;
  tally: HostTally[];
  exits: unknown[];
  pingIds: number[];
}
export interface AccountingCheck { host: string; name: string; lhs: number; rhs: number | string; ok: boolean }

export class Rng {
  constructor(seed: number);
  u32(): number;
  int(n: number): number;
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(arr: readonly T[]): T;
  bytes(n: number): Uint8Array;
  weighted<T>(table: [number, T][]): T;
}

export const ETH_HLEN: number;
export const ETH_P_IP: number;
export const ETH_P_ARP: number;
export const RX_BUF_LEN: number;
export const FRAME_CLASSES: FrameClass[];
export const PAIR_TARGETS: FuzzTarget[];
export const SERVICE: { udpPort: number; closedPort: number; connectedPort: number; connectedPeerPort: number };
export function inetChecksum(b: Uint8Array, off?: number, len?: number, initial?: number): number;
export function parseIp(s: string): number[];
export function parseMac(s: string): number[];
export function rxWillMiss(host: import('../build/host/index.js').Host, len: number): boolean;
export function classifyFrame(frame: Uint8Array, mac: ArrayLike<number>, rxBufLen?: number): FrameClass;
export function makeFuzzer(opts?: FuzzOptions): Fuzzer;
export function stopFrame(to: FuzzTarget, from: FuzzTarget, magic: Uint8Array): Uint8Array;
export function runFuzz(o: FuzzRunOptions): Promise<FuzzRunResult>;
export function accountFuzz(net: Network, tally: HostTally[]): AccountingCheck[];
