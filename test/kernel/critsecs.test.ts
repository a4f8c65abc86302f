// LockCount decoding (docs/kernel-structures.md §LockCount): the raw counter of NT 5.0/5.1 (and 2003 RTM) and the bit
// encoding of 2003 SP1 and later must give the same waiter count for the same state.
import { describe, expect, it } from 'vitest';
import { decodeLockCount, lockCountEncoding } from '../../src/kernel/critsecs';

/** LockCount as each encoding keeps a section locked with `recursion` and `waiters` (the builder's formulas). */
const raw = (recursion: number, waiters: number) => recursion - 1 + waiters;
const bitsOf = (waiters: number) => -2 - 4 * waiters;

describe('the encoding follows the OS version', () => {
  it('XP and 2000 keep the raw counter; 2003 (5.2) and later the bit encoding', () => {
    expect(lockCountEncoding({ major: 5, minor: 0 })).toBe('raw');
    expect(lockCountEncoding({ major: 5, minor: 1 })).toBe('raw');
    expect(lockCountEncoding({ major: 5, minor: 2 })).toBe('bits');
    expect(lockCountEncoding({ major: 6, minor: 1 })).toBe('bits');
    expect(lockCountEncoding({ major: 10, minor: 0 })).toBe('bits');
    expect(lockCountEncoding(undefined)).toBeUndefined();
  });
});

describe('decodeLockCount', () => {
  it('-1 is free in both encodings', () => {
    expect(decodeLockCount(-1, 0, 'raw')).toMatchObject({ locked: false, waiters: 0, inconsistent: false });
    expect(decodeLockCount(-1, 0, 'bits')).toMatchObject({ locked: false, waiters: 0, waiterWoken: false, inconsistent: false });
  });

  it('raw: waiters = LockCount - (RecursionCount - 1)', () => {
    expect(decodeLockCount(0, 1, 'raw')).toMatchObject({ locked: true, waiters: 0 });
    expect(decodeLockCount(6, 1, 'raw')).toMatchObject({ locked: true, waiters: 6 }); // seed 002-userinit 664a3fe0
    expect(decodeLockCount(9, 3, 'raw')).toMatchObject({ locked: true, waiters: 7 });
  });

  it('bits: bit 0 clear = locked, bit 1 clear = a waiter woken, waiters = (-1 - LockCount) >> 2', () => {
    expect(decodeLockCount(-210, 1, 'bits')).toMatchObject({ locked: true, waiters: 52, waiterWoken: false }); // seed 002-cs-high-contention
    expect(decodeLockCount(-22, 1, 'bits')).toMatchObject({ locked: true, waiters: 5, waiterWoken: false }); // the docs' example
    expect(decodeLockCount(-2, 1, 'bits')).toMatchObject({ locked: true, waiters: 0, waiterWoken: false });
    expect(decodeLockCount(-4, 1, 'bits')).toMatchObject({ locked: true, waiterWoken: true });
    expect(decodeLockCount(-5, 0, 'bits')).toMatchObject({ locked: false, waiters: 1 }); // released, one waiter not yet in
  });

  it('the same state gives the same waiter count in both encodings', () => {
    for (const recursion of [1, 2, 5]) {
      for (const waiters of [0, 1, 7, 52, 1000]) {
        const a = decodeLockCount(raw(recursion, waiters), recursion, 'raw');
        const b = decodeLockCount(bitsOf(waiters), recursion, 'bits');
        expect([a.locked, a.waiters]).toEqual([true, waiters]);
        expect([b.locked, b.waiters]).toEqual([true, waiters]);
      }
    }
  });

  it('a LONG read unsigned is taken as signed', () => {
    expect(decodeLockCount(0xffffff2e, 1, 'bits')).toMatchObject({ locked: true, waiters: 52 });
    expect(decodeLockCount(0xffffffff, 0, 'raw')).toMatchObject({ locked: false });
  });

  it('unknown version: the sign tells the encodings apart (they overlap only at -1)', () => {
    expect(decodeLockCount(6, 1, undefined)).toMatchObject({ encoding: 'raw', locked: true, waiters: 6 });
    expect(decodeLockCount(-210, 1, undefined)).toMatchObject({ encoding: 'bits', locked: true, waiters: 52 });
  });

  it('NT 5.2: a non-negative LockCount is Windows Server 2003 RTM, which still kept the raw counter', () => {
    expect(decodeLockCount(3, 1, 'bits', true)).toMatchObject({ encoding: 'raw', locked: true, waiters: 3, inconsistent: false });
    expect(decodeLockCount(-6, 1, 'bits', true)).toMatchObject({ encoding: 'bits', locked: true, waiters: 1 });
  });

  it('impossible values are flagged, never turned into negative counts', () => {
    expect(decodeLockCount(-7, 1, 'raw')).toMatchObject({ locked: false, waiters: 0, inconsistent: true });
    expect(decodeLockCount(0, 0, 'raw')).toMatchObject({ locked: true, waiters: 0, inconsistent: true });
    expect(decodeLockCount(4, 1, 'bits')).toMatchObject({ locked: true, waiters: 0, inconsistent: true });
  });
});
