// Wait blocks and thread scheduling state (docs/kernel-structures.md §Wait blocks).
// Ring layouts (_KWAIT_BLOCK.NextWaitBlock): WaitBlockList -> first block, NextWaitBlock circular.
// Array layouts: WaitBlockList -> contiguous array, _KTHREAD.WaitBlockCount blocks.
// <= 3 objects use the built-in _KTHREAD.WaitBlock[]; more get an allocated array. A timed wait adds the block for the
// thread's own _KTHREAD.Timer (WaitKey 0x102) right after the object blocks (inside WaitBlockCount on array layouts).
import type { Ctx, PlannedWait, ThreadInfo } from './context';
import { fmt } from './hex';
import { E, tcb } from './threads';

const W = '_KWAIT_BLOCK';
export const STATUS_TIMEOUT = 0x102;

/** Reference numbering of _KWAIT_REASON (append-only), used only when a layout's enum lacks a name. */
const WAIT_REASON_FALLBACK: Record<string, number> = {
  Executive: 0, FreePage: 1, PageIn: 2, PoolAllocation: 3, DelayExecution: 4, Suspended: 5, UserRequest: 6, WrExecutive: 7,
  WrFreePage: 8, WrPageIn: 9, WrPoolAllocation: 10, WrDelayExecution: 11, WrSuspended: 12, WrUserRequest: 13, WrEventPair: 14,
  WrQueue: 15, WrLpcReceive: 16, WrLpcReply: 17, WrVirtualMemory: 18, WrPageOut: 19, WrRendezvous: 20, WrKeyedEvent: 21,
  WrTerminated: 22, WrProcessInSwap: 23, WrCpuRateControl: 24, WrCalloutStack: 25, WrKernel: 26, WrResource: 27, WrPushLock: 28,
  WrMutex: 29, WrQuantumEnd: 30, WrDispatchInt: 31, WrPreempted: 32, WrYieldExecution: 33, WrFastMutex: 34, WrGuardedMutex: 35,
  WrRundown: 36, WrAlertByThreadId: 37, WrDeferredPreempt: 38, WrPhysicalFault: 39, WrIoRing: 40, WrMdlCache: 41, WrRcu: 42,
};
const STATE_FALLBACK: Record<string, number> = {
  Initialized: 0, Ready: 1, Running: 2, Standby: 3, Terminated: 4, Waiting: 5, Transition: 6, DeferredReady: 7, GateWait: 8,
};

export function waitReasonValue(ctx: Ctx, name: string): number {
  const v = ctx.types.enumValue(['_KWAIT_REASON'], name);
  if (v !== undefined) return v;
  if (!(name in WAIT_REASON_FALLBACK)) throw new Error(`unknown wait reason ${name}`);
  ctx.note(`layout ${ctx.layout.name}: _KWAIT_REASON has no ${name}; used the reference value ${WAIT_REASON_FALLBACK[name]}`);
  return WAIT_REASON_FALLBACK[name]!;
}

export function hasWaitReason(ctx: Ctx, name: string): boolean {
  return ctx.types.enumValue(['_KWAIT_REASON'], name) !== undefined;
}

function stateValue(ctx: Ctx, name: string): number {
  const v = ctx.types.enumValue(['_KTHREAD_STATE'], name) ?? (name === 'GateWait' ? ctx.types.enumValue(['_KTHREAD_STATE'], 'GateWaitObsolete') : undefined);
  if (v !== undefined) return v;
  ctx.note(`layout ${ctx.layout.name}: _KTHREAD_STATE has no ${name}; used the reference value ${STATE_FALLBACK[name]}`);
  return STATE_FALLBACK[name]!;
}

function blockActive(ctx: Ctx): number {
  const v = ctx.types.enumValue(['_KWAIT_BLOCK_STATE'], 'WaitBlockActive');
  if (v !== undefined) return v;
  const guess = ctx.layout.ntMajor >= 10 ? 4 : 2;
  ctx.note(`layout ${ctx.layout.name} has _KWAIT_BLOCK.BlockState but no _KWAIT_BLOCK_STATE enum: WaitBlockActive taken as ${guess} (docs/kernel-structures.md §Wait blocks numbering for NT ${ctx.layout.ntMajor}.x)`);
  return guess;
}

/** The wait the thread's blocks describe: its own `waits`, else the first wait implied by another section. */
export function effectiveWait(ctx: Ctx, t: ThreadInfo): PlannedWait | undefined {
  if (t.replacedWait) return t.replacedWait;
  if (t.s.waits && t.s.waits.length) {
    const w: PlannedWait = {
      objects: t.s.waits.map((x) => ({ address: ctx.addr(x.object), waitType: x.waitType ?? 'WaitAny' })),
      source: `threads[${t.index}].waits`,
    };
    if (t.implied.length) {
      ctx.note(`threads[${t.index}] ${t.s.address}: has its own waits; the wait implied by ${t.implied.map((i) => i.source).join(', ')} is not laid out as wait blocks`);
      w.reason = t.implied[0]!.reason;
      w.mode = t.implied[0]!.mode;
    }
    return w;
  }
  if (t.implied.length > 1) {
    ctx.note(`threads[${t.index}] ${t.s.address}: several implied waits (${t.implied.map((i) => i.source).join(', ')}); the first is laid out`);
  }
  return t.implied[0];
}

export function layoutWaits(ctx: Ctx): void {
  for (const t of ctx.threads.values()) layoutThreadWait(ctx, t);
}

function layoutThreadWait(ctx: Ctx, t: ThreadInfo): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const a = t.addr;
  const s = t.s;
  const what = t.synthetic ? `idle thread ${fmt(a)}` : `threads[${t.index}] (${s.address})`;
  const wait = t.synthetic ? undefined : effectiveWait(ctx, t);
  let state = t.state;
  if (!state) {
    if (wait || (s.waitReason ?? null) !== null) state = 'Waiting';
    else { state = 'Initialized'; if (!t.synthetic) ctx.note(`${what}: state not given and no wait known; State left 0 (Initialized)`); }
  }
  t.state = state;
  sw.set(k, a, E, tcb('State'), stateValue(ctx, state));
  if (state === 'Running') {
    sw.trySet(k, a, E, tcb('Running'), 1);
    if (t.processor !== undefined) {
      if (!sw.trySet(k, a, E, tcb('NextProcessorNumber'), t.processor)) sw.trySet(k, a, E, tcb('NextProcessor'), t.processor);
    }
  }
  // wait reason / mode / alertable (kept for any state: the kernel leaves them from the last wait)
  // A replaced wait (this build blocks another way than the scenario's source did) brings its own reason.
  const reason = (t.replacedWait && t.replacedWait.reason) ?? s.waitReason ?? wait?.reason;
  if (reason) sw.set(k, a, E, tcb('WaitReason'), waitReasonValue(ctx, reason));
  else if (state === 'Waiting') ctx.note(`${what}: waiting, wait reason unknown; WaitReason left 0 (Executive)`);
  const mode = (t.replacedWait && t.replacedWait.mode) ?? s.waitMode ?? wait?.mode;
  if (mode) sw.set(k, a, E, tcb('WaitMode'), ctx.enumV(['_MODE'], mode, mode === 'UserMode' ? 1 : 0));
  if (s.alertable) sw.set(k, a, E, tcb('Alertable'), 1);
  if (!wait) {
    if (state === 'Waiting') ctx.note(`${what}: waiting on no known object; WaitBlockList NULL`);
    return;
  }
  if (state !== 'Waiting') {
    ctx.note(`${what}: has waits but state ${state}; wait blocks not laid out`);
    return;
  }
  const objects = wait.objects.map((o) => ({ ...o }));
  if (wait.late) objects.push({ address: wait.late(), waitType: 'WaitAny' });
  const timer = a + BigInt(sw.off(E, tcb('Timer')));
  const blocks = objects.length + (s.timeout ? 1 : 0);
  const bsize = sw.size(W);
  let first: bigint;
  if (objects.length <= 3) first = a + BigInt(sw.off(E, tcb('WaitBlock')));
  else first = ctx.pool(bsize * blocks, `wait block array of ${what}`);
  const ring = sw.has(W, 'NextWaitBlock');
  const waitTypeOf = (n: string): number => ctx.enumV(['_WAIT_TYPE'], n, n === 'WaitAll' ? 0 : 1);
  const hasState = sw.has(W, 'BlockState');
  const active = hasState ? blockActive(ctx) : 0;
  const entries = [...objects.map((o, i) => ({ obj: o.address, key: i, type: o.waitType })), ...(s.timeout ? [{ obj: timer, key: STATUS_TIMEOUT, type: 'WaitAny' as const }] : [])];
  entries.forEach((e, i) => {
    const b = first + BigInt(i * bsize);
    sw.set(k, b, W, 'Thread', a);
    sw.set(k, b, W, 'Object', e.obj);
    sw.set(k, b, W, 'WaitKey', e.key);
    sw.set(k, b, W, 'WaitType', waitTypeOf(e.type));
    if (hasState) sw.set(k, b, W, 'BlockState', active);
    if (ring) sw.set(k, b, W, 'NextWaitBlock', first + BigInt(((i + 1) % entries.length) * bsize));
    const kind = ctx.dispatcher.get(e.obj);
    if (wait.addressWait) {
      // NtWaitForAlertByThreadId: the block holds the waited address (or nothing), never a dispatcher object's wait list.
    } else if (kind !== undefined) {
      ctx.listInsertTail(k, e.obj + BigInt(sw.off('_DISPATCHER_HEADER', 'WaitListHead')), b + BigInt(sw.off(W, 'WaitListEntry')));
    } else {
      ctx.note(`${what}: wait object ${fmt(e.obj)} (${wait.source}) is not a laid-out dispatcher object; its wait block is not linked into a wait list`);
    }
  });
  sw.set(k, a, E, tcb('WaitBlockList'), first);
  if (!ring) {
    if (!sw.trySet(k, a, E, tcb('WaitBlockCount'), entries.length)) {
      ctx.note(`layout ${ctx.layout.name}: _KWAIT_BLOCK has no NextWaitBlock and _KTHREAD no WaitBlockCount`);
    }
  }
}
