// The structured result of !ringdump (the harness's --json, the data behind dx @$ringdump()):
// { array, capacity, newestSlot, wrapped, entries: [{ position, slot, fields: { ... } }] } plus what
// explains it. Field values: integers as numbers (hex text past 2^53), enums by name (the number in
// `enumValues`), pointers as addresses (lower-case hex, no 0x; their `ln` names in `symbols`), char
// arrays as text, lists as arrays. Several rings (-devnode all): { rings: [...], notes }.
import { u64ToDecimal, u64ToHex } from '../core/u64';
import type { RingEntry, RingReport, RingResult } from '../analysis/rings/ringdump';
import type { FieldValue } from '../analysis/rings/ringFields';
import type { Addr } from '../core/addr';
import { intNumber } from './ringFormat';
import { devnodeJson, notShownText, arrayText, indexNameText, ringNotesText, ringProblemText, ringWarningsText } from './ringWords';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function ringResultJson(result: RingResult, pointerSize: number): object {
  const notes = ringNotesText(result, pointerSize);
  if (result.reports.length === 1 && !result.multiple) {
    const one = ringJson(result.reports[0], pointerSize) as { [k: string]: unknown };
    if (notes.length) one.notes = notes;
    return one;
  }
  return { rings: result.reports.map((r) => ringJson(r, pointerSize)), notes };
}

export function ringJson(r: RingReport, pointerSize: number): object {
  const out: { [k: string]: unknown } = {
    array: arrayText(r.array, pointerSize),
    address: r.address,
    elementType: r.elementType,
    capacity: r.capacity,
    order: r.order,
    newestSlot: r.newestSlot === undefined ? null : r.newestSlot,
    wrapped: r.wrapped === undefined ? null : r.wrapped,
    total: r.total,
    entries: r.entries.map((e) => entryJson(e, r.symbols)),
    warnings: ringWarningsText(r, pointerSize),
  };
  if (r.index) out.index = { name: indexNameText(r, pointerSize), value: u64ToHex(r.index.value), decimal: u64ToDecimal(r.index.value), bits: r.index.widthBits };
  if (r.seqField) out.seqField = r.seqField;
  if (r.devnode) out.devnode = devnodeJson(r.devnode);
  if (r.error) out.error = ringProblemText(r.error, pointerSize);
  return out;
}

function entryJson(e: RingEntry, symbols: Map<Addr, string>): object {
  const fields: { [path: string]: Json } = {};
  const names: { [path: string]: Json } = {};
  const enumValues: { [path: string]: number } = {};
  let named = false;
  let enums = false;
  for (const f of e.fields) {
    fields[f.path] = valueJson(f.value);
    const sym = symbolJson(f.value, symbols);
    if (sym !== null) {
      names[f.path] = sym;
      named = true;
    }
    if (f.value.kind === 'enum' && f.value.name !== undefined) {
      enumValues[f.path] = f.value.value;
      enums = true;
    }
  }
  const out: { [k: string]: unknown } = { position: e.position, slot: e.slot };
  if (e.sequence !== undefined) out.sequence = e.sequence;
  out.address = e.address;
  if (e.unreadable) out.unreadable = true;
  out.fields = fields;
  if (named) out.symbols = names;
  if (enums) out.enumValues = enumValues;
  return out;
}

function valueJson(v: FieldValue): Json {
  switch (v.kind) {
    case 'int': {
      const n = intNumber(v);
      return n !== undefined ? n : `0x${u64ToHex(v.value)}`;
    }
    case 'bool':
      return v.value;
    case 'enum':
      return v.name !== undefined ? v.name : v.value;
    case 'pointer':
      return v.address;
    case 'text':
      return v.text;
    case 'not-shown':
      return notShownText(v.count);
    case 'bytes':
      return v.hex;
    case 'list':
      return v.items.map(valueJson);
  }
}

/** `ln` names of a pointer or a list of pointers; null when none resolves. */
function symbolJson(v: FieldValue, symbols: Map<Addr, string>): Json {
  if (v.kind === 'pointer') {
    const s = symbols.get(v.address);
    return s === undefined ? null : s;
  }
  if (v.kind === 'list' && v.items.some((i) => i.kind === 'pointer' && symbols.has(i.address))) {
    return v.items.map((i) => (i.kind === 'pointer' && symbols.has(i.address) ? (symbols.get(i.address) as string) : null));
  }
  return null;
}
