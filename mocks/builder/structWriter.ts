// Type-driven struct writer: every offset comes from the layout's TypeDefs (mocks/format/typedef.ts).
// Paths: "WaitBlockList", "Tail.Overlay.Thread", "ApcState.ApcListHead[1]", "WaitBlock[2].Object".
import type { FieldDef, Layout, TypeDef } from '../format/typedef';
import type { Space } from './addressSpace';

const BASE_SIZES: Record<string, number> = {
  UCHAR: 1, CHAR: 1, BOOLEAN: 1, BYTE: 1, INT8: 1, UINT8: 1,
  USHORT: 2, SHORT: 2, WCHAR: 2, WORD: 2, INT16: 2, UINT16: 2,
  ULONG: 4, LONG: 4, DWORD: 4, INT: 4, UINT: 4, INT32: 4, UINT32: 4, NTSTATUS: 4, BOOL: 4, HRESULT: 4,
  ULONG64: 8, LONG64: 8, ULONGLONG: 8, LONGLONG: 8, DWORD64: 8, QWORD: 8, INT64: 8, UINT64: 8,
  VOID: 1,
};
const PTR_SIZED = new Set(['ULONG_PTR', 'LONG_PTR', 'SIZE_T', 'SSIZE_T', 'PVOID', 'HANDLE', 'KSPIN_LOCK', 'UINT_PTR', 'INT_PTR', 'DWORD_PTR', 'ERESOURCE_THREAD', 'KAFFINITY']);
const SIGNED = new Set(['CHAR', 'SHORT', 'LONG', 'LONG64', 'LONGLONG', 'INT', 'INT8', 'INT16', 'INT32', 'INT64', 'LONG_PTR', 'SSIZE_T', 'INT_PTR', 'NTSTATUS', 'BOOL', 'HRESULT']);

export interface Resolved {
  offset: number;
  type: string;
  size: number;
  bitPos?: number;
  bitLen?: number;
}

export class MissingFieldError extends Error {}

export class Types {
  private readonly byModule = new Map<string, Map<string, TypeDef>>();
  private readonly cache = new Map<string, Resolved | null>();

  constructor(readonly layout: Layout, extra: Record<string, TypeDef[]> = {}) {
    for (const [mod, defs] of Object.entries(layout.types)) this.addModule(mod, defs);
    for (const [mod, defs] of Object.entries(extra)) this.addModule(mod, defs);
  }

  get ptrSize(): number { return this.layout.pointerSize; }

  addModule(mod: string, defs: TypeDef[]): void {
    let m = this.byModule.get(mod);
    if (!m) { m = new Map(); this.byModule.set(mod, m); }
    for (const d of defs) if (!m.has(d.name)) m.set(d.name, d);
    this.cache.clear();
  }

  find(name: string, module?: string): TypeDef | undefined {
    if (module) { const d = this.byModule.get(module)?.get(name); if (d) return d; }
    for (const m of ['nt', 'ntdll']) { const d = this.byModule.get(m)?.get(name); if (d) return d; }
    for (const m of this.byModule.values()) { const d = m.get(name); if (d) return d; }
    return undefined;
  }

  has(typeName: string): boolean { return this.find(typeName) !== undefined; }

  /** Size in bytes of a TypeRef. */
  sizeOf(ref: string, module?: string): number {
    const r = ref.trim();
    if (r.endsWith('*')) return this.ptrSize;
    const arr = /^(.*)\[(\d+)\]$/.exec(r);
    if (arr) return this.sizeOf(arr[1]!, module) * Number(arr[2]);
    if (r in BASE_SIZES) return BASE_SIZES[r]!;
    if (PTR_SIZED.has(r)) return this.ptrSize;
    const d = this.find(r, module);
    if (!d) throw new Error(`layout ${this.layout.name}: unknown type '${ref}'`);
    return d.size;
  }

  isSigned(ref: string): boolean {
    if (SIGNED.has(ref)) return true;
    const d = this.find(ref);
    return !!d && d.kind === 'enum';
  }

  private fieldIn(def: TypeDef, name: string): FieldDef | undefined {
    const fs = def.fields ?? [];
    return fs.find((f) => f.name === name && f.bitLen === undefined) ?? fs.find((f) => f.name === name);
  }

  /** Resolves a dotted path inside a type; undefined when the layout does not have it. */
  field(typeName: string, path: string, module?: string): Resolved | undefined {
    const key = `${module ?? ''}|${typeName}|${path}`;
    if (this.cache.has(key)) return this.cache.get(key) ?? undefined;
    const r = this.resolve(typeName, path, module) ?? null;
    this.cache.set(key, r);
    return r ?? undefined;
  }

  private resolve(typeName: string, path: string, module?: string, depth = 0): Resolved | undefined {
    if (depth > 8) return undefined;
    const def = this.find(typeName, module);
    if (!def || !def.fields) return undefined;
    // A layout may list a nested member flat under its dotted name.
    const exact = this.fieldIn(def, path);
    if (exact) return this.fromField(exact, 0);
    const m = /^([^.[\]]+)(?:\[(\d+)\])?(?:\.(.*))?$/.exec(path);
    if (!m) return undefined;
    const [, head, idx, rest] = m;
    const f = this.fieldIn(def, head!);
    if (f) {
      let offset = f.offset;
      let type = f.type;
      if (idx !== undefined) {
        const a = /^(.*)\[(\d+)\]$/.exec(type);
        if (!a) return undefined;
        type = a[1]!;
        offset += Number(idx) * this.sizeOf(type, module);
      }
      if (!rest) {
        if (idx !== undefined) return { offset, type, size: this.sizeOf(type, module) };
        return this.fromField(f, 0);
      }
      const inner = this.resolve(type, rest, module, depth + 1);
      return inner ? { ...inner, offset: offset + inner.offset } : undefined;
    }
    // Named anonymous member types ("_IRP::<Tail>") whose members were not flattened into the parent.
    for (const g of def.fields) {
      if (!g.type.includes('::<')) continue;
      const inner = this.resolve(g.type, path, module, depth + 1);
      if (inner) return { ...inner, offset: g.offset + inner.offset };
    }
    return undefined;
  }

  private fromField(f: FieldDef, base: number): Resolved {
    const r: Resolved = { offset: base + f.offset, type: f.type, size: this.sizeOf(f.type) };
    if (f.bitLen !== undefined) { r.bitPos = f.bitPos ?? 0; r.bitLen = f.bitLen; }
    return r;
  }

  /** Value of an enumerator by name: the named enum first, then any enum of the layout that has the name. */
  enumValue(enumNames: string[], name: string): number | undefined {
    for (const e of enumNames) {
      const d = this.find(e);
      if (d?.kind === 'enum' && d.values && name in d.values) return d.values[name];
    }
    for (const m of ['nt', 'ntdll']) {
      for (const d of this.byModule.get(m)?.values() ?? []) if (d.kind === 'enum' && d.values && name in d.values) return d.values[name];
    }
    return undefined;
  }

  enumDef(enumName: string): TypeDef | undefined {
    const d = this.find(enumName);
    return d?.kind === 'enum' ? d : undefined;
  }
}

/** Reads and writes fields of structures at addresses of a Space. */
export class StructWriter {
  constructor(readonly types: Types) {}

  get ptrSize(): number { return this.types.ptrSize; }

  has(typeName: string, path: string): boolean { return this.types.field(typeName, path) !== undefined; }

  off(typeName: string, path: string): number {
    const r = this.types.field(typeName, path);
    if (!r) throw new MissingFieldError(`layout ${this.types.layout.name}: ${typeName} has no field '${path}'`);
    return r.offset;
  }

  req(typeName: string, path: string): Resolved {
    const r = this.types.field(typeName, path);
    if (!r) throw new MissingFieldError(`layout ${this.types.layout.name}: ${typeName} has no field '${path}'`);
    return r;
  }

  size(typeName: string): number { return this.types.sizeOf(typeName); }

  /** Writes an integer into a field (bit fields read-modify-write their storage). Throws if the field is absent. */
  set(space: Space, base: bigint, typeName: string, path: string, value: bigint | number | boolean): void {
    const r = this.req(typeName, path);
    this.setResolved(space, base, r, value, `${typeName}.${path}`);
  }

  /** Like set, but returns false (writes nothing) when the layout has no such field. */
  trySet(space: Space, base: bigint, typeName: string, path: string, value: bigint | number | boolean): boolean {
    const r = this.types.field(typeName, path);
    if (!r) return false;
    this.setResolved(space, base, r, value, `${typeName}.${path}`);
    return true;
  }

  setResolved(space: Space, base: bigint, r: Resolved, value: bigint | number | boolean, what: string): void {
    const v = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
    const addr = base + BigInt(r.offset);
    if (r.bitLen !== undefined) {
      const storage = this.storageSize(r);
      const old = space.readUint(addr, storage);
      const mask = ((1n << BigInt(r.bitLen)) - 1n) << BigInt(r.bitPos ?? 0);
      const nv = (old & ~mask) | ((BigInt.asUintN(r.bitLen, v) << BigInt(r.bitPos ?? 0)) & mask);
      space.writeUint(addr, storage, nv);
      return;
    }
    if (r.size > 8) throw new Error(`cannot write an integer into ${what} (${r.type}, ${r.size} bytes)`);
    space.writeUint(addr, r.size, v);
  }

  private storageSize(r: Resolved): number {
    return r.size > 8 ? 8 : r.size;
  }

  get(space: Space, base: bigint, typeName: string, path: string): bigint {
    const r = this.req(typeName, path);
    const addr = base + BigInt(r.offset);
    if (r.bitLen !== undefined) {
      const v = space.readUint(addr, this.storageSize(r));
      return (v >> BigInt(r.bitPos ?? 0)) & ((1n << BigInt(r.bitLen)) - 1n);
    }
    return space.readUint(addr, Math.min(r.size, 8));
  }

  /** Address of a (nested) field. */
  addr(base: bigint, typeName: string, path: string): bigint {
    return base + BigInt(this.off(typeName, path));
  }
}
