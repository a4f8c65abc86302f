// Kernel crash dump headers (little-endian), as public parsers describe them:
// 0vercl0k/kdmp-parser (kdmp-parser-structs.h) and Volatility 3's crash-dump layer
// (volatility3/framework/layers/crash.py, symbols/windows/crash*.json).
//   DUMP_HEADER64 ("PAGEDU64", 0x2000 bytes) and DUMP_HEADER32 ("PAGEDUMP", 0x1000 bytes).
//   DumpType 1 = full/complete (physical memory runs after the header), 2 = kernel, 4 = triage
//   ("minidump"), 5 = bitmap, 6 = kernel (bitmap), 8/9/10 = kernel/automatic, kernel+user
//   (active) and complete dumps written as bitmaps (Windows 10+).
//   Bitmap header after the dump header: "SDMP"/"FDMP" + "DUMP"; x64: first page's file offset
//   at +0x20, present pages +0x28, bitmap size in bits +0x30, the bits at +0x38. x86 summary
//   dump (SUMMARY_DUMP32): first page's offset +0x0c, bits +0x10, present pages +0x14, bits at +0x20.
//   TRIAGE_DUMP64 after DUMP_HEADER64 (offsets from the start of the file).
import { DumpError } from './errors';
import { ascii, u32, u64, type ByteSource } from './fileReader';

export const PAGE_SIZE = 0x1000;

export const MACHINE_I386 = 0x14c;
export const MACHINE_AMD64 = 0x8664;
export const MACHINE_ARM64 = 0xaa64;

export type DumpKind = 'complete' | 'kernel' | 'triage';

export interface PhysicalRun { basePage: number; pageCount: number }

export interface DumpHeader {
  arch: 'x86' | 'x64';
  /** x86: PAE paging (three-level, 8-byte entries). */
  pae: boolean;
  headerSize: number;
  majorVersion: number;
  /** The build number. */
  minorVersion: number;
  directoryTableBase: bigint;
  pfnDataBase: bigint;
  psLoadedModuleList: bigint;
  psActiveProcessHead: bigint;
  kdDebuggerDataBlock: bigint;
  machineImageType: number;
  numberProcessors: number;
  bugCheckCode: number;
  bugCheckParameters: bigint[];
  dumpType: number;
  kind: DumpKind;
  /** How the pages are stored: runs after the header, a bitmap, or triage data blocks. */
  storage: 'runs' | 'bitmap' | 'triage';
  runs: PhysicalRun[];
  contextOffset: number;
  /** FILETIME of the crash (100 ns since 1601), 0 when unknown. */
  systemTime: bigint;
  systemUpTime: bigint;
  fileSize: number;
}

export const DUMP_TYPE_NAMES: Record<number, string> = {
  1: 'complete memory dump (full, physical runs)', 2: 'kernel memory dump', 4: 'triage dump (small memory dump)',
  5: 'bitmap dump', 6: 'kernel memory dump (bitmap)', 8: 'kernel memory dump (bitmap)',
  9: 'active memory dump (kernel and user, bitmap)', 10: 'complete memory dump (bitmap)',
};

function kindOf(dumpType: number): { kind: DumpKind; storage: DumpHeader['storage'] } | undefined {
  switch (dumpType) {
    case 1: return { kind: 'complete', storage: 'runs' };
    case 2: return { kind: 'kernel', storage: 'bitmap' };
    case 4: return { kind: 'triage', storage: 'triage' };
    case 5: case 10: return { kind: 'complete', storage: 'bitmap' };
    case 6: case 8: case 9: return { kind: 'kernel', storage: 'bitmap' };
    default: return undefined;
  }
}

function allZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

export function readDumpHeader(file: ByteSource, name: string): DumpHeader {
  if (file.size === 0) throw new DumpError(`${name}: empty file, not a crash dump`);
  const magic = file.read(0, Math.min(8, file.size));
  const sig = ascii(magic, 0, magic.length);
  if (sig.startsWith('MDMP')) {
    throw new DumpError(`${name}: user-mode minidump: not a kernel dump; open it in WinDbg (or a minidump reader) — waitchain's offline harness reads kernel crash dumps (PAGEDU64/PAGEDUMP)`);
  }
  if (magic.length < 8 || (sig !== 'PAGEDU64' && sig !== 'PAGEDUMP')) {
    if (allZero(file.read(0, Math.min(file.size, 0x1000)))) throw new DumpError(`${name}: zero-filled, not a crash dump (no PAGEDU64/PAGEDUMP signature)`);
    throw new DumpError(`${name}: not a Windows crash dump (signature '${printable(sig)}', expected PAGEDU64, PAGEDUMP or MDMP)`);
  }
  const is64 = sig === 'PAGEDU64';
  const headerSize = is64 ? 0x2000 : 0x1000;
  if (file.size < headerSize) throw new DumpError(`${name}: truncated: ${file.size} bytes, shorter than the ${headerSize}-byte ${sig} header`);
  const h = file.read(0, headerSize);
  const machineImageType = u32(h, is64 ? 0x30 : 0x20);
  if (machineImageType === MACHINE_ARM64) {
    throw new DumpError(`${name}: ARM64 kernel dump (MachineImageType 0xaa64): unsupported offline — the harness translates x86 and x64 page tables only`);
  }
  const expected = is64 ? MACHINE_AMD64 : MACHINE_I386;
  if (machineImageType !== expected) {
    throw new DumpError(`${name}: ${sig} header names machine 0x${machineImageType.toString(16)}, expected 0x${expected.toString(16)} (${is64 ? 'AMD64' : 'i386'}); unsupported`);
  }
  const dumpType = u32(h, is64 ? 0xf98 : 0xf88);
  const k = kindOf(dumpType);
  if (!k) throw new DumpError(`${name}: DumpType ${dumpType} is not a dump kind the reader knows (1 full, 2/6/8 kernel, 4 triage, 5/9/10 bitmap)`);
  const ptr = (o: number) => (is64 ? u64(h, o) : BigInt(u32(h, o)));
  const header: DumpHeader = {
    arch: is64 ? 'x64' : 'x86',
    pae: is64 ? false : h[0x5c] !== 0,
    headerSize,
    majorVersion: u32(h, 0x08),
    minorVersion: u32(h, 0x0c),
    directoryTableBase: ptr(0x10),
    pfnDataBase: ptr(is64 ? 0x18 : 0x14),
    psLoadedModuleList: is64 ? ptr(0x20) : signExtend32(ptr(0x18)),
    psActiveProcessHead: is64 ? ptr(0x28) : signExtend32(ptr(0x1c)),
    kdDebuggerDataBlock: is64 ? ptr(0x80) : signExtend32(ptr(0x60)),
    machineImageType,
    numberProcessors: u32(h, is64 ? 0x34 : 0x24),
    bugCheckCode: u32(h, is64 ? 0x38 : 0x28),
    bugCheckParameters: [0, 1, 2, 3].map((i) => (is64 ? u64(h, 0x40 + 8 * i) : BigInt(u32(h, 0x2c + 4 * i)))),
    dumpType,
    kind: k.kind,
    storage: k.storage,
    runs: [],
    contextOffset: is64 ? 0x348 : 0x320,
    systemTime: is64 ? u64(h, 0xfa8) : u64(h, 0xfc0),
    systemUpTime: is64 ? u64(h, 0x1030) : u64(h, 0xfb8),
    fileSize: file.size,
  };
  if (header.numberProcessors === 0 || header.numberProcessors > 4096) {
    throw new DumpError(`${name}: impossible header: ${header.numberProcessors} processors`);
  }
  if (header.storage === 'runs') header.runs = readRuns(h, is64, name, file.size, headerSize);
  return header;
}

/** x86 dumps store kernel pointers as 32-bit values; the mock's x86 addresses are 32-bit too. */
function signExtend32(v: bigint): bigint { return v; }

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '.');
}

/** PHYSICAL_MEMORY_DESCRIPTOR64 at 0x88 / PHYSICAL_MEMORY_DESCRIPTOR32 at 0x64 of the header. */
function readRuns(h: Uint8Array, is64: boolean, name: string, fileSize: number, headerSize: number): PhysicalRun[] {
  const base = is64 ? 0x88 : 0x64;
  const count = u32(h, base);
  const room = is64 ? Math.floor((0x2c0 - 0x10) / 16) : Math.floor((700 - 8) / 8);
  if (count === 0 || count > room) throw new DumpError(`${name}: impossible header: ${count} physical memory runs (the header has room for ${room})`);
  const totalPages = is64 ? Number(u64(h, base + 8)) : u32(h, base + 4);
  const runs: PhysicalRun[] = [];
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const o = is64 ? base + 0x10 + 16 * i : base + 8 + 8 * i;
    const basePage = is64 ? Number(u64(h, o)) : u32(h, o);
    const pageCount = is64 ? Number(u64(h, o + 8)) : u32(h, o + 4);
    if (!Number.isSafeInteger(basePage) || !Number.isSafeInteger(pageCount) || basePage > 2 ** 40 || pageCount > 2 ** 40) {
      throw new DumpError(`${name}: impossible header: physical run ${i} (base page 0x${basePage.toString(16)}, 0x${pageCount.toString(16)} pages)`);
    }
    runs.push({ basePage, pageCount });
    sum += pageCount;
  }
  if (sum !== totalPages) throw new DumpError(`${name}: impossible header: the runs hold ${sum} pages, the descriptor says ${totalPages}`);
  const needed = headerSize + sum * PAGE_SIZE;
  if (needed > fileSize) {
    throw new DumpError(`${name}: truncated: the header's ${count} physical runs need ${needed} bytes, the file has ${fileSize}`);
  }
  return runs;
}

export interface BitmapInfo {
  firstPageOffset: number;
  bitCount: number;
  presentPages: number;
  bitmapOffset: number;
}

export function readBitmapHeader(file: ByteSource, header: DumpHeader, name: string): BitmapInfo {
  const at = header.headerSize;
  if (file.size < at + 0x40) throw new DumpError(`${name}: truncated: no room for the bitmap header after the dump header`);
  const b = file.read(at, 0x40);
  const sig = ascii(b, 0, 4);
  const valid = ascii(b, 4, 4);
  if ((sig !== 'SDMP' && sig !== 'FDMP') || valid !== 'DUMP') {
    throw new DumpError(`${name}: DumpType ${header.dumpType} needs a bitmap header (SDMP/FDMP + DUMP) at 0x${at.toString(16)}, found '${printable(sig + valid)}'`);
  }
  const is64 = header.arch === 'x64';
  const firstPageOffset = is64 ? Number(u64(b, 0x20)) : u32(b, 0x0c);
  const presentPages = is64 ? Number(u64(b, 0x28)) : u32(b, 0x14);
  const bitCount = is64 ? Number(u64(b, 0x30)) : u32(b, 0x10);
  const bitmapOffset = at + (is64 ? 0x38 : 0x20);
  const impossible = (what: string) => new DumpError(`${name}: impossible bitmap header: ${what}`);
  if (!Number.isSafeInteger(bitCount) || bitCount <= 0 || bitCount > 2 ** 36) throw impossible(`${bitCount} pages of physical memory`);
  if (!Number.isSafeInteger(firstPageOffset) || firstPageOffset < bitmapOffset + Math.ceil(bitCount / 8)) {
    throw impossible(`the first page at 0x${firstPageOffset.toString(16)} overlaps the ${Math.ceil(bitCount / 8)}-byte bitmap`);
  }
  if (!Number.isSafeInteger(presentPages) || presentPages > bitCount) throw impossible(`${presentPages} present pages out of ${bitCount}`);
  if (firstPageOffset + presentPages * PAGE_SIZE > file.size) {
    throw new DumpError(`${name}: truncated: the bitmap says ${presentPages} pages from 0x${firstPageOffset.toString(16)}, the file has ${file.size} bytes`);
  }
  return { firstPageOffset, bitCount, presentPages, bitmapOffset };
}

export interface TriageHeader {
  sizeOfDump: number;
  contextOffset: number;
  prcbOffset: number;
  processOffset: number;
  threadOffset: number;
  callStackOffset: number;
  sizeOfCallStack: number;
  topOfStack: bigint;
  driverListOffset: number;
  driverCount: number;
  stringPoolOffset: number;
  stringPoolSize: number;
  dataPageAddress: bigint;
  dataPageOffset: number;
  dataPageSize: number;
  debuggerDataOffset: number;
  debuggerDataSize: number;
  dataBlocksOffset: number;
  dataBlocksCount: number;
}

/** TRIAGE_DUMP64 right after DUMP_HEADER64 (the layout kdmp-parser and WinDbg's dbgeng agree on). */
export function readTriageHeader(file: ByteSource, header: DumpHeader, name: string): TriageHeader {
  if (header.arch !== 'x64') throw new DumpError(`${name}: 32-bit triage dumps (TRIAGE_DUMP32) are not supported offline`);
  const at = header.headerSize;
  if (file.size < at + 0x80) throw new DumpError(`${name}: truncated: no room for the triage header after the dump header`);
  const b = file.read(at, 0x80);
  const t: TriageHeader = {
    sizeOfDump: u32(b, 0x04), contextOffset: u32(b, 0x0c), prcbOffset: u32(b, 0x1c), processOffset: u32(b, 0x20),
    threadOffset: u32(b, 0x24), callStackOffset: u32(b, 0x28), sizeOfCallStack: u32(b, 0x2c), driverListOffset: u32(b, 0x30),
    driverCount: u32(b, 0x34), stringPoolOffset: u32(b, 0x38), stringPoolSize: u32(b, 0x3c), topOfStack: u64(b, 0x48),
    // +0x50: 16 bytes of architecture-specific data.
    dataPageAddress: u64(b, 0x60), dataPageOffset: u32(b, 0x68), dataPageSize: u32(b, 0x6c),
    debuggerDataOffset: u32(b, 0x70), debuggerDataSize: u32(b, 0x74), dataBlocksOffset: u32(b, 0x78), dataBlocksCount: u32(b, 0x7c),
  };
  const within = (what: string, off: number, size: number) => {
    if (off !== 0 && (off < at || off + size > file.size)) {
      throw new DumpError(`${name}: impossible triage header: ${what} at 0x${off.toString(16)} (+0x${size.toString(16)}) lies outside the ${file.size}-byte file`);
    }
  };
  if (t.sizeOfDump > file.size) throw new DumpError(`${name}: truncated: the triage header says ${t.sizeOfDump} bytes, the file has ${file.size}`);
  within('the data blocks', t.dataBlocksOffset, t.dataBlocksCount * 16);
  within('the driver list', t.driverListOffset, t.driverCount * 0x6c);
  within('the string pool', t.stringPoolOffset, t.stringPoolSize);
  within('the debugger data', t.debuggerDataOffset, t.debuggerDataSize);
  within('the call stack', t.callStackOffset, t.sizeOfCallStack);
  within('the data page', t.dataPageOffset, t.dataPageSize);
  return t;
}
