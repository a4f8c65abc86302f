// The seam between analysis and the debugger. Everything outside src/target/ sees the debugger
// only through this interface, with plain data: addresses as Addr strings, memory as byte arrays.
import type { Addr } from './addr';
import type { Bytes } from './bytes';

export type FieldKind = 'int' | 'enum' | 'pointer' | 'struct' | 'array' | 'other';

export interface FieldLayout {
  /** Byte offset from the start of the outermost type the path started at. */
  offset: number;
  size: number;
  kind: FieldKind;
  signed: boolean;
  typeName: string;
  bitPos?: number;
  bitLen?: number;
  /** Arrays: element count and size, and the element's kind. */
  count?: number;
  elementSize?: number;
  elementKind?: FieldKind;
  elementTypeName?: string;
}

export interface TypeLayout {
  readonly module: string;
  readonly name: string;
  readonly size: number;
  /** A member by name or dotted path ("Tail.Overlay.Thread"); undefined when this build has no such member. */
  field(path: string): FieldLayout | undefined;
}

/** User-mode addresses are read in one process's address space. */
export interface ProcessContext {
  pid: number;
  address: Addr;
}

export interface ThreadKey {
  address: Addr;
  pid: number;
  tid: number;
}

export interface FrameInfo {
  /** As `k` prints it: "nt!KeWaitForSingleObject+0x346". */
  text: string;
  instruction: Addr;
  frameOffset: Addr;
  stackOffset: Addr;
}

export interface TargetStats {
  /** Reads that failed (unreadable memory), by the caller's account. */
  unreadableReads: number;
}

export interface Target {
  readonly pointerSize: 4 | 8;
  readonly isKernel: boolean;
  readonly isLive: boolean;
  readonly stats: TargetStats;
  type(module: string, name: string): TypeLayout | undefined;
  /** Enumerator value -> name for an enum type of the module. */
  enumNames(module: string, name: string): Map<number, string> | undefined;
  symbolAddress(module: string, name: string): Addr | undefined;
  /** `ln`-style "module!symbol+0xoff" for a code or data address. */
  nearestSymbol(address: Addr): string | undefined;
  /** One round trip; undefined when any byte is unreadable. */
  read(address: Addr, size: number, context?: ProcessContext): Bytes | undefined;
  /** The debugger's unwound stack of a thread; undefined when it cannot give one. */
  frames(thread: ThreadKey): FrameInfo[] | undefined;
  /** A native object for dx click-through, created lazily by the caller. */
  native(address: Addr, module: string, typeName: string): unknown;
}

/** Raised when the target lacks what a command needs (user-mode session, no nt symbols, unknown layout). */
export class TargetUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnsupported';
  }
}
