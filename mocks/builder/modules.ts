// Modules and symbols: every module a frame, symbol or global names gets a base/size in kernel or user space;
// code symbols get fresh addresses inside their module's text, globals get storage in its data (docs/scenario-extensions.md).
import type { SnapshotModule, SnapshotSymbol } from '../format/snapshot';
import { Arena, Space } from './addressSpace';
import { alignDown, alignUp, fmt, isHex } from './hex';

export interface SymRef {
  kind: 'symbol' | 'module' | 'address';
  module?: string;
  symbol?: string;
  offset: bigint;
  address?: bigint;
}

/** "nt!KeWait+0x346", "DriverA+0x21ee", "ntdll!KiFastSystemCallRet", "300010cc". */
export function parseRef(text: string): SymRef {
  const t = text.trim();
  const bang = t.indexOf('!');
  if (bang > 0) {
    const module = t.slice(0, bang);
    let rest = t.slice(bang + 1);
    let offset = 0n;
    const m = /^(.*)\+(0x[0-9a-fA-F]+|[0-9a-fA-F]+)$/.exec(rest);
    if (m && m[1]) { rest = m[1]; offset = BigInt(m[2]!.startsWith('0x') ? m[2]! : '0x' + m[2]!); }
    return { kind: 'symbol', module, symbol: rest, offset };
  }
  const mo = /^([^+]+)\+(0x[0-9a-fA-F]+)$/.exec(t);
  if (mo) return { kind: 'module', module: mo[1]!, offset: BigInt(mo[2]!) };
  if (isHex(t)) return { kind: 'address', offset: 0n, address: BigInt('0x' + t.replace(/^0x/i, '').replace(/`/g, '')) };
  return { kind: 'module', module: t, offset: 0n };
}

export interface SymInfo {
  name: string;
  address?: bigint;
  /** Largest offset referenced (code symbols are sized to cover it). */
  maxOffset: bigint;
  type?: string;
  size?: number;
  given: boolean;
  data: boolean;
}

export interface ModInfo {
  name: string;
  kernel: boolean | undefined;
  /** How sure the kernel/user decision is: 3 given address, 2 well-known name, 1 inferred from frames. */
  strength: number;
  base?: bigint;
  size?: bigint;
  givenBase: boolean;
  givenSize?: bigint;
  symbols: Map<string, SymInfo>;
  maxDirect: bigint;
  textNext?: bigint;
  textEnd?: bigint;
  dataStart?: bigint;
  dataEnd?: bigint;
  dataArena?: Arena;
  dataReserve: bigint;
}

const KERNEL_NAMES = new Set(['nt', 'hal', 'win32k', 'ntfs', 'mup', 'fltmgr', 'tcpip', 'afd', 'http', 'ndis', 'disk',
  'classpnp', 'partmgr', 'volsnap', 'ftdisk', 'i8042prt', 'kbdclass', 'srv', 'rdbss', 'mrxsmb', 'npfs', 'ci', 'ks']);
const USER_NAMES = new Set(['ntdll', 'kernel32', 'kernelbase', 'user32', 'gdi32', 'advapi32', 'rpcrt4', 'msvcrt', 'ole32',
  'combase', 'ws2_32', 'mswsock', 'dnsapi', 'wldap32', 'wow64', 'wow64cpu', 'wow64win', 'sechost', 'ucrtbase', 'shell32']);

export class ModuleTable {
  readonly mods = new Map<string, ModInfo>();
  constructor(readonly isKernelAddress: (a: bigint) => boolean) {}

  get(name: string): ModInfo | undefined { return this.mods.get(name.toLowerCase()); }

  declare(name: string, kernel: boolean | undefined, strength: number): ModInfo {
    const key = name.toLowerCase();
    let m = this.mods.get(key);
    if (!m) {
      const known = KERNEL_NAMES.has(key) ? true : USER_NAMES.has(key) ? false : undefined;
      m = { name, kernel: known, strength: known === undefined ? 0 : 2, givenBase: false, symbols: new Map(), maxDirect: 0n, dataReserve: 0n };
      this.mods.set(key, m);
    }
    if (kernel !== undefined && strength > m.strength) { m.kernel = kernel; m.strength = strength; }
    return m;
  }

  /** Records a reference (before placement) so that module kind and symbol sizes are known. */
  note(text: string, kernel: boolean | undefined, strength: number): void {
    const r = parseRef(text);
    if (r.kind === 'address') return;
    const m = this.declare(r.module!, kernel, strength);
    if (r.kind === 'module') { if (r.offset > m.maxDirect) m.maxDirect = r.offset; return; }
    const s = this.symbol(m, r.symbol!);
    if (r.offset > s.maxOffset) s.maxOffset = r.offset;
  }

  symbol(m: ModInfo, name: string): SymInfo {
    let s = m.symbols.get(name);
    if (!s) { s = { name, maxOffset: 0n, given: false, data: false }; m.symbols.set(name, s); }
    return s;
  }

  /** Gives a symbol a fixed address (modules[].symbols, objects' `symbol`). */
  fix(module: string, name: string, address: bigint, type?: string): void {
    const kernel = this.isKernelAddress(address);
    const m = this.declare(module, kernel, 3);
    const s = this.symbol(m, name);
    if (s.given && s.address !== address) throw new Error(`symbol ${module}!${name} given two addresses: ${fmt(s.address!)} and ${fmt(address)}`);
    s.address = address; s.given = true; s.data = s.data || type !== undefined;
    if (type) s.type = type;
  }

  /** Places every module. `arenaFor(kernel)` supplies the window modules without a base go into. */
  place(arenaFor: (kernel: boolean) => Arena, notes: (n: string) => void): void {
    for (const m of this.mods.values()) {
      if (m.base === undefined) this.placeOne(m, arenaFor, notes);
    }
    this.checkOverlaps();
  }

  private textNeed(m: ModInfo): bigint {
    let n = 0x10000n;
    for (const s of m.symbols.values()) if (!s.given) n += slot(s.maxOffset);
    return alignUp(n, 0x1000n);
  }

  placeOne(m: ModInfo, arenaFor: (kernel: boolean) => Arena, notes: (n: string) => void): void {
    if (m.kernel === undefined) { m.kernel = true; notes(`module ${m.name}: kernel or user mode not evident; laid out as a kernel module`); }
    const given = [...m.symbols.values()].filter((s) => s.given).map((s) => s.address!);
    const text = this.textNeed(m);
    const data = alignUp(m.dataReserve + 0x10000n, 0x1000n);
    const direct = alignUp(m.maxDirect + 1n, 0x1000n) + 0x1000n;
    if (m.base === undefined && given.length) {
      const lo = given.reduce((a, b) => (a < b ? a : b));
      m.base = alignDown(lo, 0x10000n);
      if (m.maxDirect > 0n && m.base + direct > lo) notes(`module ${m.name}: base ${fmt(m.base)} derived from its given symbols is below ${m.name}+${fmt(m.maxDirect)} references`);
    }
    if (m.base !== undefined) {
      const hi = given.reduce((a, b) => (a > b ? a : b), m.base);
      const textStart = alignUp((hi > m.base + direct ? hi + 0x100n : m.base + direct), 0x1000n);
      m.textNext = textStart;
      m.textEnd = textStart + text;
      m.dataStart = m.textEnd;
      m.dataEnd = m.dataStart + data;
      const need = m.dataEnd - m.base;
      m.size = m.givenSize !== undefined && m.givenSize >= need ? m.givenSize : need;
      if (m.givenSize !== undefined && m.givenSize < need) notes(`module ${m.name}: size extended from ${fmt(m.givenSize)} to ${fmt(need)} to hold builder-created symbols/globals`);
      return;
    }
    const total = direct + text + data;
    const base = arenaFor(m.kernel).alloc(total, 0x10000n, `module ${m.name}`, false);
    m.base = base;
    m.textNext = base + direct;
    m.textEnd = m.textNext + text;
    m.dataStart = m.textEnd;
    m.dataEnd = m.dataStart + data;
    m.size = total;
  }

  private checkOverlaps(): void {
    const list = [...this.mods.values()].filter((m) => m.base !== undefined).sort((a, b) => (a.base! < b.base! ? -1 : 1));
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      if (a.kernel === b.kernel && a.base! + a.size! > b.base!) {
        throw new Error(`modules overlap: ${a.name} [${fmt(a.base!)}, ${fmt(a.base! + a.size!)}) and ${b.name} at ${fmt(b.base!)}`);
      }
    }
  }

  /** Address of a code/data symbol, creating symbol (and module) on demand. */
  resolve(text: string, arenaFor: (kernel: boolean) => Arena, notes: (n: string) => void, kernelHint = true): bigint {
    const r = parseRef(text);
    if (r.kind === 'address') return r.address!;
    let m = this.get(r.module!);
    if (!m) { m = this.declare(r.module!, kernelHint, 1); }
    if (m.base === undefined) this.placeOne(m, arenaFor, notes);
    if (r.kind === 'module') return m.base! + r.offset;
    const s = this.symbol(m, r.symbol!);
    if (s.address === undefined) {
      const sz = slot(r.offset > s.maxOffset ? r.offset : s.maxOffset);
      if (m.textNext! + sz > m.textEnd!) throw new Error(`module ${m.name}: text reservation exhausted placing ${r.symbol}`);
      s.address = m.textNext!;
      s.size = Number(sz);
      m.textNext = m.textNext! + sz;
    }
    return s.address + r.offset;
  }

  snapshotModules(): SnapshotModule[] {
    const out: SnapshotModule[] = [];
    for (const m of this.mods.values()) {
      if (m.base === undefined) continue;
      const symbols: SnapshotSymbol[] = [];
      for (const s of m.symbols.values()) {
        if (s.address === undefined) continue;
        const e: SnapshotSymbol = { name: s.name, address: fmt(s.address) };
        if (s.type) e.type = s.type;
        if (s.size !== undefined) e.size = s.size;
        symbols.push(e);
      }
      symbols.sort((a, b) => (BigInt('0x' + a.address) < BigInt('0x' + b.address) ? -1 : 1));
      out.push({ name: m.name, base: fmt(m.base), size: Number(m.size ?? 0n), kernel: !!m.kernel, symbols });
    }
    return out.sort((a, b) => (BigInt('0x' + a.base) < BigInt('0x' + b.base) ? -1 : 1));
  }
}

/** Text slot of a code symbol: covers the largest referenced offset. */
function slot(maxOffset: bigint): bigint {
  const n = alignUp(maxOffset + 0x20n, 0x10n);
  return n < 0x80n ? 0x80n : n;
}

export type { Space };
