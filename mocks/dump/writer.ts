// A dump writer for tests (issue 14): turns any snapshot (a scenario laid out by the builder) into
// a real kernel crash dump — DUMP_HEADER64/32, page tables (x64 4-level, x86 PAE or non-PAE),
// physical memory as runs (DumpType 1) or behind a bitmap (DumpType 5 for complete snapshots,
// 6 for kernel ones) — plus the ISF symbol tables the reader needs (nt and every module with
// symbols or types). The reader then serves it back through the same mock host, and every
// command must print what it prints on the scenario (test/dump/roundtrip.test.ts).
// Layouts written as mocks/dump/header.ts reads them.
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../format/snapshot';
import type { TypeDef, TypeRef } from '../format/typedef';
import { PAGE_SIZE } from './header';
import { fieldPathOffset } from './open';
import { layStacks } from './stackWriter';

export interface WriteOptions {
  storage: 'runs' | 'bitmap';
  /** x86 only: PAE page tables (default true). */
  pae?: boolean;
  /**
   * x64: store KDDEBUGGER_DATA64 encoded, as Windows 8+ kernels keep it (nt!KiWaitNever,
   * nt!KiWaitAlways and nt!KdpDataBlockEncoded are added to the image and its table).
   */
  encodeDebuggerData?: boolean;
  /** Write a PE header with a CodeView (RSDS) record at the kernel's base, when that page is free. */
  kernelImageHeader?: boolean;
}

export interface WrittenDump {
  bytes: Uint8Array;
  /** Where things are in the file, for the fuzzer's targeted damage. */
  layout: { headerSize: number; firstPageOffset: number; bitmapOffset?: number; bitmapBytes?: number; pageTableOffsets: number[] };
  /** File name -> ISF JSON text (write them into one folder and pass it as --symbols). */
  tables: Record<string, string>;
  /** What of the snapshot could not be written as a machine would leave it (stack frames). */
  notes: string[];
}

const hexBig = (s: string) => BigInt('0x' + s.replace(/`/g, ''));

class PageStore {
  /** Physical pages in file order; the frame of page i is pfnOf(i) (a hole after every `group` frames). */
  pages: Uint8Array[] = [];
  /** PFNs holding page tables. */
  tablePfns: number[] = [];
  constructor(readonly firstPfn: number, readonly group: number) {}
  pfnOf(index: number): number { return this.firstPfn + index + Math.floor(index / this.group); }
  indexOf(pfn: number): number { const k = pfn - this.firstPfn; return k - Math.floor(k / (this.group + 1)); }
  /** A new frame: a fresh zeroed page, or `adopt` (a page of data, stored without a copy). */
  alloc(adopt?: Uint8Array): { pfn: number; page: Uint8Array } {
    const page = adopt ?? new Uint8Array(PAGE_SIZE);
    this.pages.push(page);
    return { pfn: this.pfnOf(this.pages.length - 1), page };
  }
  get(pfn: number): Uint8Array { return this.pages[this.indexOf(pfn)]; }
  /** Runs of present frames: [basePage, pageCount]. */
  runs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.pages.length; i += this.group) out.push([this.pfnOf(i), Math.min(this.group, this.pages.length - i)]);
    return out;
  }
}

function put64(b: Uint8Array, o: number, v: bigint): void { for (let i = 0; i < 8; i++) b[o + i] = Number((v >> BigInt(8 * i)) & 0xffn); }
function put32(b: Uint8Array, o: number, v: number): void { b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; b[o + 2] = (v >>> 16) & 0xff; b[o + 3] = (v >>> 24) & 0xff; }
function putAscii(b: Uint8Array, o: number, s: string): void { for (let i = 0; i < s.length; i++) b[o + i] = s.charCodeAt(i); }

/** One address space's page tables, built on demand in the page store. */
class Tables {
  readonly root: { pfn: number; page: Uint8Array };
  constructor(private store: PageStore, private mode: 'x64' | 'pae' | 'x86') {
    this.root = store.alloc();
    store.tablePfns.push(this.root.pfn);
  }

  private entry(table: Uint8Array, index: number, size: 4 | 8, leafPfn?: number): number {
    const o = index * size;
    const present = table[o] & 1;
    if (leafPfn !== undefined) {
      if (size === 8) put64(table, o, (BigInt(leafPfn) << 12n) | 0x3n); else put32(table, o, ((leafPfn << 12) | 0x3) >>> 0);
      return leafPfn;
    }
    if (present) {
      if (size === 8) {
        let v = 0n;
        for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(table[o + i]);
        return Number((v & 0x000ffffffffff000n) >> 12n);
      }
      return ((table[o] | (table[o + 1] << 8) | (table[o + 2] << 16) | (table[o + 3] << 24)) >>> 12);
    }
    const next = this.store.alloc();
    this.store.tablePfns.push(next.pfn);
    // PAE PDPT entries carry only the present bit (Intel SDM 4.4.1).
    const flags = this.mode === 'pae' && table === this.root.page ? 0x1 : 0x3;
    if (size === 8) put64(table, o, (BigInt(next.pfn) << 12n) | BigInt(flags)); else put32(table, o, ((next.pfn << 12) | flags) >>> 0);
    return next.pfn;
  }

  map(va: bigint, pfn: number): void {
    if (this.mode === 'x64') {
      let t = this.root.page;
      for (const shift of [39n, 30n, 21n]) t = this.store.get(this.entry(t, Number((va >> shift) & 0x1ffn), 8));
      this.entry(t, Number((va >> 12n) & 0x1ffn), 8, pfn);
    } else if (this.mode === 'pae') {
      const v = Number(va & 0xffffffffn);
      const pd = this.store.get(this.entry(this.root.page, v >>> 30, 8));
      const pt = this.store.get(this.entry(pd, (v >>> 21) & 0x1ff, 8));
      this.entry(pt, (v >>> 12) & 0x1ff, 8, pfn);
    } else {
      const v = Number(va & 0xffffffffn);
      const pt = this.store.get(this.entry(this.root.page, v >>> 22, 4));
      this.entry(pt, (v >>> 12) & 0x3ff, 4, pfn);
    }
  }
}

interface DumpPlan {
  size: number;
  emit(sink: (chunk: Uint8Array, offset: number) => void): void;
  layout: WrittenDump['layout'];
  tables: WrittenDump['tables'];
  notes: string[];
}

function planDump(snapshot: Snapshot, options: WriteOptions): DumpPlan {
  if (options.storage === 'runs' && snapshot.header.dumpKind !== 'complete') {
    // Physical runs are the complete dump's form (DumpType 1); a kernel dump is written behind a bitmap.
    throw new Error(`writeDump: a ${snapshot.header.dumpKind} snapshot has no physical-run form (DumpType 1 is a complete dump); use storage 'bitmap'`);
  }
  const x64 = snapshot.header.arch === 'x64';
  const mode = x64 ? 'x64' : options.pae === false ? 'x86' : 'pae';
  const ptr = x64 ? 8 : 4;
  const userLimit = x64 ? 0x800000000000n : 0x80000000n;
  const ntTypes = snapshot.types.nt ?? [];
  const nt = snapshot.modules.find((m) => /^(nt|ntoskrnl|ntkrnlpa|ntkrnlmp|ntkrpamp)(\.exe)?$/i.test(m.name));
  if (!nt) throw new Error('writeDump: the snapshot has no nt module');
  const ntBase = hexBig(nt.base);
  const sym = (name: string) => { const s = nt.symbols.find((x) => x.name === name); return s ? hexBig(s.address) : 0n; };

  // Virtual pages: (space, page VA) -> bytes; holes (snapshot.unreadable) leave whole pages out.
  const kernelPages = new Map<bigint, Uint8Array>();
  const userPages = new Map<string, Map<bigint, Uint8Array>>();
  const shared = new Map<bigint, Uint8Array>();
  // Pages are views of the snapshot's bytes where a range covers a whole page (no copy of a large
  // system); a page is copied before the writer changes it (`owned`), so the snapshot stays intact.
  const owned = new Set<Uint8Array>();
  const pageIn = (map: Map<bigint, Uint8Array>, page: bigint) => {
    let p = map.get(page);
    if (!p) { map.set(page, (p = new Uint8Array(PAGE_SIZE))); owned.add(p); }
    else if (!owned.has(p)) { const copy = p.slice(); map.set(page, copy); owned.add(copy); p = copy; }
    return p;
  };
  for (const r of snapshot.memory) {
    const start = hexBig(r.address);
    const bytes = r.bytes ?? new Uint8Array(Buffer.from(r.hex ?? '', 'hex'));
    const map = start >= userLimit ? kernelPages : r.process === undefined ? shared : (userPages.get(r.process) ?? userPages.set(r.process, new Map()).get(r.process)!);
    let done = 0;
    while (done < bytes.length) {
      const va = start + BigInt(done);
      const page = va & ~0xfffn;
      const off = Number(va - page);
      const n = Math.min(bytes.length - done, PAGE_SIZE - off);
      if (off === 0 && n === PAGE_SIZE && !map.has(page)) map.set(page, bytes.subarray(done, done + n));
      else pageIn(map, page).set(bytes.subarray(done, done + n), off);
      done += n;
    }
  }
  for (const h of snapshot.unreadable ?? []) {
    const start = hexBig(h.address);
    const maps = start >= userLimit ? [kernelPages] : h.process !== undefined ? [userPages.get(h.process)].filter(Boolean) as Map<bigint, Uint8Array>[] : [shared, ...userPages.values()];
    for (let p = start & ~0xfffn; p < start + BigInt(h.size); p += 0x1000n) for (const m of maps) m.delete(p);
  }

  // A free kernel page for the debugger data block and the loaded-module list.
  const freeKernelPage = (): bigint => {
    let p = (ntBase - 0x100000n) & ~0xfffn;
    while (kernelPages.has(p)) p -= 0x1000n;
    pageIn(kernelPages, p);
    return p;
  };

  // nt!PsLoadedModuleList (the builder leaves the list empty) and each process's PEB.Ldr list: the
  // loader entries WinDbg reads modules from.
  const loaderTypes = withLoaderTypes(ntTypes, ptr);
  const writeKernel = (va: bigint, data: Uint8Array) => writeInto(kernelPages, va, data, pageIn);
  const ptrBytes = (v: bigint) => { const b = new Uint8Array(ptr); for (let i = 0; i < ptr; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn); return b; };
  const moduleListHead = sym('PsLoadedModuleList');
  if (moduleListHead && kernelPages.has(moduleListHead & ~0xfffn)) {
    // nt first, as the kernel loads itself first (readers find the kernel's base there).
    const kernelModules = snapshot.modules.filter((m) => m.kernel).sort((a, b) => (a === nt ? -1 : b === nt ? 1 : 0));
    writeModuleList(loaderTypes, loaderTypes.kernelEntry, moduleListHead, kernelModules, writeKernel, freeKernelPage, ptr);
  }
  const userModules = snapshot.modules.filter((m) => !m.kernel);
  const pebOff = fieldPathOffset(ntTypes, '_EPROCESS', 'Peb');
  const ldrOff = fieldPathOffset(ntTypes, '_PEB', 'Ldr');
  const listOff = fieldPathOffset(ntTypes, '_PEB_LDR_DATA', 'InLoadOrderModuleList');
  const ldrDataSize = ntTypes.find((t) => t.name === '_PEB_LDR_DATA')?.size;
  if (userModules.length && pebOff !== undefined && ldrOff !== undefined && listOff !== undefined && ldrDataSize) {
    for (const [proc, pages] of userPages) {
      const pebPtr = readFrom(kernelPages, hexBig(proc) + BigInt(pebOff), ptr);
      if (!pebPtr || !pages.has(pebPtr & ~0xfffn)) continue;
      const freeUserPage = (): bigint => {
        let p = (pebPtr & ~0xfffn) + 0x10000n;
        while (pages.has(p) || shared.has(p)) p += 0x1000n;
        pageIn(pages, p);
        return p;
      };
      const writeUser = (va: bigint, data: Uint8Array) => writeInto(pages, va, data, pageIn);
      const ldr = freeUserPage();
      writeUser(pebPtr + BigInt(ldrOff), ptrBytes(ldr));
      writeModuleList(loaderTypes, loaderTypes.userEntry, ldr + BigInt(listOff), userModules, writeUser, freeUserPage, ptr, ldr + BigInt(ldrDataSize));
    }
  }

  // KDDEBUGGER_DATA64 (wdbgexts.h layout; 64-bit fields on both architectures).
  const kdbgVa = freeKernelPage();
  const kdbg = new Uint8Array(0x340);
  putAscii(kdbg, 0x10, 'KDBG');
  put32(kdbg, 0x14, kdbg.length);
  const fields: Array<[number, bigint]> = [
    [0x18, ntBase], [0x48, sym('PsLoadedModuleList')], [0x50, sym('PsActiveProcessHead')], [0x58, sym('PspCidTable')],
    [0x60, sym('ExpSystemResourcesList')], [0x98, sym('ObpRootDirectoryObject')], [0xc0, sym('MmPfnDatabase')], [0x218, sym('KiProcessorBlock')],
  ];
  for (const [o, v] of fields) put64(kdbg, o, v);
  const extraNtSymbols: Array<{ name: string; rva: number }> = [];
  if (options.encodeDebuggerData && x64) {
    // The three values the encoding uses, on a page after the kernel image (nt-relative like any nt global).
    let page = (ntBase + BigInt(nt.size) + 0xfffn) & ~0xfffn;
    while (kernelPages.has(page)) page += 0x1000n;
    pageIn(kernelPages, page);
    const never = 0x5a17c3e9d2b48f61n, always = 0x1f2e3d4c5b6a7988n;
    const encodedAt = page + 0x10n;
    writeKernel(page, ptrBytes(never));
    writeKernel(page + 8n, ptrBytes(always));
    extraNtSymbols.push({ name: 'KiWaitNever', rva: Number(page - ntBase) }, { name: 'KiWaitAlways', rva: Number(page + 8n - ntBase) },
      { name: 'KdpDataBlockEncoded', rva: Number(encodedAt - ntBase) });
    encodeKdbg(kdbg, never, always, encodedAt);
  }
  writeKernel(kdbgVa, kdbg);
  let codeView: { guid: string; age: number } | undefined;
  if (options.kernelImageHeader && !kernelPages.has(ntBase)) {
    codeView = { guid: tableGuid(snapshot, 'nt'), age: 1 };
    pageIn(kernelPages, ntBase).set(peHeader(codeView.guid, codeView.age, x64 ? 'ntkrnlmp.pdb' : 'ntkrpamp.pdb', nt.size, x64));
  }

  // Stack frames as the machine leaves them (mocks/dump/stackWriter.ts): the reader unwinds them from memory.
  const procPages = new Map<bigint, Map<bigint, Uint8Array>>([...userPages].map(([k, v]) => [hexBig(k), v]));
  const userMapFor = (va: bigint, process?: bigint) => {
    const own = process !== undefined ? procPages.get(process) : undefined;
    return own?.has(va & ~0xfffn) ? own : shared.has(va & ~0xfffn) ? shared : undefined;
  };
  const mapFor = (va: bigint, process?: bigint) => (va >= userLimit ? (kernelPages.has(va & ~0xfffn) ? kernelPages : undefined) : userMapFor(va, process));
  const notes = layStacks(snapshot, {
    x64, ptr, userLimit,
    read: (va, size, process) => { const m = mapFor(va, process); return m ? readFrom(m, va, size) : undefined; },
    write: (va, value, size, process) => {
      const m = mapFor(va, process);
      if (!m) return false;
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
      writeInto(m, va, b, pageIn);
      return true;
    },
    present: (va, process) => mapFor(va, process) !== undefined,
    addPage: (va, kernel) => { pageIn(kernel ? kernelPages : shared, va & ~0xfffn); },
    offset: (type, path) => fieldPathOffset(ntTypes, type, path),
  });

  // Physical memory: page tables and data pages from PFN 1 (PFN 0 stays out, as on real machines).
  // Every address space's top table first, so each EPROCESS can be given its DirectoryTableBase
  // before its page is stored.
  // Physical memory has holes, as real machines' does: one absent frame after every `group` frames
  // (bitmap: small groups, so ranks matter; runs: at most 40 runs, the header's room).
  const dataPages = kernelPages.size + [...userPages.values()].reduce((n, m) => n + m.size + shared.size, 0) + shared.size;
  const bound = 4 * dataPages + 4 * (userPages.size + 1) + 1024;
  const store = new PageStore(1, options.storage === 'bitmap' ? 255 : Math.max(0x4000, Math.ceil(bound / 40)));
  const kernel = new Tables(store, mode);
  const dtbField = fieldPathOffset(ntTypes, '_EPROCESS', 'Pcb.DirectoryTableBase');
  const processes = new Set<string>(userPages.keys());
  if (shared.size && !processes.size) processes.add('');
  const userTables = new Map<string, Tables>();
  for (const proc of processes) userTables.set(proc, new Tables(store, mode));
  const dtbOf = (t: Tables) => BigInt(t.root.pfn) << 12n;
  if (dtbField !== undefined) {
    for (const [proc, t] of userTables) if (proc) writeKernel(hexBig(proc) + BigInt(dtbField), ptrBytes(dtbOf(t)));
  }
  for (const [va, bytes] of [...kernelPages].sort((a, b) => (a[0] < b[0] ? -1 : 1))) kernel.map(va, store.alloc(bytes).pfn);
  for (const [proc, t] of userTables) {
    for (const [va, bytes] of [...(userPages.get(proc) ?? new Map<bigint, Uint8Array>()), ...shared]) t.map(va, store.alloc(bytes).pfn);
  }
  // The kernel half of every address space: the kernel's own tables (Intel SDM 4.5: upper PML4 entries).
  for (const t of userTables.values()) {
    const from = kernel.root.page;
    if (mode === 'x64') t.root.page.set(from.subarray(256 * 8, 512 * 8), 256 * 8);
    else if (mode === 'pae') t.root.page.set(from.subarray(2 * 8, 4 * 8), 2 * 8);
    else t.root.page.set(from.subarray(512 * 4, 1024 * 4), 512 * 4);
  }
  // The header's DirectoryTableBase: the current process's space when it has one, else the kernel's.
  const curProc = snapshot.current?.process;
  const headerDtb = dtbOf((curProc && userTables.get(curProc)) || kernel);

  // The file: header, bitmap (bitmap dumps), then the pages in frame order.
  const pageCount = store.pages.length;
  const headerSize = x64 ? 0x2000 : 0x1000;
  const lastPfn = store.pfnOf(pageCount - 1);
  const bitmapBits = lastPfn + 1 + 7; // a few absent frames at the end too
  const bitmapHeaderSize = (x64 ? 0x38 : 0x20) + Math.ceil(bitmapBits / 8);
  const firstPage = options.storage === 'bitmap' ? Math.ceil((headerSize + bitmapHeaderSize) / PAGE_SIZE) * PAGE_SIZE : headerSize;
  const fileSize = firstPage + pageCount * PAGE_SIZE;
  const h = new Uint8Array(firstPage);
  for (let o = 0; o < headerSize; o += 4) putAscii(h, o, 'PAGE');
  const dumpType = options.storage === 'runs' ? 1 : snapshot.header.dumpKind === 'complete' ? 5 : 6;
  // Every processor KiProcessorBlock lists (the reader finds each one's current and idle thread there).
  let processors = countProcessors(snapshot);
  const kpb = sym('KiProcessorBlock');
  for (let i = 0; kpb && i < (x64 ? 64 : 32); i++) {
    const prcb = readFrom(kernelPages, kpb + BigInt(i * ptr), ptr);
    if (!prcb) break;
    processors = Math.max(processors, i + 1);
  }
  // Bitmap dumps describe the machine's memory as one run (the bitmap says which frames are stored);
  // the descriptor has room for 42 (x64) / 86 (x86) runs.
  const runs: Array<[number, number]> = options.storage === 'runs' ? store.runs() : [[store.firstPfn, lastPfn + 1 - store.firstPfn]];
  if (runs.length > (x64 ? 42 : 86)) throw new Error(`writeDump: ${runs.length} physical runs do not fit the header`);
  if (x64) {
    putAscii(h, 0, 'PAGEDU64');
    put32(h, 0x08, 0xf); put32(h, 0x0c, snapshot.header.buildNumber);
    put64(h, 0x10, headerDtb); put64(h, 0x18, 0n); put64(h, 0x20, sym('PsLoadedModuleList')); put64(h, 0x28, sym('PsActiveProcessHead'));
    put32(h, 0x30, 0x8664); put32(h, 0x34, processors); put32(h, 0x38, 0xe2); put32(h, 0x3c, 0);
    for (let i = 0; i < 4; i++) put64(h, 0x40 + 8 * i, 0n);
    put64(h, 0x80, kdbgVa);
    h.fill(0, 0x88, 0x88 + 0x2c0);
    put32(h, 0x88, runs.length); put64(h, 0x90, BigInt(runs.reduce((n, r) => n + r[1], 0)));
    runs.forEach(([b, n], i) => { put64(h, 0x98 + 16 * i, BigInt(b)); put64(h, 0xa0 + 16 * i, BigInt(n)); });
    h.fill(0, 0x348, 0x348 + 0xbb8);
    put32(h, 0xf98, dumpType); put64(h, 0xfa0, BigInt(fileSize)); put64(h, 0xfa8, 0n);
    put64(h, 0x1030, 0n);
  } else {
    putAscii(h, 0, 'PAGEDUMP');
    put32(h, 0x08, 0xf); put32(h, 0x0c, snapshot.header.buildNumber);
    put32(h, 0x10, Number(headerDtb)); put32(h, 0x14, 0); put32(h, 0x18, Number(sym('PsLoadedModuleList'))); put32(h, 0x1c, Number(sym('PsActiveProcessHead')));
    put32(h, 0x20, 0x14c); put32(h, 0x24, processors); put32(h, 0x28, 0xe2);
    for (let i = 0; i < 4; i++) put32(h, 0x2c + 4 * i, 0);
    h[0x5c] = mode === 'pae' ? 1 : 0;
    put32(h, 0x60, Number(kdbgVa));
    h.fill(0, 0x64, 0x64 + 700);
    put32(h, 0x64, runs.length); put32(h, 0x68, runs.reduce((n, r) => n + r[1], 0));
    runs.forEach(([b, n], i) => { put32(h, 0x6c + 8 * i, b); put32(h, 0x70 + 8 * i, n); });
    h.fill(0, 0x320, 0x320 + 1200);
    put32(h, 0xf88, dumpType); put64(h, 0xfa0, BigInt(fileSize)); put64(h, 0xfb8, 0n); put64(h, 0xfc0, 0n);
  }
  if (options.storage === 'bitmap') {
    const b = h.subarray(headerSize);
    putAscii(b, 0, 'SDMP'); putAscii(b, 4, 'DUMP');
    if (x64) { put64(b, 0x20, BigInt(firstPage)); put64(b, 0x28, BigInt(pageCount)); put64(b, 0x30, BigInt(bitmapBits)); }
    else { put32(b, 0x0c, firstPage); put32(b, 0x10, bitmapBits); put32(b, 0x14, pageCount); }
    const bits = b.subarray(x64 ? 0x38 : 0x20);
    for (let i = 0; i < pageCount; i++) { const pfn = store.pfnOf(i); bits[pfn >> 3] |= 1 << (pfn & 7); }
  }
  return {
    size: fileSize,
    emit(sink: (chunk: Uint8Array, offset: number) => void) {
      sink(h, 0);
      store.pages.forEach((p, i) => sink(p, firstPage + i * PAGE_SIZE));
    },
    layout: {
      headerSize, firstPageOffset: firstPage,
      bitmapOffset: options.storage === 'bitmap' ? headerSize + (x64 ? 0x38 : 0x20) : undefined,
      bitmapBytes: options.storage === 'bitmap' ? Math.ceil(bitmapBits / 8) : undefined,
      pageTableOffsets: store.tablePfns.map((pfn) => firstPage + store.indexOf(pfn) * PAGE_SIZE),
    },
    tables: symbolTables(snapshot, ptr, loaderTypes.added, extraNtSymbols),
    notes,
  };
}

/** The dump in memory (tests, the fuzzer). */
export function writeDump(snapshot: Snapshot, options: WriteOptions): WrittenDump {
  const plan = planDump(snapshot, options);
  const bytes = new Uint8Array(plan.size);
  plan.emit((chunk, offset) => bytes.set(chunk, offset));
  return { bytes, layout: plan.layout, tables: plan.tables, notes: plan.notes };
}

/** The dump streamed to `path` page by page (large systems), and the ISF tables beside it in `symbolsDir`. */
export function writeDumpFile(snapshot: Snapshot, options: WriteOptions, path: string, symbolsDir: string): { size: number; tables: string[] } {
  const plan = planDump(snapshot, options);
  const fd = openSync(path, 'w');
  try {
    plan.emit((chunk, offset) => { writeSync(fd, chunk, 0, chunk.length, offset); });
  } finally {
    closeSync(fd);
  }
  for (const [name, text] of Object.entries(plan.tables)) writeFileSync(join(symbolsDir, name), text);
  return { size: plan.size, tables: Object.keys(plan.tables) };
}

function writeInto(pages: Map<bigint, Uint8Array>, va: bigint, data: Uint8Array, pageIn: (m: Map<bigint, Uint8Array>, p: bigint) => Uint8Array): void {
  for (let i = 0; i < data.length; i++) {
    const a = va + BigInt(i);
    if (!pages.has(a & ~0xfffn)) continue;
    pageIn(pages, a & ~0xfffn)[Number(a & 0xfffn)] = data[i];
  }
}

function readFrom(pages: Map<bigint, Uint8Array>, va: bigint, size: number): bigint | undefined {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) {
    const a = va + BigInt(i);
    const page = pages.get(a & ~0xfffn);
    if (!page) return undefined;
    v = (v << 8n) | BigInt(page[Number(a & 0xfffn)]);
  }
  return v;
}

interface EntryLayout { type: string; size: number; links: number; base: number; size32: number; name: number }

/**
 * The loader-entry layouts the lists are written with: the snapshot's own types when it has them,
 * else the real ones (x64: ntkrnlmp.pdb 10.0.19041 _KLDR_DATA_TABLE_ENTRY/_LDR_DATA_TABLE_ENTRY,
 * InLoadOrderLinks 0, DllBase 0x30, SizeOfImage 0x40, BaseDllName 0x58; x86: the XP SP3
 * _LDR_DATA_TABLE_ENTRY, 0 / 0x18 / 0x20 / 0x2c), added to the nt table the reader gets.
 */
function withLoaderTypes(ntTypes: TypeDef[], ptr: number): { added: TypeDef[]; kernelEntry: EntryLayout; userEntry: EntryLayout } {
  const added: TypeDef[] = [];
  const layoutOf = (name: string): EntryLayout | undefined => {
    const t = ntTypes.find((x) => x.name === name);
    const off = (f: string) => fieldPathOffset(ntTypes, name, f);
    const links = off('InLoadOrderLinks'), base = off('DllBase'), size32 = off('SizeOfImage'), nameOff = off('BaseDllName');
    if (!t || links === undefined || base === undefined || size32 === undefined || nameOff === undefined) return undefined;
    return { type: name, size: t.size, links, base, size32, name: nameOff };
  };
  const real = (name: string): EntryLayout => {
    const x64 = ptr === 8;
    const e: EntryLayout = x64 ? { type: name, size: name === '_KLDR_DATA_TABLE_ENTRY' ? 0xa0 : 0x120, links: 0, base: 0x30, size32: 0x40, name: 0x58 }
      : { type: name, size: 0x50, links: 0, base: 0x18, size32: 0x20, name: 0x2c };
    added.push({ name, kind: 'struct', size: e.size, fields: [
      { name: 'InLoadOrderLinks', offset: e.links, type: '_LIST_ENTRY' },
      { name: 'DllBase', offset: e.base, type: 'VOID*' },
      { name: 'SizeOfImage', offset: e.size32, type: 'ULONG' },
      { name: 'BaseDllName', offset: e.name, type: '_UNICODE_STRING' },
    ] });
    return e;
  };
  const user = layoutOf('_LDR_DATA_TABLE_ENTRY') ?? real('_LDR_DATA_TABLE_ENTRY');
  const kernel = layoutOf('_KLDR_DATA_TABLE_ENTRY') ?? (ntTypes.some((t) => t.name === '_KLDR_DATA_TABLE_ENTRY') ? user : real('_KLDR_DATA_TABLE_ENTRY'));
  return { added, kernelEntry: kernel, userEntry: user };
}

/** A LIST_ENTRY list of loader entries at `head`, one per module, each followed by its name. */
function writeModuleList(_types: unknown, e: EntryLayout, head: bigint, modules: Snapshot['modules'], write: (va: bigint, d: Uint8Array) => void,
  freePage: () => bigint, ptr: number, firstFree?: bigint): void {
  const ptrBytes = (v: bigint) => { const b = new Uint8Array(ptr); for (let i = 0; i < ptr; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn); return b; };
  const stride = Math.ceil((e.size + 2 * 64) / 16) * 16;
  const entries: bigint[] = [];
  let cursor = firstFree !== undefined ? (firstFree + 15n) & ~15n : 0n;
  let pageEnd = firstFree !== undefined ? (firstFree & ~0xfffn) + 0x1000n : 0n;
  for (const m of modules) {
    if (cursor + BigInt(stride) > pageEnd) { cursor = freePage(); pageEnd = cursor + 0x1000n; }
    const entry = cursor;
    cursor += BigInt(stride);
    entries.push(entry);
    const name = m.name.slice(0, 63);
    const nameVa = entry + BigInt(e.size);
    write(entry + BigInt(e.base), ptrBytes(hexBig(m.base)));
    write(entry + BigInt(e.size32), ptrBytes(BigInt(m.size)).subarray(0, 4));
    const us = new Uint8Array(ptr === 8 ? 16 : 8);
    us[0] = (name.length * 2) & 0xff; us[1] = (name.length * 2) >> 8; us[2] = us[0]; us[3] = us[1];
    us.set(ptrBytes(nameVa), ptr === 8 ? 8 : 4);
    write(entry + BigInt(e.name), us);
    const w = new Uint8Array(name.length * 2);
    for (let c = 0; c < name.length; c++) w[2 * c] = name.charCodeAt(c) & 0xff;
    write(nameVa, w);
  }
  const links = entries.map((x) => x + BigInt(e.links));
  const chain = [head, ...links, head];
  for (let i = 1; i < chain.length - 1; i++) {
    write(chain[i], ptrBytes(chain[i + 1]));
    write(chain[i] + BigInt(ptr), ptrBytes(chain[i - 1]));
  }
  write(head, ptrBytes(links[0] ?? head));
  write(head + BigInt(ptr), ptrBytes(links[links.length - 1] ?? head));
}

/** The synthetic PDB GUID of a module's table (stable per layout, scenario and module). */
function tableGuid(snapshot: Snapshot, key: string): string {
  return createHash('sha256').update(`${snapshot.header.layout}/${snapshot.header.source}/${key}`).digest('hex').slice(0, 32).toUpperCase();
}

/** Inverse of the reader's decoding (mocks/dump/open.ts decodeKdbg): every 8-byte value of the block. */
function encodeKdbg(block: Uint8Array, never: bigint, always: bigint, encodedAt: bigint): void {
  const M = (1n << 64n) - 1n;
  const r = never & 0x3fn;
  for (let o = 0; o + 8 <= block.length; o += 8) {
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(block[o + i]);
    v ^= always;
    let sw = 0n;
    for (let i = 0n; i < 8n; i++) sw = (sw << 8n) | ((v >> (8n * i)) & 0xffn);
    v = sw ^ encodedAt;
    v = ((v >> r) | (v << ((64n - r) & 63n))) & M;
    v ^= never;
    for (let i = 0; i < 8; i++) block[o + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  }
}

/**
 * A minimal PE image header (PE/COFF specification): DOS header, PE signature, file header, optional
 * header with the Debug data directory, one IMAGE_DEBUG_DIRECTORY of type CODEVIEW and its RSDS record.
 */
function peHeader(guid: string, age: number, pdb: string, imageSize: number, x64: boolean): Uint8Array {
  const b = new Uint8Array(PAGE_SIZE);
  putAscii(b, 0, 'MZ');
  put32(b, 0x3c, 0x80);
  putAscii(b, 0x80, 'PE\0\0');
  const opt = 0x80 + 0x18;
  b[opt] = x64 ? 0x0b : 0x0b; b[opt + 1] = x64 ? 0x02 : 0x01; // 0x20b PE32+, 0x10b PE32
  put32(b, opt + 0x38, imageSize); // SizeOfImage
  const dirs = opt + (x64 ? 0x70 : 0x60);
  const debugDir = 0x200, rsds = 0x240;
  put32(b, dirs + 6 * 8, debugDir); put32(b, dirs + 6 * 8 + 4, 28);
  put32(b, debugDir + 12, 2); // IMAGE_DEBUG_TYPE_CODEVIEW
  put32(b, debugDir + 16, 24 + pdb.length + 1); put32(b, debugDir + 20, rsds);
  putAscii(b, rsds, 'RSDS');
  const g = guid.match(/../g)!.map((x) => parseInt(x, 16));
  // GUID: Data1 (4 bytes), Data2, Data3 (2 each) little-endian, Data4 as bytes.
  [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].forEach((src, i) => { b[rsds + 4 + i] = g[src]; });
  put32(b, rsds + 20, age);
  putAscii(b, rsds + 24, pdb);
  return b;
}

function countProcessors(snapshot: Snapshot): number {
  return Math.max(1, (snapshot.current?.processor ?? 0) + 1);
}

/** ISF 6.1 tables (Volatility 3 format) for nt and every module with symbols or types. */
function symbolTables(snapshot: Snapshot, ptr: number, extraNtTypes: TypeDef[], extraNtSymbols: Array<{ name: string; rva: number }>): Record<string, string> {
  const out: Record<string, string> = {};
  const moduleKeys: string[] = [];
  const byModule = new Map<string, TypeDef[]>(Object.entries(snapshot.types));
  for (const m of snapshot.modules) {
    const key = /^(nt|ntoskrnl|ntkrnlpa|ntkrnlmp|ntkrpamp)(\.exe)?$/i.test(m.name) ? 'nt' : m.name.replace(/\.(sys|dll|exe)$/i, '');
    const own = byModule.get(key) ?? byModule.get(m.name) ?? [];
    const types = key === 'nt' ? [...own, ...extraNtTypes.filter((t) => !own.some((o) => o.name === t.name))] : own;
    if (!m.symbols.length && !types.length) continue;
    const base = hexBig(m.base);
    const database = key === 'nt' ? (ptr === 8 ? 'ntkrnlmp.pdb' : 'ntkrpamp.pdb') : `${key}.pdb`;
    const guid = tableGuid(snapshot, key);
    const table = {
      metadata: { format: '6.1.0', producer: { name: 'waitchain mocks/dump/writer.ts', version: '1' },
        windows: { pdb: { GUID: guid, age: 1, database, machine_type: ptr === 8 ? 0x8664 : 0x14c } } },
      base_types: baseTypes(ptr),
      user_types: {} as Record<string, unknown>,
      enums: {} as Record<string, unknown>,
      symbols: {} as Record<string, unknown>,
    };
    const kinds = new Map(types.map((t) => [t.name, t.kind]));
    for (const t of types) {
      if (t.kind === 'enum') {
        table.enums[t.name] = { base: t.baseType ?? 'LONG', size: t.size, constants: { ...(t.values ?? {}) } };
        continue;
      }
      const fields: Record<string, unknown> = {};
      for (const f of t.fields ?? []) {
        const type = isfRef(f.type, kinds);
        fields[f.name] = { offset: f.offset, type: f.bitLen !== undefined ? { kind: 'bitfield', bit_position: f.bitPos ?? 0, bit_length: f.bitLen, type } : type };
      }
      table.user_types[t.name] = { kind: t.kind, size: t.size, fields };
    }
    if (key === 'nt') for (const x of extraNtSymbols) table.symbols[x.name] = { address: x.rva };
    for (const s of m.symbols) table.symbols[s.name] = s.type ? { address: Number(hexBig(s.address) - base), type: isfRef(s.type, kinds) } : { address: Number(hexBig(s.address) - base) };
    out[`${key === 'nt' ? guid : key}-1.json`] = JSON.stringify(table);
    if (key !== 'nt') moduleKeys.push(key);
  }
  return out;
}

function baseTypes(ptr: number): Record<string, unknown> {
  const b = (size: number, signed: boolean, kind = 'int') => ({ size, signed, kind, endian: 'little' });
  return { pointer: b(ptr, false), 'unsigned char': b(1, false, 'char'), char: b(1, true, 'char'), 'unsigned long': b(4, false), long: b(4, true), 'unsigned long long': b(8, false), void: b(0, false, 'void') };
}

/** A TypeRef in ISF notation; intrinsic names stay as spelled (the reader passes unknown base names through). */
function isfRef(ref: TypeRef, kinds: Map<string, TypeDef['kind']>): unknown {
  const r = ref.trim();
  const arr = /^(.*)\[(\d+)\]$/.exec(r);
  if (arr) {
    // "T[a][b]": the outer count is the first bracket.
    const m = /^(.*?)\[(\d+)\]((?:\[\d+\])*)$/.exec(r)!;
    return { kind: 'array', count: Number(m[2]), subtype: isfRef(m[1] + m[3], kinds) };
  }
  if (r.endsWith('*')) return { kind: 'pointer', subtype: isfRef(r.slice(0, -1), kinds) };
  if (r === 'PVOID') return { kind: 'pointer', subtype: { kind: 'base', name: 'VOID' } };
  const k = kinds.get(r);
  if (k) return { kind: k, name: r };
  return { kind: 'base', name: r };
}
