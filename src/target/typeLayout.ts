// Type layouts read from the debugger's symbols (host.getModuleType), resolved lazily per member
// path and cached for the session: a few dozen host calls per load, none per thread.
import type { FieldKind, FieldLayout, MemberShape, TypeLayout, TypeShape } from '../core/target';
import { toNumber } from './int64';

const SIGNED_INTRINSICS = /^(char|short|int|long|__int8|__int16|__int32|__int64|long long|signed .*|CHAR|SHORT|LONG|LONG64|LONGLONG|INT|INT64|LONG_PTR|int64_t|int32_t|int16_t|int8_t)$/;

interface Resolved {
  kind: FieldKind;
  size: number;
  signed: boolean;
  typeName: string;
  type: host.TypeObject;
}

function resolveType(t: host.TypeObject, pointerSize: number): Resolved {
  let type = t;
  // typedefs (e.g. PVOID, ULONG_PTR) resolve to what they name
  for (let i = 0; i < 8 && type.typeKind === 'typedef' && type.baseType; i++) type = type.baseType;
  const name = type.name;
  switch (type.typeKind) {
    case 'pointer':
      return { kind: 'pointer', size: pointerSize, signed: false, typeName: name, type };
    case 'udt':
      return { kind: 'struct', size: toNumber(type.size), signed: false, typeName: name, type };
    case 'array':
      return { kind: 'array', size: toNumber(type.size), signed: false, typeName: name, type };
    case 'enum':
      return { kind: 'enum', size: toNumber(type.size), signed: false, typeName: name, type };
    case 'intrinsic':
      return { kind: 'int', size: toNumber(type.size), signed: SIGNED_INTRINSICS.test(name), typeName: name, type };
    default:
      return { kind: 'other', size: toNumber(type.size), signed: false, typeName: name, type };
  }
}

export class HostTypeLayout implements TypeLayout {
  readonly size: number;
  private readonly cache = new Map<string, FieldLayout | null>();

  constructor(
    readonly module: string,
    readonly name: string,
    private readonly type: host.TypeObject,
    private readonly pointerSize: number,
  ) {
    this.size = toNumber(type.size);
  }

  field(path: string): FieldLayout | undefined {
    let hit = this.cache.get(path);
    if (hit === undefined) {
      hit = this.resolve(path) || null;
      this.cache.set(path, hit);
    }
    return hit || undefined;
  }

  private resolve(path: string): FieldLayout | undefined {
    let type: host.TypeObject = this.type;
    let offset = 0;
    let last: Resolved | undefined;
    let member: host.TypeField | undefined;
    for (const part of path.split('.')) {
      if (last && last.kind !== 'struct') return undefined;
      const fields = type.fields;
      member = fields ? fields[part] : undefined;
      if (!member || member.offset === undefined) return undefined;
      offset += toNumber(member.offset);
      last = resolveType(member.type, this.pointerSize);
      type = last.type;
    }
    if (!last || !member) return undefined;
    const layout: FieldLayout = { offset, size: last.size, kind: last.kind, signed: last.signed, typeName: last.typeName };
    const declared = member.type;
    if (declared.isBitField && declared.bitFieldPositions) {
      layout.bitPos = toNumber(declared.bitFieldPositions.lsb);
      layout.bitLen = toNumber(declared.bitFieldPositions.length);
    }
    if (last.kind === 'array' && last.type.baseType) {
      const element = resolveType(last.type.baseType, this.pointerSize);
      layout.elementSize = element.size;
      layout.elementKind = element.kind;
      layout.elementTypeName = element.typeName;
      layout.count = element.size > 0 ? Math.floor(last.size / element.size) : 0;
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
      if (!f || f.offset === undefined || f.offset === null || (f.locationKind && f.locationKind !== 'member')) continue;
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
