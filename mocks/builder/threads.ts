// Threads: _ETHREAD (+ object header, type Thread) on both thread lists of its process, its embedded dispatcher
// objects, identity, times, priorities, stacks, start addresses and TEB. Wait state is written by waits.ts.
import type { Ctx, ThreadInfo } from './context';
import { fmt } from './hex';
import { pointKthreadLockEntries } from './lockEntries';
import { dispatcherHeader, objectHeader } from './objects';

export const E = '_ETHREAD';

/** Path of a _KTHREAD field inside _ETHREAD. */
export const tcb = (f: string): string => `Tcb.${f}`;

export function layoutThreads(ctx: Ctx): void {
  for (const t of ctx.threads.values()) layoutThread(ctx, t);
}

/** The owning-process field the layout has: _KTHREAD.Process (Vista+) or _ETHREAD.ThreadsProcess (XP). */
export function setOwner(ctx: Ctx, a: bigint, proc: bigint): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const done = sw.trySet(k, a, E, tcb('Process'), proc) || sw.trySet(k, a, E, 'ThreadsProcess', proc);
  if (!done) throw new Error(`layout ${ctx.layout.name}: neither _KTHREAD.Process nor _ETHREAD.ThreadsProcess`);
  sw.set(k, a, E, tcb('ApcState.Process'), proc);
}

export function layoutThread(ctx: Ctx, t: ThreadInfo): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const a = t.addr;
  const s = t.s;
  const what = t.synthetic ? `idle thread ${fmt(a)}` : `threads[${t.index}] (${s.address})`;
  const p = ctx.processes.get(t.proc)!;
  // Guard for idle threads laid out as bare KTHREADs: executive (_ETHREAD-only) fields are skipped.
  const limit = t.kthreadOnly ? sw.size('_KTHREAD') : Number.MAX_SAFE_INTEGER;
  const fits = (path: string): boolean => {
    const r = sw.types.field(E, path);
    return !!r && r.offset + r.size <= limit;
  };
  const eset = (path: string, v: bigint | number | boolean): boolean => {
    if (!fits(path)) return false;
    sw.set(k, a, E, path, v);
    return true;
  };
  dispatcherHeader(ctx, a, 'ThreadObject', sw.size('_KTHREAD'), t.state === 'Terminated' ? 1 : 0);
  const init = (path: string): void => { if (fits(path)) ctx.listInit(k, a + BigInt(sw.off(E, path))); };
  init(tcb('MutantListHead'));
  init(tcb('ApcState.ApcListHead[0]'));
  init(tcb('ApcState.ApcListHead[1]'));
  init('IrpList');
  init('ActiveTimerListHead');
  init('PostBlockList');
  // embedded dispatcher objects a thread may wait on
  const timer = a + BigInt(sw.off(E, tcb('Timer')));
  dispatcherHeader(ctx, timer, 'TimerNotificationObject', sw.size('_KTIMER'), 0);
  if (sw.has('_KTIMER', 'TimerListEntry')) ctx.listInit(k, timer + BigInt(sw.off('_KTIMER', 'TimerListEntry')));
  if (sw.has(E, tcb('SuspendSemaphore'))) {
    const ss = a + BigInt(sw.off(E, tcb('SuspendSemaphore')));
    dispatcherHeader(ctx, ss, 'SemaphoreObject', sw.size('_KSEMAPHORE'), 0);
    sw.set(k, ss, '_KSEMAPHORE', 'Limit', 2);
  }
  if (sw.has(E, tcb('SuspendEvent'))) {
    dispatcherHeader(ctx, a + BigInt(sw.off(E, tcb('SuspendEvent'))), 'EventNotificationObject', sw.size('_KEVENT'), 0);
  }
  const sem = replySemaphore(ctx, a);
  if (sem !== undefined && !t.kthreadOnly) {
    dispatcherHeader(ctx, sem, 'SemaphoreObject', sw.size('_KSEMAPHORE'), 0);
    sw.set(k, sem, '_KSEMAPHORE', 'Limit', 1);
  }
  // lists of the owning process
  const P = '_EPROCESS';
  ctx.listInsertTail(k, t.proc + BigInt(sw.off(P, 'Pcb.ThreadListHead')), a + BigInt(sw.off(E, tcb('ThreadListEntry'))));
  if (fits('ThreadListEntry')) ctx.listInsertTail(k, t.proc + BigInt(sw.off(P, 'ThreadListHead')), a + BigInt(sw.off(E, 'ThreadListEntry')));
  if (t.kthreadOnly && !sw.has(E, tcb('Process'))) sw.set(k, a, E, tcb('ApcState.Process'), t.proc);
  else setOwner(ctx, a, t.proc);
  eset('Cid.UniqueProcess', p.pid);
  if (s.tid) eset('Cid.UniqueThread', BigInt('0x' + s.tid));
  else ctx.note(`${what}: tid not given; Cid.UniqueThread 0`);
  if (!t.kthreadOnly) pointKthreadLockEntries(ctx, a);
  // times and priorities
  if (s.waitTime !== undefined && s.waitTime !== null) sw.set(k, a, E, tcb('WaitTime'), s.waitTime >>> 0);
  if (s.kernelTime !== undefined && s.kernelTime !== null) sw.set(k, a, E, tcb('KernelTime'), s.kernelTime);
  if (s.userTime !== undefined && s.userTime !== null) sw.set(k, a, E, tcb('UserTime'), s.userTime);
  if (s.priority !== undefined && s.priority !== null) sw.set(k, a, E, tcb('Priority'), s.priority);
  if (s.basePriority !== undefined && s.basePriority !== null) sw.set(k, a, E, tcb('BasePriority'), s.basePriority);
  // stacks
  const ks = t.kstack;
  sw.set(k, a, E, tcb('InitialStack'), ks.base);
  sw.set(k, a, E, tcb('StackBase'), ks.base);
  sw.set(k, a, E, tcb('StackLimit'), ks.limit);
  sw.set(k, a, E, tcb('KernelStack'), ks.current);
  if (!sw.trySet(k, a, E, tcb('KernelStackResident'), ks.resident ? 1 : 0)) {
    ctx.note(`layout ${ctx.layout.name}: no _KTHREAD.KernelStackResident`);
  }
  if (ks.invented) ctx.note(`${what}: kernel stack not given; invented [${fmt(ks.limit)}, ${fmt(ks.base)}) with KernelStack ${fmt(ks.current)}`);
  // start addresses
  if (s.startAddress) eset('StartAddress', ctx.code(s.startAddress, true));
  if (s.win32StartAddress) eset('Win32StartAddress', ctx.code(s.win32StartAddress, false));
  if (s.state === 'Terminated') {
    if (!eset('Terminated', 1) && !eset('CrossThreadFlags.Terminated', 1)) {
      eset('CrossThreadFlags', 1); // PS_CROSS_THREAD_FLAGS_TERMINATED = bit 0
    }
  }
  if (s.impersonating) {
    if (!eset('ActiveImpersonationInfo', 1)) ctx.note(`${what}: impersonating, but the layout has no ActiveImpersonationInfo flag (not laid out)`);
  }
  // TEB (complete dumps)
  if (t.teb !== undefined) {
    const us = ctx.userSpace(t.proc)!;
    const T = '_TEB';
    sw.set(k, a, E, tcb('Teb'), t.teb);
    sw.trySet(us, t.teb, T, 'NtTib.Self', t.teb);
    if (t.ustack) {
      sw.trySet(us, t.teb, T, 'NtTib.StackBase', t.ustack.base);
      sw.trySet(us, t.teb, T, 'NtTib.StackLimit', t.ustack.limit);
    }
    sw.trySet(us, t.teb, T, 'ClientId.UniqueProcess', p.pid);
    if (s.tid) sw.trySet(us, t.teb, T, 'ClientId.UniqueThread', BigInt('0x' + s.tid));
    if (p.peb !== undefined) sw.trySet(us, t.teb, T, 'ProcessEnvironmentBlock', p.peb);
  }
  objectHeader(ctx, a, 'Thread', what);
}

/** Address of the thread's own LPC reply / ALPC wait semaphore. */
export function replySemaphore(ctx: Ctx, thread: bigint): bigint | undefined {
  const sw = ctx.sw;
  for (const f of ['LpcReplySemaphore', 'AlpcWaitSemaphore', 'KeyedWaitSemaphore']) {
    if (sw.has(E, f)) return thread + BigInt(sw.off(E, f));
  }
  return undefined;
}
