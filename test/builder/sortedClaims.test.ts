import { describe, expect, it } from 'vitest';
import { Space } from '../../mocks/builder/addressSpace';
import { SortedIntervals } from '../../mocks/builder/sortedClaims';

// A reference: the last interval starting below `end`, by linear scan.
function lastBefore(items: { start: bigint; end: bigint }[], end: bigint) {
  let best: { start: bigint; end: bigint } | undefined;
  for (const i of items) if (i.start < end && (!best || i.start > best.start)) best = i;
  return best;
}

describe('SortedIntervals', () => {
  it('answers like a linear scan after thousands of out-of-order inserts (chunks split)', () => {
    const set = new SortedIntervals<{ start: bigint; end: bigint }>();
    const all: { start: bigint; end: bigint }[] = [];
    let state = 7;
    const rand = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    const used = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      let slot = rand() % 100000;
      while (used.has(slot)) slot = (slot + 1) % 100000;
      used.add(slot);
      const item = { start: BigInt(slot * 16), end: BigInt(slot * 16 + 8) };
      set.insert(item);
      all.push(item);
    }
    expect(set.size).toBe(5000);
    for (let q = 0; q < 2000; q++) {
      const end = BigInt(rand() % 1700000);
      expect(set.lastStartingBefore(end)).toBe(lastBefore(all, end));
    }
    expect(set.lastStartingBefore(0n)).toBeUndefined();
  });
});

describe('Space claims', () => {
  it('finds overlaps with claims inserted before and after, and never between neighbours', () => {
    const s = new Space('kernel', null);
    for (let i = 2000; i > 0; i--) s.claim(BigInt(i * 0x100), 0x80, `s${i}`);
    expect(s.overlapping(0x1080n, 0x1100n)).toBeUndefined();
    expect(s.overlapping(0x1070n, 0x1090n)!.label).toBe('s16');
    expect(s.overlapping(0x1050n, 0x1060n)!.label).toBe('s16');
    expect(s.overlapping(0x10f0n, 0x1101n)!.label).toBe('s17');
    expect(() => s.claim(0x2040n, 0x10, 'clash')).toThrow(/clash .* overlaps s32/);
  });

  it('shares one zero page until written, and reads back what was written across pages', () => {
    const s = new Space('kernel', null);
    s.ensure(0x10000n, 0x5000);
    expect(s.read(0x10ff8n, 16)).toEqual(new Uint8Array(16));
    s.write(0x11ffcn, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect([...s.read(0x11ffcn, 8)!]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The write did not leak into the other zero pages.
    expect(s.read(0x13000n, 8)).toEqual(new Uint8Array(8));
    expect(s.read(0x10000n, 8)).toEqual(new Uint8Array(8));
    const r = s.ranges();
    expect(r).toHaveLength(1);
    expect(r[0]!.bytes.length).toBe(0x5000);
    expect([...r[0]!.bytes.subarray(0x1ffc, 0x2004)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
