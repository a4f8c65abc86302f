// Type objects (docs/jsprovider.md §Type objects) as the script sees them. Decisions:
// - `size` and field `offset` are Int64 (§Numbers and Int64 lists type size and field offset as 64-bit values).
// - `fields` of an enum type (§Enums and bit fields [UNCONFIRMED]): one property per enumerator, a field object
//   { name, type (the enum type), locationKind: 'constant', value: number }.
// - Bit-field members: field.type is the underlying intrinsic with isBitField true and
//   bitFieldPositions { lsb, length } (DTS-MS bitFieldInterface).
// - baseType is null for types that have none (udt, intrinsic).
// Every property read counts as `typeObject.<name>` (a round trip in the real debugger).
import type { Env } from './env';
import type { MType } from './types';

const typeObjectState = new WeakMap<object, MType>();

export function mtypeOf(obj: unknown): MType | undefined {
  return typeof obj === 'object' && obj !== null ? typeObjectState.get(obj) : undefined;
}

export function makeTypeObject(env: Env, t: MType): object {
  const count = (p: string) => env.counters.count(`typeObject.${p}`);
  const obj = {};
  const getters: Record<string, () => unknown> = {
    name: () => t.name,
    size: () => env.i64.make(t.size),
    typeKind: () => t.kind,
    baseType: () => (t.base ? makeTypeObject(env, t.base) : null),
    fields: () => fieldsOf(env, t, obj),
    baseClasses: () => new env.realm.Array(),
    isBitField: () => t.bitField !== undefined,
    bitFieldPositions: () => (t.bitField ? { lsb: t.bitField.lsb, length: t.bitField.length } : undefined),
    pointerKind: () => (t.kind === 'pointer' ? 'standard' : undefined),
    isGeneric: () => false,
  };
  for (const [name, get] of Object.entries(getters)) {
    Object.defineProperty(obj, name, { get() { count(name); return get(); }, enumerable: true });
  }
  Object.defineProperty(obj, 'createPointerTo', {
    value: () => { count('createPointerTo'); return makeTypeObject(env, env.types.pointerTo(t)); },
  });
  Object.defineProperty(obj, 'createArrayOf', {
    // Accepts host.typeSystem.arrayDimension-like objects ({ length }) or plain numbers.
    value: (...dims: unknown[]) => {
      count('createArrayOf');
      if (dims.length === 0) throw new env.realm.TypeError('createArrayOf: at least one dimension is required');
      let r = t;
      for (let i = dims.length - 1; i >= 0; i--) {
        const d = dims[i] as { length?: unknown } | number;
        const n = typeof d === 'number' ? d : Number(env.i64.toBigInt(d?.length, 'createArrayOf'));
        r = env.types.arrayOf(r, n);
      }
      return makeTypeObject(env, r);
    },
  });
  Object.defineProperty(obj, 'toString', { value: () => t.name });
  typeObjectState.set(obj, t);
  return obj;
}

function fieldsOf(env: Env, t: MType, typeObj: object): object {
  const fields: Record<string, unknown> = {};
  if (t.kind === 'udt') {
    for (const f of t.def?.fields ?? []) {
      const skew = env.fieldSkews.find((x) => x.type === t.name && x.field === f.name);
      const field = { name: f.name, locationKind: 'member', offset: env.i64.make(f.offset + (skew ? skew.delta : 0)) };
      let cached: object | undefined;
      Object.defineProperty(field, 'type', {
        get: () => (cached ??= makeTypeObject(env, env.types.fieldType(t, f))),
        enumerable: true,
      });
      fields[f.name] = field;
    }
  } else if (t.kind === 'enum' && !env.variants.has('no-enum-fields')) {
    for (const [name, value] of Object.entries(t.def?.values ?? {})) {
      fields[name] = { name, type: typeObj, locationKind: 'constant', value };
    }
  }
  return fields;
}
