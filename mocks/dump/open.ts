// Opens a Windows kernel crash dump with a symbol table and turns it into what the mock host
// serves (a Snapshot whose memory is read on demand from the dump): the same host, data model and
// bundle as every scenario and replay use (issue 14). Only memory, types, symbols, modules and
// threads come from the dump. Everything the dump cannot show is said in DumpInfo.warnings.
import { basename } from 'node:path';
import { SNAPSHOT_FORMAT, type Snapshot, type SnapshotModule, type SnapshotSymbol, type SnapshotThread } from '../format/snapshot';
import type { TypeDef } from '../format/typedef';
import { LAYOUTS } from '../layouts';
import { isfToTypeDefs, isfTypeRefToC, loadIsf, symbolRva, type LoadedIsf } from '../symbols/isf';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DumpError } from './errors';
import { BufferSource, FileReader, u16, u32, u64, type ByteSource } from './fileReader';
import { DUMP_TYPE_NAMES, readDumpHeader, readTriageHeader, type DumpHeader, type TriageHeader } from './header';
import { PagedDumpMemory, PhysicalMemory, readTriageBlocks, TriageMemory, type DumpMemorySource, type TriageBlock } from './memory';
import { chooseTable, codeViewOf, type KernelIdentity } from './symbols';
import { Unwinder } from './unwind';

export interface ProcessorInfo {
  index: number;
  prcb?: string;
  thread?: string;
  /** KPRCB.IdleThread: the thread the processor runs when nothing else is ready. */
  idleThread?: string;
  process?: string;
  /** "idle", the image name of the current thread's process, or why it is unknown. */
  running: string;
}

export interface DumpInfo {
  file: string;
  kind: DumpHeader['kind'];
  dumpType: number;
  description: string;
  arch: 'x86' | 'x64';
  build: number;
  bugCheck: { code: string; parameters: string[] };
  kernelBase?: string;
  table: { file: string; reason: string; pdb?: string };
  processors: ProcessorInfo[];
  processes?: number;
  /** The processes the list holds (first 64), with what of each the dump holds. */
  processList?: {
    address: string; pid?: number; name?: string; threads?: number;
    /** Of `threads`, how many ETHREADs have their KTHREAD header and State in the dump (what the commands need to scan a thread). */
    readableThreads?: number;
  }[];
  threads?: number;
  warnings: string[];
}

export interface OpenedDump {
  snapshot: Snapshot;
  info: DumpInfo;
  /** The reader's file statistics (pages read on demand). */
  reader?: FileReader;
  close(): void;
}

export interface OpenOptions {
  /** Bound of the page cache, in 4 KB chunks (default 16384: 64 MB). */
  maxCachedChunks?: number;
}

/** KDDEBUGGER_DATA64 members (offsets of the public wdbgexts.h layout) used to identify the kernel. */
const KDBG = {
  KernBase: 0x18, PsLoadedModuleList: 0x48, PsActiveProcessHead: 0x50, PspCidTable: 0x58,
  ExpSystemResourcesList: 0x60, ObpRootDirectoryObject: 0x98, MmPfnDatabase: 0xc0, KiProcessorBlock: 0x218,
} as const;
const KDBG_CHECKED = ['PsLoadedModuleList', 'PsActiveProcessHead', 'PspCidTable', 'ExpSystemResourcesList', 'ObpRootDirectoryObject', 'MmPfnDatabase', 'KiProcessorBlock'] as const;
const KDBG_MIN_SIZE = 0x220;

export function openDump(dumpPath: string | { name: string; bytes: Uint8Array }, symbolsPath: string, options: OpenOptions = {}): OpenedDump {
  const reader = typeof dumpPath === 'string' ? new FileReader(dumpPath, options.maxCachedChunks) : undefined;
  const file: ByteSource = reader ?? new BufferSource((dumpPath as { bytes: Uint8Array }).bytes, (dumpPath as { name: string }).name);
  const name = typeof dumpPath === 'string' ? dumpPath : dumpPath.name;
  try {
    const opened = openSource(file, name, symbolsPath);
    return { ...opened, reader, close: () => reader?.close() };
  } catch (e) {
    reader?.close();
    throw e;
  }
}

function openSource(file: ByteSource, name: string, symbolsPath: string): Omit<OpenedDump, 'close' | 'reader'> {
  const header = readDumpHeader(file, name);
  const ptrSize = header.arch === 'x64' ? 8 : 4;
  const userLimit = header.arch === 'x64' ? 0x800000000000n : 0x80000000n;
  const warnings: string[] = [];
  let triage: TriageHeader | undefined;
  let triageMemory: TriageMemory | undefined;
  let paged: PagedDumpMemory | undefined;
  let source: DumpMemorySource;
  if (header.storage === 'triage') {
    triage = readTriageHeader(file, header, name);
    triageMemory = new TriageMemory(file, readTriageBlocks(file, triage, name));
    source = triageMemory;
  } else {
    const phys = new PhysicalMemory(file, header, name);
    paged = new PagedDumpMemory(phys, header.arch === 'x64' ? 'x64' : header.pae ? 'pae' : 'x86', header.directoryTableBase, userLimit);
    source = paged;
  }
  const readKernel = (address: bigint, length: number): Uint8Array | undefined => {
    const out = new Uint8Array(length);
    try {
      return source.readInto(address, out, 0, length, undefined) === length ? out : undefined;
    } catch (e) {
      if (e instanceof DumpError) return undefined;
      throw e;
    }
  };
  const readPtr = (address: bigint): bigint | undefined => {
    const b = readKernel(address, ptrSize);
    return b && (ptrSize === 8 ? u64(b, 0) : BigInt(u32(b, 0)));
  };

  // The debugger data block: the triage copy, else the kernel's own (header.KdDebuggerDataBlock).
  let kdbg: Uint8Array | undefined;
  if (triage && triage.debuggerDataOffset && triage.debuggerDataSize >= KDBG_MIN_SIZE) {
    kdbg = file.read(triage.debuggerDataOffset, triage.debuggerDataSize).slice();
  } else if (header.kdDebuggerDataBlock) {
    const head = readKernel(header.kdDebuggerDataBlock, 0x18);
    const size = head ? Math.min(u32(head, 0x14), 0x1000) : 0;
    kdbg = readKernel(header.kdDebuggerDataBlock, Math.max(size, KDBG_MIN_SIZE)) ?? readKernel(header.kdDebuggerDataBlock, KDBG_MIN_SIZE);
  }
  const tagged = (b: Uint8Array | undefined) => !!b && b.length >= KDBG_MIN_SIZE && b[0x10] === 0x4b && b[0x11] === 0x44 && b[0x12] === 0x42 && b[0x13] === 0x47;
  const kdbgEncoded = !!kdbg && !tagged(kdbg);
  const field = (b: Uint8Array, off: number) => (ptrSize === 8 ? u64(b, off) : u64(b, off) & 0xffffffffn);

  // Kernel base: the block's KernBase; when the block is encoded, the first PsLoadedModuleList entry.
  let kernelBase = kdbg && !kdbgEncoded ? field(kdbg, KDBG.KernBase) : undefined;
  if (!kernelBase) {
    const first = readPtr(header.psLoadedModuleList);
    const dllBase = first !== undefined ? readPtr(first + BigInt(ptrSize === 8 ? 0x30 : 0x18)) : undefined;
    if (dllBase) kernelBase = dllBase;
  }
  if (!kernelBase) throw new DumpError(`${name}: cannot find the kernel's base: the debugger data block and the loaded-module list are not readable`);

  const cv = codeViewOf(readKernel, kernelBase);
  const rvasOf = (block: Uint8Array): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const n of KDBG_CHECKED) {
      const v = field(block, KDBG[n]);
      if (v > kernelBase! && v - kernelBase! < 0x10000000n) out[n] = Number(v - kernelBase!);
    }
    return out;
  };
  const identity: KernelIdentity = { pdb: cv, rvas: kdbg && !kdbgEncoded ? rvasOf(kdbg) : {}, build: header.minorVersion };
  if (kdbgEncoded && !cv) {
    // Encoded block and no CodeView: the header's own kernel-relative addresses identify the kernel.
    if (header.psActiveProcessHead > kernelBase) identity.rvas.PsActiveProcessHead = Number(header.psActiveProcessHead - kernelBase);
    if (header.psLoadedModuleList > kernelBase) identity.rvas.PsLoadedModuleList = Number(header.psLoadedModuleList - kernelBase);
  }
  const choice = chooseTable(symbolsPath, identity, header.arch);
  const table = choice.loaded;
  if (kdbg && kdbgEncoded) {
    const decoded = decodeKdbg(kdbg, table, kernelBase, header.kdDebuggerDataBlock, readPtr);
    if (decoded) {
      kdbg = decoded;
      warnings.push('the debugger data block (KDDEBUGGER_DATA64) is encoded in this dump; decoded with nt!KiWaitNever, nt!KiWaitAlways and nt!KdpDataBlockEncoded');
    } else {
      warnings.push('the debugger data block (KDDEBUGGER_DATA64) is encoded and could not be decoded (nt!KiWaitNever/KiWaitAlways unreadable)');
      kdbg = undefined;
    }
  }

  // Types and symbols from the table.
  const types: TypeDef[] = isfToTypeDefs(table).types;
  const typeNames = new Set(types.map((t) => t.name));
  const globalTypes = new Map<string, string>();
  for (const layout of Object.values(LAYOUTS)) {
    if (layout.pointerSize !== ptrSize) continue;
    for (const g of layout.globals) if (g.module === 'nt' && !globalTypes.has(g.name)) globalTypes.set(g.name, g.type);
  }
  const ntSymbols: SnapshotSymbol[] = [];
  for (const [symName, sym] of Object.entries(table.table.symbols)) {
    if (typeof sym.address !== 'number') continue;
    const s: SnapshotSymbol = { name: symName, address: hex(kernelBase + BigInt(sym.address)) };
    // Public symbol tables carry no types; the globals the analysis reads get the type the kernel declares them with.
    const own = (sym as { type?: Parameters<typeof isfTypeRefToC>[0] }).type;
    const t = own ? isfTypeRefToC(own) : globalTypes.get(symName);
    if (t && (typeNames.has(t.replace(/[*[].*$/, '')) || /^[A-Z0-9_]+$/.test(t))) s.type = t;
    ntSymbols.push(s);
  }
  const fieldOffset = (typeName: string, path: string): number | undefined => fieldPathOffset(types, typeName, path);
  if (paged) {
    const off = fieldOffset('_EPROCESS', 'Pcb.DirectoryTableBase');
    if (off !== undefined) paged.processDtbField = { offset: off, size: ptrSize };
  }

  // Triage: the current thread, process and stack copies are memory too, at their own addresses.
  let current: Snapshot['current'] = {};
  if (triage && triageMemory) {
    const extra = triageCopies(file, triage, types, ptrSize);
    if (extra.blocks.length) {
      triageMemory = new TriageMemory(file, [...triageMemory.blocks, ...extra.blocks]);
      source = triageMemory;
    }
    current = extra.current;
  }

  const symbolAddress = (n: string) => {
    const rva = symbolRva(table.table, n);
    return rva === undefined ? undefined : kernelBase! + BigInt(rva);
  };

  // Processors: nt!KiProcessorBlock[i] -> _KPRCB.CurrentThread / IdleThread.
  const processors: ProcessorInfo[] = [];
  const kpb = symbolAddress('KiProcessorBlock');
  const curThreadOff = fieldOffset('_KPRCB', 'CurrentThread');
  const idleThreadOff = fieldOffset('_KPRCB', 'IdleThread');
  const procOfThread = fieldOffset('_KTHREAD', 'ApcState.Process') ?? fieldOffset('_KTHREAD', 'Process');
  const imageNameOff = fieldOffset('_EPROCESS', 'ImageFileName');
  for (let i = 0; i < header.numberProcessors; i++) {
    const p: ProcessorInfo = { index: i, running: 'unknown' };
    processors.push(p);
    const prcb = kpb !== undefined ? readPtr(kpb + BigInt(i * ptrSize)) : undefined;
    if (!prcb) { p.running = 'unknown (nt!KiProcessorBlock entry not in the dump)'; continue; }
    p.prcb = hex(prcb);
    const thread = curThreadOff !== undefined ? readPtr(prcb + BigInt(curThreadOff)) : undefined;
    if (!thread) { p.running = 'unknown (KPRCB not in the dump)'; continue; }
    p.thread = hex(thread);
    const idle = idleThreadOff !== undefined ? readPtr(prcb + BigInt(idleThreadOff)) : undefined;
    if (idle) p.idleThread = hex(idle);
    const proc = procOfThread !== undefined ? readPtr(thread + BigInt(procOfThread)) : undefined;
    if (proc) p.process = hex(proc);
    const image = proc && imageNameOff !== undefined ? readKernel(proc + BigInt(imageNameOff), 15) : undefined;
    const imageName = image ? cString(image) : undefined;
    p.running = idle === thread ? 'idle' : imageName ? `thread ${hex(thread)} of ${imageName}` : `thread ${hex(thread)} (its process is not in the dump)`;
    if (current.thread === undefined && !triage && i === 0) current = { thread: hex(thread), process: proc ? hex(proc) : undefined, processor: 0 };
  }

  // Modules: the triage driver list, else nt!PsLoadedModuleList.
  const modules: SnapshotModule[] = triage ? triageDrivers(file, triage) : loadedModules(types, header.psLoadedModuleList || symbolAddress('PsLoadedModuleList'), readKernel, readPtr, ptrSize, warnings);
  let nt = modules.find((m) => m.base === hex(kernelBase!));
  if (!nt) {
    nt = { name: 'ntoskrnl.exe', base: hex(kernelBase), size: peImageSize(readKernel, kernelBase) ?? maxRva(table) + 0x1000, kernel: true, symbols: [] };
    modules.unshift(nt);
  }
  nt.symbols = ntSymbols;
  // Module names as WinDbg gives them: the kernel is `nt` whatever its image, others the image name without extension.
  for (const m of modules) m.name = m === nt ? 'nt' : m.name.replace(/^.*\\/, '').replace(/\.(sys|dll|exe)$/i, '');
  if (header.kind === 'complete') modules.push(...userModules(types, psHeadFor(table, kernelBase), source, ptrSize, warnings));
  const moduleTypes = moduleTables(symbolsPath, modules, nt, warnings);

  // What the dump lacks.
  const listed = new Set<bigint>();
  let lastListed: bigint[] = [];
  const listCount = (headAddr: bigint | undefined, what: string, cap = 100000, collect = false): number | undefined => {
    if (headAddr === undefined) return undefined;
    let entry = readPtr(headAddr);
    if (entry === undefined) { warnings.push(`${what}: the list head at ${hex(headAddr)} is not in the dump`); return 0; }
    const seen = new Set<bigint>();
    let n = 0;
    while (entry !== headAddr && n < cap) {
      if (seen.has(entry)) { warnings.push(`${what}: the list loops back after ${n} entries`); return n; }
      seen.add(entry);
      if (collect) { listed.add(entry); lastListed.push(entry); }
      n++;
      const next = readPtr(entry);
      if (next === undefined) {
        warnings.push(`${what}: cut after ${n} entr${n === 1 ? 'y' : 'ies'}: the link of the entry at ${hex(entry)} is not in the dump (the dump writer did not copy it)`);
        return n;
      }
      entry = next;
    }
    return n;
  };
  const psHead = symbolAddress('PsActiveProcessHead');
  const processCount = listCount(psHead, 'process list (nt!PsActiveProcessHead)');
  const processList: NonNullable<DumpInfo['processList']> = [];
  const threadEntriesOf = new Map<string, bigint[]>();
  let threadTotal = 0;
  const linksOff = fieldOffset('_EPROCESS', 'ActiveProcessLinks');
  const pidOff = fieldOffset('_EPROCESS', 'UniqueProcessId');
  const threadHeadOff = fieldOffset('_EPROCESS', 'ThreadListHead') ?? fieldOffset('_EPROCESS', 'Pcb.ThreadListHead');
  if (psHead !== undefined && linksOff !== undefined && processCount) {
    let entry = readPtr(psHead);
    for (let i = 0; i < processCount && entry !== undefined && entry !== psHead; i++) {
      const ep = entry - BigInt(linksOff);
      const pid = pidOff !== undefined ? readPtr(ep + BigInt(pidOff)) : undefined;
      const image = imageNameOff !== undefined ? readKernel(ep + BigInt(imageNameOff), 15) : undefined;
      const label = `${hex(ep)}${image ? ` (${cString(image)})` : ' (its EPROCESS is not in the dump)'}`;
      // The summary shows the first 64 processes: their thread lists are checked; a large complete dump
      // is not walked whole at open (the commands walk what they need).
      lastListed = [];
      const threads = threadHeadOff !== undefined && i < 64 ? listCount(ep + BigInt(threadHeadOff), `thread list of process ${label}`, 100000, true) : undefined;
      threadTotal += threads ?? 0;
      if (processList.length < 64) {
        processList.push({ address: hex(ep), pid: pid === undefined ? undefined : Number(pid), name: image ? cString(image) : undefined, threads });
        threadEntriesOf.set(hex(ep), lastListed);
      }
      entry = readPtr(entry);
    }
  }
  if (processCount !== undefined && processCount > 64) warnings.push(`the summary checks the thread lists of the first 64 of ${processCount} processes`);
  // Threads the processors ran that no readable thread list holds: the commands cannot see them.
  const entryOff = fieldOffset('_ETHREAD', threadHeadOff === fieldOffset('_EPROCESS', 'ThreadListHead') ? 'ThreadListEntry' : 'Tcb.ThreadListEntry');
  if (entryOff !== undefined) {
    // A thread on a list is only scannable when its KTHREAD is in the dump; triage writers copy list links
    // and pieces of ETHREADs without the KTHREAD: say which threads the commands cannot read.
    const stateOff = fieldOffset('_KTHREAD', 'State');
    const unreadableThreads: string[] = [];
    for (const p of processList) {
      const entries = threadEntriesOf.get(p.address) ?? [];
      let readable = 0;
      for (const e of entries) {
        const t = e - BigInt(entryOff);
        if (readKernel(t, 0x18) && (stateOff === undefined || readKernel(t + BigInt(stateOff), 1))) readable++;
        else unreadableThreads.push(`${hex(t)} (${describeReadable(readKernel, t, typeSize(types, '_ETHREAD') ?? 0)})`);
      }
      p.readableThreads = readable;
    }
    if (unreadableThreads.length) {
      warnings.push(`${unreadableThreads.length} thread${unreadableThreads.length === 1 ? '' : 's'} on the thread lists ha${unreadableThreads.length === 1 ? 's' : 've'} no KTHREAD in the dump, so no command can scan ${unreadableThreads.length === 1 ? 'it' : 'them'}: ${unreadableThreads.slice(0, 8).join(', ')}${unreadableThreads.length > 8 ? `, and ${unreadableThreads.length - 8} more` : ''}`);
    }
    const unseen = processCount !== undefined && processCount > 64 ? [] : processors.filter((p) => p.thread && p.running !== 'idle' && !listed.has(BigInt('0x' + p.thread) + BigInt(entryOff)));
    if (unseen.length) {
      warnings.push(`not on any readable thread list, so no command sees ${unseen.length === 1 ? 'it' : 'them'}: ${unseen.map((p) => `thread ${p.thread} (running on processor ${p.index})`).join(', ')}`);
    }
  }
  const kusd = header.arch === 'x64' ? 0xfffff78000000000n : 0xffdf0000n;
  if (!readKernel(kusd, 0x10)) warnings.push(`no tick count: KUSER_SHARED_DATA (${hex(kusd)}) is not in the dump, so waiting times cannot be computed`);
  if (triage) {
    warnings.push(`triage dump: only ${triageMemory!.blocks.length} blocks of kernel memory are readable (what the triage writer copied); lists are cut where it stopped copying, and no user-mode memory is present`);
  } else if (header.kind === 'kernel') {
    warnings.push('kernel memory dump: no user-mode memory (critical sections and user stacks cannot be read)');
  }
  // Stack frames: recovered from memory on first use (a large dump opens without walking every stack).
  const recoverThreads = threadFrames({
    x64: header.arch === 'x64', ptrSize, userLimit, source, modules, psHead, processors,
    offsets: { links: linksOff, threadHead: threadHeadOff, threadEntry: entryOff, kernelStack: fieldOffset('_KTHREAD', 'KernelStack') },
    readPtr, warnings,
  });

  const build = header.minorVersion;
  const info: DumpInfo = {
    file: basename(name),
    kind: header.kind,
    dumpType: header.dumpType,
    description: DUMP_TYPE_NAMES[header.dumpType] ?? `DumpType ${header.dumpType}`,
    arch: header.arch,
    build,
    bugCheck: { code: `0x${header.bugCheckCode.toString(16).padStart(8, '0')}`, parameters: header.bugCheckParameters.map((p) => `0x${p.toString(16)}`) },
    kernelBase: hex(kernelBase),
    table: { file: basename(table.path), reason: choice.reason, pdb: table.pdb ? `${table.pdb.database} ${table.pdb.guid}/${table.pdb.age}` : undefined },
    processors,
    processes: processCount,
    processList,
    threads: threadTotal,
    warnings,
  };

  const snapshot: Snapshot = {
    format: SNAPSHOT_FORMAT,
    header: {
      arch: header.arch, pointerSize: ptrSize as 4 | 8,
      layout: `isf:${basename(table.path)}`,
      osVersion: `${header.majorVersion === 0xf ? '' : `${header.majorVersion}.`}build ${build}`,
      buildNumber: build,
      dumpKind: header.kind === 'complete' ? 'complete' : 'kernel',
      source: basename(name),
    },
    modules,
    types: { ...moduleTypes, nt: types },
    memory: [],
    get threads() { return recoverThreads(); },
    current,
    notes: warnings.slice(),
    memorySource: { readInto: (a, out, o, len, p) => {
      try { return source.readInto(a, out, o, len, p); } catch (e) { if (e instanceof DumpError) return 0; throw e; }
    } },
  };
  return { snapshot, info };
}

const hex = (v: bigint): string => v.toString(16);

/**
 * Tables of other modules in a --symbols folder, matched by file name (`<module>-<age>.json[.xz]`,
 * as symbol-table collections name them after the PDB): their symbols and types join the module.
 */
function moduleTables(symbolsPath: string, modules: SnapshotModule[], nt: SnapshotModule, warnings: string[]): Record<string, TypeDef[]> {
  const out: Record<string, TypeDef[]> = {};
  if (!existsSync(symbolsPath) || !statSync(symbolsPath).isDirectory()) return out;
  const files = readdirSync(symbolsPath).filter((f) => /\.json(\.xz)?$/i.test(f));
  for (const m of modules) {
    if (m === nt) continue;
    const key = m.name.replace(/^.*\\/, '').replace(/\.(sys|dll|exe)$/i, '').toLowerCase();
    const f = files.find((x) => x.toLowerCase().replace(/(-\d+)?\.json(\.xz)?$/, '') === key);
    if (!f) continue;
    let t: LoadedIsf;
    try { t = loadIsf(join(symbolsPath, f)); } catch (e) { warnings.push(`${f}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`); continue; }
    const base = BigInt('0x' + m.base);
    m.symbols = Object.entries(t.table.symbols).filter(([, v]) => typeof v.address === 'number').map(([n, v]) => {
      const s: SnapshotSymbol = { name: n, address: hex(base + BigInt(v.address)) };
      const own = (v as { type?: Parameters<typeof isfTypeRefToC>[0] }).type;
      if (own) s.type = isfTypeRefToC(own);
      return s;
    });
    const types = isfToTypeDefs(t).types;
    if (types.length) out[key] = types;
  }
  return out;
}

function cString(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length && b[i]; i++) s += String.fromCharCode(b[i]);
  return s;
}

function maxRva(t: LoadedIsf): number {
  let m = 0;
  for (const s of Object.values(t.table.symbols)) if (typeof s.address === 'number' && s.address > m) m = s.address;
  return m;
}

function peImageSize(read: (a: bigint, n: number) => Uint8Array | undefined, base: bigint): number | undefined {
  const dos = read(base, 0x40);
  if (!dos || dos[0] !== 0x4d || dos[1] !== 0x5a) return undefined;
  const nt = read(base + BigInt(u32(dos, 0x3c)), 0x58);
  return nt ? u32(nt, 0x50) : undefined;
}

/** Offset of a dotted member path in the converted types (flat anonymous members included). */
export function fieldPathOffset(types: TypeDef[], typeName: string, path: string): number | undefined {
  const byName = new Map(types.map((t) => [t.name, t]));
  let t = byName.get(typeName);
  let offset = 0;
  for (const part of path.split('.')) {
    const f = t?.fields?.find((x) => x.name === part);
    if (!f) return undefined;
    offset += f.offset;
    t = byName.get(f.type);
  }
  return offset;
}

function typeSize(types: TypeDef[], name: string): number | undefined {
  return types.find((t) => t.name === name)?.size;
}

/** Decodes an encoded KDDEBUGGER_DATA64 (Windows 8+ x64; the scheme Volatility's and Rekall's kdbgscan describe). */
function decodeKdbg(raw: Uint8Array, table: LoadedIsf, base: bigint, blockAddress: bigint, readPtr: (a: bigint) => bigint | undefined): Uint8Array | undefined {
  const at = (n: string) => { const r = symbolRva(table.table, n); return r === undefined ? undefined : base + BigInt(r); };
  const neverAt = at('KiWaitNever'), alwaysAt = at('KiWaitAlways'), encodedAt = at('KdpDataBlockEncoded');
  if (!neverAt || !alwaysAt || !encodedAt) return undefined;
  const never = readPtr(neverAt), always = readPtr(alwaysAt);
  if (never === undefined || always === undefined) return undefined;
  const out = new Uint8Array(raw.length);
  const M = (1n << 64n) - 1n;
  for (let o = 0; o + 8 <= raw.length; o += 8) {
    let v = u64(raw, o) ^ never;
    const r = never & 0x3fn;
    v = ((v << r) | (v >> ((64n - r) & 63n))) & M;
    v ^= encodedAt;
    let sw = 0n;
    for (let i = 0n; i < 8n; i++) sw = (sw << 8n) | ((v >> (8n * i)) & 0xffn);
    v = sw ^ always;
    for (let i = 0; i < 8; i++) out[o + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  }
  void blockAddress;
  return out[0x10] === 0x4b && out[0x11] === 0x44 && out[0x12] === 0x42 && out[0x13] === 0x47 ? out : undefined;
}

/** The triage dump's copies of the current thread, its process and its stack, at their virtual addresses. */
function triageCopies(file: ByteSource, t: TriageHeader, types: TypeDef[], ptrSize: number): { blocks: TriageBlock[]; current: NonNullable<Snapshot['current']> } {
  const blocks: TriageBlock[] = [];
  const current: NonNullable<Snapshot['current']> = {};
  const curOff = fieldPathOffset(types, '_KPRCB', 'CurrentThread');
  const numOff = fieldPathOffset(types, '_KPRCB', 'Number');
  const procOff = fieldPathOffset(types, '_KTHREAD', 'ApcState.Process') ?? fieldPathOffset(types, '_KTHREAD', 'Process');
  const ptr = (off: number) => (ptrSize === 8 ? u64(file.read(off, 8), 0) : BigInt(u32(file.read(off, 4), 0)));
  if (!t.prcbOffset || curOff === undefined) return { blocks, current };
  const thread = ptr(t.prcbOffset + curOff);
  if (numOff !== undefined) current.processor = u16(file.read(t.prcbOffset + numOff, 2), 0) & 0xff;
  const ethreadSize = typeSize(types, '_ETHREAD') ?? 0;
  if (thread && t.threadOffset) {
    blocks.push({ address: thread, offset: t.threadOffset, size: Math.min(ethreadSize, file.size - t.threadOffset), what: 'current thread' });
    current.thread = hex(thread);
    if (procOff !== undefined) {
      const process = ptr(t.threadOffset + procOff);
      const eprocessSize = typeSize(types, '_EPROCESS') ?? 0;
      if (process && t.processOffset) {
        blocks.push({ address: process, offset: t.processOffset, size: Math.min(eprocessSize, file.size - t.processOffset), what: 'current process' });
        current.process = hex(process);
      }
    }
  }
  if (t.topOfStack && t.callStackOffset && t.sizeOfCallStack) {
    blocks.push({ address: t.topOfStack, offset: t.callStackOffset, size: t.sizeOfCallStack, what: 'current stack' });
  }
  return { blocks, current };
}

/** DUMP_DRIVER_ENTRY64 list: a string-pool name offset, then a KLDR_DATA_TABLE_ENTRY64 (0x90 bytes each). */
function triageDrivers(file: ByteSource, t: TriageHeader): SnapshotModule[] {
  const out: SnapshotModule[] = [];
  for (let i = 0; i < t.driverCount; i++) {
    const e = file.read(t.driverListOffset + i * 0x90, 0x90);
    const nameOff = u32(e, 0);
    const base = u64(e, 8 + 0x30);
    const size = u32(e, 8 + 0x40);
    let name = `driver${i}`;
    if (nameOff >= t.stringPoolOffset && nameOff + 4 <= t.stringPoolOffset + t.stringPoolSize) {
      const chars = Math.min(u32(file.read(nameOff, 4), 0), 260, Math.floor((t.stringPoolOffset + t.stringPoolSize - nameOff - 4) / 2));
      const w = file.read(nameOff + 4, chars * 2);
      let s = '';
      for (let c = 0; c < chars; c++) s += String.fromCharCode(u16(w, c * 2));
      name = s.replace(/^.*\\/, '') || name;
    }
    if (base) out.push({ name, base: hex(base), size, kernel: true, symbols: [] });
  }
  return out;
}

function psHeadFor(table: LoadedIsf, kernelBase: bigint): bigint | undefined {
  const r = symbolRva(table.table, 'PsActiveProcessHead');
  return r === undefined ? undefined : kernelBase + BigInt(r);
}

/**
 * User-mode modules of a complete dump: each process's PEB.Ldr InLoadOrderModuleList
 * (_LDR_DATA_TABLE_ENTRY), read in that process's address space. The mock serves user modules in
 * every process, so they are listed once (same name and base).
 */
function userModules(types: TypeDef[], psHead: bigint | undefined, source: DumpMemorySource, ptrSize: number, warnings: string[]): SnapshotModule[] {
  const off = (t: string, p: string) => fieldPathOffset(types, t, p);
  const links = off('_EPROCESS', 'ActiveProcessLinks'), pebOff = off('_EPROCESS', 'Peb'), ldrOff = off('_PEB', 'Ldr');
  const listOff = off('_PEB_LDR_DATA', 'InLoadOrderModuleList');
  const e = { links: off('_LDR_DATA_TABLE_ENTRY', 'InLoadOrderLinks'), base: off('_LDR_DATA_TABLE_ENTRY', 'DllBase'),
    size: off('_LDR_DATA_TABLE_ENTRY', 'SizeOfImage'), name: off('_LDR_DATA_TABLE_ENTRY', 'BaseDllName') };
  const out: SnapshotModule[] = [];
  if (!psHead || links === undefined || pebOff === undefined || ldrOff === undefined || listOff === undefined
    || e.links === undefined || e.base === undefined || e.size === undefined || e.name === undefined) return out;
  const read = (a: bigint, n: number, proc: bigint | undefined) => {
    const b = new Uint8Array(n);
    try { return source.readInto(a, b, 0, n, proc) === n ? b : undefined; } catch (x) { if (x instanceof DumpError) return undefined; throw x; }
  };
  const ptr = (a: bigint, proc: bigint | undefined) => { const b = read(a, ptrSize, proc); return b && (ptrSize === 8 ? u64(b, 0) : BigInt(u32(b, 0))); };
  const seen = new Set<string>();
  let unreadable = 0;
  let p = ptr(psHead, undefined);
  for (let i = 0; p !== undefined && p !== psHead && i < 4096; i++) {
    const ep = p - BigInt(links);
    const peb = ptr(ep + BigInt(pebOff), undefined);
    if (peb) {
      const ldr = ptr(peb + BigInt(ldrOff), ep);
      const head = ldr ? ldr + BigInt(listOff) : undefined;
      let entry = head !== undefined ? ptr(head, ep) : undefined;
      if (head !== undefined && entry === undefined) unreadable++;
      const visited = new Set<bigint>();
      while (head !== undefined && entry !== undefined && entry !== head && entry !== 0n && !visited.has(entry) && visited.size < 4096) {
        visited.add(entry);
        const rec = entry - BigInt(e.links);
        const base = ptr(rec + BigInt(e.base), ep);
        const size = read(rec + BigInt(e.size), 4, ep);
        const len = read(rec + BigInt(e.name), 2, ep);
        const buf = ptr(rec + BigInt(e.name + (ptrSize === 8 ? 8 : 4)), ep);
        const w = len && buf ? read(buf, Math.min(u16(len, 0), 520), ep) : undefined;
        let name = '';
        if (w) for (let c = 0; c + 1 < w.length; c += 2) name += String.fromCharCode(u16(w, c));
        if (base && size && name && !seen.has(`${name}@${base}`)) {
          seen.add(`${name}@${base}`);
          out.push({ name, base: hex(base), size: u32(size, 0), kernel: false, symbols: [] });
        }
        entry = ptr(entry, ep);
      }
    }
    p = ptr(p, undefined);
  }
  if (unreadable) warnings.push(`user-mode modules: the loader list of ${unreadable} process${unreadable === 1 ? '' : 'es'} is not in the dump`);
  return out;
}

/** nt!PsLoadedModuleList -> _KLDR_DATA_TABLE_ENTRY (DllBase, SizeOfImage, BaseDllName). */
function loadedModules(types: TypeDef[], head: bigint | undefined, readKernel: (a: bigint, n: number) => Uint8Array | undefined,
  readPtr: (a: bigint) => bigint | undefined, ptrSize: number, warnings: string[]): SnapshotModule[] {
  const out: SnapshotModule[] = [];
  const entryType = types.some((t) => t.name === '_KLDR_DATA_TABLE_ENTRY') ? '_KLDR_DATA_TABLE_ENTRY' : '_LDR_DATA_TABLE_ENTRY';
  const off = (p: string) => fieldPathOffset(types, entryType, p);
  const baseOff = off('DllBase'), sizeOff = off('SizeOfImage'), nameOff = off('BaseDllName');
  if (!head || baseOff === undefined || sizeOff === undefined || nameOff === undefined) return out;
  let entry = readPtr(head);
  const seen = new Set<bigint>();
  while (entry !== undefined && entry !== head && entry !== 0n && !seen.has(entry) && out.length < 4096) {
    seen.add(entry);
    const base = readPtr(entry + BigInt(baseOff));
    const sizeBytes = readKernel(entry + BigInt(sizeOff), 4);
    const len = readKernel(entry + BigInt(nameOff), 2);
    const buf = readPtr(entry + BigInt(nameOff + (ptrSize === 8 ? 8 : 4)));
    let name = `module@${hex(base ?? 0n)}`;
    if (len && buf) {
      const w = readKernel(buf, Math.min(u16(len, 0), 520));
      if (w) { let s = ''; for (let c = 0; c + 1 < w.length; c += 2) s += String.fromCharCode(u16(w, c)); name = s; }
    }
    if (base && sizeBytes) out.push({ name, base: hex(base), size: u32(sizeBytes, 0), kernel: true, symbols: [] });
    entry = readPtr(entry);
  }
  if (entry === undefined) warnings.push(`module list (nt!PsLoadedModuleList): cut after ${out.length} modules (an entry is not in the dump)`);
  return out;
}

interface ThreadFrameArgs {
  x64: boolean;
  ptrSize: number;
  userLimit: bigint;
  source: DumpMemorySource;
  modules: SnapshotModule[];
  psHead: bigint | undefined;
  processors: ProcessorInfo[];
  offsets: { links?: number; threadHead?: number; threadEntry?: number; kernelStack?: number };
  readPtr: (a: bigint) => bigint | undefined;
  warnings: string[];
}

/**
 * Every thread on the kernel's lists (and every thread a processor runs), with the frames unwound
 * from its stack (mocks/dump/unwind.ts), computed once. Threads without frames are named, with why,
 * in one warning.
 */
function threadFrames(a: ThreadFrameArgs): () => SnapshotThread[] {
  let done: SnapshotThread[] | undefined;
  return () => {
    if (done) return done;
    done = [];
    const { offsets: o, readPtr } = a;
    const read = (va: bigint, size: number, process: bigint | undefined): Uint8Array | undefined => {
      const out = new Uint8Array(size);
      try { return a.source.readInto(va, out, 0, size, va < a.userLimit ? process : undefined) === size ? out : undefined; } catch (e) { if (e instanceof DumpError) return undefined; throw e; }
    };
    const unwinder = new Unwinder({
      x64: a.x64, ptr: a.ptrSize, modules: a.modules, readBytes: read,
      read: (va, size, process) => { const b = read(va, size, process); if (!b) return undefined; let v = 0n; for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]); return v; },
    });
    const threads: Array<{ thread: bigint; process?: bigint }> = [];
    const seen = new Set<bigint>();
    if (a.psHead !== undefined && o.links !== undefined && o.threadHead !== undefined && o.threadEntry !== undefined) {
      let p = readPtr(a.psHead);
      const processes = new Set<bigint>();
      for (let i = 0; p !== undefined && p !== a.psHead && p !== 0n && !processes.has(p) && i < 100000; i++) {
        processes.add(p);
        const ep = p - BigInt(o.links);
        const head = ep + BigInt(o.threadHead);
        let t = readPtr(head);
        for (let j = 0; t !== undefined && t !== head && t !== 0n && j < 100000; j++) {
          const thread = t - BigInt(o.threadEntry);
          if (seen.has(thread)) break;
          seen.add(thread);
          threads.push({ thread, process: ep });
          t = readPtr(t);
        }
        p = readPtr(p);
      }
    }
    for (const p of a.processors) {
      for (const t of [p.thread, p.idleThread]) {
        if (!t) continue;
        const thread = BigInt('0x' + t);
        if (!seen.has(thread)) { seen.add(thread); threads.push({ thread, process: t === p.thread && p.process ? BigInt('0x' + p.process) : undefined }); }
      }
    }
    const without: string[] = [];
    const byReason = new Map<string, string[]>();
    const none = (thread: bigint, why: string) => { without.push(hex(thread)); (byReason.get(why) ?? byReason.set(why, []).get(why)!).push(hex(thread)); };
    for (const { thread, process } of threads) {
      const ks = o.kernelStack !== undefined ? readPtr(thread + BigInt(o.kernelStack)) : undefined;
      if (ks === undefined) { none(thread, o.kernelStack === undefined ? 'no _KTHREAD.KernelStack in the table' : 'its KTHREAD is not in the dump'); continue; }
      const u = unwinder.unwind(ks, process);
      const cpu = a.processors.find((p) => p.thread === hex(thread) && p.running !== 'idle');
      // A running thread's registers are in its processor, not at KernelStack (saved when it last left one).
      if (!u.frames.length) none(thread, `${cpu ? `running on processor ${cpu.index}, KernelStack is from its last switch: ` : ''}${u.stop ?? 'nothing to unwind'}`);
      done.push({ address: hex(thread), frames: u.frames, registers: u.registers });
    }
    if (!threads.length) {
      a.warnings.push('no stack frames: no thread is readable on the kernel\'s thread lists or the processors');
    } else if (without.length) {
      const groups = [...byReason].map(([why, list]) => `${why}: ${list.slice(0, 6).join(', ')}${list.length > 6 ? ` and ${list.length - 6} more` : ''}`);
      a.warnings.push(`no stack frames for ${without.length} of ${threads.length} thread${threads.length === 1 ? '' : 's'}: ${groups.join('; ')}`);
    }
    return done;
  };
}

/** Which parts of an ETHREAD of `size` bytes the dump holds, e.g. "only +2f8..+408, +4e8..+750 of its 0x898-byte ETHREAD". */
function describeReadable(read: (a: bigint, n: number) => Uint8Array | undefined, at: bigint, size: number): string {
  if (!size) return 'not in the dump';
  const ranges: string[] = [];
  let start = -1;
  for (let o = 0; o <= size; o += 8) {
    const ok = o < size && !!read(at + BigInt(o), Math.min(8, size - o));
    if (ok && start < 0) start = o;
    if (!ok && start >= 0) { ranges.push(`+${start.toString(16)}..+${o.toString(16)}`); start = -1; }
  }
  return ranges.length ? `only ${ranges.join(', ')} of its 0x${size.toString(16)}-byte ETHREAD are in the dump` : 'its ETHREAD is not in the dump';
}
