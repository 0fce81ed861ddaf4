// Types for the reactor example (the library itself is plain JavaScript, to be read).
import type { Sys } from '../../build/host/index.js';

export class Buffer {
  constructor(initialSize?: number);
  readableBytes(): number;
  writableBytes(): number;
  prependableBytes(): number;
  peek(): Uint8Array;
  retrieve(n: number): void;
  retrieveAll(): void;
  retrieveAllAsString(): string;
  append(data: Uint8Array | string): void;
  ensureWritableBytes(n: number): void;
  readFd(sys: Sys, fd: number, scratch: Uint8Array): Promise<number>;
}

export class Channel {
  constructor(loop: EventLoop, fd: number);
  fd: number;
  events: number;
  onRead: (() => unknown) | null;
  onWrite: (() => unknown) | null;
  onClose: (() => unknown) | null;
  onError: (() => unknown) | null;
  isWriting(): boolean;
  isReading(): boolean;
  enableReading(): Promise<void>;
  enableWriting(): Promise<void>;
  disableWriting(): Promise<void>;
  disableAll(): Promise<void>;
  update(): Promise<void>;
  remove(): Promise<void>;
}

export class EventLoop {
  constructor(sys: Sys, opts?: { name?: string; exclusiveFds?: number[] });
  sys: Sys;
  epfd: number;
  iterations: number;
  onIdle: (() => unknown) | null | undefined;
  init(): Promise<EventLoop>;
  queueInLoop(fn: () => unknown): void;
  loop(opts?: { timeoutMs?: number; maxEvents?: number }): Promise<void>;
  stop(): void;
}

export class TcpConnection {
  id: number;
  fd: number;
  peer: { addr: string; port: number };
  state: 'connecting' | 'connected' | 'disconnecting' | 'disconnected';
  inputBuffer: Buffer;
  outputBuffer: Buffer;
  highWaterMark: number;
  connected(): boolean;
  send(data: Uint8Array | string): Promise<void>;
  shutdown(): Promise<void>;
  forceClose(): Promise<void>;
}

type ConnCb = (conn: TcpConnection) => unknown;
export class TcpServer {
  constructor(loop: EventLoop, opts?: { listenFd?: number; port?: number; name?: string; highWaterMark?: number });
  listenFd: number;
  accepted: number;
  highWaterMark: number | undefined;
  connections: Map<number, TcpConnection>;
  onConnection: ConnCb | null;
  onMessage: ((conn: TcpConnection, buf: Buffer) => unknown) | null;
  onWriteComplete: ConnCb | null;
  onHighWaterMark: ((conn: TcpConnection, queued: number) => unknown) | null;
  onWatchWrite: ((conn: TcpConnection, on: boolean) => unknown) | null;
  start(): Promise<TcpServer>;
  stop(): Promise<void>;
}

export function listenTcp(sys: Sys, opts: { addr?: string; port: number; backlog?: number }): Promise<number>;
export function forkLoops(sys: Sys, listenFd: number, loops: number, setup: (server: TcpServer, loop: EventLoop, i: number) => unknown, opts?: { idleExitMs?: number }): Promise<number[]>;
