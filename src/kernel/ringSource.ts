// Where a driver ring lives and what it holds, from the debugger's symbols: the array symbol's type
// gives the element type and the capacity (`_MY_HISTORY[8]`); a pointer or a bare address needs
// `-type <T> -count <N>`. The whole array is read in one round trip (page by page only when part of
// it is unreadable), and the index variable is read with its own type's size.
import { addrAdd, addrLow, formatAddr, isNull, type Addr } from '../core/addr';
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

export interface RingArray {
  /** As the report names it: `mydriver!g_History`, or the address. */
  name: string;
  address: Addr;
  element: TypeShape;
  capacity: number;
  /** The array's bytes (slot i at i * element.size); unreadable slots are flagged. */
  bytes: Bytes;
  unreadable: boolean[];
}

export interface IndexVariable {
  name: string;
  value: U64;
  widthBits: number;
  signed: boolean;
}

export type Resolved<T> = { ok: T } | { error: string };

interface ResolvedSymbol {
  name: string;
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
  if (!parsed) return { error: `'${text}' is not a symbol (module!name)` };
  const shape = target.symbolShape ? target.symbolShape(parsed.module, parsed.name) : undefined;
  if (!shape) return { error: `${parsed.module}!${parsed.name}: no such symbol (check the module name; .reload)` };
  if (!parsed.path) return { ok: { name: text.trim(), address: shape.address, type: shape.type, module: parsed.module } };
  if (!shape.type) return { error: `${parsed.module}!${parsed.name} has no type information (public symbols?): cannot follow ${parsed.path}` };
  const member = memberAt(shape.type, parsed.path);
  if (!member) return { error: `${parsed.module}!${parsed.name} (${shape.type.name}) has no member ${parsed.path.replace(/^\./, '')}` };
  return { ok: { name: text.trim(), address: addrAdd(shape.address, member.offset), type: member.type, module: parsed.module } };
}

/** A type named by `-type`: `mydriver!_MY_HISTORY`, or `_MY_HISTORY` in the ring symbol's module. */
function resolveTypeName(target: Target, text: string, defaultModule: string): Resolved<TypeShape> {
  const bang = text.indexOf('!');
  const module = bang > 0 ? text.slice(0, bang) : defaultModule;
  const name = bang > 0 ? text.slice(bang + 1) : text;
  const shape = target.typeShape ? target.typeShape(module, name) : undefined;
  return shape ? { ok: shape } : { error: `type ${module}!${name} not found (check the module name; .reload)` };
}

export interface ArrayRequest {
  ring: Ref;
  /** `-type`, `-count`. */
  typeName?: string;
  count?: number;
}

/** The ring's location, element type and capacity (no memory read yet except a pointer to follow). */
export function locateRing(target: Target, req: ArrayRequest): Resolved<{ name: string; address: Addr; element: TypeShape; capacity: number }> {
  const ref = req.ring;
  let name: string;
  let address: Addr | undefined;
  let type: TypeShape | undefined;
  let module = 'nt';
  if (ref.kind === 'symbol') {
    const s = resolveSymbol(target, ref.text);
    if ('error' in s) return s;
    ({ name, address, type, module } = s.ok);
  } else if (ref.kind === 'native') {
    if (ref.address === undefined && ref.pointerValue === undefined) return { error: 'the ring argument has no address' };
    const shown = ref.address !== undefined ? ref.address : (ref.pointerValue as Addr);
    name = ref.symbol || formatAddr(shown, target.pointerSize);
    address = ref.address;
    type = ref.type;
    if (ref.symbol && ref.symbol.indexOf('!') > 0) module = ref.symbol.slice(0, ref.symbol.indexOf('!'));
    else if (type && type.module) module = type.module;
  } else if (ref.kind === 'address') {
    name = formatAddr(ref.address, target.pointerSize);
    address = ref.address;
  } else {
    return { error: 'a value is not a ring' };
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
      if (address === undefined) return { error: `${name} has no address` };
      const bytes = target.read(address, target.pointerSize);
      if (!bytes) return { error: `${name} (the pointer to the ring) is unreadable` };
      address = ptr(bytes, 0, target.pointerSize);
    }
    if (isNull(address)) return { error: `${name} is NULL: the ring is not allocated` };
    if (req.count === undefined) return { error: `${name} is a pointer (${type.name}): give the ring's size with -count <N>` };
    const pointee = type.pointee ? type.pointee.replace(/\s*\*$/, '') : undefined;
    if (!req.typeName) {
      if (!pointee || pointee === 'void') return { error: `${name} is a ${type.name}: give the element type with -type <T>` };
      if (ref.kind === 'native' && ref.pointee && ref.pointee.size > 0) element = ref.pointee;
      else {
        const t = resolveTypeName(target, pointee, module);
        if ('error' in t) return t;
        element = t.ok;
      }
    }
  } else if (type && ref.kind !== 'address' && !req.typeName) {
    return { error: `${name} is not an array (${type.name}): give an array, or a pointer or address with -type <T> -count <N>` };
  } else if (!type && !req.typeName) {
    return {
      error: ref.kind === 'address' ? `a ring at an address needs -type <T> -count <N>` : `${name} has no type information (public symbols?): give -type <T> -count <N>`,
    };
  }
  if (req.typeName) {
    const t = resolveTypeName(target, req.typeName, module);
    if ('error' in t) return t;
    element = t.ok;
    if (capacity !== undefined && type && type.kind === 'array') capacity = Math.floor(type.size / Math.max(1, element.size));
  }
  if (req.count !== undefined) capacity = req.count;
  if (!element || capacity === undefined) return { error: `${name}: give the element type and size with -type <T> -count <N>` };
  if (element.size <= 0) return { error: `${name}: element type ${element.name} has no size` };
  if (capacity <= 0) return { error: `${name}: the ring has no slots` };
  if (capacity * element.size > MAX_RING_BYTES) return { error: `${name}: ${capacity} x ${element.size} bytes is more than a trace ring (${MAX_RING_BYTES} bytes at most)` };
  if (address === undefined) return { error: `${name} has no address` };
  return { ok: { name, address, element, capacity } };
}

/** Reads spent at most on locating unreadable slots inside a damaged ring. */
const MAX_PROBE_READS = 2048;

/**
 * One read of the whole array. When some of it is unreadable, the pages are read one by one and a
 * failed page is halved down to single slots (within a read budget), so the readable slots still
 * show (a partial result) and the others are flagged.
 */
export function readRing(target: Target, where: { name: string; address: Addr; element: TypeShape; capacity: number }): RingArray {
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
  if (ref.kind === 'value') return { ok: { name: ref.text, value: ref.value, widthBits: ref.widthBits, signed: false } };
  let name: string;
  let address: Addr | undefined;
  let type: TypeShape | undefined;
  if (ref.kind === 'symbol') {
    const s = resolveSymbol(target, ref.text);
    if ('error' in s) return s;
    ({ name, address, type } = s.ok);
  } else if (ref.kind === 'native') {
    name = ref.symbol || (ref.address ? formatAddr(ref.address, target.pointerSize) : 'index');
    address = ref.address;
    type = ref.type;
  } else {
    return { error: `the index must be a variable or a number, not an address` };
  }
  if (!type) return { error: `${name} has no type information (public symbols?): cannot tell its size` };
  if (type.kind !== 'int' && type.kind !== 'enum') return { error: `${name} is not an integer (${type.name})` };
  if ([1, 2, 4, 8].indexOf(type.size) < 0) return { error: `${name}: unsupported integer size ${type.size}` };
  if (address === undefined) return { error: `${name} has no address` };
  const bytes = target.read(address, type.size);
  if (!bytes) return { error: `${name} is unreadable` };
  return { ok: { name, value: u64FromBytes(bytes, 0, type.size), widthBits: type.size * 8, signed: type.signed } };
}
