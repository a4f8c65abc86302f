// Fast and guarded mutexes (docs/kernel-structures.md §Fast and guarded mutexes): Owner, Count (per-version encoding), Contention, waiters on
// the mutex's Event/Gate with WrFastMutex / WrGuardedMutex where the layout's _KWAIT_REASON has them, else Executive.
import type { Ctx } from './context';
import { dispatcherHeader } from './objects';
import { mutexStruct } from './plan';
import { hasWaitReason } from './waits';

/**
 * Count encoding. NT 5.x fast mutex: 1 free, 0 owned, -n owned with n waiters (decrementing counter).
 * NT 6.0+ (guarded mutexes, and fast mutexes from then on): bit 0 = 1 free / 0 locked, bit 1 = waiter woken,
 * waiters counted in units of 4 (GM_LOCK_WAITER_INC). This is the one version-number decision here: the kernel
 * changed the encoding without changing the field.
 */
export function mutexCount(ctx: Ctx, locked: boolean, waiters: number): number {
  if (ctx.layout.ntMajor < 6) return locked ? -waiters : 1;
  return locked ? 4 * waiters : 1;
}

export function planFastMutexes(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  (ctx.s.fastMutexes ?? []).forEach((m, i) => {
    const what = `fastMutexes[${i}] (${m.address})`;
    const a = ctx.addr(m.address);
    const T = mutexStruct(ctx, m.kind);
    if (m.kind === 'GuardedMutex' && T === '_FAST_MUTEX') ctx.note(`${what}: layout has no _KGUARDED_MUTEX; laid out as _FAST_MUTEX`);
    const waiters = (m.waiters ?? []).map((w) => ctx.addr(w));
    const locked = !!m.owner || waiters.length > 0;
    if (m.owner) sw.set(k, a, T, 'Owner', ctx.addr(m.owner));
    else if (waiters.length) ctx.note(`${what}: owner not given; Owner NULL although the mutex is held (waiters)`);
    sw.set(k, a, T, 'Count', mutexCount(ctx, locked, waiters.length));
    sw.set(k, a, T, 'Contention', waiters.length);
    const evField = sw.has(T, 'Gate') ? 'Gate' : 'Event';
    const ev = a + BigInt(sw.off(T, evField));
    const evType = sw.req(T, evField).type;
    if (evType === '_KGATE') dispatcherHeader(ctx, ev, 'GateObject', sw.size('_KGATE'), 0);
    else dispatcherHeader(ctx, ev, 'EventSynchronizationObject', sw.size('_KEVENT'), 0);
    ctx.mark(a, T);
    const want = m.kind === 'GuardedMutex' ? 'WrGuardedMutex' : 'WrFastMutex';
    const reason = hasWaitReason(ctx, want) ? want : 'Executive';
    for (const w of waiters) {
      ctx.thread(w, what)?.implied.push({ objects: [{ address: ev, waitType: 'WaitAny' }], reason, mode: 'KernelMode', source: `${what}.waiters` });
    }
  });
}
