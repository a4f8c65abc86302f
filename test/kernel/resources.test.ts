// ERESOURCE owner values: threads, and owner pointers (ExSetResourceOwnerPointer) with both low bits set.
import { describe, expect, it } from 'vitest';
import { decodeOwnerValue } from '../../src/kernel/resources';

describe('decodeOwnerValue', () => {
  it('a KTHREAD value is the thread', () => {
    expect(decodeOwnerValue('86ba5638')).toEqual({ ownerPointer: false, thread: '86ba5638' });
    expect(decodeOwnerValue('ffffe0012345a080')).toEqual({ ownerPointer: false, thread: 'ffffe0012345a080' });
  });

  it('both low bits set: an owner pointer; the cleared value is the candidate thread (!locks "Actual Thread")', () => {
    expect(decodeOwnerValue('80ed0023')).toEqual({ ownerPointer: true, thread: '80ed0020' });
    expect(decodeOwnerValue('ffffe0012345a083')).toEqual({ ownerPointer: true, thread: 'ffffe0012345a080' });
  });

  it('one low bit alone is not the owner-pointer tag', () => {
    expect(decodeOwnerValue('80ed0021').ownerPointer).toBe(false);
    expect(decodeOwnerValue('80ed0022').ownerPointer).toBe(false);
  });
});
