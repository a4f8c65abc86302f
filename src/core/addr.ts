// Target addresses inside waitchain: canonical lower-case hex strings without 0x, without a
// backtick and without leading zeros ("0" is null). One representation everywhere: usable as a
// Map key, printable as JSON, and free of JS-number precision loss on 64-bit kernel addresses.
// Arithmetic splits the value into two 32-bit halves.
import { TWO32 } from './numbers';

export type Addr = string;

export const NULL_ADDR: Addr = '0';


/** Builds an address from unsigned 32-bit halves. */
export function addrFromParts(low: number, high: number): Addr {
  if (high === 0) return hexNoZeros(low >>> 0);
  const h = high >>> 0;
  return h >= 0x10000000 ? hex16(h, low >>> 0) : hexNoZeros(h) + hex8(low >>> 0);
}

// Addresses are built a million times on a 100k-thread system: one String.fromCharCode makes one flat
// string, where concatenating digit pairs makes several intermediate strings and a rope.
const NIBBLE_HEX = '0123456789abcdef';
const HEX_CODES: number[] = [];
for (let i = 0; i < 16; i++) HEX_CODES.push(NIBBLE_HEX.charCodeAt(i));
const X = HEX_CODES;

/** Eight hex digits of a 32-bit value, zero-padded (also LPC/ALPC message ids as `!lpc message` takes them). */
export function hex8(v: number): string {
  return String.fromCharCode(X[v >>> 28], X[(v >>> 24) & 15], X[(v >>> 20) & 15], X[(v >>> 16) & 15],
    X[(v >>> 12) & 15], X[(v >>> 8) & 15], X[(v >>> 4) & 15], X[v & 15]);
}

/** Sixteen digits of a high half with its top digit set (x64 kernel addresses). */
function hex16(h: number, l: number): string {
  return String.fromCharCode(X[h >>> 28], X[(h >>> 24) & 15], X[(h >>> 20) & 15], X[(h >>> 16) & 15],
    X[(h >>> 12) & 15], X[(h >>> 8) & 15], X[(h >>> 4) & 15], X[h & 15],
    X[l >>> 28], X[(l >>> 24) & 15], X[(l >>> 20) & 15], X[(l >>> 16) & 15],
    X[(l >>> 12) & 15], X[(l >>> 8) & 15], X[(l >>> 4) & 15], X[l & 15]);
}

/** An unsigned 32-bit value in hex without leading zeros: Number#toString(16) is several times slower. */
function hexNoZeros(v: number): string {
  if (v >= 0x10000000) return hex8(v);
  let s = '';
  do {
    s = NIBBLE_HEX[v & 15] + s;
    v >>>= 4;
  } while (v);
  return s;
}

/** Parses user or debugger text: `0x` prefix, WinDbg backtick, upper case, leading zeros. Returns undefined when not hex. */
export function parseAddr(text: string): Addr | undefined {
  let s = text.trim().toLowerCase().replace(/`/g, '');
  if (s.startsWith('0x')) s = s.slice(2);
  if (!/^[0-9a-f]{1,16}$/.test(s)) return undefined;
  s = s.replace(/^0+/, '');
  return s === '' ? NULL_ADDR : s;
}

/** The value of the (lower-case) hex digits a[from, to), at most 13 of them: no slice, no parseInt. */
function hexDigits(a: Addr, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = a.charCodeAt(i);
    v = v * 16 + (c < 58 ? c - 48 : c - 87);
  }
  return v;
}

export function addrHigh(a: Addr): number {
  const n = a.length;
  return n > 8 ? hexDigits(a, 0, n - 8) : 0;
}

export function addrLow(a: Addr): number {
  const n = a.length;
  return hexDigits(a, n > 8 ? n - 8 : 0, n);
}

/** True when a and b have the same digits above the low 32 bits. */
function sameHigh(a: Addr, b: Addr): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n - 8; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

export function isNull(a: Addr): boolean {
  return a === NULL_ADDR;
}

/** a + delta (delta a JS integer, may be negative), wrapping modulo 2^64. */
export function addrAdd(a: Addr, delta: number): Addr {
  if (delta === 0) return a;
  // Fast path: no carry into the high half, which then stays as it is (field offsets, list links).
  const n = a.length;
  if (n === 16) {
    const low = hexDigits(a, 8, 16) + delta;
    if (low >= 0 && low < TWO32) return hex16(hexDigits(a, 0, 8), low);
  } else if (n > 8) {
    const low = hexDigits(a, n - 8, n) + delta;
    if (low >= 0 && low < TWO32) return a.slice(0, n - 8) + hex8(low);
  } else {
    const low = hexDigits(a, 0, n) + delta;
    if (low >= 0 && low < TWO32) return hexNoZeros(low);
  }
  return addrAddCarry(a, delta);
}

function addrAddCarry(a: Addr, delta: number): Addr {
  let low = addrLow(a) + delta;
  let high = addrHigh(a);
  if (low >= TWO32 || low < 0) {
    const carry = Math.floor(low / TWO32);
    low -= carry * TWO32;
    high = (high + carry) >>> 0;
  }
  return addrFromParts(low, high);
}

/** a - b as a JS number; undefined when the distance does not fit in 2^52. */
export function addrDiff(a: Addr, b: Addr): number | undefined {
  // Same high half (a structure and a member of it): only the low halves differ.
  if (sameHigh(a, b)) return addrLow(a) - addrLow(b);
  const d = (addrHigh(a) - addrHigh(b)) * TWO32 + (addrLow(a) - addrLow(b));
  return Math.abs(d) < 2 ** 52 ? d : undefined;
}

export function addrCompare(a: Addr, b: Addr): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when lo <= a < hi. */
export function addrInRange(a: Addr, lo: Addr, hi: Addr): boolean {
  return addrCompare(a, lo) >= 0 && addrCompare(a, hi) < 0;
}

export function addrAnd(a: Addr, mask: number): number {
  return addrLow(a) & mask;
}

/** Clears the low bits given by mask (e.g. 3 for an owner-pointer tag). */
export function addrClearLow(a: Addr, mask: number): Addr {
  return addrFromParts((addrLow(a) & ~mask) >>> 0, addrHigh(a));
}

/** WinDbg's display form: 8 digits on x86, `ffffe001`2345a080` on x64. */
export function formatAddr(a: Addr, pointerSize: number): string {
  if (pointerSize === 4) return a.padStart(8, '0');
  const s = a.padStart(16, '0');
  return `${s.slice(0, 8)}\`${s.slice(8)}`;
}

/** Canonical for the architecture: x86 fits 32 bits; x64 bits 48..63 copy bit 47. */
export function isCanonical(a: Addr, pointerSize: number): boolean {
  if (pointerSize === 4) return a.length <= 8;
  // Bits 47..63 all clear (at most 12 digits, the 12th below 8) or all set (ffff and a 5th digit of 8..f).
  const n = a.length;
  if (n <= 11) return true;
  if (n === 12) return a.charCodeAt(0) < 0x38;
  return n === 16 && a.charCodeAt(0) === 0x66 && a.charCodeAt(1) === 0x66 && a.charCodeAt(2) === 0x66 && a.charCodeAt(3) === 0x66 && a.charCodeAt(4) >= 0x38;
}


/** Kernel half of the address space (x86 default split 2 GB; x64 canonical high half). */
export function isKernelAddress(a: Addr, pointerSize: number): boolean {
  if (pointerSize === 4) return a.length === 8 && parseInt(a[0], 16) >= 8;
  return a.length === 16 && a[0] === 'f';
}
