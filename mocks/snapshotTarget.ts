// A Target (src/core/target.ts) over a snapshot held in memory: the scenario builder's output or a
// recording read back. It runs src/ in-process, without the bundle, the vm or the mock `host`, so a
// kernel reader or an analysis rule is unit-tested in a few lines:
//
//   const k = new KernelContext(snapshotTarget(scenarioSnapshot({ ...scenario }, 'win10-19041-x64')));
//   const index = ResourceReader.create(k)!.buildIndex();
//
// It answers from the mock debugger's own model of the snapshot (MemoryImage, TypeSystem,
// ModuleTable: one truth for what a snapshot holds) the way HostTarget answers from WinDbg's
// (src/host/hostTarget.ts, typeLayout.ts): the same layouts, enum names, symbols, `ln` answers,
// reads and stacks, so an analysis reaches the same conclusions here as through the bundle
// (test/mock/snapshotTarget.test.ts compares the two). What only a live debugger has (host
// variants, round-trip counts, dx objects) stays with the bundle tests.
import { parseAddr, type Addr } from '../src/core/addr';
import type { Bytes } from '../src/core/bytes';
import type {
  AddrRange,
  FieldKind,
  FieldLayout,
  FrameInfo,
  MemberShape,
  ProcessContext,
  SymbolShape,
  Target,
  TargetStats,
  ThreadKey,
  TypeLayout,
  TypeShape,
} from '../src/core/target';
import type { HostFacts } from '../src/core/warnings';
import { builtInEnum, moduleNameOfImage } from '../src/host/hostShapes';
import { parseFrameText } from '../src/kernel/frames';
import { buildSnapshot, validateScenario } from './builder';
import type { Snapshot } from './format/snapshot';
import type { Env } from './host/env';
import { processByPid, walkThreads } from './host/kernelWalk';
import { hex, MemoryFault, MemoryImage } from './host/memory';
import { ModuleTable } from './host/modules';
import { TypeSystem, type MType } from './host/types';

/** The same test as HostTypeLayout's: a C integer type name that is signed. */
const SIGNED_INTRINSICS = /^(char|short|int|long|__int8|__int16|__int32|__int64|long long|signed .*|CHAR|SHORT|LONG|LONG64|LONGLONG|INT|INT64|LONG_PTR|int64_t|int32_t|int16_t|int8_t)$/;
const NARROW_CHARS = /^(char|signed char|unsigned char|CHAR|UCHAR)$/;
const WIDE_CHARS = /^(wchar_t|WCHAR)$/;
const MAX_SHAPE_DEPTH = 16;

const KIND_OF: Record<MType['kind'], FieldKind> = { udt: 'struct', pointer: 'pointer', array: 'array', enum: 'enum', intrinsic: 'int' };

const addr = (value: bigint | string): Addr => parseAddr(typeof value === 'string' ? value : value.toString(16)) ?? '0';

/** A type's members by dotted path, resolved against the snapshot's TypeDefs. */
class SnapshotTypeLayout implements TypeLayout {
  readonly size: number;
  private readonly cache = new Map<string, FieldLayout | null>();

  constructor(readonly module: string, readonly name: string, private readonly type: MType, private readonly types: TypeSystem) {
    this.size = type.size;
  }

  field(path: string): FieldLayout | undefined {
    let hit = this.cache.get(path);
    if (hit === undefined) {
      hit = this.resolve(path) ?? null;
      this.cache.set(path, hit);
    }
    return hit ?? undefined;
  }

  private resolve(path: string): FieldLayout | undefined {
    let owner = this.type;
    let offset = 0;
    let last: MType | undefined;
    for (const part of path.split('.')) {
      if (last && last.kind !== 'udt') return undefined;
      const def = this.types.field(owner, part);
      if (!def) return undefined;
      offset += def.offset;
      last = this.types.fieldType(owner, def);
      owner = last;
    }
    if (!last) return undefined;
    const kind = KIND_OF[last.kind];
    const layout: FieldLayout = { offset, size: last.size, kind, signed: kind === 'int' && SIGNED_INTRINSICS.test(last.name), typeName: last.name };
    if ((kind === 'int' || kind === 'enum') && last.bitField) {
      layout.bitPos = last.bitField.lsb;
      layout.bitLen = last.bitField.length;
    }
    if (kind === 'array' && last.base) {
      layout.elementSize = last.base.size;
      layout.elementKind = KIND_OF[last.base.kind];
      layout.elementTypeName = last.base.name;
      layout.count = last.base.size > 0 ? Math.floor(last.size / last.base.size) : 0;
    }
    return layout;
  }
}

export class SnapshotTarget implements Target {
  readonly pointerSize: 4 | 8;
  readonly isKernel: boolean;
  readonly isLive: boolean;
  readonly stats: TargetStats = { unreadableReads: 0 };
  /** Reads asked for (successful or not): what a test can hold a reader's cost to. */
  reads = 0;
  private readonly memory: MemoryImage;
  private readonly types: TypeSystem;
  private readonly modules: ModuleTable;
  private readonly stacks = new Map<Addr, FrameInfo[]>();
  private readonly layouts = new Map<string, TypeLayout | null>();
  private readonly shapes = new Map<string, TypeShape>();
  private readonly userReads = new Map<number, boolean>();
  private readonly currentProcess: bigint | undefined;
  /** What the mock's kernel-list walk needs (mocks/host/kernelWalk.ts): the debugger's process and thread lists. */
  private readonly walkEnv: Env;
  private readonly facts: HostFacts = { stacksAsked: 0, stacksFailed: 0, userProcessesTried: 0, userProcessesFailed: 0, enumSources: {}, symbolsWithoutModule: 0 };

  constructor(readonly snapshot: Snapshot) {
    const h = snapshot.header;
    this.pointerSize = h.pointerSize;
    this.isKernel = h.targetKind !== 'user';
    this.isLive = h.dumpKind === 'live';
    this.memory = new MemoryImage(snapshot);
    this.types = new TypeSystem(snapshot);
    this.modules = new ModuleTable(snapshot);
    this.currentProcess = snapshot.current?.process !== undefined ? hex(snapshot.current.process) : undefined;
    this.walkEnv = { snapshot, mem: this.memory, types: this.types, modules: this.modules, pointerSize: this.pointerSize } as Env;
    for (const t of snapshot.threads) {
      this.stacks.set(addr(t.address), t.frames.map((f) => {
        const name = parseFrameText(f.text);
        return {
          text: name.text, module: name.module, function: name.function, offset: name.offset,
          instruction: addr(f.instructionOffset), frameOffset: addr(f.frameOffset), stackOffset: addr(f.stackOffset),
        };
      }));
    }
  }

  type(module: string, name: string): TypeLayout | undefined {
    const key = `${module}!${name}`;
    let hit = this.layouts.get(key);
    if (hit === undefined) {
      const t = this.types.resolve(module, name);
      hit = t ? new SnapshotTypeLayout(module, name, t, this.types) : null;
      this.layouts.set(key, hit);
    }
    return hit ?? undefined;
  }

  /** As HostTarget: the enum's own enumerators, else (nt) the table of values no build changed. */
  enumNames(module: string, name: string): Map<number, string> | undefined {
    const t = this.types.resolve(module, name);
    let names: Map<number, string> | undefined;
    let how = 'fields';
    if (t && t.kind === 'enum') names = enumerators(t);
    if (!names || !names.size) {
      names = module === 'nt' ? builtInEnum(name) : undefined;
      how = names ? 'table' : 'none';
    }
    this.facts.enumSources[name] = how;
    return names;
  }

  symbolAddress(module: string, name: string): Addr | undefined {
    const s = this.modules.symbol(module, name);
    return s ? addr(s.address) : undefined;
  }

  typeShape(module: string, name: string): TypeShape | undefined {
    const t = this.types.resolve(module, name);
    return t ? this.shape(module, t) : undefined;
  }

  symbolShape(module: string, name: string): SymbolShape | undefined {
    const s = this.modules.symbol(module, name);
    if (!s) return undefined;
    const t = s.type !== undefined ? this.types.resolve(s.module.name, s.type) : null;
    return { address: addr(s.address), type: t ? this.shape(module, t) : undefined };
  }

  /** `ln`: "module!symbol+0x1b", the module named as the debugger's module list names it. */
  nearestSymbol(address: Addr): string | undefined {
    const hit = this.modules.nearest(hex(address));
    if (!hit) return undefined;
    const name = `${moduleNameOfImage(hit.symbol.module.name)}!${hit.symbol.name}`;
    return hit.offset > 0n ? `${name}+0x${hit.offset.toString(16)}` : name;
  }

  moduleRanges(): readonly AddrRange[] | undefined {
    const list = this.modules.modules.map((m) => ({ base: addr(m.base), end: addr(m.base + m.size) }));
    return list.length ? list : undefined;
  }

  /**
   * User addresses with a context: in the space of the process the debugger lists under that pid (as
   * HostTarget reads through Processes.getValueAt(pid)); without one, in the current process's space.
   */
  read(address: Addr, size: number, context?: ProcessContext): Bytes | undefined {
    this.reads++;
    const at = hex(address);
    const user = this.memory.isUser(at);
    let space = user ? this.currentProcess : undefined;
    if (context && user) {
      if (!this.userReads.has(context.pid)) this.userReads.set(context.pid, false);
      const process = this.process(context.pid);
      if (process === undefined) {
        this.stats.unreadableReads++;
        return undefined;
      }
      space = process;
    }
    try {
      const bytes = this.memory.read(at, size, space);
      if (context && user) this.userReads.set(context.pid, true);
      return bytes;
    } catch (e) {
      if (!(e instanceof MemoryFault)) throw e;
      this.stats.unreadableReads++;
      return undefined;
    }
  }

  /** The debugger's stack of the thread it lists under that pid and tid; undefined when it lists none. */
  frames(thread: ThreadKey): FrameInfo[] | undefined {
    this.facts.stacksAsked++;
    const process = this.process(thread.pid);
    const listed = process === undefined ? undefined : this.threadsOf(process).find((t) => t.tid === thread.tid);
    if (!listed) {
      this.facts.stacksFailed++;
      return undefined;
    }
    return this.stacks.get(addr(listed.ethread)) ?? [];
  }

  private process(pid: number): bigint | undefined {
    try {
      return processByPid(this.walkEnv, pid)?.eprocess;
    } catch {
      return undefined; // no process list in this snapshot (no PsActiveProcessHead)
    }
  }

  private threadsOf(process: bigint) {
    try {
      return walkThreads(this.walkEnv, process);
    } catch {
      return [];
    }
  }

  /** No debugger objects here: the address and type, for a test to look at. */
  native(address: Addr, module: string, typeName: string): unknown {
    return { address, module, typeName };
  }

  hostFacts(): HostFacts {
    let failed = 0;
    this.userReads.forEach((ok) => {
      if (!ok) failed++;
    });
    this.facts.userProcessesTried = this.userReads.size;
    this.facts.userProcessesFailed = failed;
    return this.facts;
  }

  /** As HostTarget's ShapeBuilder: named types once, members in declaration order. */
  private shape(module: string, t: MType, depth = 0): TypeShape {
    switch (t.kind) {
      case 'pointer':
        return { module, name: t.name, kind: 'pointer', size: this.pointerSize, signed: false, pointee: t.base?.name };
      case 'array': {
        const element = t.base ? this.shape(module, t.base, depth + 1) : undefined;
        return { module, name: t.name, kind: 'array', size: t.size, signed: false, element, count: element && element.size > 0 ? Math.floor(t.size / element.size) : 0 };
      }
      case 'enum':
      case 'udt': {
        const key = `${module}!${t.kind}!${t.name}`;
        const hit = this.shapes.get(key);
        if (hit) return hit;
        const shape: TypeShape = t.kind === 'enum'
          ? { module, name: t.name, kind: 'enum', size: t.size, signed: t.size >= 4, enumerators: [...enumerators(t)].map(([value, name]) => ({ value, name })) }
          : { module, name: t.name, kind: 'struct', size: t.size, signed: false, members: [] };
        this.shapes.set(key, shape);
        if (shape.members && depth < MAX_SHAPE_DEPTH) {
          shape.members = (t.def?.fields ?? []).map((f) => {
            const type = this.types.fieldType(t, f);
            const member: MemberShape = { name: f.name, offset: f.offset, type: this.shape(module, type, depth + 1) };
            if (type.bitField) {
              member.bitPos = type.bitField.lsb;
              member.bitLen = type.bitField.length;
            }
            return member;
          });
        }
        return shape;
      }
      default: {
        const shape: TypeShape = { module, name: t.name, kind: 'int', size: t.size, signed: SIGNED_INTRINSICS.test(t.name) };
        if (NARROW_CHARS.test(t.name)) shape.char = 'narrow';
        else if (WIDE_CHARS.test(t.name)) shape.char = 'wide';
        if (t.name === 'bool') shape.bool = true;
        return shape;
      }
    }
  }
}

/** Value -> name, a later enumerator of the same value winning (as the debugger's `fields` are read). */
function enumerators(t: MType): Map<number, string> {
  const names = new Map<number, string>();
  for (const [name, value] of Object.entries(t.def?.values ?? {})) names.set(value, name);
  return names;
}

export function snapshotTarget(snapshot: Snapshot): SnapshotTarget {
  return new SnapshotTarget(snapshot);
}

/** A scenario (waitchain-scenario/1, as an object) laid out on `layout`: for tests that write the scenario inline. */
export function scenarioSnapshot(scenario: object, layout: string): Snapshot {
  return buildSnapshot(validateScenario({ format: 'waitchain-scenario/1', ...scenario }), layout);
}
