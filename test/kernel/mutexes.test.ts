// Fast/guarded mutex Count decoding (docs/kernel-structures.md §Fast and guarded mutexes): the NT 6.0 encoding switch.
import { describe, expect, it } from 'vitest';
import { decodeMutexCount } from '../../src/kernel/mutexes';

describe('decodeMutexCount', () => {
  it('NT 6.0+: bit 0 set is unlocked, waiters in units of 4, the woken bit ignored', () => {
    expect(decodeMutexCount(1, 6)).toEqual({ locked: false, waiters: 0 });
    expect(decodeMutexCount(0, 10)).toEqual({ locked: true, waiters: 0 });
    expect(decodeMutexCount(4 * 3, 6)).toEqual({ locked: true, waiters: 3 });
    expect(decodeMutexCount(4 * 3 + 2, 10)).toEqual({ locked: true, waiters: 3 });
    // released with waiters still counted (a waiter about to be woken)
    expect(decodeMutexCount(1 + 4 * 2, 10)).toEqual({ locked: false, waiters: 2 });
  });

  it('NT 5.x: 1 free, 0 owned, -n owned with n waiters', () => {
    expect(decodeMutexCount(1, 5)).toEqual({ locked: false, waiters: 0 });
    expect(decodeMutexCount(0, 5)).toEqual({ locked: true, waiters: 0 });
    expect(decodeMutexCount(-3, 5)).toEqual({ locked: true, waiters: 3 });
  });

  it('unknown OS version: not decoded', () => {
    expect(decodeMutexCount(-3, undefined)).toEqual({});
  });
});
