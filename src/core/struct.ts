// A structure read in one piece, decoded field by field from the type layout.
// Missing fields (other builds) read as undefined: callers probe, they never assume a build.
import { addrAdd, type Addr } from './addr';
import { bits, ptr, sint, uint, type Bytes } from './bytes';
import type { FieldLayout, TypeLayout } from './target';

export class StructView {
  constructor(
    readonly layout: TypeLayout,
    readonly address: Addr,
    readonly bytes: Bytes,
    readonly pointerSize: number,
    /** Offset of the structure inside `bytes` (a structure embedded in a bigger read). */
    readonly base = 0,
  ) {}

  has(path: string): boolean {
    return this.layout.field(path) !== undefined;
  }

  /** An integer, enum or bit-field value; undefined when this build has no such field. */
  num(path: string): number | undefined {
    const f = this.layout.field(path);
    return f === undefined ? undefined : readNumber(this.bytes, this.base, f);
  }

  /** A pointer-sized field as an address. */
  ptr(path: string): Addr | undefined {
    const f = this.layout.field(path);
    return f === undefined ? undefined : ptr(this.bytes, this.base + f.offset, this.pointerSize);
  }

  /** True when any byte of the member is non-zero (e.g. a LARGE_INTEGER time that was set). */
  nonZero(path: string): boolean | undefined {
    const f = this.layout.field(path);
    if (f === undefined) return undefined;
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
    if (f === undefined) return undefined;
    return new StructView(layout, addrAdd(this.address, f.offset), this.bytes, this.pointerSize, this.base + f.offset);
  }
}

export function readNumber(bytes: Bytes, base: number, f: FieldLayout): number {
  if (f.bitLen !== undefined && f.bitPos !== undefined) return bits(bytes, base + f.offset, f.size, f.bitPos, f.bitLen);
  const size = f.size > 8 ? 8 : f.size;
  return f.signed ? sint(bytes, base + f.offset, size) : uint(bytes, base + f.offset, size);
}
