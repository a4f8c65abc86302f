// Spin locks and in-stack queued spin locks (docs/kernel-structures.md §Spin locks).
import type { Ctx } from './context';

const LQ = '_KLOCK_QUEUE_HANDLE';
export const LOCK_QUEUE_WAIT = 1n;
export const LOCK_QUEUE_OWNER = 2n;

export function layoutSpinLocks(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  (ctx.s.spinLocks ?? []).forEach((l, i) => {
    const what = `spinLocks[${i}] (${l.address})`;
    const a = ctx.addr(l.address);
    const queue = l.queue ?? [];
    if (l.kind === 'SpinLock' || !queue.length) {
      if (l.owner) {
        k.writeUint(a, ctx.ptr, 1n);
        ctx.note(`${what}: held; lock word 1 (a spin lock records no owner; owner ${l.owner} is not in memory)`);
      }
      return;
    }
    const entries = queue.map((q) => ctx.addr(q.entry));
    const lqOff = BigInt(sw.off(LQ, 'LockQueue'));
    entries.forEach((e, j) => {
      const flag = j === 0 ? LOCK_QUEUE_OWNER : LOCK_QUEUE_WAIT;
      sw.set(k, e, LQ, 'LockQueue.Lock', a | flag);
      sw.set(k, e, LQ, 'LockQueue.Next', j + 1 < entries.length ? entries[j + 1]! + lqOff : 0n);
      const t = queue[j]!.thread ? ctx.threads.get(ctx.addr(queue[j]!.thread!)) : undefined;
      if (t && !(t.kstack.limit <= e && e < t.kstack.base)) ctx.note(`${what}.queue[${j}]: entry ${queue[j]!.entry} is not on its thread's kernel stack`);
    });
    k.writeUint(a, ctx.ptr, entries[entries.length - 1]! + lqOff);
  });
}
