// Decoding one ring entry from its bytes, driven by the element's TypeShape (members in declaration
// order, as the symbols give them): nested structures flatten to dotted paths (`Irp.MajorFunction`),
// arrays of structures to `Entries[0].Key`, char arrays become text, other scalar arrays become lists
// (a list of pointers is a backtrace when its values symbolise). Pure: no debugger access.
import { ptr, sint, uint, type Bytes } from '../../core/bytes';
import type { Addr } from '../../core/addr';
import type { MemberShape, TypeShape } from '../../core/target';
import { u64FromBytes, type U64 } from '../../core/u64';

export type FieldValue =
  | { kind: 'int'; value: U64; signed: boolean; size: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'enum'; value: number; name?: string }
  | { kind: 'pointer'; address: Addr }
  | { kind: 'text'; text: string }
  /** Elements of a long array of structures past the ones decoded. */
  | { kind: 'not-shown'; count: number }
  | { kind: 'bytes'; hex: string; truncated: boolean }
  | { kind: 'list'; items: FieldValue[]; truncated: boolean };

export interface DecodedField {
  /** Flattened member path: `State`, `Irp.MajorFunction`, `Entries[1].Key`; an element without members is `Value`. */
  path: string;
  value: FieldValue;
}

/** Longest scalar list shown, longest byte dump, most structure elements expanded. */
const MAX_LIST = 64;
const MAX_BYTES = 32;
const MAX_STRUCT_ELEMENTS = 16;

/** Decodes the element at `off` in `bytes`. A scalar element is one field named `scalarName`. */
export function decodeElement(shape: TypeShape, bytes: Bytes, off: number, pointerSize: number, scalarName = 'Value'): DecodedField[] {
  const out: DecodedField[] = [];
  if (shape.kind === 'struct') decodeStruct(shape, bytes, off, pointerSize, '', out);
  else decodeInto(shape, bytes, off, pointerSize, scalarName, out);
  return out;
}

/** True when a structure type carries no member list (public symbols, a forward declaration). */
export function hasNoFields(shape: TypeShape): boolean {
  return shape.kind === 'struct' && (!shape.members || shape.members.length === 0);
}

function decodeStruct(shape: TypeShape, bytes: Bytes, off: number, pointerSize: number, prefix: string, out: DecodedField[]): void {
  const members = shape.members || [];
  if (!members.length) {
    out.push({ path: prefix || 'Bytes', value: rawBytes(bytes, off, shape.size) });
    return;
  }
  for (const m of members) {
    const path = prefix ? `${prefix}.${m.name}` : m.name;
    if (m.bitLen !== undefined) out.push({ path, value: bitField(m, bytes, off + m.offset) });
    else decodeInto(m.type, bytes, off + m.offset, pointerSize, path, out);
  }
}

function decodeInto(t: TypeShape, bytes: Bytes, off: number, pointerSize: number, path: string, out: DecodedField[]): void {
  switch (t.kind) {
    case 'struct':
      decodeStruct(t, bytes, off, pointerSize, path, out);
      return;
    case 'array':
      decodeArray(t, bytes, off, pointerSize, path, out);
      return;
    default:
      out.push({ path, value: scalar(t, bytes, off, pointerSize) });
  }
}

function decodeArray(t: TypeShape, bytes: Bytes, off: number, pointerSize: number, path: string, out: DecodedField[]): void {
  const e = t.element;
  const count = t.count || 0;
  if (!e || e.size <= 0) {
    out.push({ path, value: rawBytes(bytes, off, t.size) });
    return;
  }
  if (e.char && e.kind === 'int') {
    out.push({ path, value: charArray(bytes, off, count, e.char === 'wide' ? 2 : 1) });
    return;
  }
  if (e.kind === 'struct' || e.kind === 'array') {
    const shown = Math.min(count, MAX_STRUCT_ELEMENTS);
    for (let i = 0; i < shown; i++) decodeInto(e, bytes, off + i * e.size, pointerSize, `${path}[${i}]`, out);
    if (count > shown) out.push({ path: `${path}[${shown}..${count - 1}]`, value: { kind: 'not-shown', count: count - shown } });
    return;
  }
  const shown = Math.min(count, MAX_LIST);
  const items: FieldValue[] = [];
  for (let i = 0; i < shown; i++) items.push(scalar(e, bytes, off + i * e.size, pointerSize));
  out.push({ path, value: { kind: 'list', items, truncated: count > shown } });
}

function scalar(t: TypeShape, bytes: Bytes, off: number, pointerSize: number): FieldValue {
  switch (t.kind) {
    case 'pointer':
      return { kind: 'pointer', address: ptr(bytes, off, t.size === 4 || t.size === 8 ? t.size : pointerSize) };
    case 'enum': {
      const value = t.size <= 4 && (t.size === 1 || t.size === 2 || t.size === 4) ? (t.signed ? sint(bytes, off, t.size) : uint(bytes, off, t.size)) : uint(bytes, off, 8);
      return enumValue(t, value);
    }
    case 'int':
      if (t.bool) return { kind: 'bool', value: bytes[off] !== 0 };
      if (t.size === 1 || t.size === 2 || t.size === 4 || t.size === 8) return { kind: 'int', value: u64FromBytes(bytes, off, t.size), signed: t.signed, size: t.size };
      return rawBytes(bytes, off, t.size);
    default:
      return rawBytes(bytes, off, t.size);
  }
}

function enumValue(t: TypeShape, value: number): FieldValue {
  const hit = (t.enumerators || []).filter((e) => e.value === value)[0];
  return hit ? { kind: 'enum', value, name: hit.name } : { kind: 'enum', value };
}

function bitField(m: MemberShape, bytes: Bytes, off: number): FieldValue {
  const size = Math.min(m.type.size, 8);
  const raw = u64FromBytes(bytes, off, size);
  const pos = m.bitPos || 0;
  const len = m.bitLen || 1;
  // shift right by pos and keep len bits, on the halves
  let lo: number;
  let hi: number;
  if (pos >= 32) {
    lo = raw.hi >>> (pos - 32);
    hi = 0;
  } else if (pos === 0) {
    lo = raw.lo;
    hi = raw.hi;
  } else {
    lo = ((raw.lo >>> pos) | (raw.hi << (32 - pos))) >>> 0;
    hi = raw.hi >>> pos;
  }
  const value = len >= 64 ? { hi, lo } : len > 32 ? { hi: (hi % 2 ** (len - 32)) >>> 0, lo } : { hi: 0, lo: len === 32 ? lo : (lo % 2 ** len) >>> 0 };
  if (m.type.kind === 'enum') return enumValue(m.type, value.lo);
  if (m.type.bool) return { kind: 'bool', value: value.lo !== 0 };
  return { kind: 'int', value, signed: false, size };
}

/** Text when the characters up to the first NUL are printable, else the bytes. */
function charArray(bytes: Bytes, off: number, count: number, width: 1 | 2): FieldValue {
  let text = '';
  for (let i = 0; i < count; i++) {
    const c = width === 1 ? bytes[off + i] : bytes[off + 2 * i] | (bytes[off + 2 * i + 1] << 8);
    if (c === 0) break;
    if (c < 0x20 && c !== 9) return rawBytes(bytes, off, count * width);
    if (width === 1 && c > 0x7e) return rawBytes(bytes, off, count * width);
    text += String.fromCharCode(c);
  }
  return { kind: 'text', text };
}

function rawBytes(bytes: Bytes, off: number, size: number): FieldValue {
  const n = Math.min(size, MAX_BYTES);
  let hex = '';
  for (let i = 0; i < n; i++) hex += (bytes[off + i] | 0).toString(16).padStart(2, '0');
  return { kind: 'bytes', hex, truncated: size > n };
}
