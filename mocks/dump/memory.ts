// A crash dump's memory, read on demand: physical pages (runs or bitmap), virtual-to-physical
// translation (x64 4-level, x86 PAE and non-PAE, large pages), and the triage dump's virtual data
// blocks. Paging formats: Intel SDM vol. 3A ch. 4 (4.3 32-bit paging, 4.4 PAE, 4.5 4-level);
// a not-present entry (transition, prototype, paged out) is unreadable, as in WinDbg's `!pte`
// "not valid" view of a dump.
import { DumpError } from './errors';
import { u32, u64, type ByteSource } from './fileReader';
import { PAGE_SIZE, readBitmapHeader, type DumpHeader, type TriageHeader } from './header';

/** What the mock's MemoryImage asks a dump for (mocks/format/snapshot.ts MemorySource). */
export interface DumpMemorySource {
  /** Copies up to `length` bytes at `address` into `out` at `outOffset`; returns how many were readable from the start. */
  readInto(address: bigint, out: Uint8Array, outOffset: number, length: number, process: bigint | undefined): number;
}

export class PhysicalMemory {
  /** Page frame -> file offset of its first byte, or -1. */
  readonly pageOffset: (pfn: number) => number;
  readonly pageCount: number;

  constructor(private file: ByteSource, header: DumpHeader, name: string) {
    if (header.storage === 'runs') {
      const starts: number[] = [];
      const bases: number[] = [];
      const counts: number[] = [];
      let offset = header.headerSize;
      for (const r of header.runs) {
        starts.push(offset);
        bases.push(r.basePage);
        counts.push(r.pageCount);
        offset += r.pageCount * PAGE_SIZE;
      }
      this.pageCount = (offset - header.headerSize) / PAGE_SIZE;
      this.pageOffset = (pfn) => {
        // Runs are few (tens): a linear scan is cheaper than anything cleverer.
        for (let i = 0; i < bases.length; i++) {
          if (pfn >= bases[i] && pfn < bases[i] + counts[i]) return starts[i] + (pfn - bases[i]) * PAGE_SIZE;
        }
        return -1;
      };
    } else if (header.storage === 'bitmap') {
      const info = readBitmapHeader(file, header, name);
      const bitmap = file.read(info.bitmapOffset, Math.ceil(info.bitCount / 8)).slice();
      // Set bits before each 512-byte block: a page's rank (its index among the stored pages) in O(512).
      const blocks = Math.ceil(bitmap.length / 512);
      const before = new Float64Array(blocks + 1);
      let total = 0;
      for (let b = 0; b < blocks; b++) {
        before[b] = total;
        const end = Math.min(bitmap.length, (b + 1) * 512);
        for (let i = b * 512; i < end; i++) total += POPCOUNT[bitmap[i]];
      }
      before[blocks] = total;
      if (total !== info.presentPages) {
        throw new DumpError(`${name}: impossible bitmap: ${total} bits set, the header says ${info.presentPages} pages`);
      }
      this.pageCount = total;
      this.pageOffset = (pfn) => {
        if (pfn < 0 || pfn >= info.bitCount) return -1;
        const byte = pfn >> 3;
        if (!(bitmap[byte] & (1 << (pfn & 7)))) return -1;
        const block = byte >> 9;
        let rank = before[block];
        for (let i = block << 9; i < byte; i++) rank += POPCOUNT[bitmap[i]];
        rank += POPCOUNT[bitmap[byte] & ((1 << (pfn & 7)) - 1)];
        return info.firstPageOffset + rank * PAGE_SIZE;
      };
    } else {
      throw new Error('PhysicalMemory: a triage dump has no physical pages');
    }
  }

  /** Bytes at a physical address within one page, or undefined when the page is not in the dump. */
  readInPage(pa: number, length: number): Uint8Array | undefined {
    const off = this.pageOffset(Math.floor(pa / PAGE_SIZE));
    if (off < 0) return undefined;
    return this.file.read(off + (pa % PAGE_SIZE), length);
  }

  readU64(pa: number): bigint | undefined {
    const b = this.readInPage(pa, 8);
    return b && u64(b, 0);
  }

  readU32(pa: number): number | undefined {
    const b = this.readInPage(pa, 4);
    return b && u32(b, 0);
  }
}

const POPCOUNT = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = (i & 1) + t[i >> 1];
  return t;
})();

const PFN_MASK_64 = 0x000ffffffffff000n;

export type PagingMode = 'x64' | 'pae' | 'x86';

/** Physical address of a virtual one under the tables at `dtb`, or undefined when not present. */
export function translate(phys: PhysicalMemory, mode: PagingMode, dtb: bigint, va: bigint): number | undefined {
  if (mode === 'x64') {
    let table = dtb & PFN_MASK_64;
    const shifts = [39n, 30n, 21n, 12n];
    for (let level = 0; level < 4; level++) {
      const index = (va >> shifts[level]) & 0x1ffn;
      const entry = phys.readU64(Number(table + index * 8n));
      if (entry === undefined || !(entry & 1n)) return undefined;
      if ((level === 1 || level === 2) && entry & 0x80n) {
        // 1 GB / 2 MB page: the entry's frame plus the low bits of the address.
        const pageMask = (1n << shifts[level]) - 1n;
        return Number((entry & PFN_MASK_64 & ~pageMask) | (va & pageMask));
      }
      table = entry & PFN_MASK_64;
    }
    return Number(table | (va & 0xfffn));
  }
  const v = Number(va & 0xffffffffn);
  if (mode === 'pae') {
    const pdpte = phys.readU64(Number(dtb & 0xffffffe0n) + (v >>> 30) * 8);
    if (pdpte === undefined || !(pdpte & 1n)) return undefined;
    const pde = phys.readU64(Number(pdpte & PFN_MASK_64) + ((v >>> 21) & 0x1ff) * 8);
    if (pde === undefined || !(pde & 1n)) return undefined;
    if (pde & 0x80n) return Number(pde & PFN_MASK_64 & ~0x1fffffn) + (v & 0x1fffff);
    const pte = phys.readU64(Number(pde & PFN_MASK_64) + ((v >>> 12) & 0x1ff) * 8);
    if (pte === undefined || !(pte & 1n)) return undefined;
    return Number(pte & PFN_MASK_64) + (v & 0xfff);
  }
  const pde = phys.readU32(Number(dtb & 0xfffff000n) + (v >>> 22) * 4);
  if (pde === undefined || !(pde & 1)) return undefined;
  if (pde & 0x80) return (pde & 0xffc00000) + (v & 0x3fffff);
  const pte = phys.readU32((pde & 0xfffff000) + ((v >>> 12) & 0x3ff) * 4);
  if (pte === undefined || !(pte & 1)) return undefined;
  return (pte & 0xfffff000) + (v & 0xfff);
}

/**
 * Virtual memory of a complete or kernel dump: kernel addresses through the header's
 * DirectoryTableBase, user addresses through the owning process's (EPROCESS.Pcb.DirectoryTableBase).
 */
export class PagedDumpMemory implements DumpMemorySource {
  /** Translations of whole pages, per address space (bounded: cleared when large). */
  private tlb = new Map<bigint | undefined, Map<bigint, number>>();
  private processDtbs = new Map<bigint, bigint | undefined>();
  /** Set once the nt types are known: offset of _EPROCESS.Pcb.DirectoryTableBase and its size. */
  processDtbField?: { offset: number; size: number };

  constructor(readonly phys: PhysicalMemory, readonly mode: PagingMode, readonly kernelDtb: bigint, readonly userLimit: bigint) {}

  private dtbOf(process: bigint | undefined, va: bigint): bigint | undefined {
    if (va >= this.userLimit || process === undefined) return this.kernelDtb;
    let dtb = this.processDtbs.get(process);
    if (!this.processDtbs.has(process)) {
      dtb = undefined;
      const f = this.processDtbField;
      if (f) {
        const b = new Uint8Array(f.size);
        if (this.readInto(process + BigInt(f.offset), b, 0, f.size, undefined) === f.size) {
          dtb = f.size === 8 ? u64(b, 0) : BigInt(u32(b, 0));
        }
      }
      this.processDtbs.set(process, dtb);
    }
    return dtb;
  }

  private pageBase(va: bigint, process: bigint | undefined): number | undefined {
    const space = va >= this.userLimit ? undefined : process;
    let map = this.tlb.get(space);
    if (!map) this.tlb.set(space, (map = new Map()));
    const page = va & ~0xfffn;
    const hit = map.get(page);
    if (hit !== undefined) return hit < 0 ? undefined : hit;
    const dtb = this.dtbOf(process, va);
    const pa = dtb === undefined ? undefined : translate(this.phys, this.mode, dtb, page);
    if (map.size > 65536) map.clear();
    map.set(page, pa === undefined ? -1 : pa);
    return pa;
  }

  readInto(address: bigint, out: Uint8Array, outOffset: number, length: number, process: bigint | undefined): number {
    let done = 0;
    while (done < length) {
      const va = address + BigInt(done);
      const base = this.pageBase(va, process);
      if (base === undefined) return done;
      const inPage = Number(va & 0xfffn);
      const n = Math.min(length - done, PAGE_SIZE - inPage);
      const bytes = this.phys.readInPage(base + inPage, n);
      if (!bytes) return done;
      out.set(bytes, outOffset + done);
      done += n;
    }
    return done;
  }
}

export interface TriageBlock { address: bigint; offset: number; size: number; what: string }

/** A triage dump's memory: data blocks at kernel virtual addresses; nothing else is readable. */
export class TriageMemory implements DumpMemorySource {
  readonly blocks: TriageBlock[];

  constructor(private file: ByteSource, blocks: TriageBlock[]) {
    this.blocks = blocks.slice().sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  private find(at: bigint): TriageBlock | undefined {
    let lo = 0, hi = this.blocks.length - 1, best: TriageBlock | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.blocks[mid].address <= at) { best = this.blocks[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    // Overlapping blocks: a later, larger one may cover what the nearest one does not.
    if (best && at < best.address + BigInt(best.size)) return best;
    for (let i = lo - 2; i >= 0 && i >= lo - 8; i--) {
      const b = this.blocks[i];
      if (at >= b.address && at < b.address + BigInt(b.size)) return b;
    }
    return undefined;
  }

  readInto(address: bigint, out: Uint8Array, outOffset: number, length: number): number {
    let done = 0;
    while (done < length) {
      const at = address + BigInt(done);
      const b = this.find(at);
      if (!b) return done;
      const off = Number(at - b.address);
      const n = Math.min(length - done, b.size - off);
      out.set(this.file.read(b.offset + off, n), outOffset + done);
      done += n;
    }
    return done;
  }
}

export function readTriageBlocks(file: ByteSource, t: TriageHeader, name: string): TriageBlock[] {
  const blocks: TriageBlock[] = [];
  if (t.dataBlocksCount) {
    const raw = file.read(t.dataBlocksOffset, t.dataBlocksCount * 16);
    for (let i = 0; i < t.dataBlocksCount; i++) {
      const address = u64(raw, i * 16);
      const offset = u32(raw, i * 16 + 8);
      const size = u32(raw, i * 16 + 12);
      if (offset + size > file.size || offset < 0x2000) {
        throw new DumpError(`${name}: impossible triage data block ${i}: ${size} bytes at file offset 0x${offset.toString(16)} (the file has ${file.size} bytes)`);
      }
      blocks.push({ address, offset, size, what: 'data block' });
    }
  }
  if (t.dataPageAddress && t.dataPageSize) blocks.push({ address: t.dataPageAddress, offset: t.dataPageOffset, size: t.dataPageSize, what: 'data page' });
  return blocks;
}
