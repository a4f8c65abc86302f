// Fast and guarded mutexes, found from the event (or gate) their waiters block on: the mutex is the
// structure that embeds that object (CONTAINING_RECORD through _FAST_MUTEX.Event, or
// _KGUARDED_MUTEX.Gate where the build has that type). Owner is the owning KTHREAD; Count's encoding
// changed in NT 6.0 without any change to the field, so only it is decoded by the OS version.
import { isNull, type Addr } from '../core/addr';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import type { OsVersion } from './version';
import { getOrRead } from '../core/runCache';

export type MutexKind = 'fast-mutex' | 'guarded-mutex';

export interface MutexCount {
  /** Undefined when the encoding is not known (OS version unreadable). */
  locked?: boolean;
  /** Threads waiting, as Count records them. */
  waiters?: number;
}

export interface FastMutexInfo {
  address: Addr;
  kind: MutexKind;
  /** The structure it was read as (_FAST_MUTEX or _KGUARDED_MUTEX). */
  structure: string;
  /** The owning KTHREAD; undefined when NULL (not recorded). */
  owner: Addr | undefined;
  count: number;
  state: MutexCount;
  /** Times a thread had to wait for it. */
  contention: number;
}

/** Vista+ (FM_LOCK_BIT / GM_LOCK_BIT 1 = unlocked, bit 1 = waiter woken, waiters in units of 4 (GM_LOCK_WAITER_INC)). */
const LOCK_BIT = 1;
const WAITER_SHIFT = 2;

/**
 * Count, per docs/kernel-structures.md §Fast and guarded mutexes. NT 6.0+: bit 0 set = unlocked, waiters = Count >> 2. NT 5.x fast mutex:
 * a decrementing counter, 1 free, 0 owned, -n owned with n waiters.
 */
export function decodeMutexCount(count: number, ntMajor: number | undefined): MutexCount {
  if (ntMajor === undefined) return {};
  if (ntMajor >= 6) return { locked: (count & LOCK_BIT) === 0, waiters: (count >>> 0) >>> WAITER_SHIFT };
  return { locked: count <= 0, waiters: count < 0 ? -count : 0 };
}

interface MutexShape {
  layout: TypeLayout;
  /** The embedded object the waiters wait on ("Event" or "Gate"). */
  field: string;
}

export class MutexReader {
  private readonly cache = new Map<Addr, FastMutexInfo | null>();
  private readonly fast: MutexShape | undefined;
  private readonly guarded: MutexShape | undefined;

  constructor(
    private readonly k: KernelContext,
    private readonly version: OsVersion | undefined,
  ) {
    this.fast = shape(k.type('_FAST_MUTEX'));
    this.guarded = shape(k.type('_KGUARDED_MUTEX'));
  }

  /**
   * The mutex whose Event/Gate is `object`. A guarded mutex (wait reason, gate object or acquire frame) is read as
   * _KGUARDED_MUTEX where the build has it; from Windows 8 both are _FAST_MUTEX. Undefined when unreadable.
   */
  fromWaitObject(object: Addr, kind: MutexKind): FastMutexInfo | undefined {
    const s = kind === 'guarded-mutex' && this.guarded ? this.guarded : this.fast || this.guarded;
    if (!s) return undefined;
    const address = this.k.containing(object, s.layout, s.field);
    return getOrRead(this.cache, address, () => this.read(address, s, kind));
  }

  private read(address: Addr, s: MutexShape, kind: MutexKind): FastMutexInfo | undefined {
    const v = this.k.readStruct(s.layout, address, kind === 'guarded-mutex' ? 'guarded mutex' : 'fast mutex');
    if (!v) return undefined;
    const owner = v.ptr('Owner');
    const count = v.num('Count') || 0;
    const info: FastMutexInfo = {
      address,
      kind,
      structure: s.layout.name,
      owner: owner && !isNull(owner) ? owner : undefined,
      count,
      state: decodeMutexCount(count, this.version && this.version.major),
      contention: v.num('Contention') || 0,
    };
    if (this.version === undefined) {
      this.k.warnings.add('mutex-count-not-decoded', { object: kind, address, member: 'Count', value: count, reason: 'os-version-unknown' });
    }
    return info;
  }
}

function shape(layout: TypeLayout | undefined): MutexShape | undefined {
  if (!layout) return undefined;
  // Headers name the embedded object Gate in guarded mutexes and Event in fast mutexes: probe both.
  const field = layout.field('Gate') ? 'Gate' : layout.field('Event') ? 'Event' : undefined;
  return field ? { layout, field } : undefined;
}
