import { describe, expect, it } from 'vitest';
import { rangeSet } from '../../src/core/ranges';

describe('rangeSet', () => {
  const images = rangeSet([
    { base: 'fffff80002a00000', end: 'fffff80002ff0000' },
    { base: '8f001000', end: '8f003000' },
    { base: '8f002000', end: '8f004000' }, // overlaps the previous one: merged
    { base: '10000000', end: '10000000' }, // empty: ignored
  ]);

  it('contains the bases, not the ends, across 32-bit and 64-bit addresses', () => {
    expect(images.contains('8f001000')).toBe(true);
    expect(images.contains('8f003fff')).toBe(true);
    expect(images.contains('8f004000')).toBe(false);
    expect(images.contains('8f000fff')).toBe(false);
    expect(images.contains('fffff80002a00010')).toBe(true);
    expect(images.contains('fffff80002ff0000')).toBe(false);
    expect(images.contains('10000000')).toBe(false);
    expect(images.contains('0')).toBe(false);
  });

  it('an empty set contains nothing', () => {
    expect(rangeSet([]).contains('8f001000')).toBe(false);
  });
});
