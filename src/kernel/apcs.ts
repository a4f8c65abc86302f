// Kernel-mode APCs queued to a thread: KTHREAD.ApcState.ApcListHead[KernelMode], a list of _KAPC
// linked through ApcListEntry, one read per APC, bounded; plus the thread's APC delivery controls
// (KernelApcPending, KernelApcDisable, SpecialApcDisable, WaitIrql) decoded from the ETHREAD already read.
import { isRoutine, parseSymbol } from '../core/symbolName';
import { addrAdd, isNull, type Addr } from '../core/addr';
import { ptr } from '../core/bytes';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import { headLinks, readList } from './lists';
import type { ThreadInfo } from './model';
import { ethreadView } from './threads';
import { getOrRead } from '../core/runCache';

/** APCs walked per thread: a thread with more queued kernel APCs than this is described by the first ones. */
export const MAX_APCS_PER_THREAD = 64;
/** KPROCESSOR_MODE values (wdm.h), the index into ApcListHead when the symbols have no _MODE enum. */
const KERNEL_MODE = 0;

export interface ApcInfo {
  /** The _KAPC. */
  address: Addr;
  kernelRoutine: Addr | undefined;
  normalRoutine: Addr | undefined;
  systemArgument1: Addr | undefined;
  systemArgument2: Addr | undefined;
  /** ApcMode (0 KernelMode, 1 UserMode). */
  mode: number | undefined;
  inserted: boolean;
  /** A kernel APC without NormalRoutine: delivered at APC_LEVEL even into non-alertable waits. */
  special: boolean;
}

/** What decides whether a queued kernel APC is delivered to a waiting thread (fields of the ETHREAD as read). */
export interface ApcControls {
  kernelApcPending: boolean | undefined;
  /** Negative while the thread is in a critical region (KeEnterCriticalRegion): blocks normal kernel APCs. */
  kernelApcDisable: number | undefined;
  /** Negative while in a guarded region (KeEnterGuardedRegion): blocks special APCs too. Absent before Server 2003. */
  specialApcDisable: number | undefined;
  /** The IRQL the thread waits at: APC_LEVEL (a held fast mutex) blocks every APC. */
  waitIrql: number | undefined;
}

/** APC_LEVEL (wdm.h). */
export const APC_LEVEL = 1;

/** The delivery controls, from the ETHREAD view (no read). The disable counts are signed whatever their declared width. */
export function apcControls(thread: ThreadInfo): ApcControls {
  const v = ethreadView(thread);
  const pending = v.num('Tcb.ApcState.KernelApcPending');
  return {
    kernelApcPending: pending === undefined ? undefined : pending !== 0,
    kernelApcDisable: signedCount(v.num('Tcb.KernelApcDisable'), fieldSize(thread, 'Tcb.KernelApcDisable')),
    specialApcDisable: signedCount(v.num('Tcb.SpecialApcDisable'), fieldSize(thread, 'Tcb.SpecialApcDisable')),
    waitIrql: v.num('Tcb.WaitIrql'),
  };
}

function fieldSize(thread: ThreadInfo, path: string): number {
  const f = ethreadView(thread).layout.field(path);
  return f ? f.size : 0;
}

/** XP declares KernelApcDisable a ULONG that the kernel decrements below zero: read it as the signed count it is. */
export function signedCount(value: number | undefined, size: number): number | undefined {
  if (value === undefined) return undefined;
  if (size === 4 && value >= 0x80000000) return value - 0x100000000;
  if (size === 2 && value >= 0x8000) return value - 0x10000;
  if (size === 1 && value >= 0x80) return value - 0x100;
  return value;
}

/**
 * Whether a special kernel APC queued to a waiting thread is delivered into its wait (KiInsertQueueApc
 * unwaits the thread with STATUS_KERNEL_APC): only when the thread waits at PASSIVE_LEVEL and is not in
 * a guarded region. Undefined when the controls are unknown.
 */
export function specialApcDeliverable(c: ApcControls): boolean | undefined {
  if (c.waitIrql === undefined) return undefined;
  if (c.waitIrql >= APC_LEVEL) return false;
  if (c.specialApcDisable !== undefined && c.specialApcDisable !== 0) return false;
  return true;
}

/** A kernel APC list head inside the ETHREAD as read: its address and links (Blink when the bytes read hold it). */
interface ApcListHead {
  head: Addr;
  flink: Addr;
  blink: Addr | undefined;
}

/** Address of ApcListHead[mode] of an embedded _KAPC_STATE (`state`: ApcState or SavedApcState) and its links, from the ETHREAD as read. */
function listHead(k: KernelContext, thread: ThreadInfo, state: string, mode: number): ApcListHead | undefined {
  const view = ethreadView(thread);
  const f = view.layout.field(`Tcb.${state}.ApcListHead`);
  if (!f) return undefined;
  const element = f.elementSize || 2 * k.pointerSize;
  const offset = f.offset + mode * element;
  const held = view.bytes.length - view.base;
  if (offset + k.pointerSize > held) return undefined;
  const at = view.base + offset;
  const blink = offset + 2 * k.pointerSize <= held ? ptr(view.bytes, at + k.pointerSize, k.pointerSize) : undefined;
  return { head: addrAdd(thread.address, offset), flink: ptr(view.bytes, at, k.pointerSize), blink };
}

/**
 * The APC states whose kernel lists hold APCs for this thread: ApcState, plus SavedApcState while the
 * thread is attached to another process (ApcStateIndex 1): an APC for its own process environment,
 * such as an I/O completion, is queued there meanwhile. SavedApcState is stale when not attached.
 */
function kernelLists(k: KernelContext, thread: ThreadInfo): ApcListHead[] {
  const mode = kernelModeIndex(k);
  const out: ApcListHead[] = [];
  const states = ethreadView(thread).num('Tcb.ApcStateIndex') === 1 ? ['ApcState', 'SavedApcState'] : ['ApcState'];
  for (const state of states) {
    const h = listHead(k, thread, state, mode);
    if (h && h.flink !== h.head && !isNull(h.flink)) out.push(h);
  }
  return out;
}

/** True when a kernel-mode APC list of the thread is not empty (decided from the ETHREAD as read, no read). */
export function hasKernelApcs(k: KernelContext, thread: ThreadInfo): boolean {
  return kernelLists(k, thread).length > 0;
}

function kernelModeIndex(k: KernelContext): number {
  const v = k.enumValue('_MODE', 'KernelMode');
  return v === undefined ? KERNEL_MODE : v;
}

/** The thread's queued kernel-mode APCs in list order; one read per APC, at most MAX_APCS_PER_THREAD, damage counted. */
export function readKernelApcs(k: KernelContext, thread: ThreadInfo): ApcInfo[] {
  const out: ApcInfo[] = [];
  const layout = k.type('_KAPC');
  if (!layout || !layout.field('ApcListEntry')) return out;
  for (const h of kernelLists(k, thread)) walkApcs(k, thread, layout, h, out);
  return out;
}

/** One kernel APC list, in list order; APCs past a smashed link are recovered backwards through Blink (kernel/lists.ts). */
function walkApcs(k: KernelContext, thread: ThreadInfo, layout: TypeLayout, h: ApcListHead, out: ApcInfo[]): void {
  if (out.length >= MAX_APCS_PER_THREAD) return;
  const read = (entry: Addr) => {
    const address = k.containing(entry, layout, 'ApcListEntry');
    const view = k.readStruct(layout, address, 'APC');
    if (!view) return null;
    const normalRoutine = nonNull(view.ptr('NormalRoutine'));
    const mode = view.num('ApcMode');
    const apc: ApcInfo = {
      address,
      kernelRoutine: nonNull(view.ptr('KernelRoutine')),
      normalRoutine,
      systemArgument1: nonNull(view.ptr('SystemArgument1')),
      systemArgument2: nonNull(view.ptr('SystemArgument2')),
      mode,
      inserted: view.num('Inserted') !== 0,
      special: mode === kernelModeIndex(k) && normalRoutine === undefined,
    };
    return { item: apc, links: headLinks(view, 'ApcListEntry') || '0' };
  };
  const list = readList(k, h.head, { list: 'kernel-apc-list', owner: thread.address }, read, { links: { flink: h.flink, blink: h.blink }, cap: MAX_APCS_PER_THREAD - out.length });
  for (const apc of list.items) out.push(apc);
}

function nonNull(a: Addr | undefined): Addr | undefined {
  return a === undefined || isNull(a) ? undefined : a;
}

/** nt!IopCompleteRequest: the I/O manager's completion APC (the kernel module may be named nt, ntoskrnl, ntkrnlpa...). */
/** Compared through core/symbolName (any kernel image name, x86 decoration `_IopCompleteRequest@20`). */
const IO_COMPLETION_ROUTINE = ['IopCompleteRequest'];

export function isIoCompletionSymbol(symbol: string | undefined): boolean {
  return symbol !== undefined && isRoutine(symbol, 'nt', IO_COMPLETION_ROUTINE) && !parseSymbol(symbol).offset;
}

/** Symbolises APC routines, once per address per run: many threads share a handful of routines. */
export class RoutineNames {
  private readonly names = new Map<Addr, string | null>();
  private readonly completion: Addr | undefined;

  constructor(private readonly k: KernelContext) {
    this.completion = k.symbol('IopCompleteRequest');
  }

  name(address: Addr): string | undefined {
    return getOrRead(this.names, address, () => this.k.target.nearestSymbol(address) || undefined);
  }

  /** KernelRoutine is nt!IopCompleteRequest: by the symbol's address when the symbols give it, else by name. */
  isIoCompletion(address: Addr | undefined): boolean {
    if (address === undefined) return false;
    if (this.completion !== undefined && address === this.completion) return true;
    return isIoCompletionSymbol(this.name(address));
  }
}
