// Little-endian decoding of a structure read in one piece (one host round trip per structure).
import { addrFromParts, type Addr } from './addr';
import { TWO32 } from './numbers';

export type Bytes = ArrayLike<number>;

export function u8(b: Bytes, off: number): number {
  return b[off];
}

export function u16(b: Bytes, off: number): number {
  return b[off] | (b[off + 1] << 8);
}

export function u32(b: Bytes, off: number): number {
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
}

export function i32(b: Bytes, off: number): number {
  return b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24);
}

/** An unsigned integer of 1, 2, 4 or 8 bytes as a JS number (8 bytes: exact below 2^53, else rounded). */
export function uint(b: Bytes, off: number, size: number): number {
  switch (size) {
    case 1: return u8(b, off);
    case 2: return u16(b, off);
    case 4: return u32(b, off);
    case 8: return u32(b, off + 4) * TWO32 + u32(b, off);
    default: throw new Error(`unsupported integer size ${size}`);
  }
}

/** A signed integer of 1, 2, 4 or 8 bytes. */
export function sint(b: Bytes, off: number, size: number): number {
  switch (size) {
    case 1: return (u8(b, off) << 24) >> 24;
    case 2: return (u16(b, off) << 16) >> 16;
    case 4: return i32(b, off);
    case 8: return i32(b, off + 4) * TWO32 + u32(b, off);
    default: throw new Error(`unsupported integer size ${size}`);
  }
}

/** A pointer-sized value as an address. */
export function ptr(b: Bytes, off: number, pointerSize: number): Addr {
  return pointerSize === 8 ? addrFromParts(u32(b, off), u32(b, off + 4)) : addrFromParts(u32(b, off), 0);
}

/** Bits [pos, pos+len) of the little-endian integer at off (len <= 32). */
export function bits(b: Bytes, off: number, size: number, pos: number, len: number): number {
  // Read only the bytes that hold the field: keeps it exact for 64-bit storage units.
  const firstByte = pos >> 3;
  const shift = pos & 7;
  if (shift + len <= 32) {
    // The common case (flags of a ULONG/UCHAR): at most four bytes, integer shifts.
    const end = size < firstByte + 4 ? size : firstByte + 4;
    let v = 0;
    for (let i = end - 1; i >= firstByte; i--) v = ((v << 8) | b[off + i]) >>> 0;
    const field = v >>> shift;
    return len >= 32 ? field : field & ((1 << len) - 1);
  }
  let value = 0;
  let scale = 1;
  for (let i = firstByte; i < size && i <= firstByte + 4; i++) {
    value += b[off + i] * scale;
    scale *= 256;
  }
  return Math.floor(value / 2 ** shift) % 2 ** len;
}

/** An ANSI string of at most `max` bytes, up to the first NUL. */
export function ascii(b: Bytes, off: number, max: number): string {
  let s = '';
  for (let i = 0; i < max; i++) {
    const c = b[off + i];
    if (c === 0 || c === undefined) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** A UTF-16LE string of `byteLength` bytes. */
export function utf16(b: Bytes, off: number, byteLength: number): string {
  let s = '';
  for (let i = 0; i + 1 < byteLength; i += 2) {
    const c = u16(b, off + i);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}
