// Native (typed) objects (docs/jsprovider.md §Property lookup–§Arrays and iteration, §Enums and bit fields), implemented as Proxies over NativeState.
//
// Property lookup order (§Property lookup): projected names, then native fields, then through pointers.
// Values of members (§Numbers and Int64, by native type width):
//   1/2/4-byte integers → JS numbers (signed types sign-extended); 8-byte integers → Int64;
//   `bool` → JS boolean; pointers → pointer objects; structs/unions/arrays → native objects.
// Decisions for [UNCONFIRMED] facts (§Enums and bit fields):
//   - Bit fields read already extracted (shifted and masked; signed types sign-extended), with the
//     width rule of the underlying type (a bit field of a ULONG64 is an Int64).
//   - Enum members are native objects whose valueOf() is the number (so ==, <, + work, === does
//     not) and whose ToDisplayString()/toString() is the enumerator name (the decimal value when
//     no enumerator matches); ToDisplayString('d'|'x') gives the number.
//   - dereference() of a pointer to a struct checks that the first byte is readable (a wild or
//     null pointer throws there); its fields are then read lazily. Pointers to scalars read the
//     value at once.
//   - Display strings: pointers "0x<hex>", structs "[Type: <name>]", _UNICODE_STRING/_STRING
//     "\"text\"" (dx's built-in visualizer), char arrays/pointers with 's'/'sb'/'su'/'sub'.
//   - `.address` of an object without an address throws Error('Object does not have an address')
//     (wording modelled on V8WINDBG's "Object does not have a size", §Errors).
// Failed reads throw Error('Unable to read memory at Address 0x<addr>') with the address of the
// read that failed (§Pointers, §Errors).
// Counters: typedObject.field (member reads, also through pointers), typedObject.index,
// typedObject.iterate (per element), typedObject.<projected name>.
import { MemoryFault, readUnsigned } from './memory';
import { hex0x, makeHostContext, makeLocation } from './env';
import type { Env, NativeState } from './env';
import { makeTypeObject } from './typeObjects';
import { readUnits } from './strings';
import type { MType } from './types';
import type { FieldDef } from '../format/typedef';

export function unreadable(env: Env, address: bigint): Error {
  return new env.realm.Error(`Unable to read memory at Address ${hex0x(address)}`);
}

function readRaw(env: Env, address: bigint, size: number, process: bigint | undefined): bigint {
  try {
    const bytes = env.mem.read(address, size, process);
    env.counters.addBytes(size);
    return readUnsigned(bytes, 0, size);
  } catch (e) {
    if (e instanceof MemoryFault) throw unreadable(env, address);
    throw e;
  }
}

function extract(t: MType, raw: bigint): bigint {
  if (!t.bitField) return raw;
  const { lsb, length } = t.bitField;
  const v = (raw >> BigInt(lsb)) & ((1n << BigInt(length)) - 1n);
  return t.signed ? BigInt.asUintN(64, BigInt.asIntN(length, v)) : v;
}

function scalar(env: Env, t: MType, raw: bigint): unknown {
  if (t.name === 'bool') return raw !== 0n;
  if (t.size === 8) return env.i64.make(raw);
  if (!t.signed) return Number(raw);
  const bits = t.bitField ? t.bitField.length : t.size * 8;
  return Number(BigInt.asIntN(bits, raw));
}

/** The script-visible value of an object of type `t` at `address` (a member or element). */
export function valueAt(env: Env, t: MType, address: bigint, process: bigint | undefined): unknown {
  switch (t.kind) {
    case 'intrinsic':
      if (t.size === 0) throw new env.realm.TypeError('Cannot read a value of type void');
      return scalar(env, t, extract(t, readRaw(env, address, t.size, process)));
    case 'enum': {
      const raw = extract(t, readRaw(env, address, t.size, process));
      return makeNative(env, { type: t, address, value: raw, process });
    }
    case 'pointer':
      return makeNative(env, { type: t, address, value: readRaw(env, address, t.size, process), process });
    default:
      return makeNative(env, { type: t, address, process });
  }
}

export function pointerValue(env: Env, s: NativeState): bigint {
  if (s.value === undefined) {
    if (s.address === undefined) throw new env.realm.Error('Object does not have an address');
    s.value = readRaw(env, s.address, s.type.size, s.process);
  }
  return s.value;
}

function enumNumber(env: Env, s: NativeState): number {
  if (s.value === undefined) {
    if (s.address === undefined) throw new env.realm.Error('Object does not have an address');
    s.value = readRaw(env, s.address, s.type.size, s.process);
  }
  const bits = s.type.bitField ? s.type.bitField.length : s.type.size * 8;
  return s.type.signed ? Number(BigInt.asIntN(bits, s.value)) : Number(s.value);
}

/** Finds `name` as a member of a udt, or through a chain of pointers to one (types only). */
function memberChain(t: MType, name: string): { hops: number; owner: MType; field: FieldDef } | undefined {
  let cur = t;
  for (let hops = 0; hops < 8; hops++) {
    if (cur.kind === 'udt') {
      const f = cur.def?.fields?.find((x) => x.name === name);
      return f ? { hops, owner: cur, field: f } : undefined;
    }
    if (cur.kind !== 'pointer' || !cur.base) return undefined;
    cur = cur.base;
  }
  return undefined;
}

function memberValue(env: Env, s: NativeState, name: string): { found: boolean; value?: unknown } {
  const chain = memberChain(s.type, name);
  if (!chain) return { found: false };
  let st = s;
  let address = s.address;
  for (let i = 0; i < chain.hops; i++) {
    address = pointerValue(env, st);
    st = { type: st.type.base!, address, process: s.process };
  }
  if (address === undefined) throw new env.realm.Error('Object does not have an address');
  const ft = env.types.fieldType(chain.owner, chain.field);
  return { found: true, value: valueAt(env, ft, address + BigInt(chain.field.offset), s.process) };
}

function elementAt(env: Env, s: NativeState, index: number): unknown {
  const t = s.type;
  const elem = t.base!;
  if (t.kind === 'array') {
    if (index >= (t.count ?? 0)) throw new env.realm.RangeError('Array index out of bounds');
    return valueAt(env, elem, s.address! + BigInt(index * elem.size), s.process);
  }
  if (elem.size === 0) throw new env.realm.TypeError('Cannot index a pointer to void');
  return valueAt(env, elem, pointerValue(env, s) + BigInt(index * elem.size), s.process);
}

function displayString(env: Env, s: NativeState, fmt?: unknown): string {
  const t = s.type;
  const f = typeof fmt === 'string' ? fmt.trim().toLowerCase() : undefined;
  const num = (v: bigint): string =>
    f === 'd' ? v.toString(10) : f === 'o' ? '0' + v.toString(8) : f === 'b' ? '0y' + v.toString(2) : hex0x(v);
  const str = (address: bigint, wide: boolean, max: number, exact: boolean): string => {
    try {
      return readUnits(env, address, wide ? 2 : 1, max, s.process, exact).text;
    } catch (e) {
      if (e instanceof MemoryFault) throw unreadable(env, e.address);
      throw e;
    }
  };
  const quote = (text: string) => (f === 'sb' || f === 'sub' ? text : `"${text}"`);
  const isStringFmt = f === 's' || f === 'sb' || f === 'su' || f === 'sub';
  const wideFmt = f === 'su' || f === 'sub';
  switch (t.kind) {
    case 'pointer': {
      const v = pointerValue(env, s);
      if (isStringFmt) return quote(str(v, wideFmt, 0x10000, false));
      return num(v);
    }
    case 'enum': {
      const n = enumNumber(env, s);
      if (f === 'd' || f === 'x' || f === 'o' || f === 'b') return num(BigInt.asUintN(64, BigInt(n)));
      const name = Object.entries(t.def?.values ?? {}).find(([, v]) => v === n)?.[0];
      return name ?? String(n);
    }
    case 'array':
      if (isStringFmt && t.base?.charKind) {
        return quote(str(s.address!, t.base.charKind === 'wide' || wideFmt, t.count ?? 0, false));
      }
      return `[Type: ${t.name}]`;
    default: {
      if ((t.name === '_UNICODE_STRING' || t.name === '_STRING') && s.address !== undefined) {
        const len = memberValue(env, s, 'Length').value as number;
        const buf = memberValue(env, s, 'Buffer').value as object;
        const wide = t.name === '_UNICODE_STRING';
        const text = str(env.natives.get(buf)!.value!, wide, wide ? len / 2 : len, true);
        return f === 'sb' || f === 'sub' ? text : `"${text}"`;
      }
      return `[Type: ${t.name}]`;
    }
  }
}

function comparable(env: Env, x: unknown): bigint {
  const other = typeof x === 'object' && x !== null ? env.natives.get(x) : undefined;
  if (other) {
    if (other.type.kind === 'pointer') return pointerValue(env, other);
    if (other.type.kind === 'enum') return BigInt.asUintN(64, BigInt(enumNumber(env, other)));
    if (other.address === undefined) throw new env.realm.Error('Object does not have an address');
    return other.address;
  }
  return env.i64.toBigInt(x, 'compareTo');
}

type Projected = (env: Env, s: NativeState, self: object) => unknown;

const COMMON: Record<string, Projected> = {
  address: (env, s) => {
    if (s.type.kind === 'pointer') return env.i64.make(pointerValue(env, s));
    if (s.address === undefined) throw new env.realm.Error('Object does not have an address');
    return env.i64.make(s.address);
  },
  targetLocation: (env, s) => {
    if (s.address === undefined) throw new env.realm.Error('Object does not have a location');
    return makeLocation(env, s.address, s.process);
  },
  targetSize: (env, s) => env.i64.make(s.type.size),
  targetType: (env, s) => makeTypeObject(env, s.type),
  hostContext: (env, s) => makeHostContext(env, s.process),
  runtimeTypedObject: (_env, _s, self) => self,
  getObjectValue: (env, s) => (name: unknown) => {
    const r = memberValue(env, s, String(name));
    if (!r.found) throw new env.realm.Error(`Object has no field '${String(name)}'`);
    return r.value;
  },
  setObjectValue: (env) => () => {
    throw new env.realm.Error('mock: setObjectValue is not supported (the mock target is read-only)');
  },
  ToDisplayString: (env, s) => (fmt?: unknown) => displayString(env, s, fmt),
  toString: (env: Env, s: NativeState) => () => displayString(env, s),
  compareTo: (env, s, self) => (other: unknown) => {
    const a = comparable(env, self), b = comparable(env, other);
    return a > b ? 1 : a < b ? -1 : 0;
  },
  equals: (env, _s, self) => (other: unknown) => {
    try {
      return comparable(env, self) === comparable(env, other);
    } catch {
      return false;
    }
  },
  addParentModel: () => () => undefined,
  removeParentModel: () => () => undefined,
};

const POINTER: Record<string, Projected> = {
  isNull: (env, s) => pointerValue(env, s) === 0n,
  dereference: (env, s) => () => {
    const base = s.type.base!;
    const target = pointerValue(env, s);
    if (base.size === 0) throw new env.realm.Error('Cannot dereference a pointer to void');
    if (base.kind === 'udt' || base.kind === 'array') {
      if (!env.mem.readable(target, 1, s.process)) throw unreadable(env, target);
      return makeNative(env, { type: base, address: target, process: s.process });
    }
    return valueAt(env, base, target, s.process);
  },
  add: (env, s) => (n: unknown) => {
    const step = BigInt(s.type.base!.size || 1);
    const v = BigInt.asUintN(64, pointerValue(env, s) + env.i64.toBigInt(n, 'add') * step);
    return makeNative(env, { type: s.type, value: v, process: s.process });
  },
};

const ENUM: Record<string, Projected> = {
  valueOf: (env: Env, s: NativeState) => () => enumNumber(env, s),
};

function projected(t: MType, key: string): Projected | undefined {
  if (Object.prototype.hasOwnProperty.call(COMMON, key)) return COMMON[key];
  if (t.kind === 'pointer' && Object.prototype.hasOwnProperty.call(POINTER, key)) return POINTER[key];
  if (t.kind === 'enum' && Object.prototype.hasOwnProperty.call(ENUM, key)) return ENUM[key];
  return undefined;
}

const INDEX = /^(0|[1-9]\d*)$/;

export function makeNative(env: Env, state: NativeState): object {
  const target = Object.create(null) as object;
  const proxy: object = new Proxy(target, {
    get(_t, key) {
      const t = state.type;
      if (typeof key === 'symbol') {
        if (key === Symbol.iterator && t.kind === 'array') {
          return function* () {
            for (let i = 0; i < (t.count ?? 0); i++) {
              env.counters.count('typedObject.iterate');
              yield elementAt(env, state, i);
            }
          };
        }
        return undefined;
      }
      const p = projected(t, key);
      if (p) {
        env.counters.count(`typedObject.${key}`);
        return p(env, state, proxy);
      }
      if ((t.kind === 'array' || t.kind === 'pointer') && INDEX.test(key)) {
        env.counters.count('typedObject.index');
        return elementAt(env, state, Number(key));
      }
      if (memberChain(t, key)) {
        env.counters.count('typedObject.field');
        return memberValue(env, state, key).value;
      }
      // A pointer looks an unknown name up on what it points to (JSOBJ property access: "the
      // pointer is dereferenced"): a NULL or unreadable pointer throws here, as the real one does.
      if (t.kind === 'pointer' && t.base && t.base.size !== 0) {
        env.counters.count('typedObject.field');
        const target = pointerValue(env, state);
        if (!env.mem.readable(target, 1, state.process)) throw unreadable(env, target);
      }
      return undefined;
    },
    has(_t, key) {
      if (typeof key === 'symbol') return key === Symbol.iterator && state.type.kind === 'array';
      return projected(state.type, key) !== undefined || memberChain(state.type, key) !== undefined;
    },
    ownKeys() {
      return state.type.kind === 'udt' ? (state.type.def?.fields ?? []).map((f) => f.name) : [];
    },
    getOwnPropertyDescriptor(_t, key) {
      if (typeof key !== 'string' || state.type.kind !== 'udt') return undefined;
      if (!state.type.def?.fields?.some((f) => f.name === key)) return undefined;
      return { value: (proxy as Record<string, unknown>)[key], writable: false, enumerable: true, configurable: true };
    },
    set() {
      return false; // read-only: a strict-mode assignment throws a TypeError
    },
    defineProperty() {
      return false;
    },
    deleteProperty() {
      return false;
    },
  });
  env.natives.set(proxy, state);
  return proxy;
}
