// Type definitions as the mock debugger serves them through host.getModuleType.
// One format for three producers: the per-build kernel layouts (mocks/layouts/),
// driver types declared by scenarios, and snapshots recorded from a real WinDbg session.

/**
 * A type reference in C spelling, resolved against the same module's TypeDefs:
 *   base types:  UCHAR CHAR BOOLEAN USHORT SHORT WCHAR ULONG LONG ULONG64 LONG64 ULONGLONG
 *                LONGLONG VOID ULONG_PTR LONG_PTR PVOID (= VOID*) SIZE_T
 *   pointers:    "_KTHREAD*", "VOID*", "_KSPIN_LOCK_QUEUE**"  (size = the layout's pointer size)
 *   arrays:      "_KWAIT_BLOCK[4]", "UCHAR[15]", "_LIST_ENTRY[2]"
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
  kind: 'struct' | 'union' | 'enum';
  size: number;
  /**
   * struct/union members in offset order. Members of anonymous unions/structs are listed
   * flat under their own names (as WinDbg's type system and dx expose them). Named nested
   * anonymous types get a TypeDef of their own, named like "_IRP::<Tail>".
   */
  fields?: FieldDef[];
  /** enum: enumerator name -> value. */
  values?: Record<string, number>;
  /** enum: underlying integer type (default LONG). */
  baseType?: TypeRef;
}

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
  /** Where every number came from (file, commit, section of shared/reference/kernel-structures.md). */
  provenance: string[];
  /** Types per module ("nt", "ntdll"). Only the fields the product and the builder use need be listed, at their real offsets, with the real sizes. */
  types: Record<string, TypeDef[]>;
  /** Globals the kernel/ntdll of that build has (PsActiveProcessHead, KeMaximumIncrement, ...). */
  globals: GlobalDef[];
  /** Fixed addresses of the build, e.g. KUSER_SHARED_DATA. Hex strings. */
  fixedAddresses: Record<string, string>;
}
