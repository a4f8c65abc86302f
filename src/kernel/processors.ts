// Processors: which thread each one runs, which are idle, and at what IRQL, from nt!KiProcessorBlock
// (an array of _KPRCB pointers) and nt!KeNumberProcessors. Built once per run; used for "running on
// processor N", "processor N is idle", and to notice a dump whose threads and processors disagree.
import { appendTo } from '../core/runCache';
import { addrAdd, isNull, type Addr } from '../core/addr';
import { ptr, uint } from '../core/bytes';
import { StructView } from '../core/struct';
import type { TypeLayout, TypeShape } from '../core/target';
import type { KernelContext } from './context';

/** More processors than any Windows build supports (x64 tops out at 2048 logical processors): damage. */
const MAX_PROCESSORS = 2048;
/** The KPRCB fields read; the read covers the KPRCB from its start to the last of them. */
const PRCB_FIELDS = ['CurrentThread', 'NextThread', 'IdleThread', 'Number'];

export interface ProcessorInfo {
  /** KPRCB.Number (the index in KiProcessorBlock when the build has no Number). */
  number: number;
  prcb: Addr;
  /** ETHREAD addresses (KPRCB holds KTHREAD pointers); undefined when null. */
  currentThread: Addr | undefined;
  nextThread: Addr | undefined;
  idleThread: Addr | undefined;
  /** Running its idle thread. */
  idle: boolean;
  /** KPCR.Irql; undefined when the KPCR could not be located or read. */
  irql: number | undefined;
}

export interface ProcessorTable {
  /** False when the processor block could not be found or read: say nothing about processors then. */
  known: boolean;
  processors: ProcessorInfo[];
  /** KeNumberProcessors (or the processors found in the block when the count is unknown). */
  count: number;
  byNumber: Map<number, ProcessorInfo>;
  /** Thread -> the processors whose CurrentThread it is (more than one: an inconsistent dump). */
  runningOn: Map<Addr, ProcessorInfo[]>;
  /** Thread -> the processor that chose it to run next (KPRCB.NextThread, a Standby thread). */
  nextOn: Map<Addr, ProcessorInfo>;
  /** Processor numbers listed in KiProcessorBlock whose KPRCB could not be read. */
  unreadable: number[];
}

export function readProcessors(k: KernelContext): ProcessorTable {
  const table: ProcessorTable = { known: false, processors: [], count: 0, byNumber: new Map(), runningOn: new Map(), nextOn: new Map(), unreadable: [] };
  const prcbType = k.type('_KPRCB');
  const ethread = k.type('_ETHREAD');
  const block = k.symbol('KiProcessorBlock');
  if (!prcbType || !ethread || !block) {
    k.warnings.add('processors-unknown', { reason: 'processor-block-missing' });
    return table;
  }
  const declared = processorCount(k);
  const blockType = symbolType(k, 'KiProcessorBlock');
  const declaredLength = blockType && blockType.kind === 'array' ? blockType.count : undefined;
  const capacity = declaredLength !== undefined && declaredLength <= MAX_PROCESSORS ? declaredLength : undefined;
  const entries = entryCount(declared, capacity);
  if (entries === undefined) {
    k.warnings.add('processors-unknown', { reason: 'processor-count-unknown' });
    return table;
  }
  if (declared !== undefined && capacity !== undefined && declared > capacity) {
    k.warnings.add('processor-count-implausible', { object: 'nt!KeNumberProcessors', value: declared, expected: capacity, reason: 'processor-count-exceeds-block' });
  }
  const pointers = k.target.read(block, entries * k.pointerSize);
  if (!pointers) {
    k.warnings.add('object-unreadable', { object: 'nt!KiProcessorBlock', address: block });
    return table;
  }
  table.known = true;
  const pcr = pcrLocator(k, prcbType);
  if (!pcr && entries > 0) {
    // Windows 11 24H2's _KPCR (0x178 bytes) no longer embeds the _KPRCB, so the KPCR holding a processor's Irql
    // cannot be found from nt!KiProcessorBlock: say so rather than judge every processor preemptible.
    k.warnings.add('processor-irqls-unknown', { reason: 'kpcr-lacks-kprcb' });
  }
  const span = prcbSpan(prcbType);
  for (let i = 0; i < entries; i++) {
    const prcb = ptr(pointers, i * k.pointerSize, k.pointerSize);
    if (isNull(prcb)) break; // the array ends at the first NULL entry
    if (!k.plausible(prcb)) {
      k.warnings.add('processor-block-entry-bad', { object: 'nt!KiProcessorBlock', index: i, value: prcb });
      table.unreadable.push(i);
      continue;
    }
    const info = readProcessor(k, prcbType, ethread, pcr, span, prcb, i);
    if (!info) {
      table.unreadable.push(i);
      continue;
    }
    addProcessor(table, info);
  }
  table.count = declared !== undefined ? declared : table.processors.length + table.unreadable.length;
  return table;
}

/** The entries to read: KeNumberProcessors bounded by the array's declared length, whichever is known. */
export function entryCount(declared: number | undefined, capacity: number | undefined): number | undefined {
  if (declared !== undefined && capacity !== undefined) return Math.min(declared, capacity);
  if (declared !== undefined) return declared;
  return capacity;
}

function addProcessor(table: ProcessorTable, info: ProcessorInfo): void {
  table.processors.push(info);
  table.byNumber.set(info.number, info);
  if (info.currentThread) {
    appendTo(table.runningOn, info.currentThread, info);
  }
  if (info.nextThread) table.nextOn.set(info.nextThread, info);
}

/** KeNumberProcessors, read with the size its type declares (CHAR on XP, ULONG later). */
function processorCount(k: KernelContext): number | undefined {
  const at = k.symbol('KeNumberProcessors');
  const type = symbolType(k, 'KeNumberProcessors');
  if (!at || !type || type.kind !== 'int' || type.size < 1 || type.size > 4) return undefined;
  const b = k.target.read(at, type.size);
  if (!b) return undefined;
  const n = uint(b, 0, type.size);
  if (n > 0 && n <= MAX_PROCESSORS) return n;
  k.warnings.add('processor-count-implausible', { object: 'nt!KeNumberProcessors', value: n });
  return undefined;
}

/** A global's declared type (undefined with public symbols only). */
function symbolType(k: KernelContext, name: string): TypeShape | undefined {
  const shape = k.target.symbolShape ? k.target.symbolShape('nt', name) : undefined;
  return shape && shape.type;
}

interface PcrLocator {
  layout: TypeLayout;
  /** The embedded KPRCB member (x86 PrcbData, x64 Prcb) and its offset in the KPCR. */
  field: string;
  prcbOffset: number;
}

/** The KPRCB is embedded in its KPCR: x86 names it PrcbData (Prcb is a pointer there), x64 names it Prcb. */
function pcrLocator(k: KernelContext, prcbType: TypeLayout): PcrLocator | undefined {
  const layout = k.type('_KPCR');
  if (!layout) return undefined;
  for (const name of ['PrcbData', 'Prcb']) {
    const f = layout.field(name);
    if (f && f.kind === 'struct' && f.size === prcbType.size) return { layout, field: name, prcbOffset: f.offset };
  }
  return undefined;
}

function prcbSpan(prcbType: TypeLayout): number {
  let end = 0;
  for (const name of PRCB_FIELDS) {
    const f = prcbType.field(name);
    if (f && f.offset + f.size > end) end = f.offset + f.size;
  }
  return end;
}

/**
 * One read per processor: from the KPCR's start (its Irql) through the KPRCB fields used, when the
 * KPCR can be located; else the KPRCB part alone.
 */
function readProcessor(
  k: KernelContext,
  prcbType: TypeLayout,
  ethread: TypeLayout,
  pcr: PcrLocator | undefined,
  span: number,
  prcb: Addr,
  index: number,
): ProcessorInfo | undefined {
  let view: StructView | undefined;
  let irql: number | undefined;
  if (pcr) {
    const pcrAddress = k.containing(prcb, pcr.layout, pcr.field);
    const bytes = k.target.read(pcrAddress, pcr.prcbOffset + span);
    if (bytes) {
      const pcrView = new StructView(pcr.layout, pcrAddress, bytes, k.pointerSize);
      view = new StructView(prcbType, prcb, bytes, k.pointerSize, pcr.prcbOffset);
      if (pcrConsistent(pcrView, pcrAddress, prcb)) irql = pcrView.num('Irql');
      else k.warnings.add('processor-control-region-inconsistent', { object: 'processor', index, address: prcb });
    }
  }
  if (!view) view = k.readStruct(prcbType, prcb, `_KPRCB of processor ${index}`, undefined, span);
  if (!view) return undefined;
  // KPRCB holds KTHREAD pointers; threads are known by their ETHREAD (Tcb is its first member on every build, but probed).
  const tcb = ethread.field('Tcb');
  const toThread = (field: string) => {
    const kthread = view!.ptr(field);
    return kthread && !isNull(kthread) ? addrAdd(kthread, -(tcb ? tcb.offset : 0)) : undefined;
  };
  const number = view.num('Number');
  const currentThread = toThread('CurrentThread');
  const idleThread = toThread('IdleThread');
  return {
    number: number === undefined ? index : number,
    prcb,
    currentThread,
    nextThread: toThread('NextThread'),
    idleThread,
    idle: currentThread !== undefined && currentThread === idleThread,
    irql,
  };
}

/**
 * The KPCR's self pointer and its KPRCB pointer (x86 SelfPcr/Prcb, x64 Self/CurrentPrcb) confirm the
 * containing-record arithmetic; a field this build lacks is no evidence either way.
 */
function pcrConsistent(pcr: StructView, pcrAddress: Addr, prcb: Addr): boolean {
  for (const name of ['SelfPcr', 'Self']) {
    const f = pcr.layout.field(name);
    if (f && f.kind === 'pointer') {
      if (pcr.ptr(name) !== pcrAddress) return false;
      break;
    }
  }
  for (const name of ['Prcb', 'CurrentPrcb']) {
    const f = pcr.layout.field(name);
    if (f && f.kind === 'pointer') {
      if (pcr.ptr(name) !== prcb) return false;
      break;
    }
  }
  return true;
}
