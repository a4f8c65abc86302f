// Queued spin locks as the kernel keeps them (docs/kernel-structures.md §Spin locks): each acquirer links a
// _KSPIN_LOCK_QUEUE { Next, Lock } (for in-stack queued locks the LockQueue of a KLOCK_QUEUE_HANDLE on
// its own stack) into a queue whose TAIL the lock word holds. Entry.Lock is the lock's address with two
// documented flags in its low bits: LOCK_QUEUE_WAIT (1) = still spinning for the predecessor to hand the
// lock over, LOCK_QUEUE_OWNER (2) = holds the lock. Nothing points backwards, so a waiter's predecessor
// is found by looking for the entry whose Next is the waiter: on stacks read once and scanned.
import { addrAnd, addrClearLow, addrCompare, addrDiff, addrAdd, isKernelAddress, isNull, type Addr } from '../core/addr';
import { ptr, type Bytes } from '../core/bytes';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import { getOrRead } from '../core/runCache';

export const LOCK_QUEUE_WAIT = 1;
export const LOCK_QUEUE_OWNER = 2;
/** Bytes of stack read for one scan: beyond any kernel stack (x64 large stacks are 72 KB) with room for relocated test images. */
export const MAX_STACK_SCAN = 0x40000;
const PAGE = 0x1000;
/** Queue entries followed from a waiter to the tail before giving up (a queue is as long as the processors spinning on it). */
const MAX_CHAIN = 64;
/** Lock words and queue entries read per run while validating candidates: random stack words must not cost unbounded reads. */
const MAX_VALIDATION_READS = 256;

export interface QueueEntry {
  /** The _KSPIN_LOCK_QUEUE (for an in-stack lock, the KLOCK_QUEUE_HANDLE's LockQueue). */
  address: Addr;
  next: Addr;
  /** Entry.Lock as stored, flags included. */
  lockValue: Addr;
  /** The spin lock: Lock without its flag bits. */
  lock: Addr;
  /** LOCK_QUEUE_WAIT or LOCK_QUEUE_OWNER. */
  flags: number;
}

export interface QueueOffsets {
  next: number;
  lock: number;
  size: number;
}

/** A piece of stack memory read in one go. */
export interface StackBytes {
  start: Addr;
  bytes: Bytes;
}

/**
 * Words of stack memory that have the shape of a queued-lock entry: exactly one of the two flags set,
 * a pointer-aligned kernel lock address under them, and Next null or a pointer-aligned kernel address.
 * Pure; callers still validate candidates against the lock word (random stack words can look like this).
 */
export function scanQueueEntries(block: StackBytes, pointerSize: number, o: QueueOffsets): QueueEntry[] {
  const out: QueueEntry[] = [];
  const b = block.bytes;
  for (let at = 0; at + o.size <= b.length; at += pointerSize) {
    const lockValue = ptr(b, at + o.lock, pointerSize);
    const flags = addrAnd(lockValue, 3);
    if (flags !== LOCK_QUEUE_WAIT && flags !== LOCK_QUEUE_OWNER) continue;
    const lock = addrClearLow(lockValue, 3);
    if (!isKernelAddress(lock, pointerSize) || addrAnd(lock, pointerSize - 1) !== 0) continue;
    const next = ptr(b, at + o.next, pointerSize);
    if (!isNull(next) && (!isKernelAddress(next, pointerSize) || addrAnd(next, pointerSize - 1) !== 0)) continue;
    out.push({ address: addrAdd(block.start, at), next, lockValue, lock, flags });
  }
  return out;
}

export function flagText(flags: number): string {
  return flags === LOCK_QUEUE_WAIT ? 'LOCK_QUEUE_WAIT' : flags === LOCK_QUEUE_OWNER ? 'LOCK_QUEUE_OWNER' : `flags ${flags}`;
}

/** A waiter's place in its queue, validated against the lock word. */
export interface QueuePosition {
  waiter: QueueEntry;
  /** The lock word's value: the tail entry. */
  tail: Addr;
  /** From the waiter to the tail, the waiter first. */
  toTail: Addr[];
}

/** Stack reads and lock-queue validation of one run (lock words and off-stack entries cached). */
export class QueuedLockReader {
  private readonly offsets: QueueOffsets | undefined;
  private readonly words = new Map<Addr, Addr | null>();
  private readonly entries = new Map<Addr, QueueEntry | null>();
  private reads = 0;

  constructor(private readonly k: KernelContext) {
    const layout: TypeLayout | undefined = k.type('_KSPIN_LOCK_QUEUE');
    const next = layout && layout.field('Next');
    const lock = layout && layout.field('Lock');
    this.offsets = layout && next && lock ? { next: next.offset, lock: lock.offset, size: layout.size } : undefined;
  }

  get known(): boolean {
    return this.offsets !== undefined;
  }

  /**
   * [low, high) of a kernel stack: one read when it is all readable, else page by page (a paged-out or
   * never-touched page costs its page, not the scan). Bounded by MAX_STACK_SCAN from the top.
   */
  readStack(low: Addr, high: Addr): StackBytes[] {
    const size = addrDiff(high, low);
    if (size === undefined || size <= 0) return [];
    const span = Math.min(size, MAX_STACK_SCAN);
    const start = addrAdd(high, -span);
    const whole = this.k.target.read(start, span);
    if (whole) return [{ start, bytes: whole }];
    const out: StackBytes[] = [];
    let at = start;
    // the first piece runs to the next page boundary
    let piece = PAGE - addrAnd(start, PAGE - 1);
    for (let done = 0; done < span; done += piece, at = addrAdd(at, piece), piece = PAGE) {
      const n = Math.min(piece, span - done);
      const bytes = this.k.target.read(at, n);
      if (bytes) out.push({ start: at, bytes });
    }
    return out;
  }

  /** Queue-entry-shaped words of the stack pieces. */
  scan(pieces: StackBytes[]): QueueEntry[] {
    const o = this.offsets;
    if (!o) return [];
    const out: QueueEntry[] = [];
    for (const p of pieces) out.push(...scanQueueEntries(p, this.k.pointerSize, o));
    return out;
  }

  /**
   * The waiter's position when it really is in the queue of its lock: following Next from it reaches
   * an entry with Next NULL that is the lock word's tail, every entry on the way naming the same lock.
   */
  position(waiter: QueueEntry, known: Map<Addr, QueueEntry>): QueuePosition | undefined {
    const word = this.lockWord(waiter.lock);
    if (word === undefined || isNull(word)) return undefined;
    const tail = addrClearLow(word, 3);
    const toTail: Addr[] = [waiter.address];
    let cur: QueueEntry = waiter;
    for (let i = 0; i < MAX_CHAIN; i++) {
      if (isNull(cur.next)) return cur.address === tail ? { waiter, tail, toTail } : undefined;
      const next = known.get(cur.next) || this.entryAt(cur.next);
      if (!next || next.lock !== waiter.lock || toTail.indexOf(next.address) >= 0) return undefined;
      toTail.push(next.address);
      cur = next;
    }
    return undefined;
  }

  /** The lock word (cached per lock); undefined when unreadable or over the read budget. */
  lockWord(lock: Addr): Addr | undefined {
    return getOrRead(this.words, lock, () => {
      const b = this.spend() ? this.k.target.read(lock, this.k.pointerSize) : undefined;
      return b ? ptr(b, 0, this.k.pointerSize) : undefined;
    });
  }

  /** A queue entry that is on no scanned stack (one read, cached). */
  private entryAt(address: Addr): QueueEntry | undefined {
    const o = this.offsets;
    if (!o) return undefined;
    return getOrRead(this.entries, address, () => {
      const b = this.spend() ? this.k.target.read(address, o.size) : undefined;
      if (!b) return undefined;
      const lockValue = ptr(b, o.lock, this.k.pointerSize);
      return { address, next: ptr(b, o.next, this.k.pointerSize), lockValue, lock: addrClearLow(lockValue, 3), flags: addrAnd(lockValue, 3) };
    });
  }

  private spend(): boolean {
    if (this.reads >= MAX_VALIDATION_READS) return false;
    this.reads++;
    return true;
  }
}

/** Candidates by address, for following Next without reads. */
export function entryMap(entries: QueueEntry[]): Map<Addr, QueueEntry> {
  const m = new Map<Addr, QueueEntry>();
  for (const e of entries) m.set(e.address, e);
  return m;
}

/** Innermost first: on a stack the most recent acquisition is the lowest address. */
export function innermostFirst(entries: QueueEntry[]): QueueEntry[] {
  return entries.slice().sort((a, b) => addrCompare(a.address, b.address));
}
