// A structure read in one piece, decoded field by field from the type layout.
// Missing fields (other builds) read as undefined: callers probe, they never assume a build.
import { addrAdd, type Addr } from './addr';
import { bits, ptr, sint, uint, type Bytes } from './bytes';
import type { FieldLayout, TypeLayout } from './target';

export class StructView {
  /** The bytes decoded; a view read as a prefix grows to the whole structure on the first member past it. */
  bytes: Bytes;
  private rest: (() => Bytes | undefined) | undefined;

  constructor(
    readonly layout: TypeLayout,
    readonly address: Addr,
    bytes: Bytes,
    readonly pointerSize: number,
    /** Offset of the structure inside `bytes` (a structure embedded in a bigger read). */
    readonly base = 0,
    /** Reads the whole structure (from `address`), for a view built on a prefix of it. */
    rest?: () => Bytes | undefined,
  ) {
    this.bytes = bytes;
    this.rest = rest;
  }

  has(path: string): boolean {
    return this.layout.field(path) !== undefined;
  }

  /** An integer, enum or bit-field value; undefined when this build has no such field. */
  num(path: string): number | undefined {
    const f = this.layout.field(path);
    return f === undefined || !this.holds(f.offset, f.size > 8 ? 8 : f.size) ? undefined : readNumber(this.bytes, this.base, f);
  }

  /** A pointer-sized field as an address. */
  ptr(path: string): Addr | undefined {
    const f = this.layout.field(path);
    return f === undefined || !this.holds(f.offset, this.pointerSize) ? undefined : ptr(this.bytes, this.base + f.offset, this.pointerSize);
  }

  /** True when any byte of the member is non-zero (e.g. a LARGE_INTEGER time that was set). */
  nonZero(path: string): boolean | undefined {
    const f = this.layout.field(path);
    if (f === undefined || !this.holds(f.offset, f.size)) return undefined;
    for (let i = 0; i < f.size; i++) if (this.bytes[this.base + f.offset + i] !== 0) return true;
    return false;
  }

  /** The address of a member (e.g. an embedded list head). */
  addressOf(path: string): Addr | undefined {
    const f = this.layout.field(path);
    return f === undefined ? undefined : addrAdd(this.address, f.offset);
  }

  /** A view of an embedded structure member. */
  sub(path: string, layout: TypeLayout): StructView | undefined {
    const f = this.layout.field(path);
    if (f === undefined || !this.holds(f.offset, f.size)) return undefined;
    return new StructView(layout, addrAdd(this.address, f.offset), this.bytes, this.pointerSize, this.base + f.offset);
  }

  /** True when [offset, offset+size) of the structure was read; a prefix view reads the rest once first. */
  private holds(offset: number, size: number): boolean {
    if (this.base + offset + size <= this.bytes.length) return true;
    const rest = this.rest;
    if (!rest) return false;
    this.rest = undefined;
    const whole = rest();
    if (whole) this.bytes = whole;
    return this.base + offset + size <= this.bytes.length;
  }
}

export function readNumber(bytes: Bytes, base: number, f: FieldLayout): number {
  if (f.bitLen !== undefined && f.bitPos !== undefined) return bits(bytes, base + f.offset, f.size, f.bitPos, f.bitLen);
  const size = f.size > 8 ? 8 : f.size;
  return f.signed ? sint(bytes, base + f.offset, size) : uint(bytes, base + f.offset, size);
}
