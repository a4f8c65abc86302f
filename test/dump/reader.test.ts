// Issue 14: the crash-dump reader's parts on small hand-made inputs — headers and their one-line
// errors, physical runs and bitmaps, x64 4-level / x86 PAE / x86 non-PAE translation with large
// pages and not-present entries, triage data blocks, the bounded page cache.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import { DumpError } from '../../mocks/dump/errors';
import { BufferSource, CHUNK_SIZE, FileReader } from '../../mocks/dump/fileReader';
import { readDumpHeader } from '../../mocks/dump/header';
import { PhysicalMemory, TriageMemory, translate, type PagingMode } from '../../mocks/dump/memory';
import { openDump } from '../../mocks/dump/open';
import { writeDump } from '../../mocks/dump/writer';
import { runOnSnapshot } from '../../mocks/harness/run';

const work = mkdtempSync(join(tmpdir(), 'waitchain-reader-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const put64 = (b: Uint8Array, o: number, v: bigint) => { for (let i = 0; i < 8; i++) b[o + i] = Number((v >> BigInt(8 * i)) & 0xffn); };
const put32 = (b: Uint8Array, o: number, v: number) => { for (let i = 0; i < 4; i++) b[o + i] = (v >>> (8 * i)) & 0xff; };
const ascii = (b: Uint8Array, o: number, s: string) => { for (let i = 0; i < s.length; i++) b[o + i] = s.charCodeAt(i); };

/** A full (DumpType 1) x64 or x86 dump of `pages` physical pages from PFN 0, with `fill(pfn, page)`. */
function fullDump(arch: 'x64' | 'x86', pages: number, fill: (pfn: number, page: Uint8Array) => void, pae = true): Uint8Array {
  const hs = arch === 'x64' ? 0x2000 : 0x1000;
  const out = new Uint8Array(hs + pages * 0x1000);
  if (arch === 'x64') {
    ascii(out, 0, 'PAGEDU64'); put32(out, 0x30, 0x8664); put32(out, 0x34, 1); put32(out, 0xf98, 1);
    put32(out, 0x88, 1); put64(out, 0x90, BigInt(pages)); put64(out, 0x98, 0n); put64(out, 0xa0, BigInt(pages));
  } else {
    ascii(out, 0, 'PAGEDUMP'); put32(out, 0x20, 0x14c); put32(out, 0x24, 1); put32(out, 0xf88, 1); out[0x5c] = pae ? 1 : 0;
    put32(out, 0x64, 1); put32(out, 0x68, pages); put32(out, 0x6c, 0); put32(out, 0x70, pages);
  }
  for (let p = 0; p < pages; p++) fill(p, out.subarray(hs + p * 0x1000, hs + (p + 1) * 0x1000));
  return out;
}

function phys(bytes: Uint8Array) {
  const src = new BufferSource(bytes, 'test.dmp');
  return new PhysicalMemory(src, readDumpHeader(src, 'test.dmp'), 'test.dmp');
}

describe('headers: one clear line for every input that is not a usable kernel dump', () => {
  const err = (bytes: Uint8Array) => { try { readDumpHeader(new BufferSource(bytes, 'f.dmp'), 'f.dmp'); } catch (e) { expect(e).toBeInstanceOf(DumpError); return (e as Error).message; } return 'no error'; };
  it('empty, zero-filled, foreign, MDMP, ARM64, truncated', () => {
    expect(err(new Uint8Array(0))).toBe('f.dmp: empty file, not a crash dump');
    expect(err(new Uint8Array(0x3000))).toMatch(/^f\.dmp: zero-filled, not a crash dump/);
    const elf = new Uint8Array(0x100); ascii(elf, 0, '\x7fELF');
    expect(err(elf)).toMatch(/^f\.dmp: not a Windows crash dump \(signature '\.ELF/);
    const mdmp = new Uint8Array(0x100); ascii(mdmp, 0, 'MDMP');
    expect(err(mdmp)).toMatch(/^f\.dmp: user-mode minidump: not a kernel dump; /);
    const arm = fullDump('x64', 1, () => undefined); put32(arm, 0x30, 0xaa64);
    expect(err(arm)).toMatch(/ARM64 kernel dump \(MachineImageType 0xaa64\): unsupported offline/);
    expect(err(fullDump('x64', 4, () => undefined).subarray(0, 0x1800))).toMatch(/truncated: 6144 bytes, shorter than the 8192-byte PAGEDU64 header/);
    expect(err(fullDump('x64', 4, () => undefined).subarray(0, 0x4000))).toMatch(/truncated: the header's 1 physical runs need 24576 bytes, the file has 16384/);
  });
  it('impossible sizes: runs, page counts, processors, dump types, bitmaps', () => {
    const many = fullDump('x64', 1, () => undefined); put32(many, 0x88, 5000);
    expect(err(many)).toMatch(/impossible header: 5000 physical memory runs/);
    const sum = fullDump('x86', 2, () => undefined); put32(sum, 0x68, 7);
    expect(err(sum)).toMatch(/impossible header: the runs hold 2 pages, the descriptor says 7/);
    const cpus = fullDump('x64', 1, () => undefined); put32(cpus, 0x34, 0);
    expect(err(cpus)).toMatch(/impossible header: 0 processors/);
    const type = fullDump('x64', 1, () => undefined); put32(type, 0xf98, 77);
    expect(err(type)).toMatch(/DumpType 77 is not a dump kind the reader knows/);
  });
});

describe('virtual-to-physical translation', () => {
  // x64: PML4 at PFN 1 -> PDPT 2 -> PD 3 -> PT 4 -> data 5; PD entry 1 is a 2 MB page at physical 0
  // (frames 0..511 beyond the file are simply absent); PDPT entry 1 is a 1 GB page.
  const bytes = fullDump('x64', 8, (pfn, page) => {
    if (pfn === 1) put64(page, 0x1ff * 8, (2n << 12n) | 3n); // PML4[511]
    if (pfn === 2) { put64(page, 0, (3n << 12n) | 3n); put64(page, 8, 0x80n | 3n); } // PDPT[0] -> PD, PDPT[1] = 1 GB page at 0
    if (pfn === 3) { put64(page, 0, (4n << 12n) | 3n); put64(page, 8, 0x80n | 3n); put64(page, 16, (4n << 12n) | 2n); } // PD[0] -> PT, PD[1] = 2 MB page at 0, PD[2] not present
    if (pfn === 4) { put64(page, 0, (5n << 12n) | 3n); put64(page, 8, (6n << 12n) | 0x800n); } // PT[0] -> 5; PT[1] transition (not present)
    if (pfn === 5) ascii(page, 0x123, 'hello');
    if (pfn === 6) ascii(page, 0, 'paged');
    if (pfn === 7) ascii(page, 0x10, 'large');
  });
  const pm = phys(bytes);
  const va = (pml4: bigint, pdpt: bigint, pd: bigint, pt: bigint, off: bigint) => 0xffff000000000000n | (pml4 << 39n) | (pdpt << 30n) | (pd << 21n) | (pt << 12n) | off;
  it('x64: 4-level walk, 2 MB and 1 GB pages, not-present entries unreadable', () => {
    expect(translate(pm, 'x64', 0x1000n, va(511n, 0n, 0n, 0n, 0x123n))).toBe(5 * 0x1000 + 0x123);
    expect(translate(pm, 'x64', 0x1000n, va(511n, 0n, 1n, 7n, 0x10n))).toBe(7 * 0x1000 + 0x10);
    expect(translate(pm, 'x64', 0x1000n, va(511n, 1n, 0n, 7n, 0x10n))).toBe(7 * 0x1000 + 0x10);
    expect(translate(pm, 'x64', 0x1000n, va(511n, 0n, 0n, 1n, 0n))).toBeUndefined();
    expect(translate(pm, 'x64', 0x1000n, va(511n, 0n, 2n, 0n, 0n))).toBeUndefined();
    expect(translate(pm, 'x64', 0x1000n, va(510n, 0n, 0n, 0n, 0n))).toBeUndefined();
  });
  it('x86 PAE (2 MB pages) and non-PAE (4 MB pages)', () => {
    const pae = phys(fullDump('x86', 6, (pfn, page) => {
      if (pfn === 1) { put64(page, 2 * 8, (2n << 12n) | 1n); } // PDPT[2] (0x80000000..)
      if (pfn === 2) { put64(page, 0, (3n << 12n) | 3n); put64(page, 8, 0x80n | 3n); } // PD[0] -> PT, PD[1] = 2 MB page at 0
      if (pfn === 3) put64(page, 5 * 8, (4n << 12n) | 3n);
    }));
    expect(translate(pae, 'pae', 0x1000n, 0x80005abcn)).toBe(4 * 0x1000 + 0xabc);
    expect(translate(pae, 'pae', 0x1000n, 0x80203abcn)).toBe(3 * 0x1000 + 0xabc);
    expect(translate(pae, 'pae', 0x1000n, 0x80006000n)).toBeUndefined();
    expect(translate(pae, 'pae', 0x1000n, 0xc0000000n)).toBeUndefined();
    const flat = phys(fullDump('x86', 4, (pfn, page) => {
      if (pfn === 1) { put32(page, 0x200 * 4, (2 << 12) | 3); put32(page, 0x201 * 4, 0x80 | 3); } // PD[512] -> PT, PD[513] = 4 MB page at 0
      if (pfn === 2) put32(page, 3 * 4, (3 << 12) | 3);
    }, false));
    const modes: PagingMode[] = ['x86'];
    for (const m of modes) {
      expect(translate(flat, m, 0x1000n, 0x80003010n)).toBe(3 * 0x1000 + 0x10);
      expect(translate(flat, m, 0x1000n, 0x80402010n)).toBe(2 * 0x1000 + 0x10);
      expect(translate(flat, m, 0x1000n, 0x80004000n)).toBeUndefined();
    }
  });
});

describe('bitmap dumps and triage blocks', () => {
  it('a page is found by its rank among the set bits; absent pages are unreadable', () => {
    const snapshot = buildSnapshot(loadScenario('002-lpc-chain-mutant-lpc-deadlock-cycle'), 'xpsp3-x86');
    const w = writeDump(snapshot, { storage: 'bitmap', pae: false });
    const src = new BufferSource(w.bytes, 'w.dmp');
    const h = readDumpHeader(src, 'w.dmp');
    expect(h.storage).toBe('bitmap');
    const pm = new PhysicalMemory(src, h, 'w.dmp');
    expect(pm.pageOffset(0)).toBe(-1); // PFN 0 is never written
    expect(pm.pageOffset(1)).toBe(w.layout.firstPageOffset);
    expect(pm.pageOffset(3)).toBe(w.layout.firstPageOffset + 2 * 0x1000);
    // A bitmap that counts more pages than the header says is refused.
    const bad = w.bytes.slice();
    bad[w.layout.bitmapOffset! + w.layout.bitmapBytes! - 1] |= 0x80; // a page past the last one written
    expect(() => new PhysicalMemory(new BufferSource(bad, 'b.dmp'), readDumpHeader(new BufferSource(bad, 'b.dmp'), 'b.dmp'), 'b.dmp')).toThrow(/impossible bitmap: \d+ bits set, the header says \d+ pages/);
  });
  it('triage blocks: reads inside a block, across adjacent blocks, and none outside', () => {
    const file = new Uint8Array(0x3000);
    ascii(file, 0x2000, 'ABCDEFGH'); ascii(file, 0x2100, 'IJKL');
    const tm = new TriageMemory(new BufferSource(file), [
      { address: 0xfffff80000001000n, offset: 0x2000, size: 8, what: 'a' },
      { address: 0xfffff80000001008n, offset: 0x2100, size: 4, what: 'b' },
    ]);
    const out = new Uint8Array(12);
    expect(tm.readInto(0xfffff80000001000n, out, 0, 12)).toBe(12);
    expect(String.fromCharCode(...out)).toBe('ABCDEFGHIJKL');
    expect(tm.readInto(0xfffff80000001004n, out, 0, 12)).toBe(8);
    expect(tm.readInto(0xfffff80000000ff0n, out, 0, 4)).toBe(0);
  });
});

describe('large dumps: pages on demand through a bounded cache', () => {
  it('a dump far larger than the cache opens and analyses with at most the cache bound in memory', () => {
    const snapshot = buildSnapshot(loadScenario('002-lpc-mutant-process-eresource-fastmutex'), 'win10-19041-x64');
    const w = writeDump(snapshot, { storage: 'runs' });
    const dir = join(work, 'big');
    mkdirSync(dir);
    for (const [n, t] of Object.entries(w.tables)) writeFileSync(join(dir, n), t);
    // Pad the file with 64 MB of never-touched physical memory: opening must not read it.
    const pad = 64 * 1024 * 1024;
    const big = new Uint8Array(w.bytes.length + pad);
    big.set(w.bytes);
    const pages = (w.bytes.length - 0x2000) / 0x1000 + pad / 0x1000;
    put64(big, 0x90, BigInt(pages)); put64(big, 0xa0, BigInt(pages));
    writeFileSync(join(dir, 'big.dmp'), big);
    const started = Date.now();
    const dump = openDump(join(dir, 'big.dmp'), dir, { maxCachedChunks: 8 });
    const openMs = Date.now() - started;
    try {
      const stats = dump.reader!.stats;
      expect(stats.cachedChunks).toBeLessThanOrEqual(8);
      expect(stats.bytesFromDisk).toBeLessThan(big.length / 4);
      expect(openMs).toBeLessThan(20000);
      const run = runOnSnapshot(dump.snapshot, '!waitchain');
      expect(run.error).toBeUndefined();
      expect(run.output).toMatch(/^ROOT BLOCKER: thread ffffa000`35d2b1c/); // the x86 scenario relocated onto x64
      expect(dump.reader!.stats.cachedChunks).toBeLessThanOrEqual(8);
      const reader = new FileReader(join(dir, 'big.dmp'), 2);
      reader.read(0, 16); reader.read(CHUNK_SIZE * 10, 16); reader.read(CHUNK_SIZE * 20, 16);
      expect(reader.stats.cachedChunks).toBe(2);
      reader.close();
    } finally {
      dump.close();
    }
  });
});

describe('choosing the symbol table', () => {
  const write = (tag: string, scenario: string, layout: string, options: Parameters<typeof writeDump>[1]) => {
    const snapshot = buildSnapshot(loadScenario(scenario), layout);
    const w = writeDump(snapshot, options);
    const dir = join(work, tag);
    mkdirSync(dir, { recursive: true });
    for (const [n, t] of Object.entries(w.tables)) writeFileSync(join(dir, n), t);
    writeFileSync(join(dir, 'memory.dmp'), w.bytes);
    return { dir, file: join(dir, 'memory.dmp'), snapshot, tables: Object.keys(w.tables) };
  };

  it('by the CodeView record of the kernel image when its header page is in the dump', () => {
    const d = write('cv', '002-lpc-chain-mutant-lpc-deadlock-cycle', 'win10-19041-x64', { storage: 'runs', kernelImageHeader: true });
    const dump = openDump(d.file, d.dir);
    try {
      expect(dump.info.table.reason).toMatch(/^PDB GUID\/age [0-9A-F]{32}\/1 of the kernel's CodeView record$/);
    } finally { dump.close(); }
  });

  it('an encoded KDDEBUGGER_DATA64 is decoded (nt!KiWaitNever, KiWaitAlways, KdpDataBlockEncoded), and the output is unchanged', () => {
    const d = write('enc', '002-lpc-chain-mutant-lpc-deadlock-cycle', 'win10-19041-x64', { storage: 'bitmap', encodeDebuggerData: true });
    const plain = write('plain', '002-lpc-chain-mutant-lpc-deadlock-cycle', 'win10-19041-x64', { storage: 'bitmap' });
    const dump = openDump(d.file, d.dir);
    const ref = openDump(plain.file, plain.dir);
    try {
      expect(dump.info.warnings).toContain('the debugger data block (KDDEBUGGER_DATA64) is encoded in this dump; decoded with nt!KiWaitNever, nt!KiWaitAlways and nt!KdpDataBlockEncoded');
      expect(dump.info.kernelBase).toBe(ref.info.kernelBase);
      expect(dump.info.processors).toEqual(ref.info.processors);
      expect(runOnSnapshot(dump.snapshot, '!waitchain').output).toBe(runOnSnapshot(ref.snapshot, '!waitchain').output);
    } finally { dump.close(); ref.close(); }
  });

  it('a folder with no matching table, and a single table for another kernel: one line naming both', () => {
    const a = write('a', '002-lpc-chain-mutant-lpc-deadlock-cycle', 'win10-19041-x64', { storage: 'runs', kernelImageHeader: true });
    const b = write('b', '002-lpc-chain-mutant-lpc-deadlock-cycle', 'win11-24h2-x64', { storage: 'runs', kernelImageHeader: true });
    const c = write('c', '002-lpc-chain-mutant-lpc-deadlock-cycle', 'xpsp3-x86', { storage: 'runs' });
    const others = join(work, 'others');
    mkdirSync(others);
    for (const [dir, t] of [[b.dir, b.tables], [c.dir, c.tables]] as const) for (const n of t) writeFileSync(join(others, n), readFileSync(join(dir, n)));
    // With a CodeView record: only that PDB identity will do, even where symbol addresses agree.
    expect(() => openDump(a.file, others)).toThrow(/^--symbols .*others: none of \d+ tables is the dump's kernel, ntkrnlmp\.pdb [0-9A-F]{32}\/1 \(build 19041, from the kernel's CodeView record\)$/);
    const ntTable = b.tables.find((n) => /^[0-9A-F]{32}-1\.json$/.test(n))!;
    expect(() => openDump(a.file, join(b.dir, ntTable))).toThrow(/^symbol table for another kernel: the table is ntkrnlmp\.pdb [0-9A-F]{32}\/1 \([0-9A-F]{32}-1\.json\), the dump's kernel is ntkrnlmp\.pdb [0-9A-F]{32}\/1 \(build 19041, from the kernel's CodeView record\)/);
    // Without one: the debugger data block's addresses, checked against every table (an x86 table cannot match).
    const x86Table = c.tables.find((n) => /^[0-9A-F]{32}-1\.json$/.test(n))!;
    const d = write('d', '002-lpc-chain-mutant-lpc-deadlock-cycle', 'win10-19041-x64', { storage: 'runs' });
    const onlyX86 = join(work, 'only-x86');
    mkdirSync(onlyX86);
    writeFileSync(join(onlyX86, x86Table), readFileSync(join(c.dir, x86Table)));
    writeFileSync(join(onlyX86, 'other-1.json'), readFileSync(join(c.dir, x86Table)));
    expect(() => openDump(d.file, onlyX86)).toThrow(/^--symbols .*only-x86: none of 2 tables matches the dump's kernel, build 19041 kernel with PsLoadedModuleList at nt\+0x[0-9a-f]+/);
  });
});

describe('a larger synthetic system (bench/generate.ts)', () => {
  it('a bitmap dump with thousands of holes in physical memory reads back with the same output', async () => {
    const { generateSystem } = await import('../../bench/generate');
    const snapshot = buildSnapshot(generateSystem(500).scenario as never, 'win10-19041-x64');
    const w = writeDump(snapshot, { storage: 'bitmap' });
    expect(w.bytes.length).toBeGreaterThan(43 * 256 * 0x1000); // more 255-frame groups than the header has run slots (42)
    const runCount = w.bytes[0x88] | (w.bytes[0x89] << 8);
    expect(runCount).toBeLessThanOrEqual(42); // the PHYSICAL_MEMORY_DESCRIPTOR64 stays inside its 0x2c0 bytes
    const dir = join(work, 'gen500');
    mkdirSync(dir);
    for (const [n, t] of Object.entries(w.tables)) writeFileSync(join(dir, n), t);
    writeFileSync(join(dir, 'memory.dmp'), w.bytes);
    const dump = openDump(join(dir, 'memory.dmp'), dir);
    try {
      // A kernel dump holds no user-mode memory, so no user-mode modules either (as test/dump/roundtrip.test.ts).
      const modules = snapshot.header.dumpKind === 'kernel' ? snapshot.modules.filter((m) => m.kernel) : snapshot.modules;
      const reference = { ...snapshot, modules, threads: snapshot.threads.map((t) => ({ address: t.address, frames: [] })) };
      expect(runOnSnapshot(dump.snapshot, '!waitchain').output).toBe(runOnSnapshot(reference, '!waitchain').output);
    } finally {
      dump.close();
    }
  });
});

describe('what a dump does not hold is not reported as absent', () => {
  const scenarioFile = join(__dirname, '..', '..', 'mocks', 'scenarios', '004-devnode-pnp-state-history-wrapped.json');

  it('!ringdump "-devnode all" with the root device node unreadable says so, never "0 device nodes"', () => {
    const snapshot = buildSnapshot(loadScenario(scenarioFile), 'win10-19041-x64');
    const nt = snapshot.modules.find((m) => m.name === 'nt')!;
    const rootPointer = BigInt('0x' + nt.symbols.find((s) => s.name === 'IopRootDeviceNode')!.address);
    const range = snapshot.memory.find((r) => { const a = BigInt('0x' + r.address); const n = r.bytes?.length ?? (r.hex?.length ?? 0) / 2; return a <= rootPointer && rootPointer + 8n <= a + BigInt(n); })!;
    const bytes = range.bytes ?? new Uint8Array(Buffer.from(range.hex!, 'hex'));
    const at = Number(rootPointer - BigInt('0x' + range.address));
    let root = 0n;
    for (let i = 7; i >= 0; i--) root = (root << 8n) | BigInt(bytes[at + i]);
    const before = runOnSnapshot(snapshot, '!ringdump "-devnode all"');
    expect(before.output).toMatch(/\d+ device nodes?, \d+ with a state history/);
    const damaged = { ...snapshot, unreadable: [...(snapshot.unreadable ?? []), { address: root.toString(16), size: 0x10 }] };
    const after = runOnSnapshot(damaged, '!ringdump "-devnode all"');
    expect(after.error).toBeUndefined();
    expect(after.output).not.toMatch(/device nodes?, \d+ with a state history/);
    expect(after.output).toMatch(/^no device node read: the root device node ffff[0-9a-f`]+ \(nt!IopRootDeviceNode\) is unreadable in this dump$/m);
  });

  it('an x64 dump without its images\' unwind data claims no frame and says why per thread', () => {
    const snapshot = buildSnapshot(loadScenario(join(__dirname, '..', '..', 'mocks', 'scenarios', '000-sftfs-stale-iosb-apc.json')), 'win10-19041-x64');
    const written = writeDump(snapshot, { storage: 'bitmap' });
    const dir = mkdtempSync(join(tmpdir(), 'waitchain-unwind-'));
    try {
      for (const [name, text] of Object.entries(written.tables)) writeFileSync(join(dir, name), text);
      // Zero the nt image header page in the file (the exception directory goes with it).
      const nt = BigInt('0x' + snapshot.modules.find((m) => m.name === 'nt')!.base);
      const file = join(dir, 'm.dmp');
      writeFileSync(file, written.bytes);
      const good = openDump(file, dir);
      const withFrames = good.snapshot.threads.filter((t) => t.frames.length).length;
      expect(withFrames).toBe(snapshot.threads.filter((t) => t.frames.length).length);
      good.close();
      const page = new Uint8Array(0x1000);
      const probe = openDump(file, dir);
      expect(probe.snapshot.memorySource!.readInto(nt, page, 0, 0x1000, undefined)).toBe(0x1000);
      probe.close();
      const bytes = written.bytes.slice();
      let hits = 0;
      for (let o = written.layout.firstPageOffset; o + 0x1000 <= bytes.length; o += 0x1000) {
        if (Buffer.compare(Buffer.from(bytes.subarray(o, o + 0x1000)), Buffer.from(page)) === 0) { bytes.fill(0, o, o + 0x1000); hits++; }
      }
      expect(hits).toBe(1);
      writeFileSync(file, bytes);
      const bad = openDump(file, dir);
      try {
        expect(bad.snapshot.threads.every((t) => t.frames.length === 0)).toBe(true);
        expect(bad.info.warnings.find((w) => /^no stack frames for /.test(w))).toMatch(/nt has no exception directory|the image header of nt is not in the dump/);
      } finally {
        bad.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
