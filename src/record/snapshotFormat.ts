// The snapshot format, `waitchain-snapshot/1` (docs/snapshots.md), declared once: the recorder
// (recordingTarget.ts, in the bundle) writes it, the mock WinDbg (mocks/) serves it, the scenario
// builder produces it. Declarations only, plus the one format name: importing it costs the bundle
// nothing. JSON throughout: addresses are lower-case hex strings without 0x.

export const SNAPSHOT_FORMAT = 'waitchain-snapshot/1';

/**
 * A type reference in C spelling, resolved against the same module's TypeDefs:
 *   base types:  UCHAR CHAR BOOLEAN USHORT SHORT WCHAR ULONG LONG ULONG64 LONG64 ULONGLONG
 *                LONGLONG VOID ULONG_PTR LONG_PTR PVOID (= VOID*) SIZE_T, and the names the debugger
 *                prints ("unsigned char", "unsigned long", "__int64", "wchar_t", "void", ...)
 *   pointers:    "_KTHREAD*", "VOID*", "_KSPIN_LOCK_QUEUE**", "void *"  (size = the pointer size)
 *   arrays:      "_KWAIT_BLOCK[4]", "UCHAR[15]", "_LIST_ENTRY[2]", "T[2][3]" (the right-most is innermost)
 *   named types: "_LIST_ENTRY", "_KWAIT_REASON" (a struct, union or enum TypeDef of the module)
 */
export type TypeRef = string;

export interface FieldDef {
  name: string;
  /** Byte offset from the start of the containing type. */
  offset: number;
  type: TypeRef;
  /** Bit fields: position of the lowest bit and width, within the integer at `offset` of type `type`. */
  bitPos?: number;
  bitLen?: number;
}

export interface TypeDef {
  name: string;
  /** A recording writes 'struct' and 'enum' (a union's members are recorded as a struct's at their offsets). */
  kind: 'struct' | 'union' | 'enum';
  size: number;
  /**
   * struct/union members. Members of anonymous unions/structs are listed flat under their own names
   * (as WinDbg's type system and dx expose them). Named nested anonymous types get a TypeDef of their
   * own, named like "_IRP::<Tail>"; a recording names a second same-named type of another size "name#2".
   */
  fields?: FieldDef[];
  /** enum: enumerator name -> value. */
  values?: { [name: string]: number };
  /** enum: underlying integer type (default LONG). */
  baseType?: TypeRef;
}

/** What a recording (`-record`) says about itself. */
export interface RecordingInfo {
  /** The command line to replay it with, e.g. `!waitchain "-p svchost.exe"`. */
  command: string;
  /** Made with -redact: undecoded memory zero-filled, process/module names hashed. */
  redacted: boolean;
  /** Reads kept and their bytes (before merging). */
  reads: number;
  bytes: number;
  /** The memory cap was reached: reads past it were not kept (they replay as unreadable). */
  capped?: { reads: number; bytes: number };
}

export interface SnapshotHeader {
  arch: 'x86' | 'x64';
  pointerSize: 4 | 8;
  /** Layout name the state was laid out with, or "<osVersion>-<arch>" for a recording. */
  layout: string;
  osVersion: string;
  buildNumber: number;
  dumpKind: 'complete' | 'kernel' | 'live';
  /** A user-mode session or dump (default: kernel). */
  targetKind?: 'kernel' | 'user';
  /** Scenario id, dump or session name ("redacted" under -redact). */
  source: string;
  /** x86 scenario laid out on an x64 layout: how addresses were relocated (mocks/builder/relocate.ts). */
  relocation?: { kind: 'x86-to-x64'; factor: number; kernelBase: string; userBase: string };
  waitchainVersion?: string;
  /** ISO 8601. */
  date?: string;
  /** A recording: the command that made it and what it kept. */
  recording?: RecordingInfo;
}

export interface SnapshotSymbol {
  name: string;
  address: string;
  /** TypeRef of a data symbol; absent for code. */
  type?: TypeRef;
  /** Bytes the symbol covers when known (`ln`-style symbolisation stays inside it). */
  size?: number;
}

export interface SnapshotModule {
  name: string;
  base: string;
  size: number;
  /** Kernel-mode image (nt, hal, drivers) or a user-mode DLL/EXE mapped in processes. */
  kernel: boolean;
  symbols: SnapshotSymbol[];
}

/**
 * A memory range in JSON: its contents in exactly one of three forms. The builder's JSON uses `hex`;
 * recordings use the compact `base64` and `zeros` (mocks/harness/record.ts decodes both).
 */
export interface MemoryRangeJson {
  address: string;
  /** Contents, hex-encoded (two digits per byte). */
  hex?: string;
  /** Contents, base64-encoded (RFC 4648, with padding). */
  base64?: string;
  /** A range of this many zero bytes. */
  zeros?: number;
  /** User-mode ranges belong to one process's address space (its EPROCESS address); kernel ranges have none. */
  process?: string;
}

export interface UnreadableRange {
  address: string;
  size: number;
  process?: string;
}

export interface SnapshotFrame {
  /** As `k` prints the call site: "nt!KeWaitForSingleObject+0x346". */
  text: string;
  instructionOffset: string;
  /** x86: EBP of the frame (arguments at FrameOffset + 2*ptr); x64: informational. */
  frameOffset: string;
  /** x64: Child-SP (home space, `kv` "Args to Child", at StackOffset + ptr); x86: ESP of the frame. */
  stackOffset: string;
}

export interface SnapshotThread {
  /** ETHREAD address (data model Thread.KernelObject). */
  address: string;
  frames: SnapshotFrame[];
  /** Register values of the thread's saved context where known, e.g. { esp: "...", ebp: "..." }. */
  registers?: { [register: string]: string };
}

export interface SnapshotCurrent {
  /** The debugger's current process and thread (EPROCESS / ETHREAD addresses). */
  process?: string;
  thread?: string;
  processor?: number;
}

/** A snapshot file: what the mock WinDbg serves, as JSON. */
export interface SnapshotFile {
  format: typeof SNAPSHOT_FORMAT;
  header: SnapshotHeader;
  modules: SnapshotModule[];
  /** module name -> its types (nt, ntdll, drivers with private types). */
  types: { [module: string]: TypeDef[] };
  memory: MemoryRangeJson[];
  /** Ranges that read as unreadable even though a range above covers them (paged out, corrupted, truncated). */
  unreadable?: UnreadableRange[];
  /** Unwound stacks: one entry per thread that has a stack. */
  threads: SnapshotThread[];
  current?: SnapshotCurrent;
  /** Free-form notes: what was left out or approximated. */
  notes?: string[];
}

/** What the recorder writes: a snapshot file whose header always says how it was recorded. */
export interface RecordedSnapshot extends SnapshotFile {
  header: SnapshotHeader & { targetKind: 'kernel' | 'user'; waitchainVersion: string; recording: RecordingInfo };
  notes: string[];
}
