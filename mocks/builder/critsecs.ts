// User-mode critical sections (docs/kernel-structures.md §Critical sections): complete dumps only, in the process's user space.
import type { Ctx } from './context';
import { fmt, parseHex } from './hex';
import { dispatcherHeader } from './objects';
import type { FramePlan, ThreadInfo } from './context';
import { insertUserFrame } from './stacks';
import { hasWaitReason } from './waits';

const CS = '_RTL_CRITICAL_SECTION';
const DBG = '_RTL_CRITICAL_SECTION_DEBUG';

/**
 * LockCount as the layout's Windows version keeps it (the kernel/ntdll changed the encoding without a field change):
 * NT <= 5.1: raw counter, -1 free, (RecursionCount - 1) + waiters when locked.
 * later: -1 free; locked = -2 - 4 * waiters (bit 0 = 0 locked, bit 1 = 1 no waiter woken).
 */
export function lockCount(ctx: Ctx, locked: boolean, recursion: number, waiters: number): number {
  if (!locked) return -1;
  const raw = ctx.layout.ntMajor < 5 || (ctx.layout.ntMajor === 5 && ctx.layout.ntMinor <= 1);
  return raw ? recursion - 1 + waiters : -2 - 4 * waiters;
}

/** Name of the ntdll routine whose first argument is the critical section a waiter wants. */
export function csWaitRoutine(ctx: Ctx): string {
  return ctx.sw.has('_ETHREAD', 'LpcReplyMessageId') ? 'ntdll!RtlpWaitForCriticalSection' : 'ntdll!RtlpWaitOnCriticalSection';
}

/**
 * How this layout's critical-section waiters block (docs/scenario-extensions.md, "Critical-section waits per build"),
 * probed, never from a build number: a kernel whose _KWAIT_REASON has WrAlertByThreadId has NtWaitForAlertByThreadId,
 * and its ntdll waits on the section's address; the `cs-semaphore` variant keeps the LockSemaphore wait there (a build
 * before the switch).
 */
export function csWaitsOnAddress(ctx: Ctx): boolean {
  return hasWaitReason(ctx, 'WrAlertByThreadId') && ctx.waitVariant.csWait === 'address';
}

/** ntdll's critical-section routines a pre-switch stack shows between the wait stub and the caller. */
const OLD_CS_FRAMES = /^ntdll!(_?Rtl(p)?(EnterCriticalSection|WaitForCriticalSection|WaitOnCriticalSection|EnterCriticalSectionContended)(@\d+)?)(\+|$)/i;
/** The system-call part of a pre-switch wait (kernel wait frames and the ntdll stub). */
const OLD_WAIT_STUB = /^(nt!|ntdll!(Nt|Zw)WaitFor|ntdll!KiFastSystemCallRet|ntdll!KiIntSystemCall)/i;

/**
 * A Windows 10/11 critical-section waiter, as public x64 dumps show it: NtWaitForAlertByThreadId <-
 * RtlpWaitOnAddressWithTimeout <- RtlpWaitOnAddress(address) <- RtlpWaitOnCriticalSection(cs) <-
 * RtlpEnterCriticalSectionContended(cs) <- RtlEnterCriticalSection(cs) <- the caller. The scenario's own frames below
 * its outermost critical-section routine (the callers) are kept; what was above them is the old wait and is replaced.
 */
function addressWaitFrames(ctx: Ctx, t: ThreadInfo, cs: bigint, waited: bigint): FramePlan[] {
  const frames = t.frames;
  let last = -1;
  frames.forEach((f, i) => { if (f.user && OLD_CS_FRAMES.test(f.text)) last = i; });
  const callers = last >= 0 ? frames.slice(last + 1) : frames.filter((f) => f.user && !OLD_WAIT_STUB.test(f.text));
  const onStack = ctx.waitVariant.sectionOnStack;
  const k = (text: string): FramePlan => ({ text, args: [], user: false, inserted: true });
  const u = (text: string, args: bigint[]): FramePlan => ({ text, args: onStack ? args : [], user: true, inserted: true });
  return [
    k('nt!KiSwapContext+0x76'),
    k('nt!KiSwapThread+0x500'),
    k('nt!KiCommitThreadWait+0x14f'),
    k('nt!KeWaitForAlertByThreadId+0xc4'),
    k('nt!NtWaitForAlertByThreadId+0x1d'),
    k(ctx.x64 ? 'nt!KiSystemServiceCopyEnd+0x28' : 'nt!KiFastCallEntry+0x12a'),
    u('ntdll!NtWaitForAlertByThreadId+0x14', []),
    u('ntdll!RtlpWaitOnAddressWithTimeout+0x81', [waited]),
    u('ntdll!RtlpWaitOnAddress+0xae', [waited]),
    u('ntdll!RtlpWaitOnCriticalSection+0xfd', [cs]),
    u('ntdll!RtlpEnterCriticalSectionContended+0x1c4', [cs]),
    u('ntdll!RtlEnterCriticalSection+0x42', [cs]),
    ...callers,
  ];
}

function planAddressWait(ctx: Ctx, t: ThreadInfo, cs: bigint, what: string): void {
  if (t.replacedWait) return;
  const v = ctx.waitVariant;
  const lockCountOffset = BigInt(ctx.sw.off(CS, 'LockCount'));
  const waited = cs + (v.alertObject === 'lockcount' ? lockCountOffset : 0n);
  const object = v.alertObject === 'none' ? 0n : waited;
  t.replacedWait = { objects: [{ address: object, waitType: 'WaitAny' }], reason: 'WrAlertByThreadId', mode: 'UserMode', source: `${what}.waiters`, addressWait: true };
  if (t.s.waits && t.s.waits.length) ctx.note(`threads[${t.index}] ${t.s.address}: its wait (${t.s.waits.map((w) => w.object).join(', ')}) is laid out as this build's critical-section wait: WrAlertByThreadId on ${fmt(object)} (variant ${v.name})`);
  t.frames = addressWaitFrames(ctx, t, cs, waited);
}

/** Planning: waiters' waits and the frames that let a debugger recover the critical section. */
export function planCriticalSections(ctx: Ctx): void {
  const onAddress = csWaitsOnAddress(ctx);
  (ctx.s.criticalSections ?? []).forEach((c, i) => {
    const what = `criticalSections[${i}] (${c.address})`;
    const cs = ctx.addr(c.address);
    let ev: bigint | undefined;
    for (const w of c.waiters ?? []) {
      const t = ctx.thread(ctx.addr(w), what);
      if (!t) continue;
      if (onAddress) { planAddressWait(ctx, t, cs, what); continue; }
      if (!t.s.waits || !t.s.waits.length) {
        if (ev === undefined) {
          ev = ctx.pool(ctx.sw.size('_KEVENT'), `${what} LockSemaphore event`);
          dispatcherHeader(ctx, ev, 'EventSynchronizationObject', ctx.sw.size('_KEVENT'), 0);
        }
        t.implied.push({ objects: [{ address: ev, waitType: 'WaitAny' }], reason: 'UserRequest', mode: 'UserMode', source: `${what}.waiters` });
      }
      if (t.frames.some((f) => f.args.includes(cs))) continue;
      const empty = t.frames.find((f) => /^ntdll!Rtlp(WaitFor|WaitOn)CriticalSection(\+|$)/i.test(f.text) && !f.args.length);
      if (empty) { empty.args = [cs]; continue; }
      const f = insertUserFrame(t, csWaitRoutine(ctx), [cs]);
      ctx.note(`threads[${t.index}] ${t.s.address}: frame ${f.text} with argument ${fmt(cs)} inserted (waiter of ${what})`);
    }
  });
}

export function layoutCriticalSections(ctx: Ctx): void {
  const sw = ctx.sw;
  (ctx.s.criticalSections ?? []).forEach((c, i) => {
    const what = `criticalSections[${i}] (${c.address})`;
    const proc = ctx.addr(c.process);
    const us = ctx.userSpace(proc);
    if (!us) { ctx.note(`${what}: not laid out (no user memory in a ${ctx.s.system.dumpKind} dump)`); return; }
    const arena = ctx.userArena(proc)!;
    const a = ctx.addr(c.address);
    const owner = c.owner ? ctx.addr(c.owner) : undefined;
    let tid: bigint | undefined = c.ownerTid ? parseHex(c.ownerTid) : undefined;
    if (tid === undefined && owner !== undefined) {
      const t = ctx.threads.get(owner);
      if (t?.s.tid) tid = parseHex(t.s.tid);
    }
    const waiters = Math.max(c.waiterCount ?? 0, (c.waiters ?? []).length);
    const locked = tid !== undefined || owner !== undefined || waiters > 0 || (c.recursionCount ?? 0) > 0;
    const recursion = c.recursionCount ?? (locked ? 1 : 0);
    if (locked && tid === undefined) ctx.note(`${what}: locked but owner unknown; OwningThread 0`);
    sw.set(us, a, CS, 'LockCount', lockCount(ctx, locked, recursion, waiters));
    sw.set(us, a, CS, 'RecursionCount', recursion);
    sw.set(us, a, CS, 'OwningThread', tid ?? 0n);
    sw.set(us, a, CS, 'LockSemaphore', c.lockSemaphore ? parseHex(c.lockSemaphore) : 0n);
    const dbg = arena.alloc(sw.size(DBG), 8, `${what} debug info`);
    sw.set(us, a, CS, 'DebugInfo', dbg);
    sw.set(us, dbg, DBG, 'CriticalSection', a);
    sw.set(us, dbg, DBG, 'EntryCount', waiters);
    sw.set(us, dbg, DBG, 'ContentionCount', waiters);
    const head = ctx.globalAddr('ntdll', 'RtlCriticalSectionList');
    if (head === undefined) ctx.note('layout has no ntdll!RtlCriticalSectionList: critical sections are not on a list');
    else ctx.listInsertTail(us, head, dbg + BigInt(sw.off(DBG, 'ProcessLocksList')));
    ctx.mark(a, CS, us);
  });
}
