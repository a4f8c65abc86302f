// The mock's type system: resolves TypeRefs (mocks/format/typedef.ts) of a module into MType
// records. Names follow what WinDbg's type system reports from PDBs: intrinsics under their C
// names (ULONG is "unsigned long"), pointers "T *", arrays "T [N]". PDB base types collapse the
// Windows typedefs, so the mock never reports typeKind 'typedef' (our choice; docs/jsprovider.md §Type objects lists it).
import type { Snapshot } from '../format/snapshot';
import type { FieldDef, TypeDef } from '../format/typedef';
import { normalizeModuleName } from './modules';

export type TypeKind = 'udt' | 'pointer' | 'array' | 'enum' | 'intrinsic';

export interface MType {
  kind: TypeKind;
  name: string;
  size: number;
  /** Normalized module key the type belongs to. */
  module: string;
  /** Intrinsics and enums: signedness of the value. */
  signed?: boolean;
  /** Pointer: pointee; array: element; enum: underlying integer type. */
  base?: MType;
  /** Arrays: element count. */
  count?: number;
  /** udt / enum definition. */
  def?: TypeDef;
  /** Character intrinsics, for string display formats. */
  charKind?: 'narrow' | 'wide';
  /** Set on the type of a bit-field member (§Type objects isBitField / bitFieldPositions). */
  bitField?: { lsb: number; length: number };
}

interface Intrinsic { size: number | 'ptr'; signed: boolean; name: string | 'ptrname'; charKind?: 'narrow' | 'wide' }

const INTRINSICS: Record<string, Intrinsic> = {
  UCHAR: { size: 1, signed: false, name: 'unsigned char', charKind: 'narrow' },
  CHAR: { size: 1, signed: true, name: 'char', charKind: 'narrow' },
  BOOLEAN: { size: 1, signed: false, name: 'unsigned char' },
  USHORT: { size: 2, signed: false, name: 'unsigned short' },
  SHORT: { size: 2, signed: true, name: 'short' },
  WCHAR: { size: 2, signed: false, name: 'wchar_t', charKind: 'wide' },
  ULONG: { size: 4, signed: false, name: 'unsigned long' },
  LONG: { size: 4, signed: true, name: 'long' },
  ULONG64: { size: 8, signed: false, name: 'unsigned __int64' },
  ULONGLONG: { size: 8, signed: false, name: 'unsigned __int64' },
  LONG64: { size: 8, signed: true, name: '__int64' },
  LONGLONG: { size: 8, signed: true, name: '__int64' },
  VOID: { size: 0, signed: false, name: 'void' },
  ULONG_PTR: { size: 'ptr', signed: false, name: 'ptrname' },
  SIZE_T: { size: 'ptr', signed: false, name: 'ptrname' },
  LONG_PTR: { size: 'ptr', signed: true, name: 'ptrname' },
  // C spellings, as WinDbg prints them (accepted in getModuleType/createPointerObject).
  'unsigned char': { size: 1, signed: false, name: 'unsigned char', charKind: 'narrow' },
  char: { size: 1, signed: true, name: 'char', charKind: 'narrow' },
  'signed char': { size: 1, signed: true, name: 'signed char', charKind: 'narrow' },
  bool: { size: 1, signed: false, name: 'bool' },
  'unsigned short': { size: 2, signed: false, name: 'unsigned short' },
  short: { size: 2, signed: true, name: 'short' },
  wchar_t: { size: 2, signed: false, name: 'wchar_t', charKind: 'wide' },
  'unsigned long': { size: 4, signed: false, name: 'unsigned long' },
  long: { size: 4, signed: true, name: 'long' },
  'unsigned int': { size: 4, signed: false, name: 'unsigned int' },
  int: { size: 4, signed: true, name: 'int' },
  'unsigned __int64': { size: 8, signed: false, name: 'unsigned __int64' },
  __int64: { size: 8, signed: true, name: '__int64' },
  void: { size: 0, signed: false, name: 'void' },
};

/** Aliases that are pointers to void in the PDB. */
const VOID_POINTERS = new Set(['PVOID', 'HANDLE']);

export class TypeSystem {
  readonly pointerSize: number;
  private defs = new Map<string, Map<string, TypeDef>>();
  private defsLower = new Map<string, Map<string, TypeDef>>();
  private cache = new Map<string, MType | null>();

  constructor(snapshot: Snapshot) {
    this.pointerSize = snapshot.header.pointerSize;
    for (const [module, list] of Object.entries(snapshot.types)) {
      const key = normalizeModuleName(module);
      const exact = this.defs.get(key) ?? new Map<string, TypeDef>();
      const lower = this.defsLower.get(key) ?? new Map<string, TypeDef>();
      for (const t of list) {
        exact.set(t.name, t);
        if (!lower.has(t.name.toLowerCase())) lower.set(t.name.toLowerCase(), t);
      }
      this.defs.set(key, exact);
      this.defsLower.set(key, lower);
    }
  }

  hasModule(module: string): boolean {
    return this.defs.has(normalizeModuleName(module));
  }

  /** Resolves a TypeRef or a C type name of `module`; null when unknown. */
  resolve(module: string, ref: string): MType | null {
    const key = normalizeModuleName(module);
    const cacheKey = key + '\u0000' + ref;
    if (this.cache.has(cacheKey)) return this.cache.get(cacheKey)!;
    const t = this.parse(key, ref.trim());
    this.cache.set(cacheKey, t);
    return t;
  }

  private parse(module: string, ref: string): MType | null {
    // Arrays: "T[4]", "T [2][3]" (the right-most dimension is the innermost).
    const arr = /^(.*?)\s*((?:\[\s*\d+\s*\])+)$/.exec(ref);
    if (arr) {
      let t = this.parse(module, arr[1]);
      if (!t) return null;
      const dims = [...arr[2].matchAll(/\d+/g)].map((m) => Number(m[0]));
      for (let i = dims.length - 1; i >= 0; i--) t = this.arrayOf(t, dims[i]);
      return t;
    }
    if (ref.endsWith('*')) {
      const inner = this.parse(module, ref.slice(0, -1).trim());
      return inner ? this.pointerTo(inner) : null;
    }
    const bare = ref.replace(/^(struct|union|enum|class)\s+/, '');
    if (VOID_POINTERS.has(bare)) return this.pointerTo(this.intrinsic(module, 'VOID')!);
    const intr = this.intrinsic(module, bare);
    if (intr) return intr;
    const def = this.defs.get(module)?.get(bare) ?? this.defsLower.get(module)?.get(bare.toLowerCase());
    if (!def) return null;
    if (def.kind === 'enum') {
      const base = this.parse(module, def.baseType ?? 'LONG');
      if (!base) return null;
      return { kind: 'enum', name: def.name, size: def.size, module, def, base, signed: base.signed };
    }
    return { kind: 'udt', name: def.name, size: def.size, module, def };
  }

  private intrinsic(module: string, name: string): MType | null {
    const i = INTRINSICS[name] ?? INTRINSICS[name.replace(/\s+/g, ' ')];
    if (!i) return null;
    const size = i.size === 'ptr' ? this.pointerSize : i.size;
    const ptrName = this.pointerSize === 8 ? (i.signed ? '__int64' : 'unsigned __int64') : i.signed ? 'long' : 'unsigned long';
    return { kind: 'intrinsic', name: i.name === 'ptrname' ? ptrName : i.name, size, module, signed: i.signed, charKind: i.charKind };
  }

  pointerTo(t: MType): MType {
    return { kind: 'pointer', name: `${t.name} *`, size: this.pointerSize, module: t.module, base: t };
  }

  arrayOf(t: MType, count: number): MType {
    // "T [2][3]": an array of arrays keeps the element name and appends the dimension.
    const m = /^(.*?) ((?:\[\d+\])+)$/.exec(t.name);
    const name = t.kind === 'array' && m ? `${m[1]} [${count}]${m[2]}` : `${t.name} [${count}]`;
    return { kind: 'array', name, size: t.size * count, module: t.module, base: t, count };
  }

  /** The member's type; bit fields get a copy of the intrinsic carrying bitField. */
  fieldType(owner: MType, field: FieldDef): MType {
    const t = this.resolve(owner.module, field.type);
    if (!t) throw new Error(`mock: type '${field.type}' of ${owner.name}.${field.name} is not defined in module '${owner.module}'`);
    if (field.bitPos !== undefined || field.bitLen !== undefined) {
      return { ...t, bitField: { lsb: field.bitPos ?? 0, length: field.bitLen ?? 1 } };
    }
    return t;
  }

  field(owner: MType, name: string): FieldDef | undefined {
    return owner.kind === 'udt' ? owner.def?.fields?.find((f) => f.name === name) : undefined;
  }

  /** "Cid.UniqueThread" → offset and type (used by the kernel-list walk). */
  fieldPath(owner: MType, path: string): { offset: number; type: MType } | undefined {
    let offset = 0;
    let t = owner;
    for (const part of path.split('.')) {
      const f = this.field(t, part);
      if (!f) return undefined;
      offset += f.offset;
      t = this.fieldType(t, f);
    }
    return { offset, type: t };
  }
}
