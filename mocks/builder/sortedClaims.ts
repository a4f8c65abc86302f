// Disjoint intervals sorted by start, in chunks (a one-level B-tree): insertion splices a chunk of at
// most CHUNK entries, not one array of every claim, so laying out a 100k-thread system stays fast.
export interface Interval { start: bigint; end: bigint }

const CHUNK = 512;

export class SortedIntervals<T extends Interval> {
  private chunks: T[][] = [];

  get size(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /** The interval with the greatest start below `end`: the only one that can overlap [start, end). */
  lastStartingBefore(end: bigint): T | undefined {
    const cs = this.chunks;
    let lo = 0;
    let hi = cs.length; // first chunk whose first start >= end
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cs[mid]![0]!.start < end) lo = mid + 1; else hi = mid;
    }
    const chunk = cs[lo - 1];
    if (!chunk) return undefined;
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (chunk[mid]!.start < end) a = mid + 1; else b = mid;
    }
    return chunk[a - 1];
  }

  insert(item: T): void {
    const cs = this.chunks;
    if (!cs.length) {
      cs.push([item]);
      return;
    }
    let lo = 0;
    let hi = cs.length; // first chunk whose first start > item.start
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cs[mid]![0]!.start > item.start) hi = mid; else lo = mid + 1;
    }
    const index = lo === 0 ? 0 : lo - 1;
    const chunk = cs[index]!;
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (chunk[mid]!.start > item.start) b = mid; else a = mid + 1;
    }
    chunk.splice(a, 0, item);
    if (chunk.length > 2 * CHUNK) cs.splice(index + 1, 0, chunk.splice(CHUNK));
  }
}
