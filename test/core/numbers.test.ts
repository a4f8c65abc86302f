// Shared numeric primitives (src/core/numbers.ts).
import { describe, expect, it } from 'vitest';
import { hex4, SHARED_USER_DATA, TWO32 } from '../../src/core/numbers';

describe('core numbers', () => {
  it('TWO32 is 2^32', () => {
    expect(TWO32).toBe(2 ** 32);
  });

  it('hex4 pads ids to four digits as WinDbg prints them, and never cuts longer ones', () => {
    expect(hex4(0x4c)).toBe('004c');
    expect(hex4(0x1b20)).toBe('1b20');
    expect(hex4(0x12345)).toBe('12345');
  });

  it('SHARED_USER_DATA is MM_SHARED_USER_DATA_VA for both pointer sizes', () => {
    expect(SHARED_USER_DATA[4]).toBe('ffdf0000');
    expect(SHARED_USER_DATA[8]).toBe('fffff78000000000');
  });
});
