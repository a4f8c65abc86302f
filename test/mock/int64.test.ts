import { describe, expect, it } from 'vitest';
import { createInt64Factory, installNumberMethods, nodeRealm, PRECISION_MESSAGE } from '../../mocks/host';
import { load } from './fixtures';

const f = createInt64Factory(nodeRealm);
const I = f.ctor as any;

describe('host.Int64 (docs/jsprovider.md §Int64)', () => {
  it('§Int64: Int64 is callable with and without new', () => {
    expect(new I(1337).toString(16)).toBe('539');
    expect(I(1337).toString(16)).toBe('539');
    expect(I(1337) instanceof I).toBe(true);
  });

  it('§Int64: Int64(low32, high32) and Int64(Int64)', () => {
    expect(I(0xffffffff, 0xffffffff).toString(16)).toBe('ffffffffffffffff');
    expect(I(0x2345a080, 0xffffe001).toString(16)).toBe('ffffe0012345a080');
    const x = I(5);
    expect(I(x)).toBe(x);
  });

  it('§Int64: equal values are the same object (interned), large values too', () => {
    expect(I(5)).toBe(I(5));
    expect(new I(5)).toBe(I(5));
    expect(I(0x2345a080, 0xffffe001)).toBe(f.parseInt64('ffffe0012345a080', 16));
    expect(I(1).add(1)).toBe(I(2));
    const m = new Map();
    m.set(I(0, 0x80000000), 'a');
    m.set(f.parseInt64('0x8000000000000000', 16), 'b');
    expect(m.size).toBe(1);
  });

  it('§Int64: Int64 objects are frozen objects, typeof object, not integers', () => {
    const x = I(7);
    expect(typeof x).toBe('object');
    expect(Number.isInteger(x)).toBe(false);
    expect(Object.isFrozen(x)).toBe(true);
  });

  it('§Int64: valueOf converts small values for +, <, == with numbers', () => {
    const x = I(1337) as any;
    expect(x + 1).toBe(1338);
    expect(x < 2000).toBe(true);
    expect(x == 1337).toBe(true);
    expect('v=' + x).toBe('v=1337');
  });

  it('§Int64: Int64 valueOf throws beyond 53 bits: +, <, ==, concatenation', () => {
    const big = f.parseInt64('0xdeadbeefbaadc0de', 16) as any;
    expect(() => big + 1).toThrow(PRECISION_MESSAGE);
    expect(() => big < 1).toThrow(PRECISION_MESSAGE);
    expect(() => big == 1).toThrow(PRECISION_MESSAGE);
    expect(() => 'x' + big).toThrow(PRECISION_MESSAGE);
    expect(() => big.asNumber()).toThrow('64 bit value loses precision on conversion to number');
  });

  it('§Int64: the precision edge: 2^53-2 converts, 2^53-1 throws [AMBIGUOUS, documented example]', () => {
    expect(f.make(2n ** 53n - 2n).asNumber()).toBe(2 ** 53 - 2);
    expect(() => f.make(2n ** 53n - 1n).asNumber()).toThrow(PRECISION_MESSAGE);
  });

  it('§Int64: kernel addresses are unsigned: valueOf throws, convertToNumber is positive', () => {
    const k = I(0x2345a080, 0xffffe001) as any;
    expect(() => k + 8).toThrow(PRECISION_MESSAGE);
    expect(f.parseInt64('0xdeadbeefbaadc0de', 16).convertToNumber() + 1).toBe(16045690984229355000);
    expect(I(-1).toString(16)).toBe('ffffffffffffffff');
  });

  it('§Int64: template literals use toString(), decimal by default [UNCONFIRMED: our choice]', () => {
    const big = f.parseInt64('0xffffffffffffffff', 16);
    expect(`${big}`).toBe('18446744073709551615');
    expect(String(I(255))).toBe('255');
  });

  it('§Int64: toString(16) is lower-case hex without 0x', () => {
    expect(f.parseInt64('0xDEADBEEFBAADC0DE', 16).toString(16)).toBe('deadbeefbaadc0de');
    expect(I(0x5be1ffcec0 % 2 ** 32, Math.floor(0x5be1ffcec0 / 2 ** 32)).toString(16)).toBe('5be1ffcec0');
    expect(I(10).toString(2)).toBe('1010');
  });

  it('§Int64: getLowPart/getHighPart are unsigned 32-bit numbers', () => {
    const x = I(0x2345a080, 0xffffe001);
    expect(x.getLowPart()).toBe(0x2345a080);
    expect(x.getHighPart()).toBe(0xffffe001);
    expect(I(-1).getLowPart()).toBe(0xffffffff);
  });

  it('§Int64: compareTo returns 1/0/-1 against numbers and Int64', () => {
    const a = I(1337);
    expect(a.compareTo(1)).toBe(1);
    expect(a.compareTo(1337)).toBe(0);
    expect(a.compareTo(1338)).toBe(-1);
    expect(I(0, 0xffffe001).compareTo(I(0, 0x7ff))).toBe(1); // unsigned: kernel > user
    expect(a.equals(1337)).toBe(true);
    expect(a.equals(I(1338))).toBe(false);
  });

  it('§Int64: arithmetic wraps at 64 bits and accepts numbers or Int64', () => {
    expect(I(-1).add(1)).toBe(I(0));
    expect(I(0).subtract(1).toString(16)).toBe('ffffffffffffffff');
    expect(I(0x10).multiply(I(0x10)).asNumber()).toBe(0x100);
    expect(I(100).divide(7).asNumber()).toBe(14);
    expect(() => I(1).divide(0)).toThrow(RangeError);
    expect(() => I(1).add('1')).toThrow(TypeError);
    const p = f.parseInt64('0x7FFFFFFFFFFFFFFF', 16);
    expect(p.add(p).toString(16)).toBe('fffffffffffffffe');
  });

  it('§Int64: bitwise methods; bitwiseShiftRight is arithmetic [UNCONFIRMED: our choice]', () => {
    expect(I(0xf0).bitwiseAnd(0x3c).asNumber()).toBe(0x30);
    expect(I(0xf0).bitwiseOr(0x0f).asNumber()).toBe(0xff);
    expect(I(0xff).bitwiseXor(0x0f).asNumber()).toBe(0xf0);
    expect(I(3).bitwiseShiftLeft(62).bitwiseNot().toString(16)).toBe('3fffffffffffffff');
    expect(I(1).bitwiseShiftLeft(40).toString(16)).toBe('10000000000');
    expect(I(0, 0x80000000).bitwiseShiftRight(4).toString(16)).toBe('f800000000000000');
    expect(I(0x100).bitwiseShiftRight(4).asNumber()).toBe(0x10);
    expect(() => I(1).bitwiseShiftLeft(64)).toThrow(RangeError);
  });

  it('§Int64: parseInt64 with radix 2/8/10/16 and 0x with 16 or no radix', () => {
    expect(f.parseInt64('0xdeadbeefbaadc0de', 16).toString(16)).toBe('deadbeefbaadc0de');
    expect(f.parseInt64('0x10').asNumber()).toBe(16);
    expect(f.parseInt64('1010', 2).asNumber()).toBe(10);
    expect(f.parseInt64('777', 8).asNumber()).toBe(511);
    expect(f.parseInt64('18446744073709551615', 10).toString(16)).toBe('ffffffffffffffff');
    expect(f.parseInt64('-1').toString(16)).toBe('ffffffffffffffff');
    expect(() => f.parseInt64('12', 7)).toThrow(RangeError);
    expect(() => f.parseInt64('xyz', 16)).toThrow();
    expect(() => f.parseInt64('1'.repeat(30), 16)).toThrow(RangeError);
  });

  it('§API versions: numbers get add/subtract/multiply/divide/asNumber/convertToNumber (in the script realm)', () => {
    const s = load(`
      function t() { return [(5).add(3), (5).subtract(1), (6).multiply(7), (7).divide(2), (9).asNumber(),
        (1).add(host.Int64(0xffffffff, 0)).toString(16)]; }
      function initializeScript() { return [new host.apiVersionSupport(1, 9), new host.functionAlias(t, 't')]; }`);
    expect(Array.from(s.run('!t').value as unknown[])).toEqual([8, 4, 42, 3, 9, '100000000']);
    // The Node realm is untouched.
    expect((5 as any).add).toBeUndefined();
    const proto = {};
    installNumberMethods(proto, f);
    expect(typeof (proto as any).add).toBe('function');
  });
});
