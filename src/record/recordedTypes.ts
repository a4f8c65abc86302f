// The types a recording needs, rebuilt as the snapshot format's TypeDefs (snapshotFormat.ts):
// what the analysis resolved through TypeLayout.field (each member path with the types along it),
// the TypeShapes it asked for (ring entries: every member in declaration order), and the enums it
// named. A replaying debugger then gives the same answers to the same questions; members nobody
// asked about are not in the snapshot.
import type { FieldLayout, TypeShape } from '../core/target';
import type { FieldDef, TypeDef } from './snapshotFormat';

/** Integer names the snapshot's type references understand (C spellings as the debugger prints them). */
const KNOWN_INTRINSICS: { [name: string]: true } = {
  'unsigned char': true, char: true, 'signed char': true, bool: true, 'unsigned short': true, short: true,
  wchar_t: true, 'unsigned long': true, long: true, 'unsigned int': true, int: true, 'unsigned __int64': true,
  __int64: true, void: true, UCHAR: true, CHAR: true, BOOLEAN: true, USHORT: true, SHORT: true, WCHAR: true,
  ULONG: true, LONG: true, ULONG64: true, ULONGLONG: true, LONG64: true, LONGLONG: true, VOID: true,
};

/** An integer type the format knows, of the same size and signedness, for one it does not (float, long long...). */
const INTEGER_BY_SIZE: { [size: number]: [string, string] } = {
  1: ['unsigned char', 'char'],
  2: ['unsigned short', 'short'],
  4: ['unsigned long', 'long'],
  8: ['unsigned __int64', '__int64'],
};

const ENUM_BASE_BY_SIZE: { [size: number]: string } = { 1: 'UCHAR', 2: 'USHORT', 4: 'LONG', 8: 'LONG64' };

interface Entry {
  def: TypeDef;
  /** Only known as a pointer's target: a name without a size yet. */
  placeholder: boolean;
  /** Member order as a TypeShape listed it (declaration order), when one was recorded. */
  shapeOrder?: string[];
  byName: { [name: string]: FieldDef };
}

/** Trailing array dimensions of a reference: "T[2][3]" -> ["T", "[2][3]"]. */
function splitDims(ref: string): [string, string] {
  const m = /^(.*?)\s*((?:\[\s*\d+\s*\])*)$/.exec(ref);
  return m ? [m[1], m[2].replace(/\s+/g, '')] : [ref, ''];
}

export class TypeBook {
  /** module (lower case) -> type name -> variants (anonymous types of different sizes share a name). */
  private readonly modules = new Map<string, Map<string, Entry[]>>();
  private readonly spelling = new Map<string, string>();
  /** module!name the debugger did not know: never invented by a pointer's placeholder. */
  private readonly missing = new Set<string>();
  private readonly shapesSeen = new Set<TypeShape>();
  readonly notes: string[] = [];

  markMissing(module: string, name: string): void {
    this.missing.add(`${module.toLowerCase()}!${name}`);
  }

  private variants(module: string, name: string): Entry[] {
    const key = module.toLowerCase();
    if (!this.spelling.has(key)) this.spelling.set(key, module);
    let types = this.modules.get(key);
    if (!types) {
      types = new Map();
      this.modules.set(key, types);
    }
    let list = types.get(name);
    if (!list) {
      list = [];
      types.set(name, list);
    }
    return list;
  }

  /** A structure of that name and size (a same-named one of another size becomes "name#2"). */
  struct(module: string, name: string, size: number, placeholder = false): Entry {
    const list = this.variants(module, name);
    if (placeholder) {
      if (list.length) return list[0];
    } else {
      for (const e of list) {
        if (e.def.kind === 'enum') return e; // an enum the analysis also asked a layout of (its size)
        if (e.placeholder) {
          e.placeholder = false;
          e.def.size = size;
          return e;
        }
        if (e.def.size === size && e.def.kind === 'struct') return e;
      }
    }
    const def: TypeDef = { name: list.length ? `${name}#${list.length + 1}` : name, kind: 'struct', size: placeholder ? 0 : size, fields: [] };
    if (list.length) this.notes.push(`type ${module}!${name}: ${list.length + 1} different types of that name, recorded as ${def.name}`);
    const entry: Entry = { def, placeholder, byName: {} };
    list.push(entry);
    return entry;
  }

  enumType(module: string, name: string, size: number, values?: Map<number, string> | { value: number; name: string }[]): string {
    const list = this.variants(module, name);
    let entry = list[0];
    if (!entry) {
      entry = { def: { name, kind: 'enum', size, values: {} }, placeholder: false, byName: {} };
      list.push(entry);
    } else if (entry.def.kind !== 'enum') {
      entry.def.kind = 'enum';
      delete entry.def.fields;
      entry.def.values = {};
      entry.placeholder = false;
    }
    if (size > 0) entry.def.size = size;
    const out = entry.def.values || (entry.def.values = {});
    if (values instanceof Map) values.forEach((n, v) => { out[n] = v; });
    else if (values) for (const e of values) out[e.name] = e.value;
    return entry.def.name;
  }

  addField(owner: Entry, field: FieldDef, module: string): void {
    const had = owner.byName[field.name];
    if (had) {
      if (had.offset !== field.offset) this.notes.push(`type ${module}!${owner.def.name}: member ${field.name} seen at two offsets, kept +0x${had.offset.toString(16)}`);
      return;
    }
    owner.byName[field.name] = field;
    (owner.def.fields || (owner.def.fields = [])).push(field);
  }

  /** A member path the analysis resolved on `root` (module!name): every type along it. */
  recordPath(module: string, rootName: string, rootSize: number, parts: string[], layouts: FieldLayout[]): void {
    let owner = this.struct(module, rootName, rootSize);
    let base = 0;
    for (let i = 0; i < parts.length; i++) {
      const f = layouts[i];
      // A member the path goes through is a structure: its own entry holds the next member.
      const inner = i + 1 < parts.length ? this.struct(module, f.typeName, f.size) : undefined;
      const field: FieldDef = { name: parts[i], offset: f.offset - base, type: inner ? inner.def.name : this.refOfLayout(module, f) };
      if (f.bitPos !== undefined && f.bitLen !== undefined) {
        field.bitPos = f.bitPos;
        field.bitLen = f.bitLen;
      }
      this.addField(owner, field, module);
      if (inner) {
        owner = inner;
        base = f.offset;
      }
    }
  }

  /** A type reference for what a FieldLayout describes, defining the named types it needs. */
  refOfLayout(module: string, f: FieldLayout): string {
    switch (f.kind) {
      case 'pointer':
        return this.pointerRef(module, f.typeName);
      case 'int':
        return this.intrinsic(f.typeName, f.size, f.signed);
      case 'enum':
        return this.enumType(module, f.typeName, f.size);
      case 'struct':
        return this.struct(module, f.typeName, f.size).def.name;
      case 'array': {
        const count = f.count || 0;
        const elementSize = f.elementSize || 0;
        let element: string;
        if (f.elementKind && f.elementTypeName !== undefined) {
          element = f.elementKind === 'array'
            ? this.nestedArrayRef(module, f.elementTypeName, elementSize)
            : this.refOfLayout(module, { offset: 0, size: elementSize, kind: f.elementKind, signed: false, typeName: f.elementTypeName });
        } else element = 'UCHAR';
        return arrayRef(element, count);
      }
      default:
        this.notes.push(`a member of type '${f.typeName}' (${f.size} bytes) is recorded as an integer of that size`);
        return this.intrinsic(f.typeName, f.size, false);
    }
  }

  /** A TypeShape (driver structures, globals): every member, recursively. */
  refOfShape(shape: TypeShape): string {
    const module = shape.module;
    switch (shape.kind) {
      case 'pointer':
        return this.pointerRef(module, (shape.pointee || 'void') + ' *');
      case 'int':
        return this.intrinsic(shape.name, shape.size, shape.signed);
      case 'enum':
        return this.enumType(module, shape.name, shape.size, shape.enumerators);
      case 'array': {
        const element = shape.element ? this.refOfShape(shape.element) : 'UCHAR';
        return arrayRef(element, shape.count || 0);
      }
      case 'struct': {
        const entry = this.struct(module, shape.name, shape.size);
        if (!this.shapesSeen.has(shape)) {
          this.shapesSeen.add(shape);
          const order: string[] = [];
          for (const m of shape.members || []) {
            const field: FieldDef = { name: m.name, offset: m.offset, type: this.refOfShape(m.type) };
            if (m.bitPos !== undefined && m.bitLen !== undefined) {
              field.bitPos = m.bitPos;
              field.bitLen = m.bitLen;
            }
            this.addField(entry, field, module);
            order.push(m.name);
          }
          if (!entry.shapeOrder) entry.shapeOrder = order;
        }
        return entry.def.name;
      }
      default:
        return this.intrinsic(shape.name, shape.size, shape.signed);
    }
  }

  private intrinsic(name: string, size: number, signed: boolean): string {
    if (KNOWN_INTRINSICS[name]) return name;
    const pair = INTEGER_BY_SIZE[size];
    if (pair) {
      this.notes.push(`integer type '${name}' recorded as '${pair[signed ? 1 : 0]}'`);
      return pair[signed ? 1 : 0];
    }
    this.notes.push(`type '${name}' (${size} bytes) recorded as a byte array`);
    return `UCHAR[${size}]`;
  }

  /** "T *", "T * *": T gets a placeholder (a name without members) unless it is an integer or void. */
  private pointerRef(module: string, typeName: string): string {
    let base = typeName.trim();
    let stars = 0;
    while (base.length && base.charAt(base.length - 1) === '*') {
      base = base.slice(0, -1).trim();
      stars++;
    }
    if (!stars) stars = 1;
    if (!base || /[()[\]]/.test(base) || this.missing.has(`${module.toLowerCase()}!${base}`)) {
      if (base && base !== 'void') this.notes.push(`pointer to '${base}' recorded as a pointer to void`);
      base = 'void';
    } else if (!KNOWN_INTRINSICS[base]) {
      base = this.struct(module, base, 0, true).def.name;
    }
    let ref = base;
    for (let i = 0; i < stars; i++) ref += ' *';
    return ref;
  }

  /** An element that is itself an array ("T [3]"): its element type by name only. */
  private nestedArrayRef(module: string, typeName: string, size: number): string {
    const parts = splitDims(typeName);
    const dims = parts[1].match(/\d+/g) || [];
    let count = 1;
    for (const d of dims) count *= parseInt(d, 10);
    const elementSize = count > 0 ? Math.floor(size / count) : 0;
    const base = KNOWN_INTRINSICS[parts[0]] ? parts[0] : this.struct(module, parts[0], elementSize).def.name;
    return base + parts[1];
  }

  /** module -> TypeDefs, members in declaration order where a TypeShape gave it, else by offset. */
  toJson(): { [module: string]: TypeDef[] } {
    const out: { [module: string]: TypeDef[] } = {};
    this.modules.forEach((types, key) => {
      const defs: TypeDef[] = [];
      types.forEach((list) => {
        for (const e of list) {
          if (e.def.fields) e.def.fields = ordered(e);
          if (e.def.kind === 'enum') {
            if (!e.def.size) e.def.size = 4;
            e.def.baseType = ENUM_BASE_BY_SIZE[e.def.size] || 'LONG';
          }
          defs.push(e.def);
        }
      });
      out[this.spelling.get(key) || key] = defs;
    });
    return out;
  }
}

function ordered(e: Entry): FieldDef[] {
  const fields = e.def.fields || [];
  if (e.shapeOrder) {
    const first = e.shapeOrder.map((n) => e.byName[n]).filter((f) => f !== undefined);
    return first.concat(fields.filter((f) => e.shapeOrder!.indexOf(f.name) < 0));
  }
  return fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.offset - b.f.offset || a.i - b.i)
    .map((x) => x.f);
}

/** `count` elements of `element`: "T[2]" of "T[3]" is "T[2][3]" (the snapshot's C spelling). */
function arrayRef(element: string, count: number): string {
  const parts = splitDims(element);
  return `${parts[0]}[${count}]${parts[1]}`;
}
