// A Target that records what the analysis reads, for `-record <file>`: it wraps the real target
// (HostTarget), answers every question with the wrapped target's answer, unchanged and in the same
// order, and keeps a copy of the answer: type layouts and the member paths resolved on them, enums,
// symbols, `ln` answers, stacks, every successful memory read. `snapshot()` turns that into the
// snapshot form the offline harness replays (snapshotFormat.ts): the same questions then get
// the same answers, and any other read is unreadable memory.
// Only `-record` creates one: a normal run talks to HostTarget directly and pays nothing for this.
import { addrAdd, addrCompare, addrDiff, isKernelAddress, type Addr } from '../core/addr';
import type { Bytes } from '../core/bytes';
import type {
  AddrRange,
  FieldLayout,
  FrameInfo,
  ProcessContext,
  SymbolShape,
  Target,
  TargetStats,
  ThreadKey,
  TypeLayout,
  TypeShape,
} from '../core/target';
import { HostTarget, type NativeInfo } from '../host/hostTarget';
import { encodeRanges, mergeReads, MemoryLog, type MergedRange, type ReadRecord } from './recordedMemory';
import { TypeBook } from './recordedTypes';
import { SNAPSHOT_FORMAT, type RecordedSnapshot, type SnapshotModule, type SnapshotSymbol } from './snapshotFormat';
import { redactProcessName, redactSymbolText } from './redact';

/** The format the recorder writes (session.ts imports it from here). */
export type { RecordedSnapshot };

/** The version written into snapshot headers (package.json's; a test keeps them equal). */
export const WAITCHAIN_VERSION = '0.1.0';

export interface RecordingOptions {
  /** Zero what the analysis did not decode; hash process and module names (see redact.ts). */
  redact: boolean;
  /** Upper bound on the bytes of memory kept (default recordedMemory.DEFAULT_MEMORY_CAP). */
  memoryCap?: number;
}

/** What only the session knows, gathered when the command ends (src/commands/session.ts). */
export interface SessionFacts {
  /** The command as it would be replayed, without -record/-redact: `!waitchain "-p svchost.exe"`. */
  command: string;
  osVersion: string;
  buildNumber: number;
  /** The dump or session, as the debugger names it. */
  source?: string;
  current?: { process?: Addr; thread?: Addr };
  /** ISO 8601. */
  date?: string;
}

/** A layout as the analysis sees it, noting every member path asked for and the answer. */
class RecordingLayout implements TypeLayout {
  readonly module: string;
  readonly name: string;
  readonly size: number;
  readonly paths = new Map<string, FieldLayout | undefined>();

  constructor(readonly inner: TypeLayout) {
    this.module = inner.module;
    this.name = inner.name;
    this.size = inner.size;
  }

  field(path: string): FieldLayout | undefined {
    const f = this.inner.field(path);
    if (!this.paths.has(path)) this.paths.set(path, f);
    return f;
  }
}

/** Members the debugger's own process and thread lists are derived from (a replaying debugger walks them too). */
const DATA_MODEL_MEMBERS: { type: string; paths: string[][] }[] = [
  { type: '_EPROCESS', paths: [['ActiveProcessLinks'], ['UniqueProcessId'], ['ImageFileName'], ['ThreadListHead', 'Pcb.ThreadListHead']] },
  { type: '_ETHREAD', paths: [['ThreadListEntry', 'Tcb.ThreadListEntry'], ['Cid.UniqueThread']] },
];

type HostLike = Target & { nativeInfo?(value: unknown): NativeInfo | undefined };

export class RecordingTarget implements Target {
  private readonly layouts = new Map<TypeLayout, RecordingLayout>();
  private readonly layoutOrder: RecordingLayout[] = [];
  private readonly missingTypes: { module: string; name: string }[] = [];
  private readonly enums: { module: string; name: string; names: Map<number, string> }[] = [];
  private readonly symbols: { module: string; name: string; address: Addr }[] = [];
  private readonly typeShapes: TypeShape[] = [];
  private readonly symbolShapes: { module: string; name: string; shape: SymbolShape }[] = [];
  private readonly natives: NativeInfo[] = [];
  private readonly nearest = new Map<Addr, string | undefined>();
  private readonly stacks = new Map<Addr, FrameInfo[]>();
  private readonly noStacks: Addr[] = [];
  /** Modules the analysis named itself (lower case): they keep their names under -redact. */
  private readonly asked: { [lowerName: string]: true } = {};
  private readonly memory: MemoryLog;

  constructor(private readonly inner: HostLike, private readonly options: RecordingOptions) {
    this.memory = new MemoryLog(options.memoryCap);
  }

  get pointerSize(): 4 | 8 {
    return this.inner.pointerSize;
  }

  get isKernel(): boolean {
    return this.inner.isKernel;
  }

  get isLive(): boolean {
    return this.inner.isLive;
  }

  get stats(): TargetStats {
    return this.inner.stats;
  }

  type(module: string, name: string): TypeLayout | undefined {
    this.asked[module.toLowerCase()] = true;
    const t = this.inner.type(module, name);
    if (!t) {
      this.missingTypes.push({ module, name });
      return undefined;
    }
    let wrapped = this.layouts.get(t);
    if (!wrapped) {
      wrapped = new RecordingLayout(t);
      this.layouts.set(t, wrapped);
      this.layoutOrder.push(wrapped);
    }
    return wrapped;
  }

  enumNames(module: string, name: string): Map<number, string> | undefined {
    this.asked[module.toLowerCase()] = true;
    const names = this.inner.enumNames(module, name);
    if (names) this.enums.push({ module, name, names });
    return names;
  }

  symbolAddress(module: string, name: string): Addr | undefined {
    this.asked[module.toLowerCase()] = true;
    const a = this.inner.symbolAddress(module, name);
    if (a !== undefined) this.symbols.push({ module, name, address: a });
    return a;
  }

  typeShape(module: string, name: string): TypeShape | undefined {
    this.asked[module.toLowerCase()] = true;
    const shape = this.inner.typeShape ? this.inner.typeShape(module, name) : undefined;
    if (shape) this.typeShapes.push(shape);
    else this.missingTypes.push({ module, name });
    return shape;
  }

  symbolShape(module: string, name: string): SymbolShape | undefined {
    this.asked[module.toLowerCase()] = true;
    const shape = this.inner.symbolShape ? this.inner.symbolShape(module, name) : undefined;
    if (shape) this.symbolShapes.push({ module, name, shape });
    return shape;
  }

  nearestSymbol(address: Addr): string | undefined {
    const s = this.inner.nearestSymbol(address);
    if (!this.nearest.has(address)) this.nearest.set(address, s);
    return s;
  }

  /**
   * Delegated, not recorded: replay lists the modules the recorded `ln` answers span, which cover every
   * address that was looked up and resolved, so filtering by them gives the same symbols.
   */
  moduleRanges(): readonly AddrRange[] | undefined {
    return this.inner.moduleRanges ? this.inner.moduleRanges() : undefined;
  }

  read(address: Addr, size: number, context?: ProcessContext): Bytes | undefined {
    const bytes = this.inner.read(address, size, context);
    if (!bytes) return bytes;
    const user = !isKernelAddress(address, this.pointerSize);
    // User memory belongs to one process: the one asked for, else the debugger's current one.
    const record = this.memory.add(address, size, user ? (context ? context.address : '@current') : '', bytes);
    return record && this.options.redact ? watched(bytes, record) : bytes;
  }

  frames(thread: ThreadKey): FrameInfo[] | undefined {
    const frames = this.inner.frames(thread);
    if (frames) {
      if (!this.stacks.has(thread.address)) this.stacks.set(thread.address, frames);
    } else this.noStacks.push(thread.address);
    return frames;
  }

  native(address: Addr, module: string, typeName: string): unknown {
    return this.inner.native(address, module, typeName);
  }

  hostFacts() {
    return this.inner.hostFacts ? this.inner.hostFacts() : undefined!;
  }

  /** -selftest's questions go to the debugger (their reads are recorded as they happen). */
  get self(): HostTarget | undefined {
    return this.inner instanceof HostTarget ? this.inner : undefined;
  }

  /** A dx argument (a typed global such as `mydriver!g_History`): its symbol and type go into the snapshot. */
  nativeInfo(value: unknown): NativeInfo | undefined {
    const info = this.inner.nativeInfo ? this.inner.nativeInfo(value) : undefined;
    if (info) {
      this.natives.push(info);
      if (info.symbol && info.symbol.indexOf('!') > 0) this.asked[info.symbol.slice(0, info.symbol.indexOf('!')).toLowerCase()] = true;
    }
    return info;
  }

  /** Everything recorded, as the snapshot the harness replays. Call once, when the command is done. */
  snapshot(facts: SessionFacts): RecordedSnapshot {
    const redact = this.options.redact;
    this.recordDataModelMembers();
    for (const n of this.natives) {
      // The same `ln` answers the host gave while building the argument (cached: no new round trip).
      if (n.address !== undefined) this.nearestSymbol(n.address);
      if (n.pointerValue !== undefined) this.nearestSymbol(n.pointerValue);
    }

    const book = new TypeBook();
    for (const m of this.missingTypes) book.markMissing(m.module, m.name);
    this.recordLayouts(book);
    const layoutSize = (module: string, name: string) => {
      for (const l of this.layoutOrder) if (l.module === module && l.name === name) return l.size;
      return 0; // unknown here: a member of that type may give it; else 4 (TypeBook.toJson)
    };
    for (const e of this.enums) book.enumType(e.module, e.name, layoutSize(e.module, e.name), e.names);
    for (const s of this.typeShapes) book.refOfShape(s);

    const symbols = new SymbolTable();
    for (const s of this.symbols) symbols.add(s.module, s.name, s.address);
    for (const s of this.symbolShapes) symbols.add(s.module, s.name, s.shape.address, s.shape.type ? book.refOfShape(s.shape.type) : undefined);
    for (const n of this.natives) {
      if (n.pointee) book.refOfShape(n.pointee);
      if (n.address !== undefined && n.symbol && n.symbol.indexOf('!') > 0 && n.type) {
        const bang = n.symbol.indexOf('!');
        symbols.add(n.symbol.slice(0, bang), n.symbol.slice(bang + 1), n.address, book.refOfShape(n.type));
      } else if (n.type) book.refOfShape(n.type);
    }
    this.nearest.forEach((text, address) => {
      if (text !== undefined) symbols.addAnswer(address, redact ? redactSymbolText(text, this.asked) : text);
    });

    const current = facts.current || {};
    const ranges = mergeReads(this.memory.reads.map((r) => (r.space === '@current' ? { address: r.address, size: r.size, bytes: r.bytes, touched: r.touched, space: current.process || '' } : r)));
    if (redact) this.redactMemory(ranges);
    const memory = encodeRanges(ranges);

    const notes: string[] = [];
    if (this.memory.capped) {
      notes.push(`capped: the recording keeps at most ${this.memory.cap} bytes of memory; ${this.memory.droppedReads} reads (${this.memory.droppedBytes} bytes) past that were not kept and replay as unreadable memory`);
    }
    if (redact) {
      notes.push('redacted: memory the analysis did not look at is zero-filled; process names and module names other than Windows\' own and those the analysis asked for are hashed (docs/snapshots.md)');
    }
    if (this.noStacks.length) notes.push(`${this.noStacks.length} threads had no stack from the debugger`);
    for (const n of symbols.notes.concat(book.notes)) if (notes.indexOf(n) < 0) notes.push(n);

    const arch = this.pointerSize === 8 ? 'x64' : 'x86';
    const userMemory = ranges.some((r) => !isKernelAddress(r.address, this.pointerSize));
    const snapshot: RecordedSnapshot = {
      format: SNAPSHOT_FORMAT,
      header: {
        arch,
        pointerSize: this.pointerSize,
        layout: `${facts.osVersion}-${arch}`,
        osVersion: facts.osVersion,
        buildNumber: facts.buildNumber,
        dumpKind: this.isLive ? 'live' : userMemory ? 'complete' : 'kernel',
        targetKind: this.isKernel ? 'kernel' : 'user',
        source: redact ? 'redacted' : facts.source || 'windbg',
        waitchainVersion: WAITCHAIN_VERSION,
        recording: { command: facts.command, redacted: redact, reads: this.memory.reads.length, bytes: this.memory.bytes },
      },
      modules: symbols.modules(this.pointerSize),
      types: book.toJson(),
      threads: [],
      notes,
      memory,
    };
    if (facts.date) snapshot.header.date = facts.date;
    if (this.memory.capped) snapshot.header.recording.capped = { reads: this.memory.droppedReads, bytes: this.memory.droppedBytes };
    this.stacks.forEach((frames, address) => {
      snapshot.threads.push({
        address,
        frames: frames.map((f) => ({
          text: redact ? redactSymbolText(f.text, this.asked) : f.text,
          instructionOffset: f.instruction,
          frameOffset: f.frameOffset,
          stackOffset: f.stackOffset,
        })),
      });
    });
    if (current.process !== undefined || current.thread !== undefined) {
      snapshot.current = {};
      if (current.process !== undefined) snapshot.current.process = current.process;
      if (current.thread !== undefined) snapshot.current.thread = current.thread;
    }
    return snapshot;
  }

  /** What a replaying debugger needs to list processes and threads as this one did. */
  private recordDataModelMembers(): void {
    if (!this.isKernel) return;
    this.symbolAddress('nt', 'PsActiveProcessHead');
    for (const t of DATA_MODEL_MEMBERS) {
      const layout = this.type('nt', t.type);
      if (!layout) continue;
      for (const choices of t.paths) {
        for (const path of choices) if (layout.field(path)) break;
      }
    }
  }

  private recordLayouts(book: TypeBook): void {
    for (const l of this.layoutOrder) {
      book.struct(l.module, l.name, l.size);
      l.paths.forEach((f, path) => {
        if (!f) return;
        const parts = path.split('.');
        const along: FieldLayout[] = [];
        for (let i = 1; i < parts.length; i++) {
          const prefix = l.inner.field(parts.slice(0, i).join('.'));
          if (!prefix) return;
          along.push(prefix);
        }
        along.push(f);
        book.recordPath(l.module, l.name, l.size, parts, along);
      });
    }
  }

  /**
   * -redact: only the bytes the analysis looked at keep their value (every read was watched), plus
   * the members a replaying debugger derives its process and thread lists from; the rest is
   * zero-filled. Process names are hashed where EPROCESS holds them.
   */
  private redactMemory(ranges: MergedRange[]): void {
    const layout = (name: string) => this.layoutOrder.filter((l) => l.module === 'nt' && l.name === name)[0];
    const listMembers = new Map<number, { from: number; to: number }[]>();
    for (const t of DATA_MODEL_MEMBERS) {
      const l = layout(t.type);
      if (!l) continue;
      const list: { from: number; to: number }[] = [];
      for (const choices of t.paths) {
        for (const path of choices) {
          const f = l.paths.get(path);
          if (f) list.push({ from: f.offset, to: f.offset + f.size });
        }
      }
      listMembers.set(l.size, list);
    }
    const eprocess = layout('_EPROCESS');
    const imageName = eprocess ? eprocess.paths.get('ImageFileName') : undefined;

    for (const r of ranges) {
      const keep = new Uint8Array(r.bytes.length);
      for (const m of r.reads) {
        const touched = m.record.touched;
        for (let i = 0; i < m.record.size; i++) if (!touched || touched[i]) keep[m.offset + i] = 1;
        const members = listMembers.get(m.record.size);
        if (members) for (const f of members) for (let i = f.from; i < f.to && i < m.record.size; i++) keep[m.offset + i] = 1;
      }
      for (let i = 0; i < keep.length; i++) if (!keep[i]) r.bytes[i] = 0;
      if (eprocess && imageName) {
        for (const m of r.reads) {
          if (m.record.size === eprocess.size) hashImageName(r.bytes, m.offset + imageName.offset, imageName.size);
        }
      }
    }
  }
}

/**
 * The bytes of a read, as the analysis gets them, noting which ones it looks at (-redact keeps
 * only those). The analysis indexes its byte arrays and asks their length, nothing else.
 */
function watched(bytes: Bytes, record: ReadRecord): Bytes {
  const touched = record.touched || (record.touched = new Uint8Array(record.size));
  const size = record.size;
  return new Proxy(bytes as ArrayLike<number> & object, {
    get(target, key) {
      if (typeof key === 'string') {
        const c = key.charCodeAt(0);
        if (c >= 48 && c <= 57) {
          const i = +key;
          if (i < size) touched[i] = 1;
        }
      }
      return (target as unknown as { [k: string]: unknown })[key as string];
    },
  });
}

/** EPROCESS.ImageFileName (ASCII, NUL-padded) replaced by its hash, in place. */
function hashImageName(bytes: Uint8Array, at: number, length: number): void {
  let name = '';
  for (let i = 0; i < length; i++) {
    const c = bytes[at + i];
    if (!c) break;
    if (c < 0x20 || c > 0x7e) return; // not a name: leave it alone
    name += String.fromCharCode(c);
  }
  const hashed = redactProcessName(name);
  if (hashed === name) return;
  for (let i = 0; i < length; i++) bytes[at + i] = i < hashed.length ? hashed.charCodeAt(i) : 0;
}

interface SymbolEntry {
  name: string;
  address: Addr;
  type?: string;
  /** Bytes an `ln` answer showed it to cover (1 at least). */
  size: number;
  /** Named by an `ln` answer: sorts after other symbols at its address, so `ln` finds it again. */
  answer: boolean;
}

/** Symbols by module, from symbol lookups and `ln` answers; modules span what their symbols cover. */
class SymbolTable {
  private readonly byModule = new Map<string, { name: string; symbols: Map<string, SymbolEntry> }>();
  readonly notes: string[] = [];

  add(module: string, name: string, address: Addr, type?: string): SymbolEntry {
    const key = module.toLowerCase();
    let m = this.byModule.get(key);
    if (!m) {
      m = { name: module, symbols: new Map() };
      this.byModule.set(key, m);
    }
    let s = m.symbols.get(name);
    if (!s) {
      s = { name, address, size: 1, answer: false };
      m.symbols.set(name, s);
    } else if (s.address !== address) {
      this.notes.push(`symbol ${module}!${name} seen at two addresses, kept ${s.address}`);
    }
    if (type !== undefined && s.type === undefined) s.type = type;
    return s;
  }

  /** "mod!name+0x1b" at `address`: name starts 0x1b bytes before and covers at least that far. */
  addAnswer(address: Addr, text: string): void {
    const bang = text.indexOf('!');
    const module = bang >= 0 ? text.slice(0, bang) : '';
    const rest = bang >= 0 ? text.slice(bang + 1) : text;
    const m = /^(.*?)(?:\+0x([0-9a-f]+))?$/i.exec(rest);
    if (!m || !m[1]) return;
    const offset = m[2] ? parseInt(m[2], 16) : 0;
    const s = this.add(module, m[1], addrAdd(address, -offset));
    s.answer = true;
    if (offset + 1 > s.size) s.size = offset + 1;
  }

  /** Module names as recorded (under -redact, `ln` answers were hashed as they were added). */
  modules(pointerSize: 4 | 8): SnapshotModule[] {
    const out: SnapshotModule[] = [];
    this.byModule.forEach((m) => {
      const list: SymbolEntry[] = [];
      m.symbols.forEach((s) => list.push(s));
      if (!list.length) return;
      list.sort((a, b) => addrCompare(a.address, b.address) || Number(a.answer) - Number(b.answer));
      const base = list[0].address;
      let end = 0;
      for (const s of list) {
        const d = addrDiff(s.address, base);
        if (d === undefined) {
          this.notes.push(`module ${m.name}: symbol ${s.name} too far from the others to be in one module`);
          continue;
        }
        if (d + s.size > end) end = d + s.size;
      }
      out.push({
        name: m.name,
        base,
        size: end,
        kernel: isKernelAddress(base, pointerSize),
        symbols: list.map((s) => {
          const j: SnapshotSymbol = { name: s.name, address: s.address, size: s.size };
          if (s.type !== undefined) j.type = s.type;
          return j;
        }),
      });
    });
    return out;
  }
}
