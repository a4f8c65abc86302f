// The lock address inside a _KLOCK_ENTRY's LockState: flag bits cleared, the system-space top bit restored
// (InTree is bit 63 on x64 and bit 31 on x86 in the real tables, mocks/layouts/).
import { describe, expect, it } from 'vitest';
import { lockAddress } from '../../src/kernel/lockEntries';

describe('lockAddress', () => {
  it('clears CrossThreadReleasable/Waiting and Busy', () => {
    expect(lockAddress('ffffa08c12345003', 8)).toBe('ffffa08c12345000');
    expect(lockAddress('88000001', 4)).toBe('88000000');
  });
  it('x64: a kernel address whose bit 63 (InTree) is clear is sign-extended again', () => {
    expect(lockAddress('7fffa08c12345002', 8)).toBe('ffffa08c12345000');
  });
  it('x86: a lock address whose bit 31 (InTree) is clear gets it back', () => {
    expect(lockAddress('08000101', 4)).toBe('88000100');
  });
});
