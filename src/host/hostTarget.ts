// The Target over WinDbg's JavaScript provider. The only place (with its siblings) that calls `host`.
// Processes and threads are NOT taken from the data model here: the kernel readers walk the kernel's
// own lists with one batched read per structure, which costs ~1 round trip per object where the data
// model costs one per property. The data model is used for what only the debugger can compute:
// unwound stacks, and the process context for user-mode reads.
import { addrAdd, addrCompare, addrDiff, addrFromParts, isKernelAddress, type Addr } from '../core/addr';
import type { Bytes } from '../core/bytes';
import {
  TargetUnsupported,
  type AddrRange,
  type FrameInfo,
  type ProcessContext,
  type Target,
  type TargetStats,
  type SymbolShape,
  type ThreadKey,
  type TypeLayout,
  type TypeShape,
} from '../core/target';
import type { HostFacts } from '../core/warnings';
import { parseFrameText } from '../kernel/frames';
import { isInt64, toAddr, toHostAddress, toNumber } from './int64';
import { builtInEnum, enumFromDt, moduleNameOfImage } from './hostShapes';
import { HostTypeLayout, readEnum, ShapeBuilder } from './typeLayout';
import { getOrRead } from '../core/runCache';

/** A typed native object handed to a command (dx argument), as plain data. */
export interface NativeInfo {
  /** Where it lives; undefined for a value without an address. */
  address?: Addr;
  type?: TypeShape;
  /** `module!symbol` when the object is exactly a global. */
  symbol?: string;
  /** A pointer: the address it holds (a pointer object's `.address` is its value, not its location). */
  pointerValue?: Addr;
  /** A pointer: the pointed-to type (one level; a TypeShape does not expand pointers). */
  pointee?: TypeShape;
}

export class HostTarget implements Target {
  readonly pointerSize: 4 | 8;
  readonly isKernel: boolean;
  readonly isLive: boolean;
  readonly stats: TargetStats = { unreadableReads: 0 };
  private readonly types = new Map<string, TypeLayout | null>();
  private readonly enums = new Map<string, Map<number, string> | null>();
  private readonly symbols = new Map<string, Addr | null>();
  private readonly nearest = new Map<Addr, string | null>();
  private readonly processObjects = new Map<number, host.Process | null>();
  private readonly shapes: ShapeBuilder;
  private readonly typeShapes = new Map<string, TypeShape | null>();
  private readonly symbolShapes = new Map<string, SymbolShape | null>();
  private readonly facts: HostFacts = { stacksAsked: 0, stacksFailed: 0, userProcessesTried: 0, userProcessesFailed: 0, enumSources: {}, symbolsWithoutModule: 0 };
  /** pid -> whether any user-mode read in that process's context succeeded. */
  private readonly userReads = new Map<number, boolean>();
  /** The first frame text as the debugger gave it, and how it was obtained (for -selftest). */
  sampleFrame: { raw: string; how: string } | undefined;
  /** How Attributes.Machine.PointerSize arrived ('number' in real scripts). */
  readonly pointerSizeShape: string;

  /** The session, asked for once: every property read on the data model is a round trip. */
  private readonly session: host.Session;

  constructor() {
    const session = host.currentSession;
    if (!session) throw new TargetUnsupported('no debugging session');
    this.session = session;
    const attributes = session.Attributes;
    const target = attributes.Target;
    this.isKernel = !!target.IsKernelTarget;
    this.isLive = !!target.IsLiveTarget;
    // A JS number in real scripts; toNumber also takes an Int64 (older providers, recorded sessions).
    const rawSize = attributes.Machine.PointerSize as unknown;
    this.pointerSizeShape = typeof rawSize === 'number' ? 'number' : isInt64(rawSize) ? 'Int64' : typeof rawSize;
    const size = toNumber(rawSize);
    this.pointerSize = size === 4 ? 4 : 8;
    this.shapes = new ShapeBuilder(this.pointerSize);
  }

  type(module: string, name: string): TypeLayout | undefined {
    const key = `${module}!${name}`;
    return getOrRead(this.types, key, () => {
      const t = moduleType(module, name);
      return t ? new HostTypeLayout(module, name, t, this.pointerSize) : undefined;
    });
  }

  enumNames(module: string, name: string): Map<number, string> | undefined {
    const key = `${module}!${name}`;
    return getOrRead(this.enums, key, () => {
      const t = moduleType(module, name);
      let hit = t && t.typeKind === 'enum' ? readEnum(t) : null;
      let how = 'fields';
      // Nothing documents that an enum type lists its enumerators in `fields` (host variant
      // no-enum-fields): then dt's listing, then the table of values stable across builds.
      if (!hit || hit.size === 0) {
        hit = this.enumFromDt(module, name);
        how = 'dt';
      }
      if (!hit || hit.size === 0) {
        hit = module === 'nt' ? builtInEnum(name) || null : null;
        how = hit ? 'table' : 'none';
      }
      this.facts.enumSources[name] = how;
      return hit || undefined;
    });
  }

  /** `dt nt!_KTHREAD_STATE` lists "   Waiting = 0n5" lines (the dt page). */
  private enumFromDt(module: string, name: string): Map<number, string> | null {
    try {
      const lines: string[] = [];
      for (const line of host.namespace.Debugger.Utility.Control.ExecuteCommand(`dt ${module}!${name}`)) lines.push(String(line));
      const names = enumFromDt(lines);
      return names.size ? names : null;
    } catch (e) {
      return null;
    }
  }

  /** How each enum was obtained, what failed as a whole: for the summary warning and -selftest. */
  hostFacts(): HostFacts {
    let failed = 0;
    this.userReads.forEach((ok) => {
      if (!ok) failed++;
    });
    this.facts.userProcessesTried = this.userReads.size;
    this.facts.userProcessesFailed = failed;
    return this.facts;
  }

  typeShape(module: string, name: string): TypeShape | undefined {
    const key = `${module}!${name}`;
    return getOrRead(this.typeShapes, key, () => {
      let hit: TypeShape | null = null;
      try {
        const t = host.getModuleType(module, name);
        if (t) hit = this.shapes.build(module, t);
      } catch (e) {
        hit = null;
      }
      return hit || undefined;
    });
  }

  symbolShape(module: string, name: string): SymbolShape | undefined {
    const key = `${module}!${name}`;
    return getOrRead(this.symbolShapes, key, () => {
      const address = this.symbolAddress(module, name);
      return address === undefined ? undefined : { address, type: this.globalType(module, name, address) };
    });
  }

  /** The declared type of a global: a struct or array global arrives as a native object with
   *  targetType; a scalar one arrives as a plain value (§Numbers and Int64), so its type comes from the symbol
   *  information at its address. */
  private globalType(module: string, name: string, address: Addr): TypeShape | undefined {
    try {
      const value = host.getModuleSymbol(module, name) as unknown;
      if (value && typeof value === 'object' && !isInt64(value) && (value as host.NativeObject).targetType) {
        return this.shapes.build(module, (value as host.NativeObject).targetType);
      }
    } catch (e) {
      // unreadable scalar, or public symbols only: try the symbol information below
    }
    try {
      const info = host.getModuleContainingSymbolInformation(toHostAddress(address));
      if (info && info.type && toAddr(info.address) === address) {
        const bare = info.name.indexOf('!') >= 0 ? info.name.slice(info.name.indexOf('!') + 1) : info.name;
        if (bare.toLowerCase() === name.toLowerCase()) return this.shapes.build(module, info.type);
      }
    } catch (e) {
      // no type information
    }
    return undefined;
  }

  /** A dx argument that is a typed native object (`mydriver!g_History`), as plain data. */
  nativeInfo(value: unknown): NativeInfo | undefined {
    if (!value || typeof value !== 'object' || isInt64(value)) return undefined;
    const v = value as host.NativeObject;
    let type: host.TypeObject | undefined;
    try {
      type = v.targetType;
    } catch (e) {
      return undefined;
    }
    if (!type) return undefined;
    const info: NativeInfo = {};
    try {
      if (type.typeKind === 'pointer') info.pointerValue = toAddr(v.address);
      else info.address = toAddr(v.address);
    } catch (e) {
      info.address = undefined; // a value without an address (a register, a constant)
    }
    let module = '';
    if (info.address !== undefined) {
      const symbol = this.nearestSymbol(info.address);
      if (symbol !== undefined) {
        module = symbol.slice(0, Math.max(0, symbol.indexOf('!')));
        if (symbol.indexOf('+') < 0) info.symbol = symbol;
      }
    }
    try {
      if (module === '' && info.pointerValue !== undefined) {
        const target = this.nearestSymbol(info.pointerValue);
        if (target !== undefined && target.indexOf('!') > 0) module = target.slice(0, target.indexOf('!'));
      }
      info.type = this.shapes.build(module, type);
      if (type.typeKind === 'pointer' && type.baseType) info.pointee = this.shapes.build(module, type.baseType);
    } catch (e) {
      info.type = undefined;
    }
    return info;
  }

  symbolAddress(module: string, name: string): Addr | undefined {
    const key = `${module}!${name}`;
    return getOrRead(this.symbols, key, () => {
      let a: host.Int64 | null = null;
      try {
        a = host.getModuleSymbolAddress(module, name);
      } catch (e) {
        a = null; // as for types: API < 1.1 throws instead of returning null
      }
      return a === null || a === undefined ? undefined : toAddr(a);
    });
  }

  private modules: readonly NamedRange[] | null | undefined;

  /** The loaded modules with the names the debugger gives them ("nt", "3rdPartyAVDriver"). */
  namedModules(): readonly NamedRange[] | undefined {
    if (this.modules === undefined) {
      this.modules = null;
      try {
        const out: NamedRange[] = [];
        for (const m of host.currentProcess.Modules) {
          const base = toAddr(m.BaseAddress);
          let name = '';
          try {
            name = moduleNameOfImage(String(m.Name));
          } catch (e) {
            name = '';
          }
          out.push({ base, end: addrAdd(base, toNumber(m.Size)), name });
        }
        if (out.length) this.modules = out;
      } catch (e) {
        this.modules = null;
      }
    }
    return this.modules || undefined;
  }

  moduleRanges(): readonly AddrRange[] | undefined {
    return this.namedModules();
  }

  /** The module an address lies in, from the module list (symbol answers carry no module: JsProvider.d.ts). */
  moduleAt(address: Addr): string | undefined {
    const list = this.namedModules();
    if (!list) return undefined;
    for (const m of list) {
      if (m.name && addrCompare(address, m.base) >= 0 && addrCompare(address, m.end) < 0) return m.name;
    }
    return undefined;
  }

  nearestSymbol(address: Addr): string | undefined {
    return getOrRead(this.nearest, address, () => {
      let hit: string | null = null;
      try {
        const info = host.getModuleContainingSymbolInformation(toHostAddress(address));
        if (info && info.name) {
          const start = toAddr(info.address);
          const delta = addrDiff(address, start) || 0;
          let name = String(info.name);
          if (name.indexOf('!') < 0) {
            const module = this.moduleAt(start);
            if (module) name = `${module}!${name}`;
            else this.facts.symbolsWithoutModule++;
          }
          hit = delta > 0 ? `${name}+0x${delta.toString(16)}` : name;
        }
      } catch (e) {
        hit = null;
      }
      return hit || undefined;
    });
  }

  read(address: Addr, size: number, context?: ProcessContext): Bytes | undefined {
    try {
      const where = toHostAddress(address);
      if (context && !isKernelAddress(address, this.pointerSize)) {
        if (!this.userReads.has(context.pid)) this.userReads.set(context.pid, false);
        const process = this.processObject(context.pid);
        if (!process) {
          this.stats.unreadableReads++;
          return undefined;
        }
        const bytes = host.memory.readMemoryValues(where, size, 1, false, process);
        this.userReads.set(context.pid, true);
        return bytes;
      }
      return host.memory.readMemoryValues(where, size, 1, false);
    } catch (e) {
      this.stats.unreadableReads++;
      return undefined;
    }
  }

  frames(thread: ThreadKey): FrameInfo[] | undefined {
    this.facts.stacksAsked++;
    try {
      const process = this.processObject(thread.pid);
      if (!process) {
        this.facts.stacksFailed++;
        return undefined;
      }
      const modelThread = process.Threads.getValueAt(thread.tid);
      const out: FrameInfo[] = [];
      for (const frame of modelThread.Stack.Frames) {
        const attributes = frame.Attributes;
        const name = parseFrameText(this.frameText(frame));
        out.push({
          text: name.text,
          module: name.module,
          function: name.function,
          offset: name.offset,
          instruction: addrOf(attributes.InstructionOffset),
          frameOffset: addrOf(attributes.FrameOffset),
          stackOffset: addrOf(attributes.StackOffset),
        });
      }
      return out;
    } catch (e) {
      this.facts.stacksFailed++;
      return undefined;
    }
  }

  /**
   * A frame's text: toString() is the documented conversion of a data-model object (no public
   * script calls ToDisplayString() on a frame); ToDisplayString() only when toString() gives nothing useful.
   */
  private frameText(frame: host.StackFrame): string {
    let text = '';
    let how = 'toString()';
    try {
      text = String(frame.toString());
    } catch (e) {
      text = '';
    }
    if (!text || /^\[object /.test(text)) {
      how = 'ToDisplayString()';
      const f = frame as unknown as { ToDisplayString?: () => string };
      text = typeof f.ToDisplayString === 'function' ? String(f.ToDisplayString()) : '';
    }
    if (!this.sampleFrame && text) this.sampleFrame = { raw: text, how };
    return text;
  }

  /**
   * A member read through the debugger's own typed object (host.createTypedObject), for -selftest's
   * cross-check of our raw decoding: a number, an address (pointers), or why it could not be read.
   */
  typedValue(address: Addr, module: string, typeName: string, path: string): TypedValue {
    try {
      let v: any = host.createTypedObject(toHostAddress(address), module, typeName);
      for (const name of path.split('.')) {
        if (v === undefined || v === null) return { error: `no ${name}` };
        v = v[name];
      }
      if (typeof v === 'number') return { number: v };
      if (typeof v === 'boolean') return { number: v ? 1 : 0 };
      if (v === undefined || v === null) return { error: 'undefined' };
      if (isInt64(v)) return { address: toAddr(v) };
      let kind: string | undefined;
      try {
        kind = v.targetType ? v.targetType.typeKind : undefined;
      } catch (e) {
        kind = undefined;
      }
      if (kind === 'pointer') return { address: toAddr(v.address) };
      if (kind === 'enum') return { number: toNumber(v.valueOf()) };
      return { error: `a ${kind || typeof v}, not a value` };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }

  native(address: Addr, module: string, typeName: string): unknown {
    try {
      return host.createTypedObject(toHostAddress(address), module, typeName);
    } catch (e) {
      return undefined;
    }
  }

  private processCollection: host.ModelCollection<host.Process> | undefined;

  private processObject(pid: number): host.Process | null {
    return getOrRead(this.processObjects, pid, () => {
      let hit: host.Process | null = null;
      try {
        // One round trip for the collection, then one per process asked for.
        if (!this.processCollection) this.processCollection = this.session.Processes;
        hit = this.processCollection.getValueAt(pid);
      } catch (e) {
        hit = null;
      }
      return hit || undefined;
    }) || null;
  }
}

export type TypedValue = { number: number } | { address: Addr } | { error: string };

interface NamedRange extends AddrRange {
  name: string;
}

function addrOf(value: number | host.Int64 | undefined): Addr {
  return value === undefined ? addrFromParts(0, 0) : toAddr(value);
}

/** A module's type, null when there is none: API < 1.1 throws instead of returning null (docs/jsprovider.md §API versions). */
function moduleType(module: string, name: string): host.TypeObject | null {
  try {
    return host.getModuleType(module, name);
  } catch (e) {
    return null;
  }
}
