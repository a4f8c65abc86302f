// SRW locks, condition variables and WaitOnAddress sleepers (docs/scenario-extensions.md, `srwLocks` and
// `addressWaits`): user-mode, complete dumps only, laid out per build as ntdll waits on them.
// - A layout whose _KWAIT_REASON has WrAlertByThreadId (Windows 8+): NtWaitForAlertByThreadId, wait reason
//   WrAlertByThreadId, KWAIT_BLOCK.Object = the lock / variable / address (wait variants: waitVariants.ts).
// - Vista/7 (SRW locks and condition variables exist, probed as a layout without LPC's ETHREAD.LpcReplyMessageId and
//   without WrAlertByThreadId): NtWaitForKeyedEvent, wait reason WrKeyedEvent, the wait on the thread's own
//   ETHREAD.KeyedWaitSemaphore, ETHREAD.KeyedWaitValue = the key (a wait block on the waiter's stack, not the lock).
//   WaitOnAddress does not exist there (Windows 8+).
// - XP/2003: none of these exist; not laid out (noted).
// The lock word: _RTL_SRWLOCK bits Locked 0x1, Waiting 0x2, Waking 0x4, MultipleShared 0x8, shared count from
// bit 4 while no waiter is queued; with waiters the upper bits point at the newest waiter's wait block.
import type { Ctx, FramePlan, ThreadInfo } from './context';
import { fmt } from './hex';
import { dispatcherHeader } from './objects';
import { hasWaitReason } from './waits';

const E = '_ETHREAD';

type Mechanism = 'alert' | 'keyed' | 'none';

export function userLockMechanism(ctx: Ctx): Mechanism {
  if (hasWaitReason(ctx, 'WrAlertByThreadId')) return 'alert';
  if (!ctx.sw.has(E, 'LpcReplyMessageId') && ctx.sw.has(E, 'KeyedWaitSemaphore') && ctx.sw.has(E, 'KeyedWaitValue')) return 'keyed';
  return 'none';
}

const ALERT_KERNEL = ['nt!KiSwapContext+0x76', 'nt!KiSwapThread+0x500', 'nt!KiCommitThreadWait+0x14f', 'nt!KeWaitForAlertByThreadId+0xc4', 'nt!NtWaitForAlertByThreadId+0x1d'];
const KEYED_KERNEL = ['nt!KiSwapContext+0x26', 'nt!KiSwapThread+0x266', 'nt!KiCommitThreadWait+0x1df', 'nt!KeWaitForSingleObject+0x393', 'nt!KiWaitForKeyedEvent+0xa4', 'nt!NtWaitForKeyedEvent+0x13a'];

/** The scenario's own user frames below ntdll/KernelBase's synchronisation routines (the callers), kept. */
function callersOf(t: ThreadInfo): FramePlan[] {
  let last = -1;
  t.frames.forEach((f, i) => { if (!f.user || /^(nt|ntdll|kernelbase|kernel32)!/i.test(f.text)) last = i; });
  return t.frames.slice(last + 1);
}

function frames(ctx: Ctx, t: ThreadInfo, mechanism: Mechanism, user: [string, bigint[]][]): FramePlan[] {
  const k = (text: string): FramePlan => ({ text, args: [], user: false, inserted: true });
  const u = ([text, args]: [string, bigint[]]): FramePlan => ({ text, args: ctx.waitVariant.sectionOnStack ? args : [], user: true, inserted: true });
  const kernel = mechanism === 'alert' ? ALERT_KERNEL : KEYED_KERNEL;
  const entry = ctx.x64 ? 'nt!KiSystemServiceCopyEnd+0x28' : 'nt!KiFastCallEntry+0x12a';
  const stub: [string, bigint[]] = mechanism === 'alert' ? ['ntdll!NtWaitForAlertByThreadId+0x14', []] : ['ntdll!ZwWaitForKeyedEvent+0x15', []];
  return [...kernel.map(k), k(entry), u(stub), ...user.map(u), ...callersOf(t)];
}

function layWait(ctx: Ctx, t: ThreadInfo, mechanism: Mechanism, waited: bigint, source: string, user: [string, bigint[]][], keyedKey: () => bigint): void {
  if (t.replacedWait) { ctx.note(`threads[${t.index}] ${t.s.address}: already waits as laid out by another section; ${source} ignored for it`); return; }
  if (mechanism === 'alert') {
    const object = ctx.waitVariant.alertObject === 'none' ? 0n : waited;
    t.replacedWait = { objects: [{ address: object, waitType: 'WaitAny' }], reason: 'WrAlertByThreadId', mode: 'UserMode', source, addressWait: true };
  } else {
    // Vista/7 keyed event: the thread waits on its own KeyedWaitSemaphore with KeyedWaitValue = the key.
    const sem = t.addr + BigInt(ctx.sw.off(E, 'KeyedWaitSemaphore'));
    dispatcherHeader(ctx, sem, 'SemaphoreObject', ctx.sw.size('_KSEMAPHORE'), 0);
    ctx.sw.set(ctx.kernel, t.addr, E, 'KeyedWaitValue', keyedKey());
    t.replacedWait = { objects: [{ address: sem, waitType: 'WaitAny' }], reason: 'WrKeyedEvent', mode: 'UserMode', source };
  }
  t.frames = frames(ctx, t, mechanism, user);
}

/** A stand-in for a wait block on a waiter's stack (the SRW lock word's pointer, a keyed-event key). */
function stackWaitBlock(ctx: Ctx, proc: bigint, label: string): bigint {
  return ctx.userArena(proc)!.alloc(0x40n, 16, label);
}

export function planSrwLocks(ctx: Ctx): void {
  const mechanism = userLockMechanism(ctx);
  (ctx.s.srwLocks ?? []).forEach((l, i) => {
    const what = `srwLocks[${i}] (${l.address})`;
    const proc = ctx.addr(l.process);
    const us = ctx.userSpace(proc);
    if (!us) { ctx.note(`${what}: not laid out (no user memory in a ${ctx.s.system.dumpKind} dump)`); return; }
    if (mechanism === 'none') { ctx.note(`${what}: SRW locks do not exist on ${ctx.layout.name} (Vista+); not laid out`); return; }
    const a = ctx.addr(l.address);
    us.claim(a, ctx.ptr, `${what} (RTL_SRWLOCK)`);
    const exclusive = l.waiters ?? [];
    const shared = l.sharedWaiters ?? [];
    const all = [...exclusive.map((w) => ({ w, mode: 'Exclusive' })), ...shared.map((w) => ({ w, mode: 'Shared' }))];
    const held = !!l.exclusive || (l.sharedCount ?? 0) > 0;
    let word = 0n;
    if (held) word |= 1n;
    if (all.length) {
      word |= 2n | stackWaitBlock(ctx, proc, `${what} newest waiter's wait block`);
      if ((l.sharedCount ?? 0) > 1) word |= 8n;
    } else if (l.sharedCount) word |= BigInt(l.sharedCount) << 4n;
    us.writeUint(a, ctx.ptr, word);
    for (const { w, mode } of all) {
      const t = ctx.thread(ctx.addr(w), what);
      if (!t) continue;
      layWait(ctx, t, mechanism, a, `${what}.waiters`, [
        [mechanism === 'alert' ? `ntdll!RtlpAcquireSRWLock${mode}Contended+0x2c2` : `ntdll!RtlAcquireSRWLock${mode}+0x12e`, [a]],
        ...(mechanism === 'alert' ? [[`ntdll!RtlAcquireSRWLock${mode}+0x4b`, [a]] as [string, bigint[]]] : []),
      ], () => stackWaitBlock(ctx, proc, `${what} key of ${fmt(t.addr)}`));
    }
  });
}

export function planAddressWaits(ctx: Ctx): void {
  const mechanism = userLockMechanism(ctx);
  (ctx.s.addressWaits ?? []).forEach((c, i) => {
    const what = `addressWaits[${i}] (${c.address})`;
    const proc = ctx.addr(c.process);
    const us = ctx.userSpace(proc);
    if (!us) { ctx.note(`${what}: not laid out (no user memory in a ${ctx.s.system.dumpKind} dump)`); return; }
    if (mechanism === 'none' || (mechanism === 'keyed' && c.kind === 'wait-on-address')) {
      ctx.note(`${what}: ${c.kind} does not exist on ${ctx.layout.name}; not laid out`);
      return;
    }
    const a = ctx.addr(c.address);
    us.claim(a, ctx.ptr, `${what} (${c.kind})`);
    const lock = c.lock ? ctx.addr(c.lock) : 0n;
    const srw = c.lockKind === 'srw-lock';
    for (const w of c.waiters ?? []) {
      const t = ctx.thread(ctx.addr(w), what);
      if (!t) continue;
      const addressFrames: [string, bigint[]][] = mechanism === 'alert' ? [['ntdll!RtlpWaitOnAddressWithTimeout+0x81', [a]], ['ntdll!RtlpWaitOnAddress+0xae', [a]]] : [];
      const user: [string, bigint[]][] =
        c.kind === 'wait-on-address'
          ? [...addressFrames, ['ntdll!RtlWaitOnAddress+0x27', [a]], ['KERNELBASE!WaitOnAddress+0x2e', [a]]]
          : [
              ...addressFrames,
              [`ntdll!RtlSleepConditionVariable${srw ? 'SRW' : 'CS'}+0x12c`, [a, lock]],
              [`KERNELBASE!SleepConditionVariable${srw ? 'SRW' : 'CS'}+0x3b`, [a, lock]],
            ];
      layWait(ctx, t, mechanism, a, `${what}.waiters`, user, () => stackWaitBlock(ctx, proc, `${what} key of ${fmt(t.addr)}`));
    }
  });
}
