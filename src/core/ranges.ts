// Membership of an address in a set of [base, end) ranges (loaded images), by binary search over the
// ranges sorted by base. Overlapping ranges are merged first, so one probe answers.
import { addrCompare, type Addr } from './addr';
import type { AddrRange } from './target';

export interface RangeSet {
  contains(address: Addr): boolean;
}

export function rangeSet(ranges: readonly AddrRange[]): RangeSet {
  const sorted = ranges.filter((r) => addrCompare(r.base, r.end) < 0).sort((a, b) => addrCompare(a.base, b.base));
  const merged: AddrRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && addrCompare(r.base, last.end) <= 0) {
      if (addrCompare(r.end, last.end) > 0) merged[merged.length - 1] = { base: last.base, end: r.end };
    } else merged.push(r);
  }
  return {
    contains(address: Addr): boolean {
      let lo = 0;
      let hi = merged.length; // first range whose base is above the address
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (addrCompare(merged[mid].base, address) <= 0) lo = mid + 1;
        else hi = mid;
      }
      return lo > 0 && addrCompare(address, merged[lo - 1].end) < 0;
    },
  };
}
