// AutoBoost lock entries (_KLOCK_ENTRY, Windows 8+): the kernel records, per thread, the push locks (and other
// locks) it holds or waits for, for priority boosting (bugcheck 0x162 KERNEL_AUTO_BOOST_INVALID_LOCK_RELEASE exists
// because of that tracking). The layouts (mocks/layouts/, generated from the real symbol tables) carry the types and
// the LockEntries members where the build has them; this module only probes them, never a build name or number.
// What the real tables show (docs/scenario-extensions.md "Push locks and lock entries"):
//   - an array `_KTHREAD.LockEntries` (8, 8.1, 10 1607-1903), or an array `_ETHREAD.LockEntries` (10 2004+, 11 21H2),
//     on 10 2004..Server 2022 with a `_KTHREAD.LockEntries` pointer to the ETHREAD array;
//   - the entry's flags: AcquiredBit/WaitingBit (10), AcquiredByte/WaitingByte (11 21H2, entry reordered with
//     LockState first), or AcquiredByte and the LockState word's own Waiting bit (8, 8.1);
//   - none at all (XP..7, 11 24H2): the builder records nothing and the bundle says the owner is not recorded.
import type { Ctx } from './context';

const ENTRY = '_KLOCK_ENTRY';

/** Where a thread's lock-entry array is in this layout (a path in _ETHREAD) and how many slots it has, or undefined. */
export function lockEntryArray(ctx: Ctx): { path: string; slots: number } | undefined {
  if (!ctx.types.has(ENTRY)) return undefined;
  for (const path of ['LockEntries', 'Tcb.LockEntries']) {
    const f = ctx.types.field('_ETHREAD', path);
    const m = f && new RegExp(`^${ENTRY}\\[(\\d+)\\]$`).exec(f.type.trim());
    if (m) return { path, slots: Number(m[1]) };
  }
  return undefined;
}

/** Where a thread's lock entries start, or undefined when this layout's threads keep none. */
export function lockEntriesOf(ctx: Ctx, thread: bigint): bigint | undefined {
  const array = lockEntryArray(ctx);
  return array && thread + BigInt(ctx.sw.off('_ETHREAD', array.path));
}

/** Fills the thread's next free lock entry for `lock` (acquired, or waiting for it); false when none is free or the build has none. */
export function recordLockEntry(ctx: Ctx, thread: bigint, lock: bigint, how: 'acquired' | 'waiting', used: Map<bigint, number>): boolean {
  const array = lockEntryArray(ctx);
  if (!array) return false;
  const base = thread + BigInt(ctx.sw.off('_ETHREAD', array.path));
  const n = used.get(thread) ?? 0;
  if (n >= array.slots) { ctx.note(`thread ${thread.toString(16)}: all ${array.slots} lock entries used; push lock ${lock.toString(16)} not recorded`); return false; }
  used.set(thread, n + 1);
  const e = base + BigInt(n * ctx.sw.size(ENTRY));
  const k = ctx.kernel;
  const sw = ctx.sw;
  // The lock's address in LockState; its low bits are flags (CrossThreadReleasable or, on 8/8.1, Waiting; Busy).
  const flagOf = (names: string[]): string => {
    const name = names.find((x) => sw.has(ENTRY, x));
    if (!name) throw new Error(`${ENTRY} has none of ${names.join(', ')}: cannot record a lock entry`);
    return name;
  };
  if (how === 'acquired') {
    sw.set(k, e, ENTRY, 'LockUnsafe', lock);
    sw.set(k, e, ENTRY, flagOf(['AcquiredBit', 'AcquiredByte']), 1);
  } else if (sw.has(ENTRY, 'WaitingBit') || sw.has(ENTRY, 'WaitingByte')) {
    sw.set(k, e, ENTRY, 'LockUnsafe', lock);
    sw.set(k, e, ENTRY, flagOf(['WaitingBit', 'WaitingByte']), 1);
  } else {
    sw.set(k, e, ENTRY, 'LockUnsafe', lock);
    sw.set(k, e, ENTRY, flagOf(['LockState.Waiting']), 1);
  }
  return true;
}

/**
 * Where _KTHREAD has a LockEntries pointer to the ETHREAD array (10 2004..Server 2022), the kernel sets it for every
 * thread when it initialises the thread; the builder does the same.
 */
export function pointKthreadLockEntries(ctx: Ctx, thread: bigint): void {
  const array = lockEntryArray(ctx);
  const tcb = ctx.types.field('_ETHREAD', 'Tcb.LockEntries');
  if (!array || array.path === 'Tcb.LockEntries' || !tcb || !tcb.type.trim().endsWith('*')) return;
  ctx.sw.set(ctx.kernel, thread, '_ETHREAD', 'Tcb.LockEntries', thread + BigInt(ctx.sw.off('_ETHREAD', array.path)));
}
