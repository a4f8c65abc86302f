// !ringdump's analysis: from what the user named (a ring symbol and its index, or a device node) to
// reports of entries oldest to newest. Reading is in kernel/ringSource.ts and kernel/devnodes.ts,
// ordering in ring.ts, decoding in ringFields.ts; text, JSON and dx objects are rendered elsewhere.
// Bad input never throws: a report carries a one-line `error` (nothing to show) or `warnings`
// (shown anyway, e.g. unreadable slots, an index that could not be read, so slot order).
import { addrAdd, formatAddr, isKernelAddress, isNull, type Addr } from '../../core/addr';
import { rangeSet } from '../../core/ranges';
import type { TypeShape } from '../../core/target';
import type { WarningSummary } from '../../core/warnings';
import type { KernelContext } from '../../kernel/context';
import { readAllDevnodes, readDevnode, type DevnodeInfo } from '../../kernel/devnodes';
import { locateRing, readIndex, readRing, type IndexVariable, type Ref } from '../../kernel/ringSource';
import {
  fieldMatcher,
  orderByIndex,
  orderByNextSlot,
  orderBySequence,
  selectEntries,
  slotOrder,
  u64FromBytes,
  type IndexMode,
  type RingOrder,
  type Selection,
  type U64,
} from './ring';
import { decodeElement, hasNoFields, memberAt, type DecodedField, type FieldValue } from './ringFields';
import { count } from '../../render/vocabulary';

export interface RingRequest {
  /** The ring (positional 1) and its index variable (positional 2). */
  ring?: Ref;
  index?: Ref;
  mode: IndexMode;
  /** `-seq <field>`: order by this member instead of an index. */
  seqField?: string;
  typeName?: string;
  count?: number;
  /** `-f`: fields to show. */
  fields?: string[];
  selection: Selection;
  /** `-devnode <address>|all`. */
  devnode?: Addr | 'all';
  /** `-array`: plain slot order, no ring reasoning. */
  plain?: boolean;
}

export type RingOrderKind = 'pre' | 'post' | 'seq' | 'next' | 'slots';

export interface RingEntry {
  /** 0 = oldest, in the whole ring (selection keeps positions). */
  position: number;
  slot: number;
  /** The counter value that wrote the entry (index modes) or its sequence number (-seq), decimal. */
  sequence?: string;
  address: Addr;
  unreadable: boolean;
  fields: DecodedField[];
}

export interface DevnodeHeader {
  address: Addr;
  instancePath: string;
  serviceName: string;
  state: string;
  previousState: string;
}

export interface RingReport {
  /** `mydriver!g_History`, `8b56f5d0.StateHistory`. */
  array: string;
  address?: Addr;
  elementType?: string;
  /** Module and type name for a native element (click-through). */
  elementModule?: string;
  elementSize?: number;
  capacity: number;
  order: RingOrderKind;
  index?: IndexVariable;
  seqField?: string;
  newestSlot?: number;
  wrapped?: boolean;
  /** Entries in the ring before -grep/-n. */
  total: number;
  entries: RingEntry[];
  /** `ln` names of the pointer values shown. */
  symbols: Map<Addr, string>;
  warnings: string[];
  /** Nothing could be shown: why, in one line. */
  error?: string;
  devnode?: DevnodeHeader;
}

export interface RingResult {
  reports: RingReport[];
  /** Lines about the whole run (devnodes without history, damage counted while reading). */
  notes: string[];
  /** A walk over many rings (-devnode all), even when one or none has entries. */
  multiple?: boolean;
  /** Damage counted while reading (devnodes, strings), shown after the notes; none when a lone failure already says it. */
  damage?: WarningSummary;
}

/** One line of an entry's text, for -grep (the renderer's own wording). */
export type EntryText = (entry: RingEntry, report: RingReport) => string;

export function analyzeRings(k: KernelContext, req: RingRequest, textOf: EntryText): RingResult {
  const result: RingResult = req.devnode !== undefined ? devnodeRings(k, req, textOf) : { reports: [driverRing(k, req, textOf)], notes: [] };
  // damage counted while reading (devnodes, strings); a lone failure already says it in its one line
  if (result.reports.some((r) => !r.error)) result.damage = k.warnings.summary();
  return result;
}

// ---- driver rings ----

function refName(ref: Ref | undefined, pointerSize: number): string {
  if (!ref) return 'ring';
  switch (ref.kind) {
    case 'symbol':
      return ref.text;
    case 'address':
      return formatAddr(ref.address, pointerSize);
    case 'native':
      return ref.symbol || (ref.address ? formatAddr(ref.address, pointerSize) : 'ring');
    default:
      return 'ring';
  }
}

function emptyReport(array: string, order: RingOrderKind, error?: string): RingReport {
  return { array, capacity: 0, order, total: 0, entries: [], symbols: new Map(), warnings: [], error };
}

function driverRing(k: KernelContext, req: RingRequest, textOf: EntryText): RingReport {
  const target = k.target;
  const orderKind: RingOrderKind = req.plain ? 'slots' : req.seqField ? 'seq' : req.index ? req.mode : 'slots';
  if (!req.ring) return emptyReport('ring', orderKind, 'name the ring: !ringdump (mydriver!g_History, mydriver!g_Index), or "-?"');
  const where = locateRing(target, { ring: req.ring, typeName: req.typeName, count: req.count });
  if ('error' in where) return emptyReport(refName(req.ring, k.pointerSize), orderKind, where.error);
  const ring = readRing(target, where.ok);
  const element = ring.element;
  const report: RingReport = {
    array: ring.name,
    address: ring.address,
    elementType: element.name,
    elementModule: element.module,
    elementSize: element.size,
    capacity: ring.capacity,
    order: orderKind,
    seqField: req.seqField,
    total: 0,
    entries: [],
    symbols: new Map(),
    warnings: [],
  };
  const bad = ring.unreadable.filter((u) => u).length;
  if (bad) report.warnings.push(`${bad} of ${ring.capacity} slots unreadable`);
  if (hasNoFields(element)) report.warnings.push(`element type ${element.name} has no fields in the symbols (public symbols only?): entries shown as bytes`);

  const slotBytesZero = (slot: number) => {
    for (let i = 0; i < element.size; i++) if (ring.bytes[slot * element.size + i]) return false;
    return true;
  };
  let order: RingOrder;
  if (req.plain) order = slotOrder(ring.capacity);
  else if (req.seqField) {
    const seq = sequenceMember(element, req.seqField);
    if ('error' in seq) {
      report.warnings.push(`${seq.error}: slot order shown`);
      report.order = 'slots';
      order = slotOrder(ring.capacity);
    } else {
      // a slot that was never written is all zero (the ring lives in zeroed memory)
      const sequences: (U64 | undefined)[] = [];
      for (let slot = 0; slot < ring.capacity; slot++) {
        sequences.push(ring.unreadable[slot] || slotBytesZero(slot) ? undefined : u64FromBytes(ring.bytes, slot * element.size + seq.offset, seq.size));
      }
      order = orderBySequence(ring.capacity, sequences, seq.size * 8);
    }
  } else if (req.index) {
    const index = readIndex(target, req.index);
    if ('error' in index) {
      report.warnings.push(`index: ${index.error}: slot order shown`);
      report.order = 'slots';
      order = slotOrder(ring.capacity);
    } else {
      report.index = index.ok;
      order = orderByIndex(ring.capacity, index.ok.value, req.mode);
    }
  } else order = slotOrder(ring.capacity);

  report.newestSlot = order.newestSlot;
  report.wrapped = order.wrapped;
  const entries: RingEntry[] = order.slots.map((slot, position) => ({
    position,
    slot,
    sequence: order.sequences ? order.sequences[position] : undefined,
    address: addrAdd(ring.address, slot * element.size),
    unreadable: ring.unreadable[slot],
    fields: ring.unreadable[slot] ? [] : decodeElement(element, ring.bytes, slot * element.size, k.pointerSize),
  }));
  finish(k, report, entries, req, textOf, element);
  return report;
}

function sequenceMember(element: TypeShape, path: string): { offset: number; size: number } | { error: string } {
  const m = element.kind === 'struct' ? memberAt(element, path) : undefined;
  if (!m) return { error: `-seq ${path}: ${element.name} has no such field` };
  if ((m.type.kind !== 'int' && m.type.kind !== 'enum') || m.bitLen !== undefined || [1, 2, 4, 8].indexOf(m.type.size) < 0) {
    return { error: `-seq ${path}: not an integer field (${m.type.name})` };
  }
  return { offset: m.offset, size: m.type.size };
}

/** Selection, field choice and symbols: the steps every ring report shares. */
function finish(k: KernelContext, report: RingReport, entries: RingEntry[], req: RingRequest, textOf: EntryText, element?: TypeShape): void {
  report.total = entries.length;
  if (req.selection.grep) symbolise(k, report, entries); // -grep sees `mydriver!MyRead+0x3c`
  let shown = selectEntries(entries, req.selection, (e) => textOf(e, report));
  if (req.fields && req.fields.length) shown = pickFields(report, shown, req.fields, element);
  report.entries = shown;
  symbolise(k, report, shown);
}

function pickFields(report: RingReport, entries: RingEntry[], names: string[], element?: TypeShape): RingEntry[] {
  const sample = entries.filter((e) => !e.unreadable)[0];
  const paths = sample ? sample.fields.map((f) => f.path) : [];
  const known = names.filter((n) => paths.some((p) => fieldMatcher([n]).keep(p)));
  const unknown = names.filter((n) => known.indexOf(n) < 0);
  if (sample && unknown.length) {
    const top = element && element.members ? element.members.map((m) => m.name) : paths;
    report.warnings.push(`-f: no field ${unknown.join(', ')} in ${report.elementType || 'the entries'} (fields: ${top.join(', ')})`);
  }
  if (!known.length) return entries;
  const matcher = fieldMatcher(known);
  return entries.map((e) => ({ ...e, fields: e.fields.filter((f) => matcher.keep(f.path)) }));
}

function pointersOf(v: FieldValue, out: Addr[]): void {
  if (v.kind === 'pointer' && !isNull(v.address)) out.push(v.address);
  else if (v.kind === 'list') v.items.forEach((i) => pointersOf(i, out));
}

/** Past this many distinct pointers, listing the loaded modules once is cheaper than one `ln` each. */
const MODULE_FILTER_MIN = 64;

/**
 * `ln` for every non-null pointer value shown (the target caches each address once). A big ring holds
 * mostly pool pointers, which no module contains: with many pointers, only those inside a loaded
 * image are looked up. A half of the address space the module list says nothing about (no module
 * there) is not filtered: a list without kernel modules must not hide driver symbols.
 */
function symbolise(k: KernelContext, report: RingReport, entries: RingEntry[]): void {
  const all: Addr[] = [];
  for (const e of entries) for (const f of e.fields) pointersOf(f.value, all);
  const distinct: Addr[] = [];
  const seen = new Set<Addr>();
  for (const a of all) {
    if (seen.has(a) || report.symbols.has(a)) continue;
    seen.add(a);
    distinct.push(a);
  }
  const worthLooking = distinct.length > MODULE_FILTER_MIN ? imageFilter(k) : undefined;
  for (const a of distinct) {
    if (worthLooking && !worthLooking(a)) continue;
    const name = k.target.nearestSymbol(a);
    if (name !== undefined) report.symbols.set(a, name);
  }
}

function imageFilter(k: KernelContext): ((a: Addr) => boolean) | undefined {
  const ranges = k.target.moduleRanges ? k.target.moduleRanges() : undefined;
  if (!ranges || !ranges.length) return undefined;
  const images = rangeSet(ranges);
  const kernelListed = ranges.some((r) => isKernelAddress(r.base, k.pointerSize));
  const userListed = ranges.some((r) => !isKernelAddress(r.base, k.pointerSize));
  return (a) => {
    const listed = isKernelAddress(a, k.pointerSize) ? kernelListed : userListed;
    return !listed || images.contains(a);
  };
}

// ---- PnP device nodes ----

function devnodeRings(k: KernelContext, req: RingRequest, textOf: EntryText): RingResult {
  if (!k.target.isKernel) return { reports: [emptyReport('devnode', 'next', '-devnode needs a kernel target (kernel or complete dump, or a live kernel session)')], notes: [] };
  if (req.devnode === 'all') {
    let rootUnreadable: string | undefined;
    const all = readAllDevnodes(k, (why) => { rootUnreadable = why; });
    const withHistory = all.map((d) => devnodeReport(k, d, req, textOf)).filter((r) => r.total > 0 || r.error || r.warnings.length);
    return {
      reports: withHistory,
      notes: [rootUnreadable ? `no device node read: ${rootUnreadable}` : `${count(all.length, 'device node')}, ${withHistory.length} with a state history`],
      multiple: true,
    };
  }
  const address = req.devnode as Addr;
  const d = readDevnode(k, address);
  if (!d) return { reports: [emptyReport(`${address}.StateHistory`, 'next', `device node ${formatAddr(address, k.pointerSize)} is unreadable`)], notes: [] };
  return { reports: [devnodeReport(k, d, req, textOf)], notes: [] };
}

function devnodeReport(k: KernelContext, d: DevnodeInfo, req: RingRequest, textOf: EntryText): RingReport {
  // 0 is no state (a zeroed field: PreviousState of a node that never changed state)
  const stateName = (v: number | undefined) => (v === undefined ? '?' : v === 0 ? 'none' : k.enumName(d.stateEnum, v));
  const report: RingReport = {
    array: `${d.address}.StateHistory`,
    address: d.historyAddress,
    elementType: d.stateEnum,
    elementModule: 'nt',
    elementSize: d.slotSize,
    capacity: d.capacity,
    order: 'next',
    total: 0,
    entries: [],
    symbols: new Map(),
    warnings: [],
    devnode: {
      address: d.address,
      instancePath: d.instancePath,
      serviceName: d.serviceName,
      state: stateName(d.state),
      previousState: stateName(d.previousState),
    },
  };
  if (d.state !== undefined && /^#/.test(stateName(d.state))) report.warnings.push(`State ${d.state} is not a ${d.stateEnum} value: is ${formatAddr(d.address, k.pointerSize)} a device node?`);
  let order: RingOrder | undefined;
  if (d.next !== undefined) {
    report.index = { name: 'StateHistoryEntry', value: { hi: 0, lo: d.next >>> 0 }, widthBits: 32, signed: false };
    // 0 is not a state: an unused slot before the first wrap
    order = orderByNextSlot(d.capacity, d.next, d.history[d.next] !== 0);
  }
  if (!order) {
    report.warnings.push(
      d.next === undefined
        ? '_DEVICE_NODE has no StateHistoryEntry in these symbols: slot order shown'
        : `StateHistoryEntry ${d.next} is outside the ${d.capacity}-slot ring (index out of range): slot order shown`,
    );
    report.order = 'slots';
    order = slotOrder(d.capacity, (slot) => d.history[slot] !== 0);
  }
  report.newestSlot = order.newestSlot;
  report.wrapped = order.wrapped;
  const entries: RingEntry[] = order.slots.map((slot, position) => {
    const value = d.history[slot];
    const name = k.enumName(d.stateEnum, value);
    const field: DecodedField = { path: 'State', value: /^#/.test(name) ? { kind: 'enum', value } : { kind: 'enum', value, name } };
    return { position, slot, address: addrAdd(d.historyAddress, slot * d.slotSize), unreadable: false, fields: [field] };
  });
  finish(k, report, entries, { ...req, fields: undefined }, textOf);
  return report;
}
