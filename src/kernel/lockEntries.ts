// AutoBoost lock entries (_KLOCK_ENTRY, Windows 8+): per thread, the push locks (and other locks) it holds or
// waits for, kept for priority boosting (KERNEL_AUTO_BOOST_INVALID_LOCK_RELEASE, bugcheck 0x162, is raised from
// that tracking). Where they are is probed from the symbols, never from a build number
// (docs/scenario-extensions.md "Push locks and lock entries"): an array member LockEntries of _ETHREAD, else of
// _KTHREAD (Windows 8 to 10 1903); a build whose threads have neither (Windows 11 24H2) records no owner a
// debugger can see. The entry's field order differs (11 21H2 puts LockState first): read by name only.
import { addrAdd, addrClearLow, addrFromParts, addrHigh, addrLow, isNull, type Addr } from '../core/addr';
import { StructView } from '../core/struct';
import type { FieldLayout, TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import type { ThreadInfo } from './model';
import { getOrRead } from '../core/runCache';

export interface LockEntry {
  /** The lock the entry tracks (flag bits cleared, kernel address canonical). */
  lock: Addr;
  acquired: boolean;
  waiting: boolean;
}

export class LockEntryReader {
  private readonly cache = new Map<Addr, LockEntry[] | null>();

  private constructor(
    private readonly k: KernelContext,
    private readonly entry: TypeLayout,
    private readonly array: FieldLayout,
    private readonly count: number,
  ) {}

  /** undefined when this build's threads keep no lock entries. */
  static create(k: KernelContext): LockEntryReader | undefined {
    const entry = k.type('_KLOCK_ENTRY');
    const thread = k.type('_ETHREAD');
    if (!entry || !thread || !(entry.field('LockState') || entry.field('LockUnsafe'))) return undefined;
    for (const path of ['LockEntries', 'Tcb.LockEntries']) {
      const f = thread.field(path);
      if (f && f.kind === 'array' && f.count && f.elementSize === entry.size) return new LockEntryReader(k, entry, f, f.count);
    }
    return undefined;
  }

  /** The thread's entries in use (one read of the array, cached). */
  entries(thread: ThreadInfo): LockEntry[] {
    return getOrRead(this.cache, thread.address, () => this.read(thread)) || [];
  }

  private read(thread: ThreadInfo): LockEntry[] | undefined {
    const k = this.k;
    const size = this.entry.size;
    const bytes = k.target.read(addrAdd(thread.address, this.array.offset), size * this.count);
    if (!bytes) return undefined;
    const out: LockEntry[] = [];
    for (let i = 0; i < this.count; i++) {
      const v = new StructView(this.entry, addrAdd(thread.address, this.array.offset + i * size), bytes, k.pointerSize, i * size);
      const raw = v.ptr('LockState.LockState') || v.ptr('LockUnsafe');
      if (!raw || isNull(raw)) continue;
      const acquired = flag(v, ['AcquiredBit', 'AcquiredByte']);
      // Windows 10 has WaitingBit, 11 21H2 WaitingByte; 8 and 8.1 mark a waited lock in LockState's own bit 0.
      const waiting = flag(v, ['WaitingBit', 'WaitingByte', 'LockState.Waiting']);
      if (!acquired && !waiting) continue;
      out.push({ lock: lockAddress(raw, k.pointerSize), acquired, waiting });
    }
    return out;
  }
}

function flag(v: StructView, names: string[]): boolean {
  for (const n of names) {
    const x = v.num(n);
    if (x !== undefined) return x !== 0;
  }
  return false;
}

/**
 * LockState holds the lock's address with flags in bits the address never uses: CrossThreadReleasable or (8, 8.1)
 * Waiting (bit 0), Busy (bit 1) and InTree (x64 bit 63, x86 bit 31 in the real tables). A push lock lives in system
 * space, whose addresses always have that top bit set, so it is restored whether InTree was set or not.
 */
export function lockAddress(raw: Addr, pointerSize: number): Addr {
  const cleared = addrClearLow(raw, 3);
  if (pointerSize !== 8) return addrFromParts((addrLow(cleared) | 0x80000000) >>> 0, 0);
  const high = addrHigh(cleared);
  // A kernel address with bit 63 used as a flag: sign-extend from bit 47 again.
  return (high & 0x8000) !== 0 ? addrFromParts(addrLow(cleared), (high | 0xffff0000) >>> 0) : cleared;
}

/** A push lock word as this build's _EX_PUSH_LOCK bit fields decode it. */
export interface PushLockWord {
  /** Locked (Vista+) or Exclusive (XP) set. */
  locked: boolean;
  waiting: boolean;
  /** The share count the word carries (0 while waiters are queued on Vista+: the word then points at wait blocks). */
  shares: number;
  /** Vista+ with waiters queued: the word points at wait blocks, and only MultipleShared tells several owners. */
  pointsAtWaitBlocks: boolean;
  multipleShared: boolean;
}

/**
 * One read of a push lock word, decoded through this build's _EX_PUSH_LOCK bit fields (XP: Waiting bit 0,
 * Exclusive bit 1, Shared from bit 2; Vista+: Locked bit 0, Waiting bit 1, MultipleShared bit 3, Shared from
 * bit 4). Undefined when the type is missing or the word unreadable.
 */
export function readPushLock(k: KernelContext, lock: Addr): PushLockWord | undefined {
  const type = k.type('_EX_PUSH_LOCK');
  const bytes = type && k.target.read(lock, type.size);
  if (!type || !bytes) return undefined;
  const v = new StructView(type, lock, bytes, k.pointerSize);
  const waiting = v.num('Waiting') === 1;
  const pointsAtWaitBlocks = waiting && v.has('Locked');
  return {
    locked: (v.num('Locked') || 0) + (v.num('Exclusive') || 0) > 0,
    waiting,
    shares: pointsAtWaitBlocks ? 0 : v.num('Shared') || 0,
    pointsAtWaitBlocks,
    multipleShared: v.num('MultipleShared') === 1,
  };
}
