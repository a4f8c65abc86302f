// Type layouts read from the debugger's symbols (host.getModuleType), resolved lazily per member
// path and cached for the session: a few dozen host calls per load, none per thread.
import type { FieldKind, FieldLayout, MemberShape, TypeLayout, TypeShape } from '../core/target';
import { toNumber } from './int64';
import { getOrRead } from '../core/runCache';

const SIGNED_INTRINSICS = /^(char|short|int|long|__int8|__int16|__int32|__int64|long long|signed .*|CHAR|SHORT|LONG|LONG64|LONGLONG|INT|INT64|LONG_PTR|int64_t|int32_t|int16_t|int8_t)$/;

type TypeFields = host.TypeObject['fields'];

/**
 * Sizes of the C base types as the debugger names them (the MSVC ABI: the same on x86 and x64, `long`
 * included): the name is read anyway for the signedness, so the size needs no round trip of its own.
 */
const INTRINSIC_SIZES: { [name: string]: number } = {
  char: 1, 'signed char': 1, 'unsigned char': 1, bool: 1,
  short: 2, 'unsigned short': 2, wchar_t: 2,
  int: 4, 'unsigned int': 4, long: 4, 'unsigned long': 4, float: 4,
  __int64: 8, 'unsigned __int64': 8, 'long long': 8, 'unsigned long long': 8, double: 8,
};

interface Resolved {
  kind: FieldKind;
  /** Read on demand for structures: a member path's intermediate structures never need theirs. */
  size(): number;
  signed: boolean;
  type: host.TypeObject;
  /** Read on demand: most fields never need their type's name (a round trip each). */
  typeName(): string;
}

function resolveType(t: host.TypeObject, pointerSize: number): Resolved {
  let type = t;
  let typeKind = type.typeKind;
  // typedefs (e.g. PVOID, ULONG_PTR) resolve to what they name
  for (let i = 0; i < 8 && typeKind === 'typedef'; i++) {
    const base = type.baseType;
    if (!base) break;
    type = base;
    typeKind = type.typeKind;
  }
  const resolved = type;
  let name: string | undefined;
  const typeName = () => (name === undefined ? (name = resolved.name) : name);
  let bytes: number | undefined;
  const size = () => (bytes === undefined ? (bytes = toNumber(resolved.size)) : bytes);
  switch (typeKind) {
    case 'pointer':
      return { kind: 'pointer', size: () => pointerSize, signed: false, type, typeName };
    case 'udt':
      return { kind: 'struct', size, signed: false, type, typeName };
    case 'array':
      return { kind: 'array', size, signed: false, type, typeName };
    case 'enum':
      return { kind: 'enum', size, signed: false, type, typeName };
    case 'intrinsic': {
      const known = Object.prototype.hasOwnProperty.call(INTRINSIC_SIZES, typeName()) ? INTRINSIC_SIZES[typeName()] : undefined;
      return { kind: 'int', size: known !== undefined ? () => known : size, signed: SIGNED_INTRINSICS.test(typeName()), type, typeName };
    }
    default:
      return { kind: 'other', size, signed: false, type, typeName };
  }
}

export class HostTypeLayout implements TypeLayout {
  readonly size: number;
  private readonly cache = new Map<string, FieldLayout | null>();
  /** Bound once: field() runs for every member decoded, and a closure per call would be garbage per read. */
  private readonly resolvePath = (path: string) => this.resolve(path);
  /** `fields` of the type and of each struct member reached so far, by member path ('' is the type itself). */
  private readonly fieldsByPrefix = new Map<string, TypeFields | undefined>();

  constructor(
    readonly module: string,
    readonly name: string,
    private readonly type: host.TypeObject,
    private readonly pointerSize: number,
  ) {
    this.size = toNumber(type.size);
  }

  field(path: string): FieldLayout | undefined {
    return getOrRead(this.cache, path, this.resolvePath);
  }

  private fieldsOf(prefix: string, type: host.TypeObject): TypeFields | undefined {
    if (this.fieldsByPrefix.has(prefix)) return this.fieldsByPrefix.get(prefix);
    const fields = type.fields;
    this.fieldsByPrefix.set(prefix, fields);
    return fields;
  }

  private resolve(path: string): FieldLayout | undefined {
    let type: host.TypeObject = this.type;
    let offset = 0;
    let last: Resolved | undefined;
    let member: host.TypeField | undefined;
    let prefix = '';
    for (const part of path.split('.')) {
      if (last && last.kind !== 'struct') return undefined;
      const fields = this.fieldsOf(prefix, type);
      member = fields ? fields[part] : undefined;
      // A static or constant member has no offset (reading one may throw): locationKind first.
      if (!member || (member.locationKind && member.locationKind !== 'member')) return undefined;
      let memberOffset: unknown;
      try {
        memberOffset = member.offset;
      } catch (e) {
        return undefined;
      }
      if (memberOffset === undefined || memberOffset === null) return undefined;
      offset += toNumber(memberOffset);
      last = resolveType(member.type, this.pointerSize);
      type = last.type;
      prefix = prefix ? `${prefix}.${part}` : part;
    }
    if (!last || !member) return undefined;
    const typeName = last.typeName;
    const size = last.size;
    const layout: FieldLayout = {
      offset,
      kind: last.kind,
      signed: last.signed,
      size: 0,
      get typeName() {
        return typeName();
      },
    };
    // Integers and pointers carry their size (read on every decode); a structure's is asked for when used.
    if (last.kind === 'struct' || last.kind === 'array') Object.defineProperty(layout, 'size', { get: size, enumerable: true });
    else layout.size = size();
    const declared = member.type;
    // Only integers and enums can be bit fields: other members spare the two round trips.
    if ((last.kind === 'int' || last.kind === 'enum' || last.kind === 'other') && declared.isBitField && declared.bitFieldPositions) {
      layout.bitPos = toNumber(declared.bitFieldPositions.lsb);
      layout.bitLen = toNumber(declared.bitFieldPositions.length);
    }
    if (last.kind === 'array' && last.type.baseType) {
      const element = resolveType(last.type.baseType, this.pointerSize);
      const elementSize = element.size();
      layout.elementSize = elementSize;
      layout.elementKind = element.kind;
      layout.elementTypeName = element.typeName();
      layout.count = elementSize > 0 ? Math.floor(size() / elementSize) : 0;
    }
    return layout;
  }
}

/** Enumerators of an enum type: its `fields` are constants carrying `value` (see typings). */
export function readEnum(type: host.TypeObject): Map<number, string> {
  const names = new Map<number, string>();
  const fields = type.fields || {};
  for (const name of Object.getOwnPropertyNames(fields)) {
    const f = fields[name];
    if (f && f.value !== undefined && f.value !== null) names.set(toNumber(f.value), name);
  }
  return names;
}

const NARROW_CHARS = /^(char|signed char|unsigned char|CHAR|UCHAR)$/;
const WIDE_CHARS = /^(wchar_t|WCHAR)$/;
const MAX_SHAPE_DEPTH = 16;

/**
 * TypeShapes built from host type objects, one per named type per session: driver structures are
 * decoded generically (ring entries), so the decoder needs the members in declaration order, which
 * a path lookup (HostTypeLayout) does not give.
 */
export class ShapeBuilder {
  private readonly named = new Map<string, TypeShape>();

  constructor(private readonly pointerSize: number) {}

  build(module: string, t: host.TypeObject, depth = 0): TypeShape {
    let type = t;
    for (let i = 0; i < 8 && type.typeKind === 'typedef' && type.baseType; i++) type = type.baseType;
    const name = type.name;
    const size = toNumber(type.size);
    switch (type.typeKind) {
      case 'pointer':
        return { module, name, kind: 'pointer', size: this.pointerSize, signed: false, pointee: type.baseType ? type.baseType.name : undefined };
      case 'array': {
        const element = type.baseType ? this.build(module, type.baseType, depth + 1) : undefined;
        const count = element && element.size > 0 ? Math.floor(size / element.size) : 0;
        return { module, name, kind: 'array', size, signed: false, element, count };
      }
      case 'enum':
      case 'udt': {
        const key = `${module}!${type.typeKind}!${name}`;
        const hit = this.named.get(key);
        if (hit) return hit;
        const shape: TypeShape =
          type.typeKind === 'enum'
            ? { module, name, kind: 'enum', size, signed: size >= 4, enumerators: enumerators(type) }
            : { module, name, kind: 'struct', size, signed: false, members: [] };
        this.named.set(key, shape); // before the members: a member's type never contains its owner, but be safe
        if (shape.members && depth < MAX_SHAPE_DEPTH) shape.members = this.members(module, type, depth);
        return shape;
      }
      case 'intrinsic': {
        const shape: TypeShape = { module, name, kind: 'int', size, signed: SIGNED_INTRINSICS.test(name) || name === 'signed char' };
        if (NARROW_CHARS.test(name)) shape.char = 'narrow';
        else if (WIDE_CHARS.test(name)) shape.char = 'wide';
        if (name === 'bool') shape.bool = true;
        return shape;
      }
      default:
        return { module, name, kind: 'other', size, signed: false };
    }
  }

  private members(module: string, type: host.TypeObject, depth: number): MemberShape[] {
    const out: MemberShape[] = [];
    const fields = type.fields || {};
    for (const name of Object.getOwnPropertyNames(fields)) {
      const f = fields[name];
      if (!f || (f.locationKind && f.locationKind !== 'member') || f.offset === undefined || f.offset === null) continue;
      const member: MemberShape = { name, offset: toNumber(f.offset), type: this.build(module, f.type, depth + 1) };
      if (f.type.isBitField && f.type.bitFieldPositions) {
        member.bitPos = toNumber(f.type.bitFieldPositions.lsb);
        member.bitLen = toNumber(f.type.bitFieldPositions.length);
      }
      out.push(member);
    }
    return out;
  }
}

function enumerators(type: host.TypeObject): { value: number; name: string }[] {
  const out: { value: number; name: string }[] = [];
  readEnum(type).forEach((name, value) => out.push({ value, name }));
  return out;
}
