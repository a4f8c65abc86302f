// Unsigned 64-bit integers as two unsigned 32-bit halves: a counter, sequence number or field of any
// width read from a dump (a 64-bit value does not fit a JS number, and the bundle has no BigInt).
// Every operation works on the halves.
import { TWO32 } from './numbers';

/** An unsigned 64-bit value as two unsigned 32-bit halves. */
export interface U64 {
  hi: number;
  lo: number;
}

/**
 * The integer of `size` bytes at `off`, as the unsigned value of its width (a signed -1 in a LONG
 * is 0xffffffff): the C code that indexes a ring does `ULONG Index = InterlockedIncrement(...)`.
 */
export function u64FromBytes(b: ArrayLike<number>, off: number, size: number): U64 {
  let lo = 0;
  let hi = 0;
  for (let i = Math.min(size, 8) - 1; i >= 0; i--) {
    const byte = b[off + i] & 0xff;
    if (i >= 4) hi = hi * 256 + byte;
    else lo = lo * 256 + byte;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** A JS integer as the unsigned value of `widthBits` (negative numbers in two's complement). */
export function u64FromNumber(n: number, widthBits = 64): U64 {
  if (n >= 0) {
    const v = { hi: Math.floor(n / TWO32) >>> 0, lo: n % TWO32 >>> 0 };
    return u64Mask(v, widthBits);
  }
  // two's complement of |n| over 64 bits, then cut to the width
  const m = -n;
  let lo = (TWO32 - (m % TWO32)) % TWO32;
  let hi = TWO32 - 1 - (Math.floor(m / TWO32) % TWO32);
  if (lo === 0) hi = (hi + 1) % TWO32;
  return u64Mask({ hi: hi >>> 0, lo: lo >>> 0 }, widthBits);
}

/** Hex digits (no 0x), up to 16. */
export function u64FromHex(text: string): U64 | undefined {
  const t = text.replace(/^0+/, '') || '0';
  if (!/^[0-9a-f]{1,16}$/i.test(t)) return undefined;
  const lo = parseInt(t.slice(-8), 16);
  const hi = t.length > 8 ? parseInt(t.slice(0, t.length - 8), 16) : 0;
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

export function u64Mask(a: U64, widthBits: number): U64 {
  if (widthBits >= 64) return a;
  if (widthBits > 32) return { hi: (a.hi % 2 ** (widthBits - 32)) >>> 0, lo: a.lo };
  return { hi: 0, lo: widthBits === 32 ? a.lo : (a.lo % 2 ** widthBits) >>> 0 };
}

export function u64Compare(a: U64, b: U64): number {
  if (a.hi !== b.hi) return a.hi < b.hi ? -1 : 1;
  return a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0;
}

/** a - b modulo 2^64. */
export function u64Sub(a: U64, b: U64): U64 {
  let lo = a.lo - b.lo;
  let borrow = 0;
  if (lo < 0) {
    lo += TWO32;
    borrow = 1;
  }
  let hi = a.hi - b.hi - borrow;
  if (hi < 0) hi += TWO32;
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** a + n (n a non-negative JS integer below 2^53) modulo 2^64. */
export function u64AddSmall(a: U64, n: number): U64 {
  const lo = a.lo + (n % TWO32);
  const carry = Math.floor(lo / TWO32) + Math.floor(n / TWO32);
  return { hi: (a.hi + carry) % TWO32 >>> 0, lo: lo % TWO32 >>> 0 };
}

/** (x * y) mod n without precision loss, for x, y < n < 2^52. */
function mulMod(x: number, y: number, n: number): number {
  if (x * y < 2 ** 53) return (x * y) % n;
  let result = 0;
  let base = x % n;
  let k = y;
  while (k > 0) {
    if (k % 2 === 1) result = (result + base) % n;
    base = (base * 2) % n;
    k = Math.floor(k / 2);
  }
  return result;
}

/** a mod n (n a positive JS integer below 2^52). */
export function u64Mod(a: U64, n: number): number {
  return (mulMod(a.hi % n, TWO32 % n, n) + (a.lo % n)) % n;
}

/** The value as a JS number when exact (below 2^53), else undefined. */
export function u64ToNumber(a: U64): number | undefined {
  return a.hi < 2 ** 21 ? a.hi * TWO32 + a.lo : undefined;
}

export function u64ToHex(a: U64): string {
  return a.hi === 0 ? a.lo.toString(16) : a.hi.toString(16) + a.lo.toString(16).padStart(8, '0');
}

/** Decimal digits, exact for the whole 64-bit range (long division by 10 on 16-bit limbs). */
export function u64ToDecimal(a: U64): string {
  const exact = u64ToNumber(a);
  if (exact !== undefined) return String(exact);
  let limbs = [a.hi >>> 16, a.hi & 0xffff, a.lo >>> 16, a.lo & 0xffff];
  let digits = '';
  while (limbs.some((l) => l !== 0)) {
    let rem = 0;
    limbs = limbs.map((l) => {
      const cur = rem * 65536 + l;
      rem = cur % 10;
      return Math.floor(cur / 10);
    });
    digits = String(rem) + digits;
  }
  return digits || '0';
}
