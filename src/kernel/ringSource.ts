// Where a driver ring lives and what it holds, from the debugger's symbols: the array symbol's type
// gives the element type and the capacity (`_MY_HISTORY[8]`); a pointer or a bare address needs
// `-type <T> -count <N>`. The whole array is read in one round trip (page by page only when part of
// it is unreadable), and the index variable is read with its own type's size.
import { addrAdd, addrLow, isNull, type Addr } from '../core/addr';
import { ptr, type Bytes } from '../core/bytes';
import type { Target, TypeShape } from '../core/target';
import { memberAt } from '../core/members';
import { u64FromBytes, type U64 } from '../core/u64';

/** The biggest ring read (bytes): more is not a trace buffer. */
export const MAX_RING_BYTES = 64 * 1024 * 1024;
const PAGE = 4096;

/** How a command names the ring or its index: text (`mydriver!g_History`, `89f00000`) or a dx native object. */
export type Ref =
  | { kind: 'symbol'; text: string }
  | { kind: 'address'; address: Addr }
  | { kind: 'native'; address?: Addr; type?: TypeShape; symbol?: string; pointerValue?: Addr; pointee?: TypeShape }
  | { kind: 'value'; value: U64; widthBits: number; text: string };

/** How a report names a ring or an index: as typed (`mydriver!g_History`, `g_Index`), by its address, or not at all. */
export type RingName = { kind: 'text'; text: string } | { kind: 'address'; address: Addr } | { kind: 'unnamed' };

/** Why a ring or its index cannot be read; src/render/ringWords.ts words each kind. */
export type RingSourceProblem =
  | { kind: 'not-a-symbol'; text: string }
  | { kind: 'no-such-symbol'; symbol: string }
  | { kind: 'no-type-for-path'; symbol: string; path: string }
  | { kind: 'no-such-member'; symbol: string; typeName: string; member: string }
  | { kind: 'type-not-found'; module: string; name: string }
  | { kind: 'ring-without-address' }
  | { kind: 'value-not-a-ring' }
  | { kind: 'no-address'; name: RingName }
  | { kind: 'ring-pointer-unreadable'; name: RingName }
  | { kind: 'ring-pointer-null'; name: RingName }
  | { kind: 'ring-pointer-needs-count'; name: RingName; typeName: string }
  | { kind: 'ring-pointer-needs-type'; name: RingName; typeName: string }
  | { kind: 'not-an-array'; name: RingName; typeName: string }
  | { kind: 'address-needs-type-and-count' }
  | { kind: 'no-type-information'; name: RingName }
  | { kind: 'needs-type-and-count'; name: RingName }
  | { kind: 'element-without-size'; name: RingName; elementName: string }
  | { kind: 'no-slots'; name: RingName }
  | { kind: 'ring-too-big'; name: RingName; capacity: number; elementSize: number; maxBytes: number }
  | { kind: 'index-is-an-address' }
  | { kind: 'index-without-type'; name: RingName }
  | { kind: 'index-not-an-integer'; name: RingName; typeName: string }
  | { kind: 'index-size-unsupported'; name: RingName; size: number }
  | { kind: 'index-unreadable'; name: RingName };

export interface RingArray {
  /** As the report names it: `mydriver!g_History`, or the address. */
  name: RingName;
  address: Addr;
  element: TypeShape;
  capacity: number;
  /** The array's bytes (slot i at i * element.size); unreadable slots are flagged. */
  bytes: Bytes;
  unreadable: boolean[];
}

export interface IndexVariable {
  name: RingName;
  value: U64;
  widthBits: number;
  signed: boolean;
}

export type Resolved<T> = { ok: T } | { error: RingSourceProblem };

interface ResolvedSymbol {
  name: RingName;
  address: Addr;
  type?: TypeShape;
  module: string;
}

/** `module!name` with an optional member path (`mydriver!g_Log.History`, `mydriver!g_Rings[1]`). */
export function parseSymbolText(text: string): { module: string; name: string; path: string } | undefined {
  const m = /^([^!\s]+)!([A-Za-z_?@$][\w:?@$<>~]*)((?:\.[A-Za-z_]\w*|\[\d+\])*)$/.exec(text.trim());
  return m ? { module: m[1], name: m[2], path: m[3] } : undefined;
}

function resolveSymbol(target: Target, text: string): Resolved<ResolvedSymbol> {
  const parsed = parseSymbolText(text);
  if (!parsed) return { error: { kind: 'not-a-symbol', text } };
  const symbol = `${parsed.module}!${parsed.name}`;
  const shape = target.symbolShape ? target.symbolShape(parsed.module, parsed.name) : undefined;
  if (!shape) return { error: { kind: 'no-such-symbol', symbol } };
  const name: RingName = { kind: 'text', text: text.trim() };
  if (!parsed.path) return { ok: { name, address: shape.address, type: shape.type, module: parsed.module } };
  if (!shape.type) return { error: { kind: 'no-type-for-path', symbol, path: parsed.path } };
  const member = memberAt(shape.type, parsed.path);
  if (!member) return { error: { kind: 'no-such-member', symbol, typeName: shape.type.name, member: parsed.path.replace(/^\./, '') } };
  return { ok: { name, address: addrAdd(shape.address, member.offset), type: member.type, module: parsed.module } };
}

/** A type named by `-type`: `mydriver!_MY_HISTORY`, or `_MY_HISTORY` in the ring symbol's module. */
function resolveTypeName(target: Target, text: string, defaultModule: string): Resolved<TypeShape> {
  const bang = text.indexOf('!');
  const module = bang > 0 ? text.slice(0, bang) : defaultModule;
  const name = bang > 0 ? text.slice(bang + 1) : text;
  const shape = target.typeShape ? target.typeShape(module, name) : undefined;
  return shape ? { ok: shape } : { error: { kind: 'type-not-found', module, name } };
}

export interface ArrayRequest {
  ring: Ref;
  /** `-type`, `-count`. */
  typeName?: string;
  count?: number;
}

/** The ring's location, element type and capacity (no memory read yet except a pointer to follow). */
export function locateRing(target: Target, req: ArrayRequest): Resolved<{ name: RingName; address: Addr; element: TypeShape; capacity: number }> {
  const ref = req.ring;
  let name: RingName;
  let address: Addr | undefined;
  let type: TypeShape | undefined;
  let module = 'nt';
  if (ref.kind === 'symbol') {
    const s = resolveSymbol(target, ref.text);
    if ('error' in s) return s;
    ({ name, address, type, module } = s.ok);
  } else if (ref.kind === 'native') {
    if (ref.address === undefined && ref.pointerValue === undefined) return { error: { kind: 'ring-without-address' } };
    const shown = ref.address !== undefined ? ref.address : (ref.pointerValue as Addr);
    name = ref.symbol ? { kind: 'text', text: ref.symbol } : { kind: 'address', address: shown };
    address = ref.address;
    type = ref.type;
    if (ref.symbol && ref.symbol.indexOf('!') > 0) module = ref.symbol.slice(0, ref.symbol.indexOf('!'));
    else if (type && type.module) module = type.module;
  } else if (ref.kind === 'address') {
    name = { kind: 'address', address: ref.address };
    address = ref.address;
  } else {
    return { error: { kind: 'value-not-a-ring' } };
  }

  let element: TypeShape | undefined;
  let capacity: number | undefined;
  if (type && type.kind === 'array' && type.element) {
    element = type.element;
    capacity = type.count;
  } else if (type && type.kind === 'pointer') {
    // a ring allocated at run time: `PMY_HISTORY g_pHistory` points at it (a dx pointer value carries the target)
    if (ref.kind === 'native' && ref.pointerValue !== undefined) address = ref.pointerValue;
    else {
      if (address === undefined) return { error: { kind: 'no-address', name } };
      const bytes = target.read(address, target.pointerSize);
      if (!bytes) return { error: { kind: 'ring-pointer-unreadable', name } };
      address = ptr(bytes, 0, target.pointerSize);
    }
    if (isNull(address)) return { error: { kind: 'ring-pointer-null', name } };
    if (req.count === undefined) return { error: { kind: 'ring-pointer-needs-count', name, typeName: type.name } };
    const pointee = type.pointee ? type.pointee.replace(/\s*\*$/, '') : undefined;
    if (!req.typeName) {
      if (!pointee || pointee === 'void') return { error: { kind: 'ring-pointer-needs-type', name, typeName: type.name } };
      if (ref.kind === 'native' && ref.pointee && ref.pointee.size > 0) element = ref.pointee;
      else {
        const t = resolveTypeName(target, pointee, module);
        if ('error' in t) return t;
        element = t.ok;
      }
    }
  } else if (type && ref.kind !== 'address' && !req.typeName) {
    return { error: { kind: 'not-an-array', name, typeName: type.name } };
  } else if (!type && !req.typeName) {
    return { error: ref.kind === 'address' ? { kind: 'address-needs-type-and-count' } : { kind: 'no-type-information', name } };
  }
  if (req.typeName) {
    const t = resolveTypeName(target, req.typeName, module);
    if ('error' in t) return t;
    element = t.ok;
    if (capacity !== undefined && type && type.kind === 'array') capacity = Math.floor(type.size / Math.max(1, element.size));
  }
  if (req.count !== undefined) capacity = req.count;
  if (!element || capacity === undefined) return { error: { kind: 'needs-type-and-count', name } };
  if (element.size <= 0) return { error: { kind: 'element-without-size', name, elementName: element.name } };
  if (capacity <= 0) return { error: { kind: 'no-slots', name } };
  if (capacity * element.size > MAX_RING_BYTES) return { error: { kind: 'ring-too-big', name, capacity, elementSize: element.size, maxBytes: MAX_RING_BYTES } };
  if (address === undefined) return { error: { kind: 'no-address', name } };
  return { ok: { name, address, element, capacity } };
}

/** Reads spent at most on locating unreadable slots inside a damaged ring. */
const MAX_PROBE_READS = 2048;

/**
 * One read of the whole array. When some of it is unreadable, the pages are read one by one and a
 * failed page is halved down to single slots (within a read budget), so the readable slots still
 * show (a partial result) and the others are flagged.
 */
export function readRing(target: Target, where: { name: RingName; address: Addr; element: TypeShape; capacity: number }): RingArray {
  const size = where.capacity * where.element.size;
  const whole = target.read(where.address, size);
  const unreadable: boolean[] = [];
  for (let i = 0; i < where.capacity; i++) unreadable.push(false);
  if (whole) return { ...where, bytes: whole, unreadable };
  const bytes: number[] = [];
  const bad: boolean[] = [];
  for (let i = 0; i < size; i++) {
    bytes.push(0);
    bad.push(false);
  }
  const budget = { reads: MAX_PROBE_READS };
  let off = 0;
  while (off < size) {
    const toPage = PAGE - (addrLow(addrAdd(where.address, off)) % PAGE);
    const n = Math.min(size - off, toPage);
    readPiece(target, where, off, n, bytes, bad, budget);
    off += n;
  }
  for (let slot = 0; slot < where.capacity; slot++) {
    for (let i = 0; i < where.element.size; i++) {
      if (bad[slot * where.element.size + i]) {
        unreadable[slot] = true;
        break;
      }
    }
  }
  return { ...where, bytes, unreadable };
}

/** Reads [off, off + n) of the ring; on failure halves it at a slot boundary until single slots fail. */
function readPiece(
  target: Target,
  where: { address: Addr; element: TypeShape },
  off: number,
  n: number,
  bytes: number[],
  bad: boolean[],
  budget: { reads: number },
): void {
  const chunk = budget.reads > 0 ? target.read(addrAdd(where.address, off), n) : undefined;
  budget.reads--;
  if (chunk) {
    for (let i = 0; i < n; i++) bytes[off + i] = chunk[i];
    return;
  }
  const size = where.element.size;
  const firstSlot = Math.floor(off / size);
  const lastSlot = Math.floor((off + n - 1) / size);
  if (firstSlot === lastSlot || budget.reads <= 0) {
    for (let i = off; i < off + n; i++) bad[i] = true;
    return;
  }
  const mid = Math.floor((firstSlot + lastSlot + 1) / 2) * size;
  readPiece(target, where, off, mid - off, bytes, bad, budget);
  readPiece(target, where, mid, off + n - mid, bytes, bad, budget);
}

/** The index variable's value, read with its own type's size (any width, signed or not). */
export function readIndex(target: Target, ref: Ref): Resolved<IndexVariable> {
  if (ref.kind === 'value') return { ok: { name: { kind: 'text', text: ref.text }, value: ref.value, widthBits: ref.widthBits, signed: false } };
  let name: RingName;
  let address: Addr | undefined;
  let type: TypeShape | undefined;
  if (ref.kind === 'symbol') {
    const s = resolveSymbol(target, ref.text);
    if ('error' in s) return s;
    ({ name, address, type } = s.ok);
  } else if (ref.kind === 'native') {
    name = ref.symbol ? { kind: 'text', text: ref.symbol } : ref.address ? { kind: 'address', address: ref.address } : { kind: 'unnamed' };
    address = ref.address;
    type = ref.type;
  } else {
    return { error: { kind: 'index-is-an-address' } };
  }
  if (!type) return { error: { kind: 'index-without-type', name } };
  if (type.kind !== 'int' && type.kind !== 'enum') return { error: { kind: 'index-not-an-integer', name, typeName: type.name } };
  if ([1, 2, 4, 8].indexOf(type.size) < 0) return { error: { kind: 'index-size-unsupported', name, size: type.size } };
  if (address === undefined) return { error: { kind: 'no-address', name } };
  const bytes = target.read(address, type.size);
  if (!bytes) return { error: { kind: 'index-unreadable', name } };
  return { ok: { name, value: u64FromBytes(bytes, 0, type.size), widthBits: type.size * 8, signed: type.signed } };
}
