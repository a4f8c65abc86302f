// Ring ordering, pure: which slots of a circular buffer hold entries and in what time order.
// A driver writes `g_History[InterlockedIncrement(&g_Index) % MAX]` (seed 004); in a dump the
// array is in slot order and the index is a counter of any width. Counters and sequence numbers
// are handled as unsigned values of their width, split in two 32-bit halves (a 64-bit counter
// does not fit a JS number), and every modulo is computed on the halves (core/u64.ts).
import { u64AddSmall, u64Compare, u64FromNumber, u64Mask, u64Mod, u64Sub, u64ToDecimal, u64ToNumber, type U64 } from '../../core/u64';

/** How the index variable counts. */
export type IndexMode = 'pre' | 'post';

/** The time order of a ring: slots oldest to newest, and what the order rests on. */
export interface RingOrder {
  /** Slots oldest first (only slots that hold an entry). */
  slots: number[];
  /** Per position: the counter value that wrote the entry (index modes) or its sequence number (-seq), decimal. */
  sequences?: string[];
  /** The slot of the newest entry; undefined when the order is plain slot order. */
  newestSlot?: number;
  /** Every slot holds an entry (the writer has come round at least once); undefined in slot order. */
  wrapped?: boolean;
}

/**
 * Index semantics: `-pre` slot = ++index % N (InterlockedIncrement returns the new value: the first
 * write lands in slot 1 and after `index` writes the newest is slot index % N); `-post`
 * slot = index++ % N (the first write lands in slot 0; the newest is (index - 1) % N).
 * A ring that has not wrapped holds `index` entries; the others were never written.
 */
export function orderByIndex(capacity: number, index: U64, mode: IndexMode): RingOrder {
  if (capacity <= 0) return { slots: [], sequences: [], wrapped: false };
  const writes = index; // pre and post alike: the counter equals the number of writes so far
  const full = u64Compare(writes, u64FromNumber(capacity)) >= 0;
  const count = full ? capacity : (u64ToNumber(writes) as number);
  if (count === 0) return { slots: [], sequences: [], wrapped: false };
  // the counter value of the newest write: pre writes n to slot n % N (n = 1..index); post writes n to
  // slot n % N (n = 0..index-1)
  const newestWrite = mode === 'pre' ? writes : u64Sub(writes, { hi: 0, lo: 1 });
  const newestSlot = u64Mod(newestWrite, capacity);
  const slots: number[] = [];
  const sequences: string[] = [];
  const firstWrite = u64Sub(newestWrite, u64FromNumber(count - 1));
  for (let p = 0; p < count; p++) {
    slots.push((newestSlot - (count - 1 - p) + capacity * 2) % capacity);
    sequences.push(u64ToDecimal(u64AddSmall(firstWrite, p)));
  }
  return { slots, sequences, newestSlot, wrapped: full };
}

/**
 * A "next slot to write" index already reduced modulo N (the kernel's `_DEVICE_NODE.StateHistoryEntry`):
 * once wrapped, the next slot holds the oldest entry; before, slots 0..next-1 are the entries.
 * `nextSlotWritten` says whether the next slot already holds an entry (the ring has wrapped).
 */
export function orderByNextSlot(capacity: number, next: number, nextSlotWritten: boolean): RingOrder | undefined {
  if (next < 0 || next >= capacity || Math.floor(next) !== next) return undefined;
  const slots: number[] = [];
  if (nextSlotWritten) for (let i = 0; i < capacity; i++) slots.push((next + i) % capacity);
  else for (let i = 0; i < next; i++) slots.push(i);
  return { slots, newestSlot: slots.length ? slots[slots.length - 1] : undefined, wrapped: nextSlotWritten };
}

/**
 * `-seq <field>`: order by a per-entry sequence number that may itself have wrapped (unsigned, any
 * width). The written entries span a window far smaller than 2^width, so the largest circular gap
 * between sorted sequence values is where the counter wrapped: the entry after it is the oldest.
 * `sequences[slot]` is undefined for a slot that holds no entry (never written, unreadable).
 */
export function orderBySequence(capacity: number, sequences: (U64 | undefined)[], widthBits: number): RingOrder {
  const written: { slot: number; seq: U64 }[] = [];
  for (let slot = 0; slot < capacity; slot++) {
    const seq = sequences[slot];
    if (seq) written.push({ slot, seq });
  }
  written.sort((a, b) => u64Compare(a.seq, b.seq) || a.slot - b.slot);
  let start = 0;
  if (written.length > 1) {
    // the gap from the last value round to the first (the wrap of the counter) wins ties: no wrap
    let best = u64Mask(u64Sub(written[0].seq, written[written.length - 1].seq), widthBits);
    for (let i = 1; i < written.length; i++) {
      const gap = u64Sub(written[i].seq, written[i - 1].seq);
      if (u64Compare(gap, best) > 0) {
        best = gap;
        start = i;
      }
    }
  }
  const ordered = written.slice(start).concat(written.slice(0, start));
  return {
    slots: ordered.map((w) => w.slot),
    sequences: ordered.map((w) => u64ToDecimal(w.seq)),
    newestSlot: ordered.length ? ordered[ordered.length - 1].slot : undefined,
    wrapped: written.length === capacity,
  };
}

/** Plain slot order (no index, or a cache such as g_MyStructCache[2]): no time order claimed. */
export function slotOrder(capacity: number, include: (slot: number) => boolean = () => true): RingOrder {
  const slots: number[] = [];
  for (let slot = 0; slot < capacity; slot++) if (include(slot)) slots.push(slot);
  return { slots };
}

export interface Selection {
  /** Only entries whose text contains this (case-insensitive). */
  grep?: string;
  /** Only the newest N (after grep). */
  newest?: number;
}

/** `-grep` then `-n` over entries in time order (positions stay those of the whole ring). */
export function selectEntries<T>(entries: T[], selection: Selection, textOf: (e: T) => string): T[] {
  let out = entries;
  if (selection.grep !== undefined && selection.grep !== '') {
    const needle = selection.grep.toLowerCase();
    out = out.filter((e) => textOf(e).toLowerCase().indexOf(needle) >= 0);
  }
  if (selection.newest !== undefined && out.length > selection.newest) out = out.slice(out.length - selection.newest);
  return out;
}

/**
 * `-f a,b.c`: a field is kept when its path equals a requested name or lies under it
 * (`Irp` keeps `Irp.MajorFunction`), case-insensitively.
 */
export function fieldMatcher(names: string[]): { keep: (path: string) => boolean } {
  const wanted = names.map((n) => n.toLowerCase());
  return {
    keep: (path: string) => {
      const p = path.toLowerCase();
      return wanted.some((w) => p === w || p.startsWith(`${w}.`) || p.startsWith(`${w}[`));
    },
  };
}
