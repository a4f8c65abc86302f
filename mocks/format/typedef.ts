// Type definitions as the mock debugger serves them through host.getModuleType.
// One format for three producers: the per-build kernel layouts (mocks/layouts/),
// driver types declared by scenarios, and snapshots recorded from a real WinDbg session.

// TypeRef, FieldDef and TypeDef are the snapshot format's (src/record/snapshotFormat.ts): a layout's
// types and a recording's are the same records.
import type { TypeDef, TypeRef } from '../../src/record/snapshotFormat';

export type { FieldDef, TypeDef, TypeRef } from '../../src/record/snapshotFormat';

/** A global a layout declares (its address is chosen by the scenario builder). */
export interface GlobalDef {
  module: string;
  name: string;
  type: TypeRef;
  /** Offset from the module's image base, where the build's symbol table gives it (the builder places the global there). */
  rva?: number;
}

/** One real Windows build's structure layouts, as its public PDBs give them. */
export interface Layout {
  /** Harness name, e.g. "win10-19041-x64". */
  name: string;
  arch: 'x86' | 'x64';
  pointerSize: 4 | 8;
  /** e.g. "5.1.2600 SP3", "10.0.19041". */
  osVersion: string;
  /** Major.minor for version-dependent encodings the kernel itself keeps (e.g. critical-section LockCount). */
  ntMajor: number;
  ntMinor: number;
  buildNumber: number;
  /** Release name for listings, e.g. "Windows 10 1809 / Server 2019". */
  release?: string;
  /** The symbol table the layout was generated from (path under the shared symbols folder). */
  source?: string;
  /** Where every number came from (file, commit, section of docs/kernel-structures.md). */
  provenance: string[];
  /** Types per module ("nt", "ntdll"). Only the fields the product and the builder use need be listed, at their real offsets, with the real sizes. */
  types: Record<string, TypeDef[]>;
  /** Globals the kernel/ntdll of that build has (PsActiveProcessHead, KeMaximumIncrement, ...). */
  globals: GlobalDef[];
  /** Fixed addresses of the build, e.g. KUSER_SHARED_DATA. Hex strings. */
  fixedAddresses: Record<string, string>;
}
