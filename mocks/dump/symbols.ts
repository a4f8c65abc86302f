// Choosing the symbol table (Volatility 3 ISF, mocks/symbols/isf.ts) that matches a dump's kernel:
//   1. by the PDB GUID/age of the kernel image's CodeView record (PE debug directory, "RSDS"),
//      when the image's header pages are in the dump (PE/COFF specification, "Debug Directory");
//   2. else by the kernel-base-relative addresses the dump's KDDEBUGGER_DATA64 reports: each
//      table whose symbol RVAs all agree is a match.
// The chosen table and the reason are reported (DumpInfo.table).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createHash } from 'node:crypto';
import { describeIsf, loadIsf, parseIsf, readIsfText, symbolRva, type LoadedIsf } from '../symbols/isf';
import { DumpError } from './errors';
import { ascii, u16, u32 } from './fileReader';

export interface KernelIdentity {
  /** From the CodeView record, when readable. */
  pdb?: { guid: string; age: number; name: string };
  /** nt-relative offsets the debugger data block reports (name -> RVA). */
  rvas: Record<string, number>;
  build: number;
}

export interface TableChoice {
  loaded: LoadedIsf;
  reason: string;
}

const isTableFile = (f: string) => /\.json(\.xz)?$/i.test(f);

/** Table files named by a path: the file itself, or every .json/.json.xz of a folder. */
export function tableFiles(path: string): string[] {
  if (!existsSync(path)) throw new DumpError(`--symbols ${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path).filter(isTableFile).sort().map((f) => join(path, f));
    if (!files.length) throw new DumpError(`--symbols ${path}: the folder holds no ISF table (*.json, *.json.xz)`);
    return files;
  }
  return [path];
}

/** GUID as symbol servers and ISF spell it: Data1-3 little-endian, Data4 as bytes, upper-case hex. */
export function guidText(b: Uint8Array, o: number): string {
  const h = (v: number, n: number) => v.toString(16).padStart(n, '0');
  let s = h(u32(b, o), 8) + h(u16(b, o + 4), 4) + h(u16(b, o + 6), 4);
  for (let i = 8; i < 16; i++) s += h(b[o + i], 2);
  return s.toUpperCase();
}

/**
 * The CodeView record of the PE image at `base`, read through `read` (undefined when any page of
 * the headers or the debug directory is missing).
 */
export function codeViewOf(read: (address: bigint, length: number) => Uint8Array | undefined, base: bigint): KernelIdentity['pdb'] {
  const dos = read(base, 0x40);
  if (!dos || ascii(dos, 0, 2) !== 'MZ') return undefined;
  const peOff = u32(dos, 0x3c);
  if (peOff > 0x1000) return undefined;
  const nt = read(base + BigInt(peOff), 0x108);
  if (!nt || ascii(nt, 0, 4) !== 'PE\0\0') return undefined;
  const magic = u16(nt, 0x18);
  // Optional header: data directories at +0x60 (PE32) / +0x70 (PE32+); Debug is entry 6.
  const dirs = 0x18 + (magic === 0x20b ? 0x70 : 0x60);
  const debugRva = u32(nt, dirs + 6 * 8);
  const debugSize = u32(nt, dirs + 6 * 8 + 4);
  if (!debugRva || debugSize < 28 || debugSize > 28 * 32) return undefined;
  const dir = read(base + BigInt(debugRva), debugSize);
  if (!dir) return undefined;
  for (let o = 0; o + 28 <= debugSize; o += 28) {
    if (u32(dir, o + 12) !== 2) continue; // IMAGE_DEBUG_TYPE_CODEVIEW
    const size = u32(dir, o + 16);
    const rva = u32(dir, o + 20);
    if (size < 24 || size > 0x400) continue;
    const cv = read(base + BigInt(rva), size);
    if (!cv || ascii(cv, 0, 4) !== 'RSDS') continue;
    let name = '';
    for (let i = 24; i < size && cv[i]; i++) name += String.fromCharCode(cv[i]);
    return { guid: guidText(cv, 4), age: u32(cv, 20), name };
  }
  return undefined;
}

function identityOfTable(t: LoadedIsf): string {
  return t.pdb ? `${t.pdb.database} ${t.pdb.guid}/${t.pdb.age} (${basename(t.path)})` : basename(t.path);
}

export function identityOfKernel(k: KernelIdentity): string {
  if (k.pdb) return `${k.pdb.name || 'kernel'} ${k.pdb.guid}/${k.pdb.age} (build ${k.build}, from the kernel's CodeView record)`;
  const shown = Object.entries(k.rvas).slice(0, 3).map(([n, v]) => `${n} at nt+0x${v.toString(16)}`).join(', ');
  return `build ${k.build} kernel with ${shown} (from its debugger data block)`;
}

function rvaMismatches(t: LoadedIsf, rvas: Record<string, number>): string[] {
  const bad: string[] = [];
  for (const [name, rva] of Object.entries(rvas)) {
    const have = symbolRva(t.table, name);
    if (have !== rva) bad.push(`${name}: table nt+0x${have === undefined ? '(none)' : have.toString(16)}, dump nt+0x${rva.toString(16)}`);
  }
  return bad;
}

/** Picks the table for the dump's kernel, or throws a DumpError naming both identities. */
export function chooseTable(symbolsPath: string, kernel: KernelIdentity, arch: 'x86' | 'x64'): TableChoice {
  const files = tableFiles(symbolsPath);
  const checkable = Object.keys(kernel.rvas).length;
  if (!kernel.pdb && !checkable) throw new DumpError(`cannot identify the dump's kernel: no CodeView record and no readable debugger data block`);
  // A GUID in the file name (the layout of symbol-table collections) avoids decompressing every table.
  if (kernel.pdb) {
    const named = files.find((f) => basename(f).toUpperCase().startsWith(`${kernel.pdb!.guid}-${kernel.pdb!.age}.`));
    const order = named ? [named, ...files.filter((f) => f !== named)] : files;
    for (const f of order) {
      const t = load(f);
      if (t.pdb && t.pdb.guid.toUpperCase() === kernel.pdb.guid && t.pdb.age === kernel.pdb.age) {
        return { loaded: t, reason: `PDB GUID/age ${kernel.pdb.guid}/${kernel.pdb.age} of the kernel's CodeView record` };
      }
      if (files.length === 1) throw mismatch(t, kernel);
    }
    // The CodeView record names the kernel exactly: a table with other identity is another build,
    // however many of its symbol addresses agree.
    throw new DumpError(`--symbols ${symbolsPath}: none of ${files.length} tables is the dump's kernel, ${identityOfKernel(kernel)}`);
  }
  let last: LoadedIsf | undefined;
  const tried: string[] = [];
  for (const f of files) {
    // Reject a table from its text before parsing it: a folder of tables then costs one parse.
    const raw = readText(f);
    const rejected = files.length > 1 && quickMismatch(raw.text, kernel.rvas);
    if (rejected) { tried.push(`${basename(f)}: ${rejected}`); continue; }
    const t = parse(f, raw);
    last = t;
    if (t.arch && t.arch !== arch) { tried.push(`${basename(f)}: ${t.arch}`); continue; }
    const bad = rvaMismatches(t, kernel.rvas);
    if (!bad.length && checkable) {
      return {
        loaded: t,
        reason: `${checkable} kernel-base-relative addresses of the dump's KDDEBUGGER_DATA64 (${Object.keys(kernel.rvas).join(', ')}) equal the table's symbol RVAs${kernel.pdb ? ' (the CodeView record matched no table)' : ' (the kernel image header is not in the dump)'}`,
      };
    }
    tried.push(`${basename(f)}: ${bad[0] ?? 'no checkable symbols'}`);
  }
  if (files.length === 1 && last) throw mismatch(last, kernel);
  throw new DumpError(`--symbols ${symbolsPath}: none of ${files.length} tables matches the dump's kernel, ${identityOfKernel(kernel)}`);
}

function mismatch(t: LoadedIsf, kernel: KernelIdentity): DumpError {
  const bad = rvaMismatches(t, kernel.rvas);
  return new DumpError(`symbol table for another kernel: the table is ${identityOfTable(t)}, the dump's kernel is ${identityOfKernel(kernel)}${bad.length ? `; ${bad[0]}` : ''}`);
}

function readText(path: string): { text: string; bytes: Buffer } {
  try {
    return readIsfText(path);
  } catch (e) {
    throw new DumpError(e instanceof Error ? e.message.split('\n')[0] : String(e));
  }
}

function parse(path: string, raw: { text: string; bytes: Buffer }): LoadedIsf {
  try {
    return describeIsf(parseIsf(raw.text, path), path, createHash('sha256').update(raw.bytes).digest('hex'));
  } catch (e) {
    throw new DumpError(e instanceof Error ? e.message.split('\n')[0] : String(e));
  }
}

/** The first symbol whose RVA in the table's text differs from the dump's, found without parsing the JSON. */
function quickMismatch(text: string, rvas: Record<string, number>): string | undefined {
  for (const [name, rva] of Object.entries(rvas)) {
    const m = new RegExp(`"${name}"\\s*:\\s*\\{[^{}]*?"address"\\s*:\\s*(\\d+)`).exec(text);
    if (!m) continue; // spelled another way: leave it to the parsed table
    if (Number(m[1]) !== rva) return `${name}: table nt+0x${Number(m[1]).toString(16)}, dump nt+0x${rva.toString(16)}`;
  }
  return undefined;
}

function load(path: string): LoadedIsf {
  try {
    return loadIsf(path);
  } catch (e) {
    throw new DumpError(e instanceof Error ? e.message.split('\n')[0] : String(e));
  }
}
