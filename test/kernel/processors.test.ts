// Which KiProcessorBlock entries to read (src/kernel/processors.ts).
import { describe, expect, it } from 'vitest';
import { entryCount } from '../../src/kernel/processors';

describe('processor block entries', () => {
  it('reads KeNumberProcessors entries, bounded by the array the symbols declare', () => {
    expect(entryCount(4, 32)).toBe(4);
    expect(entryCount(64, 32)).toBe(32);
  });

  it('uses whichever is known', () => {
    expect(entryCount(2, undefined)).toBe(2);
    expect(entryCount(undefined, 64)).toBe(64);
    expect(entryCount(undefined, undefined)).toBeUndefined();
  });
});
