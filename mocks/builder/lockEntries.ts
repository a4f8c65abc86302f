// AutoBoost lock entries (_KLOCK_ENTRY, Windows 8+): the kernel records, per thread, the push locks (and other
// locks) it holds or waits for, for priority boosting (bugcheck 0x162 KERNEL_AUTO_BOOST_INVALID_LOCK_RELEASE exists
// because of that tracking). Where they live differs per build (checked on the real symbol tables, Volatility 3 ISF
// from JPCERTCC/Windows-Symbol-Tables and ntdiff/headers; docs/scenario-extensions.md "Push locks and lock entries"):
//   8.1 (6.3.9600), 10 1607 (14393): KTHREAD.LockEntries, _KLOCK_ENTRY[6] at KTHREAD+0x320, entry size 0x60;
//   10 2004..22H2 (19041): ETHREAD.LockEntries[6] at +0x650 (KTHREAD.LockEntries at +0x320 a pointer to it);
//   11 21H2 (22000): ETHREAD.LockEntries[6] at +0x6a0, entry reordered (LockState at +0);
//   11 24H2 (26100): neither ETHREAD (size 0x788) nor KTHREAD has LockEntries: not recorded where a debugger sees it.
// The mock layouts (mocks/layouts/, maintained elsewhere) do not list these types: the builder adds the real ones to
// the layouts of builds that have them, unless the layout already defines them.
import type { FieldDef, Layout, TypeDef } from '../format/typedef';
import type { Ctx } from './context';

const ENTRY = '_KLOCK_ENTRY';
const STATE = '_KLOCK_ENTRY_LOCK_STATE';
/** _KLOCK_ENTRY slots per thread on every build that has them. */
export const LOCK_ENTRY_SLOTS = 6;

const f = (name: string, offset: number, type: string, bitPos?: number, bitLen?: number): FieldDef =>
  bitPos === undefined ? { name, offset, type } : { name, offset, type, bitPos, bitLen };

/** 19041.804 (ISF 5278AFF86C341677D7D7835C85B7B844-1): the fields the analysis reads. */
const ENTRY_19041: TypeDef = {
  name: ENTRY, kind: 'struct', size: 0x60, fields: [
    f('TreeNode', 0x0, '_RTL_BALANCED_NODE'), f('EntryFlags', 0x18, 'ULONG'), f('StaticState', 0x18, 'ULONG', 0, 8),
    f('ThreadLocalFlags', 0x19, 'UCHAR'), f('WaitingBit', 0x19, 'UCHAR', 0, 1), f('AcquiredByte', 0x1a, 'UCHAR'), f('AcquiredBit', 0x1a, 'UCHAR', 0, 1),
    f('CrossThreadFlags', 0x1b, 'UCHAR'), f('LockState', 0x20, STATE), f('LockUnsafe', 0x20, 'VOID*'), f('EntryLock', 0x50, 'ULONG64'),
  ],
};
const STATE_TYPE: TypeDef = {
  name: STATE, kind: 'union', size: 0x10, fields: [
    f('CrossThreadReleasable', 0x0, 'ULONG64', 0, 1), f('Busy', 0x0, 'ULONG64', 1, 1), f('InTree', 0x0, 'ULONG64', 63, 1), f('LockState', 0x0, 'VOID*'),
  ],
};
const BALANCED_NODE: TypeDef = { name: '_RTL_BALANCED_NODE', kind: 'struct', size: 0x18, fields: [f('Left', 0x0, 'VOID*'), f('Right', 0x8, 'VOID*'), f('ParentValue', 0x10, 'ULONG64')] };

/** Per layout: where the entries are (as the real build keeps them). */
const PLACEMENT: Record<string, { ethread?: number; kthreadPointer?: number } | undefined> = {
  'win10-19041-x64': { ethread: 0x650, kthreadPointer: 0x320 },
};

function hasType(layout: Layout, name: string): boolean {
  return Object.values(layout.types).some((defs) => defs.some((d) => d.name === name));
}

/** The layout with the build's lock-entry types added (a copy; the layout itself is shared by every build). */
export function withLockEntries(layout: Layout): Layout {
  const place = PLACEMENT[layout.name];
  if (!place || hasType(layout, ENTRY)) return layout;
  const nt = layout.types.nt!.map((d) => {
    if (d.name === '_ETHREAD' && place.ethread !== undefined && !(d.fields || []).some((x) => x.name === 'LockEntries')) {
      return { ...d, fields: [...(d.fields || []), f('LockEntries', place.ethread, `${ENTRY}[${LOCK_ENTRY_SLOTS}]`)] };
    }
    if (d.name === '_KTHREAD' && place.kthreadPointer !== undefined && !(d.fields || []).some((x) => x.name === 'LockEntries')) {
      return { ...d, fields: [...(d.fields || []), f('LockEntries', place.kthreadPointer, `${ENTRY}*`)] };
    }
    return d;
  });
  const extra = [ENTRY_19041, STATE_TYPE, ...(hasType(layout, '_RTL_BALANCED_NODE') ? [] : [BALANCED_NODE])];
  return { ...layout, types: { ...layout.types, nt: [...nt, ...extra] }, provenance: [...layout.provenance, 'lock entries: mocks/builder/lockEntries.ts (ISF 19041.804)'] };
}

/** Where a thread's lock entries start, or undefined when this layout's threads keep none. */
export function lockEntriesOf(ctx: Ctx, thread: bigint): bigint | undefined {
  if (ctx.sw.has('_ETHREAD', 'LockEntries')) return thread + BigInt(ctx.sw.off('_ETHREAD', 'LockEntries'));
  if (ctx.sw.has('_ETHREAD', 'Tcb.LockEntries')) return thread + BigInt(ctx.sw.off('_ETHREAD', 'Tcb.LockEntries'));
  return undefined;
}

/** Fills the thread's next free lock entry for `lock` (acquired, or waiting for it); false when none is free or the build has none. */
export function recordLockEntry(ctx: Ctx, thread: bigint, lock: bigint, how: 'acquired' | 'waiting', used: Map<bigint, number>): boolean {
  const base = lockEntriesOf(ctx, thread);
  if (base === undefined) return false;
  const n = used.get(thread) ?? 0;
  if (n >= LOCK_ENTRY_SLOTS) { ctx.note(`thread ${thread.toString(16)}: all ${LOCK_ENTRY_SLOTS} lock entries used; push lock ${lock.toString(16)} not recorded`); return false; }
  used.set(thread, n + 1);
  const e = base + BigInt(n * ctx.sw.size(ENTRY));
  const k = ctx.kernel;
  // The lock's address in LockState (its low bits are the CrossThreadReleasable / Busy flags, clear here).
  ctx.sw.set(k, e, ENTRY, 'LockUnsafe', lock);
  if (how === 'acquired') ctx.sw.set(k, e, ENTRY, 'AcquiredBit', 1);
  else ctx.sw.set(k, e, ENTRY, 'WaitingBit', 1);
  if (ctx.sw.has('_ETHREAD', 'Tcb.LockEntries') && ctx.sw.has('_ETHREAD', 'LockEntries')) {
    ctx.sw.set(k, thread, '_ETHREAD', 'Tcb.LockEntries', base);
  }
  return true;
}
