import { describe, expect, it } from 'vitest';
import { addrAdd, addrCompare, addrFromParts, addrHigh, addrLow, addrDiff, formatAddr, isCanonical, isKernelAddress, parseAddr } from '../../src/core/addr';
import { bits, ptr, sint } from '../../src/core/bytes';

describe('addresses are 64-bit safe strings', () => {
  it('normalises debugger spellings', () => {
    expect(parseAddr('0xFFFFE001`2345A080')).toBe('ffffe0012345a080');
    expect(parseAddr('00000000`89a9dc38')).toBe('89a9dc38');
    expect(parseAddr('0')).toBe('0');
    expect(parseAddr('svchost.exe')).toBeUndefined();
  });

  it('builds canonical hex from 32-bit halves (no leading zeros, every digit count)', () => {
    for (const v of [0, 1, 0xf, 0x10, 0xabc, 0xfffffff, 0x10000000, 0x89a9dc38, 0xffffffff]) {
      expect(addrFromParts(v, 0)).toBe(v.toString(16));
      expect(addrFromParts(v, 0x1)).toBe('1' + v.toString(16).padStart(8, '0'));
    }
    expect(addrFromParts(0x6f337040, 0xfffffade)).toBe('fffffade6f337040');
    expect(addrFromParts(0, 0x7ff)).toBe('7ff00000000');
  });

  it('adds across the 32-bit boundary and wraps at 2^64', () => {
    expect(addrAdd('fffffffe', 4)).toBe('100000002');
    expect(addrAdd('ffffffffffffffff', 1)).toBe('0');
    expect(addrAdd('fffff80000001000', -0x30)).toBe('fffff80000000fd0');
  });

  it('subtracts and compares without losing precision', () => {
    expect(addrDiff('fffffade6f337040', 'fffffade6f337000')).toBe(0x40);
    expect(addrCompare('fffffade6f337041', 'fffffade6f337040')).toBe(1);
    expect(addrCompare('89a9dc38', 'fffffade6f337040')).toBe(-1);
  });

  it('formats like WinDbg', () => {
    expect(formatAddr('89a9dc38', 4)).toBe('89a9dc38');
    expect(formatAddr('fffffade6f337040', 8)).toBe('fffffade`6f337040');
  });

  it('knows canonical and kernel halves', () => {
    expect(isCanonical('fffffade6f337040', 8)).toBe(true);
    expect(isCanonical('8000000000000000', 8)).toBe(false);
    expect(isKernelAddress('89a9dc38', 4)).toBe(true);
    expect(isKernelAddress('7c980600', 4)).toBe(false);
    expect(isKernelAddress('000007ff7b8c3500'.replace(/^0+/, ''), 8)).toBe(false);
  });

  it('decodes pointers, signed values and bit fields from bytes', () => {
    const b = [0x40, 0x70, 0x33, 0x6f, 0xde, 0xfa, 0xff, 0xff];
    expect(ptr(b, 0, 8)).toBe('fffffade6f337040');
    expect(ptr(b, 0, 4)).toBe('6f337040');
    expect(sint([0xea, 0xff, 0xff, 0xff], 0, 4)).toBe(-22);
    expect(bits([0x10, 0, 0, 0], 0, 4, 4, 1)).toBe(1);
    expect(bits([0, 0, 0x02, 0], 0, 4, 17, 1)).toBe(1);
  });
});

describe('address arithmetic agrees with 64-bit integers', () => {
  const big = (a: string) => BigInt('0x' + a);
  const samples = ['0', '1', 'fff', '7fffffff', '80000000', 'fffffff0', 'ffffffff', '100000000', '7fffffffffff', '800000000000',
    'ffff7fffffffffff', 'ffff800000000000', 'fffff80002a00ff8', 'fffffade6f337040', 'ffffffffffffffff', '1234567890ab', '12345678900'];
  const deltas = [0, 1, 8, 0x40, 0x1000, -1, -8, -0x30, 0x7fffffff, -0x80000000, 2 ** 40];

  it('addrAdd wraps modulo 2^64 with and without a carry into the high half', () => {
    for (const a of samples) for (const d of deltas) {
      expect(addrAdd(a, d)).toBe(BigInt.asUintN(64, big(a) + BigInt(d)).toString(16));
    }
  });

  it('addrDiff is exact whether or not the high halves match (undefined past 2^52)', () => {
    for (const a of samples) for (const d of deltas) {
      const b = addrAdd(a, d);
      const exact = big(b) - big(a);
      const abs = exact < 0n ? -exact : exact;
      expect(addrDiff(b, a)).toBe(abs < 2n ** 52n ? Number(exact) : undefined);
    }
  });

  it('addrHigh and addrLow split any canonical address exactly', () => {
    for (const a of samples) {
      expect(addrHigh(a)).toBe(Number(big(a) >> 32n));
      expect(addrLow(a)).toBe(Number(big(a) & 0xffffffffn));
    }
  });

  it('isCanonical on x64 means bits 47..63 all equal', () => {
    for (const a of samples) {
      const top = big(a) >> 47n;
      expect(isCanonical(a, 8)).toBe(top === 0n || top === 0x1ffffn);
    }
  });
});

describe('bit fields', () => {
  // The arithmetic definition, byte by byte: the reference for the integer fast path.
  function reference(b: number[], off: number, size: number, pos: number, len: number): number {
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(b[off + i]);
    return Number((value >> BigInt(pos)) & ((1n << BigInt(len)) - 1n));
  }

  it('agree with the arithmetic definition for every position and width in 1, 2, 4 and 8-byte units', () => {
    let state = 12345;
    const rand = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) & 0xff;
    for (let round = 0; round < 20; round++) {
      const b = Array.from({ length: 12 }, rand);
      for (const size of [1, 2, 4, 8]) {
        for (let pos = 0; pos < size * 8; pos++) {
          for (let len = 1; len <= Math.min(32, size * 8 - pos); len++) {
            expect(bits(b, 2, size, pos, len)).toBe(reference(b, 2, size, pos, len));
          }
        }
      }
    }
  });
});
