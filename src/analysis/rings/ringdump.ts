// !ringdump's analysis: from what the user named (a ring symbol and its index, or a device node) to
// reports of entries oldest to newest. Reading is in kernel/ringSource.ts and kernel/devnodes.ts,
// ordering in ring.ts, decoding in ringFields.ts; text, JSON and dx objects are rendered elsewhere.
// Bad input never throws: a report carries a one-line `error` (nothing to show) or `warnings`
// (shown anyway, e.g. unreadable slots, an index that could not be read, so slot order).
import { addrAdd, isKernelAddress, isNull, type Addr } from '../../core/addr';
import { rangeSet } from '../../core/ranges';
import type { TypeShape } from '../../core/target';
import type { WarningSummary } from '../../core/warnings';
import type { KernelContext } from '../../kernel/context';
import type { DevnodeInfo } from '../../kernel/devnodes';
import type { KernelReaders } from '../../kernel/readers';
import type { IndexVariable, Ref, RingName, RingSourceProblem } from '../../kernel/ringSource';
import {
  fieldMatcher,
  orderByIndex,
  orderByNextSlot,
  orderBySequence,
  selectEntries,
  slotOrder,
  type IndexMode,
  type RingOrder,
  type Selection,
} from './ring';
import { u64FromBytes, type U64 } from '../../core/u64';
import { memberAt } from '../../core/members';
import { decodeElement, hasNoFields, type DecodedField, type FieldValue } from './ringFields';

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

/** A device node state: not read, zero (no state: PreviousState of a node that never changed), or a value and its enumerator name when the symbols have one. */
export type DevnodeState = { kind: 'unread' } | { kind: 'none' } | { kind: 'value'; value: number; name?: string };

export interface DevnodeHeader {
  address: Addr;
  instancePath: string;
  serviceName: string;
  state: DevnodeState;
  previousState: DevnodeState;
}

export type { RingName, RingSourceProblem } from '../../kernel/ringSource';

/** What a report names its array: the ring as the user named it, a placeholder, or a device node's StateHistory. */
export type ArrayName = RingName | { kind: 'placeholder'; what: 'ring' | 'devnode' } | { kind: 'devnode-history'; devnode: Addr };

/** Why a report shows nothing: the ring or index could not be read, or the request cannot be served. */
export type RingProblem = RingSourceProblem | { kind: 'no-ring-named' } | { kind: 'devnode-needs-kernel' } | { kind: 'devnode-unreadable'; address: Addr };

/** Why `-seq <field>` cannot order the ring. */
export type SeqProblem = { kind: 'no-such-field'; path: string; elementName: string } | { kind: 'not-an-integer'; path: string; typeName: string };

/** What a report shows anyway, with a warning line each. */
export type RingWarning =
  | { kind: 'slots-unreadable'; unreadable: number; capacity: number }
  | { kind: 'element-without-fields'; elementName: string }
  | { kind: 'seq-unusable'; problem: SeqProblem }
  | { kind: 'index-unusable'; problem: RingSourceProblem }
  | { kind: 'unknown-fields'; unknown: string[]; elementType?: string; fields: string[] }
  | { kind: 'state-not-in-enum'; state: number; stateEnum: string; devnode: Addr }
  | { kind: 'no-history-index' }
  | { kind: 'history-index-out-of-range'; next: number; capacity: number };

/** Lines about a whole run: how many device nodes have a history, or why none was read; damage counts (core/warnings) are already words. */
export type RingNote = { kind: 'devnodes'; total: number; withHistory: number } | { kind: 'no-devnode-read'; root: Addr } | string;

export interface RingReport {
  /** `mydriver!g_History`, `8b56f5d0.StateHistory`. */
  array: ArrayName;
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
  warnings: RingWarning[];
  /** Nothing could be shown: why. */
  error?: RingProblem;
  devnode?: DevnodeHeader;
}

export interface RingResult {
  reports: RingReport[];
  /** Lines about the whole run (devnodes without history, damage counted while reading). */
  notes: RingNote[];
  /** A walk over many rings (-devnode all), even when one or none has entries. */
  multiple?: boolean;
  /** Damage counted while reading (devnodes, strings), shown after the notes; none when a lone failure already says it. */
  damage?: WarningSummary;
}

/** One line of an entry's text, for -grep (the renderer's own wording). */
export type EntryText = (entry: RingEntry, report: RingReport) => string;

export function analyzeRings(kernel: KernelReaders, req: RingRequest, textOf: EntryText): RingResult {
  const k = kernel.k;
  const result: RingResult = req.devnode !== undefined ? devnodeRings(kernel, req, textOf) : { reports: [driverRing(kernel, req, textOf)], notes: [] };
  // damage counted while reading (devnodes, strings); a lone failure already says it in its one line
  if (result.reports.some((r) => !r.error)) result.damage = k.warnings.summary();
  return result;
}

// ---- driver rings ----

function refName(ref: Ref | undefined): ArrayName {
  if (!ref) return { kind: 'placeholder', what: 'ring' };
  switch (ref.kind) {
    case 'symbol':
      return { kind: 'text', text: ref.text };
    case 'address':
      return { kind: 'address', address: ref.address };
    case 'native':
      return ref.symbol ? { kind: 'text', text: ref.symbol } : ref.address ? { kind: 'address', address: ref.address } : { kind: 'placeholder', what: 'ring' };
    default:
      return { kind: 'placeholder', what: 'ring' };
  }
}

function emptyReport(array: ArrayName, order: RingOrderKind, error?: RingProblem): RingReport {
  return { array, capacity: 0, order, total: 0, entries: [], symbols: new Map(), warnings: [], error };
}

function driverRing(kernel: KernelReaders, req: RingRequest, textOf: EntryText): RingReport {
  const k = kernel.k;
  const orderKind: RingOrderKind = req.plain ? 'slots' : req.seqField ? 'seq' : req.index ? req.mode : 'slots';
  if (!req.ring) return emptyReport({ kind: 'placeholder', what: 'ring' }, orderKind, { kind: 'no-ring-named' });
  const where = kernel.locateRing({ ring: req.ring, typeName: req.typeName, count: req.count });
  if ('error' in where) return emptyReport(refName(req.ring), orderKind, where.error);
  const ring = kernel.readRing(where.ok);
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
  if (bad) report.warnings.push({ kind: 'slots-unreadable', unreadable: bad, capacity: ring.capacity });
  if (hasNoFields(element)) report.warnings.push({ kind: 'element-without-fields', elementName: element.name });

  const slotBytesZero = (slot: number) => {
    for (let i = 0; i < element.size; i++) if (ring.bytes[slot * element.size + i]) return false;
    return true;
  };
  let order: RingOrder;
  if (req.plain) order = slotOrder(ring.capacity);
  else if (req.seqField) {
    const seq = sequenceMember(element, req.seqField);
    if ('error' in seq) {
      report.warnings.push({ kind: 'seq-unusable', problem: seq.error });
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
    const index = kernel.readIndex(req.index);
    if ('error' in index) {
      report.warnings.push({ kind: 'index-unusable', problem: index.error });
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

function sequenceMember(element: TypeShape, path: string): { offset: number; size: number } | { error: SeqProblem } {
  const m = element.kind === 'struct' ? memberAt(element, path) : undefined;
  if (!m) return { error: { kind: 'no-such-field', path, elementName: element.name } };
  if ((m.type.kind !== 'int' && m.type.kind !== 'enum') || m.bitLen !== undefined || [1, 2, 4, 8].indexOf(m.type.size) < 0) {
    return { error: { kind: 'not-an-integer', path, typeName: m.type.name } };
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
    report.warnings.push({ kind: 'unknown-fields', unknown, elementType: report.elementType, fields: top });
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

function devnodeRings(kernel: KernelReaders, req: RingRequest, textOf: EntryText): RingResult {
  const k = kernel.k;
  if (!k.target.isKernel) return { reports: [emptyReport({ kind: 'placeholder', what: 'devnode' }, 'next', { kind: 'devnode-needs-kernel' })], notes: [] };
  if (req.devnode === 'all') {
    let rootUnreadable: Addr | undefined;
    const all = kernel.allDevnodes((root) => { rootUnreadable = root; });
    const withHistory = all.map((d) => devnodeReport(k, d, req, textOf)).filter((r) => r.total > 0 || r.error || r.warnings.length);
    return {
      reports: withHistory,
      notes: [rootUnreadable ? { kind: 'no-devnode-read', root: rootUnreadable } : { kind: 'devnodes', total: all.length, withHistory: withHistory.length }],
      multiple: true,
    };
  }
  const address = req.devnode as Addr;
  const d = kernel.devnode(address);
  if (!d) return { reports: [emptyReport({ kind: 'devnode-history', devnode: address }, 'next', { kind: 'devnode-unreadable', address })], notes: [] };
  return { reports: [devnodeReport(k, d, req, textOf)], notes: [] };
}

function devnodeReport(k: KernelContext, d: DevnodeInfo, req: RingRequest, textOf: EntryText): RingReport {
  // 0 is no state (a zeroed field: PreviousState of a node that never changed state)
  const stateOf = (v: number | undefined): DevnodeState => {
    if (v === undefined) return { kind: 'unread' };
    if (v === 0) return { kind: 'none' };
    const name = k.enumName(d.stateEnum, v);
    return /^#/.test(name) ? { kind: 'value', value: v } : { kind: 'value', value: v, name };
  };
  const state = stateOf(d.state);
  const report: RingReport = {
    array: { kind: 'devnode-history', devnode: d.address },
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
      state,
      previousState: stateOf(d.previousState),
    },
  };
  if (state.kind === 'value' && state.name === undefined) report.warnings.push({ kind: 'state-not-in-enum', state: state.value, stateEnum: d.stateEnum, devnode: d.address });
  let order: RingOrder | undefined;
  if (d.next !== undefined) {
    report.index = { name: { kind: 'text', text: 'StateHistoryEntry' }, value: { hi: 0, lo: d.next >>> 0 }, widthBits: 32, signed: false };
    // 0 is not a state: an unused slot before the first wrap
    order = orderByNextSlot(d.capacity, d.next, d.history[d.next] !== 0);
  }
  if (!order) {
    report.warnings.push(d.next === undefined ? { kind: 'no-history-index' } : { kind: 'history-index-out-of-range', next: d.next, capacity: d.capacity });
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
