// How a ring entry's field values read, in every output: enums as dt prints them
// (`State: 2 (InCompletionQueue)`), pointers as `ln` names them (`mydriver!MyRead+0x3c`), integers
// in hex, char arrays as text, and return-address lists (backtrace rings) one frame per line.
import { formatAddr, isNull, type Addr } from '../core/addr';
import type { RingEntry, RingReport } from '../analysis/rings/ringdump';
import type { DecodedField, FieldValue } from '../analysis/rings/ringFields';
import { u64Sub, u64ToDecimal, u64ToHex, u64ToNumber, type U64 } from '../core/u64';
import { notShownText } from './ringWords';

/** dt's way with enum values: small ones in decimal, the rest in hex. */
export function enumNumber(value: number): string {
  if (value >= 0 && value < 10) return String(value);
  return value < 0 ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

function isNegative(v: U64, size: number): boolean {
  return size === 8 ? v.hi >= 0x80000000 : size === 4 ? v.lo >= 0x80000000 : v.lo >= 2 ** (size * 8 - 1);
}

/** The magnitude of a negative two's-complement value of `size` bytes. */
function magnitude(v: U64, size: number): U64 {
  if (size === 8) return u64Sub({ hi: 0, lo: 0 }, v);
  return { hi: 0, lo: 2 ** (size * 8) - v.lo };
}

/** Hex; a negative signed value also in decimal (an NTSTATUS reads 0xc0000120, a -1 reads 0xffffffff (-1)). */
export function intText(v: { value: U64; signed: boolean; size: number }): string {
  if (v.signed && isNegative(v.value, v.size)) return `0x${u64ToHex(v.value)} (-${u64ToDecimal(magnitude(v.value, v.size))})`;
  return `0x${u64ToHex(v.value)}`;
}

/** The value as a JS number when exact, with its sign. */
export function intNumber(v: { value: U64; signed: boolean; size: number }): number | undefined {
  const negative = v.signed && isNegative(v.value, v.size);
  const m = negative ? magnitude(v.value, v.size) : v.value;
  const n = u64ToNumber(m);
  if (n === undefined) return undefined;
  return negative ? -n : n;
}

export function pointerText(a: Addr, symbols: Map<Addr, string>, pointerSize: number): string {
  const s = symbols.get(a);
  return s !== undefined ? s : formatAddr(a, pointerSize);
}

/** A list of pointers (RtlCaptureStackBackTrace's Address[]): shown one frame per line. */
export function isFrameList(v: FieldValue): v is { kind: 'list'; items: FieldValue[]; truncated: boolean } {
  return v.kind === 'list' && v.items.length >= 2 && v.items.every((i) => i.kind === 'pointer');
}

/** The frames of a frame list: trailing null entries are slots the capture did not fill. */
export function frames(v: { items: FieldValue[] }, symbols: Map<Addr, string>, pointerSize: number): string[] {
  const addrs = v.items.map((i) => (i.kind === 'pointer' ? i.address : '0'));
  let end = addrs.length;
  while (end > 0 && isNull(addrs[end - 1])) end--;
  return addrs.slice(0, end).map((a) => pointerText(a, symbols, pointerSize));
}

export function valueText(v: FieldValue, symbols: Map<Addr, string>, pointerSize: number): string {
  switch (v.kind) {
    case 'int':
      return intText(v);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'enum':
      return v.name !== undefined ? `${enumNumber(v.value)} (${v.name})` : enumNumber(v.value);
    case 'pointer':
      return pointerText(v.address, symbols, pointerSize);
    case 'text':
      return `"${v.text}"`;
    case 'not-shown':
      // Shown as the text value it always was (quoted), so -grep and the columns read alike.
      return `"${notShownText(v.count)}"`;
    case 'bytes':
      return `${v.hex}${v.truncated ? '...' : ''}`;
    case 'list':
      return `[${v.items.map((i) => valueText(i, symbols, pointerSize)).join(' ')}${v.truncated ? ' ...' : ''}]`;
  }
}

export function fieldText(f: DecodedField, symbols: Map<Addr, string>, pointerSize: number): string {
  if (isFrameList(f.value)) {
    const list = frames(f.value, symbols, pointerSize);
    return `${f.path}: ${list.length ? list.join(' ') : '(none)'}`;
  }
  return `${f.path}: ${valueText(f.value, symbols, pointerSize)}`;
}

/** The whole entry on one line (what -grep searches and what dx shows as the entry's text). */
export function entryLine(e: RingEntry, report: RingReport, pointerSize: number): string {
  if (e.unreadable) return `slot ${e.slot}: <unreadable>`;
  return e.fields.map((f) => fieldText(f, report.symbols, pointerSize)).join('  ');
}
