// The seam between analysis and the debugger. Everything outside src/host/ sees the debugger
// only through this interface, with plain data: addresses as Addr strings, memory as byte arrays.
import type { Addr } from './addr';
import type { Bytes } from './bytes';
import type { HostFacts } from './warnings';

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

/**
 * A type as the symbols describe it, members in declaration order: what a generic decoder of
 * driver-defined structures (ring entries) walks. Plain data, cached per session by the target.
 */
export interface TypeShape {
  module: string;
  name: string;
  kind: FieldKind;
  size: number;
  signed: boolean;
  /** Character types (char, UCHAR, WCHAR): arrays of them print as text. */
  char?: 'narrow' | 'wide';
  bool?: boolean;
  /** Structures and unions: members in declaration order (empty when the symbols give none). */
  members?: MemberShape[];
  /** Arrays: element type and count. */
  element?: TypeShape;
  count?: number;
  /** Pointers: the pointed-to type's name (not expanded: types may be recursive). */
  pointee?: string;
  /** Enums: enumerators. */
  enumerators?: { value: number; name: string }[];
}

export interface MemberShape {
  name: string;
  /** Offset inside the enclosing type. */
  offset: number;
  bitPos?: number;
  bitLen?: number;
  type: TypeShape;
}

/** A global variable: where it is, and its declared type when the symbols give one. */
export interface SymbolShape {
  address: Addr;
  type?: TypeShape;
}

/** [base, end) of a loaded image. */
export interface AddrRange {
  base: Addr;
  end: Addr;
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
  /** As `k` prints it: "nt!KeWaitForSingleObject+0x346" (dx's "nt!Foo + 0x346" normalised where it enters). */
  text: string;
  /** The text taken apart (kernel/frames.ts parseFrameText): "nt", "KeWaitForSingleObject", 0x346. */
  module?: string;
  function?: string;
  offset?: number;
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
  /** A type by name with its members in order (driver structures); undefined when unknown. */
  typeShape?(module: string, name: string): TypeShape | undefined;
  /** A global's address and declared type; undefined when there is no such symbol. */
  symbolShape?(module: string, name: string): SymbolShape | undefined;
  /** `ln`-style "module!symbol+0xoff" for a code or data address. */
  nearestSymbol(address: Addr): string | undefined;
  /** The loaded modules' address ranges (one enumeration, cached); undefined when the debugger lists none. */
  moduleRanges?(): readonly AddrRange[] | undefined;
  /** One round trip; undefined when any byte is unreadable. */
  read(address: Addr, size: number, context?: ProcessContext): Bytes | undefined;
  /** The debugger's unwound stack of a thread; undefined when it cannot give one. */
  frames(thread: ThreadKey): FrameInfo[] | undefined;
  /** A native object for dx click-through, created lazily by the caller. */
  native(address: Addr, module: string, typeName: string): unknown;
  /** What the target found out about the debugger (fallbacks, categories that failed). */
  hostFacts?(): HostFacts;
}

/** Raised when the target lacks what a command needs (user-mode session, no nt symbols, unknown layout). */
export class TargetUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnsupported';
  }
}
