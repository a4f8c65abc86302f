// Sparse memory image: the kernel space plus one user space per process (complete dumps).
// Memory is kept in 4 KB pages (a page becomes readable, zero-filled, as soon as something is laid out in it, as in a
// real dump). Structures are *claimed* as intervals: a claim that overlaps another claim throws, naming both.
// Builder-created objects come from arenas that avoid every claim and every address the scenario mentions.
import { alignUp, fmt } from './hex';
import { SortedIntervals } from './sortedClaims';

export const PAGE = 0x1000n;
const PAGE_BYTES = 0x1000;
/**
 * Shared by every page that was laid out but never written (most of a kernel stack): copied on the
 * first write, never copied into ranges(), so big synthetic systems cost memory only for what they hold.
 */
const ZERO_PAGE = new Uint8Array(PAGE_BYTES);
/** Merged ranges stop here (typed arrays have a length limit; 100k-thread systems span gigabytes of stacks). */
const MAX_RANGE_PAGES = 0x10000;

export interface Claim { start: bigint; end: bigint; label: string }

export class OverlapError extends Error {}

export class Space {
  /** Page index (address / 4 KB, exact as a number: 2^52 pages cover 2^64 bytes) → page bytes. */
  readonly pages = new Map<number, Uint8Array>();
  /** Pairwise disjoint. */
  private readonly claims = new SortedIntervals<Claim>();
  /** Sorted addresses the scenario mentions in this space (allocations avoid them). */
  points: bigint[] = [];

  constructor(readonly name: string, readonly process: bigint | null) {}

  ensure(addr: bigint, size: number | bigint): void {
    if (BigInt(size) <= 0n) return;
    const first = Number(addr / PAGE);
    const last = Number((addr + BigInt(size) - 1n) / PAGE);
    for (let p = first; p <= last; p++) if (!this.pages.has(p)) this.pages.set(p, ZERO_PAGE);
  }

  has(addr: bigint, size = 1): boolean {
    if (size <= 0) return true;
    const first = Number(addr / PAGE);
    const last = Number((addr + BigInt(size) - 1n) / PAGE);
    for (let p = first; p <= last; p++) if (!this.pages.has(p)) return false;
    return true;
  }

  write(addr: bigint, bytes: Uint8Array): void {
    this.ensure(addr, bytes.length);
    let page = Number(addr / PAGE);
    let off = Number(addr % PAGE);
    for (let i = 0; i < bytes.length; page++, off = 0) {
      const n = Math.min(bytes.length - i, PAGE_BYTES - off);
      let target = this.pages.get(page)!;
      if (target === ZERO_PAGE) {
        target = new Uint8Array(PAGE_BYTES);
        this.pages.set(page, target);
      }
      target.set(bytes.subarray(i, i + n), off);
      i += n;
    }
  }

  read(addr: bigint, size: number): Uint8Array | null {
    const out = new Uint8Array(size);
    let page = Number(addr / PAGE);
    let off = Number(addr % PAGE);
    for (let i = 0; i < size; page++, off = 0) {
      const bytes = this.pages.get(page);
      if (!bytes) return null;
      const n = Math.min(size - i, PAGE_BYTES - off);
      out.set(bytes.subarray(off, off + n), i);
      i += n;
    }
    return out;
  }

  writeUint(addr: bigint, size: number, value: bigint): void {
    const b = new Uint8Array(size);
    let v = BigInt.asUintN(size * 8, value);
    for (let i = 0; i < size; i++) { b[i] = Number(v & 0xffn); v >>= 8n; }
    this.write(addr, b);
  }

  readUint(addr: bigint, size: number): bigint {
    const b = this.read(addr, size);
    if (!b) throw new Error(`${this.name}: read of unmapped memory at ${fmt(addr)}`);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  /** The claim overlapping [start, end), if any. */
  overlapping(start: bigint, end: bigint): Claim | undefined {
    const last = this.claims.lastStartingBefore(end);
    return last && last.end > start ? last : undefined;
  }

  /** The first scenario-mentioned address inside [start, end), if any. */
  pointIn(start: bigint, end: bigint): bigint | undefined {
    const ps = this.points;
    let lo = 0;
    let hi = ps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ps[mid]! < start) lo = mid + 1; else hi = mid;
    }
    const p = ps[lo];
    return p !== undefined && p < end ? p : undefined;
  }

  isFree(start: bigint, size: number | bigint): boolean {
    return !this.overlapping(start, start + BigInt(size));
  }

  /** Claims [start, start+size) for a structure; throws OverlapError naming both structures on overlap. */
  claim(start: bigint, size: number | bigint, label: string): Claim {
    const end = start + BigInt(size);
    const o = this.overlapping(start, end);
    if (o) {
      throw new OverlapError(`overlap in ${this.name}: ${label} [${fmt(start)}, ${fmt(end)}) overlaps ${o.label} [${fmt(o.start)}, ${fmt(o.end)})`);
    }
    const c: Claim = { start, end, label };
    this.claims.insert(c);
    this.ensure(start, size);
    return c;
  }

  addPoints(ps: bigint[]): void {
    this.points = [...new Set([...this.points, ...ps])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Contiguous readable ranges (merged pages). */
  ranges(): { address: bigint; bytes: Uint8Array }[] {
    const keys = Float64Array.from(this.pages.keys()).sort();
    const out: { address: bigint; bytes: Uint8Array }[] = [];
    let i = 0;
    while (i < keys.length) {
      let j = i;
      while (j + 1 < keys.length && keys[j + 1] === keys[j]! + 1 && j + 1 - i < MAX_RANGE_PAGES) j++;
      const bytes = new Uint8Array((j - i + 1) * PAGE_BYTES);
      for (let k = i; k <= j; k++) {
        const page = this.pages.get(keys[k]!)!;
        if (page !== ZERO_PAGE) bytes.set(page, (k - i) * PAGE_BYTES);
      }
      out.push({ address: BigInt(keys[i]!) * PAGE, bytes });
      i = j + 1;
    }
    return out;
  }
}

/** Bump allocator inside a window, skipping claims and scenario-mentioned addresses of one or more spaces. */
export class Arena {
  private next: bigint;
  constructor(readonly spaces: Space[], readonly start: bigint, readonly end: bigint, readonly label: string) {
    this.next = start;
  }

  alloc(size: number | bigint, align: number | bigint, label: string, claim = true): bigint {
    const sz = BigInt(size);
    const al = BigInt(align);
    let p = alignUp(this.next, al);
    for (let guard = 0; guard < 100000; guard++) {
      if (p + sz > this.end) throw new Error(`${this.label}: out of space allocating ${label} (${fmt(sz)} bytes)`);
      let bump: bigint | undefined;
      for (const s of this.spaces) {
        const c = s.overlapping(p, p + sz);
        if (c) { bump = c.end; break; }
        const pt = s.pointIn(p, p + sz);
        if (pt !== undefined) { bump = pt + 1n; break; }
      }
      if (bump === undefined) {
        if (claim) for (const s of this.spaces) s.claim(p, sz, label);
        this.next = p + sz;
        return p;
      }
      p = alignUp(bump, al);
    }
    throw new Error(`${this.label}: could not place ${label}`);
  }
}

/** First window [w, w+size) in [lo, hi) (stepping by `step`) that holds no claim and no scenario address of `spaces`. */
export function findWindow(spaces: Space[], lo: bigint, hi: bigint, size: bigint, step: bigint, what: string): bigint {
  for (let w = lo; w + size <= hi; w += step) {
    if (spaces.every((s) => !s.overlapping(w, w + size) && s.pointIn(w, w + size) === undefined)) return w;
  }
  throw new Error(`no free window of ${fmt(size)} bytes for ${what} in [${fmt(lo)}, ${fmt(hi)})`);
}
