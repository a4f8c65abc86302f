// Modules and their symbols, for getModuleSymbol*, getModuleContainingSymbolInformation, `ln`
// and Process.Modules. Module names are matched the way WinDbg matches them: case-insensitively,
// with or without the image extension, and `nt` names the kernel whatever its image file name
// (ntoskrnl/ntkrnlpa/ntkrnlmp/ntkrpamp).
import type { Snapshot, SnapshotModule } from '../format/snapshot';
import { hex } from './memory';

export interface SymbolInfo {
  name: string;
  address: bigint;
  /** TypeRef of a data symbol. */
  type?: string;
  size?: number;
  module: ModuleInfo;
}

export interface ModuleInfo {
  /** As the snapshot names it (Module.Name). */
  name: string;
  /** Normalized lookup key. */
  key: string;
  base: bigint;
  size: bigint;
  kernel: boolean;
  /** Sorted by address. */
  symbols: SymbolInfo[];
  byName: Map<string, SymbolInfo>;
  byLowerName: Map<string, SymbolInfo>;
}

const KERNEL_NAMES = new Set(['nt', 'ntoskrnl', 'ntkrnlpa', 'ntkrnlmp', 'ntkrpamp', 'ntkrla57']);

export function normalizeModuleName(name: string): string {
  const n = name.trim().toLowerCase().replace(/^.*[\\/]/, '').replace(/\.(sys|dll|exe)$/, '');
  return KERNEL_NAMES.has(n) ? 'nt' : n;
}

export class ModuleTable {
  readonly modules: ModuleInfo[];
  private byKey = new Map<string, ModuleInfo>();

  constructor(snapshot: Snapshot) {
    this.modules = snapshot.modules.map((m) => this.build(m));
    for (const m of this.modules) if (!this.byKey.has(m.key)) this.byKey.set(m.key, m);
  }

  private build(m: SnapshotModule): ModuleInfo {
    const info: ModuleInfo = {
      name: m.name, key: normalizeModuleName(m.name), base: hex(m.base), size: BigInt(m.size),
      kernel: m.kernel, symbols: [], byName: new Map(), byLowerName: new Map(),
    };
    for (const s of m.symbols) {
      const sym: SymbolInfo = { name: s.name, address: hex(s.address), type: s.type, size: s.size, module: info };
      info.symbols.push(sym);
      info.byName.set(sym.name, sym);
      if (!info.byLowerName.has(sym.name.toLowerCase())) info.byLowerName.set(sym.name.toLowerCase(), sym);
    }
    info.symbols.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    return info;
  }

  find(name: string): ModuleInfo | undefined {
    return this.byKey.get(normalizeModuleName(name));
  }

  /** Exact name first, then case-insensitively (WinDbg symbol matching is case-insensitive). */
  symbol(module: string, name: string): SymbolInfo | undefined {
    const m = this.find(module);
    if (!m) return undefined;
    return m.byName.get(name) ?? m.byLowerName.get(name.toLowerCase());
  }

  containing(address: bigint): ModuleInfo | undefined {
    return this.modules.find((m) => address >= m.base && address < m.base + m.size);
  }

  /**
   * The symbol `ln` would name: the nearest symbol at or before `address` in the containing
   * module, provided the address is within the symbol's size (when the size is known).
   */
  nearest(address: bigint): { symbol: SymbolInfo; offset: bigint; next?: SymbolInfo } | undefined {
    const m = this.containing(address);
    if (!m) return undefined;
    let best: SymbolInfo | undefined;
    let next: SymbolInfo | undefined;
    for (const s of m.symbols) {
      if (s.address <= address) best = s;
      else { next = s; break; }
    }
    if (!best) return undefined;
    if (best.size !== undefined && address >= best.address + BigInt(best.size)) return undefined;
    return { symbol: best, offset: address - best.address, next };
  }
}
