// Queue-entry candidates in raw stack bytes (src/kernel/queuedSpinLocks.ts).
import { describe, expect, it } from 'vitest';
import { flagText, innermostFirst, LOCK_QUEUE_OWNER, LOCK_QUEUE_WAIT, scanQueueEntries } from '../../src/kernel/queuedSpinLocks';

/** Little-endian words of `size` bytes. */
function words(size: number, values: bigint[]): number[] {
  const out: number[] = [];
  for (const v of values) for (let i = 0; i < size; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

const X86 = { next: 0, lock: 4, size: 8 };
const X64 = { next: 0, lock: 8, size: 16 };

describe('queue entries on an x86 stack', () => {
  // seed 001: a07beb94 { Next a07be200, Lock 831dabf6 } ... a07be200 { Next 0, Lock 831dabf5 }
  const bytes = words(4, [0x806ffa16n, 0xa07be200n, 0x831dabf6n, 0x00000000n, 0x831dabf5n, 0x12345678n]);
  const found = scanQueueEntries({ start: 'a07beb8c', bytes }, 4, X86);

  it('finds the owner and the waiter entries with their flags and lock', () => {
    const owner = found.find((e) => e.address === 'a07beb90');
    expect(owner).toEqual({ address: 'a07beb90', next: 'a07be200', lockValue: '831dabf6', lock: '831dabf4', flags: LOCK_QUEUE_OWNER });
    const waiter = found.find((e) => e.address === 'a07beb98');
    expect(waiter).toEqual({ address: 'a07beb98', next: '0', lockValue: '831dabf5', lock: '831dabf4', flags: LOCK_QUEUE_WAIT });
  });

  it('skips words without exactly one flag, user-space locks and misaligned Next', () => {
    expect(scanQueueEntries({ start: '1000', bytes: words(4, [0n, 0x831dabf7n]) }, 4, X86)).toEqual([]); // both flags
    expect(scanQueueEntries({ start: '1000', bytes: words(4, [0n, 0x831dabf4n]) }, 4, X86)).toEqual([]); // no flag
    expect(scanQueueEntries({ start: '1000', bytes: words(4, [0n, 0x0012f001n]) }, 4, X86)).toEqual([]); // user address
    expect(scanQueueEntries({ start: '1000', bytes: words(4, [0xa07be202n, 0x831dabf5n]) }, 4, X86)).toEqual([]); // odd Next
  });
});

describe('queue entries on an x64 stack', () => {
  it('needs the lock 8-byte aligned under the flags', () => {
    const ok = scanQueueEntries({ start: 'ffffd00000001000', bytes: words(8, [0n, 0xffffa00018ed5fa1n]) }, 8, X64);
    expect(ok).toHaveLength(1);
    expect(ok[0].lock).toBe('ffffa00018ed5fa0');
    const misaligned = scanQueueEntries({ start: 'ffffd00000001000', bytes: words(8, [0n, 0xffffa00018ed5fa5n]) }, 8, X64);
    expect(misaligned).toEqual([]);
  });
});

describe('helpers', () => {
  it('names the flags', () => {
    expect(flagText(LOCK_QUEUE_WAIT)).toBe('LOCK_QUEUE_WAIT');
    expect(flagText(LOCK_QUEUE_OWNER)).toBe('LOCK_QUEUE_OWNER');
  });

  it('orders the innermost (lowest) entry first', () => {
    const e = (address: string) => ({ address, next: '0', lockValue: '0', lock: '0', flags: 1 });
    expect(innermostFirst([e('a07beb94'), e('a07be200')]).map((x) => x.address)).toEqual(['a07be200', 'a07beb94']);
  });
});
