// Push locks (docs/kernel-structures.md §Push locks): value bits only; push locks record no owner.
// Waiters wait WrPushLock on an event standing for their _EX_PUSH_LOCK_WAIT_BLOCK's WakeEvent (pool-allocated here;
// the wait-block chain hanging off the lock value is not modelled).
// Windows 8+: the owners a scenario names in `autoBoostOwners` and every waiter get a _KLOCK_ENTRY for the lock in
// their thread (lockEntries.ts), acquired / waiting, where the build keeps lock entries; waiters' stacks show
// nt!ExfAcquirePushLock*Ex with the lock as its first argument.
import type { Ctx } from './context';
import { recordLockEntry } from './lockEntries';
import { dispatcherHeader } from './objects';
import { findOrInsertKernelFrame } from './stacks';

const PL = '_EX_PUSH_LOCK';

export function planPushLocks(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const used = new Map<bigint, number>();
  (ctx.s.pushLocks ?? []).forEach((l, i) => {
    const what = `pushLocks[${i}] (${l.address})`;
    const a = ctx.addr(l.address);
    const waiters = l.waiters ?? [];
    const xp = !sw.has(PL, 'Locked');
    if (l.exclusive) sw.set(k, a, PL, xp ? 'Exclusive' : 'Locked', 1);
    if (l.sharedCount) {
      sw.set(k, a, PL, 'Shared', l.sharedCount);
      if (!xp) sw.set(k, a, PL, 'Locked', 1);
    }
    if (waiters.length) sw.set(k, a, PL, 'Waiting', 1);
    if (waiters.length) ctx.note(`${what}: Waiting bit set; the wait-block chain of the lock value is not modelled`);
    for (const [j, w] of waiters.entries()) {
      const t = ctx.thread(ctx.addr(w), what);
      if (!t) continue;
      const ev = ctx.pool(sw.size('_KEVENT'), `${what} waiter ${j} wake event`);
      dispatcherHeader(ctx, ev, 'EventSynchronizationObject', sw.size('_KEVENT'), 0);
      t.implied.push({ objects: [{ address: ev, waitType: 'WaitAny' }], reason: 'WrPushLock', mode: 'KernelMode', source: `${what}.waiters` });
      const f = findOrInsertKernelFrame(t, /^nt!Exf?AcquirePushLock/i, 'nt!ExfAcquirePushLockExclusiveEx+0x1a0');
      if (!f.args.length) f.args = [a];
      recordLockEntry(ctx, t.addr, a, 'waiting', used);
    }
    for (const o of l.autoBoostOwners ?? []) {
      const t = ctx.thread(ctx.addr(o), what);
      if (!t) continue;
      if (!recordLockEntry(ctx, t.addr, a, 'acquired', used)) ctx.note(`${what}: ${o}'s lock entry not laid out (${ctx.layout.name} keeps no AutoBoost lock entries in its threads)`);
    }
  });
}
