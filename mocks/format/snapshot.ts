// The snapshot: everything the mock host serves, as plain JSON.
// The scenario builder produces one; a recording session in WinDbg (issue 8) produces one too,
// and the mock host consumes either the same way. Addresses are lower-case hex strings, no 0x.
import type { TypeDef } from './typedef';

export const SNAPSHOT_FORMAT = 'waitchain-snapshot/1';

export interface SnapshotHeader {
  arch: 'x86' | 'x64';
  pointerSize: 4 | 8;
  /** Layout name the state was laid out with, or the real build for a recording. */
  layout: string;
  osVersion: string;
  buildNumber: number;
  dumpKind: 'complete' | 'kernel' | 'live';
  /** A user-mode session or dump (default: kernel). */
  targetKind?: 'kernel' | 'user';
  /** Scenario id or dump file name. */
  source: string;
  /** x86 scenario laid out on an x64 layout: how addresses were relocated (see mocks/builder/relocate.ts). */
  relocation?: { kind: 'x86-to-x64'; factor: number; kernelBase: string; userBase: string };
  waitchainVersion?: string;
  date?: string;
  /** A recording (`-record`, docs/snapshots.md): the command that made it and what it kept. */
  recording?: {
    /** The command line to replay it with, e.g. `!waitchain "-p svchost.exe"`. */
    command: string;
    /** Made with -redact: undecoded memory zero-filled, process/module names hashed. */
    redacted: boolean;
    /** Reads kept and their bytes (before merging). */
    reads: number;
    bytes: number;
    /** The memory cap was reached: reads past it were not kept (they replay as unreadable). */
    capped?: { reads: number; bytes: number };
  };
}

export interface SnapshotSymbol {
  name: string;
  address: string;
  /** TypeRef of a data symbol; absent for code. */
  type?: string;
  /** Code symbols: size in bytes when known (used for `ln`-style symbolisation). */
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

export interface MemoryRange {
  address: string;
  /** Contents, hex-encoded (two digits per byte): the JSON form. */
  hex?: string;
  /**
   * Contents, base64-encoded (RFC 4648): the compact JSON form recordings use. Decoded to `bytes` by
   * mocks/harness/record.ts (decodeSnapshotJson) before the mock host sees the snapshot.
   */
  base64?: string;
  /** A range of this many zero bytes (recordings write zero runs this way). Decoded like base64. */
  zeros?: number;
  /** Contents as bytes: the in-memory form the builder hands straight to the mock (large synthetic systems). */
  bytes?: Uint8Array;
  /** User-mode ranges belong to one process's address space (its EPROCESS address); kernel ranges have none. */
  process?: string;
}

export interface SnapshotFrame {
  /** As `k` prints the call site: "nt!KeWaitForSingleObject+0x346". */
  text: string;
  instructionOffset: string;
  /** x86: EBP of the frame (arguments at FrameOffset + 2*ptr); x64: RBP-less, informational. */
  frameOffset: string;
  /** x64: Child-SP (home space, `kv` "Args to Child", at StackOffset + ptr); x86: ESP of the frame. */
  stackOffset: string;
}

export interface SnapshotThread {
  /** ETHREAD address (data model Thread.KernelObject). */
  address: string;
  frames: SnapshotFrame[];
  /** Register values for the thread's saved context where known, e.g. { esp: "...", ebp: "..." }. */
  registers?: Record<string, string>;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  header: SnapshotHeader;
  modules: SnapshotModule[];
  /** module name -> its types (nt, ntdll, drivers with private types). */
  types: Record<string, TypeDef[]>;
  memory: MemoryRange[];
  /** Ranges that read as unreadable even though a range above covers them (paged out, corrupted, truncated). */
  unreadable?: { address: string; size: number; process?: string }[];
  /** Unwound stacks, keyed by nothing: one entry per thread that has a stack. */
  threads: SnapshotThread[];
  /** The debugger's current process/thread (EPROCESS / ETHREAD addresses). */
  current?: { process?: string; thread?: string; processor?: number };
  /** Free-form notes: what was neutral-filled, what was left out. */
  notes?: string[];
  /**
   * In-memory only, never JSON: memory served on demand behind the ranges above (a crash dump's
   * pages, mocks/dump/). Copies up to `length` bytes at `address` into `out` at `outOffset` and
   * returns how many were readable from the start.
   */
  memorySource?: MemorySource;
}

export interface MemorySource {
  readInto(address: bigint, out: Uint8Array, outOffset: number, length: number, process: bigint | undefined): number;
}
