// Push locks (kernel-structures.md §3.3): value bits only; push locks record no owner.
// Waiters wait WrPushLock on an event standing for their _EX_PUSH_LOCK_WAIT_BLOCK's WakeEvent (pool-allocated here;
// the wait-block chain hanging off the lock value is not modelled).
import type { Ctx } from './context';
import { dispatcherHeader } from './objects';

const PL = '_EX_PUSH_LOCK';

export function planPushLocks(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
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
    }
  });
}
