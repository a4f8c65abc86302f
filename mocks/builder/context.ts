// Build context: the layout, the memory image, the symbol table, registries shared by the section builders.
import type { Layout } from '../format/typedef';
import { Arena, findWindow, Space } from './addressSpace';
import { fmt, isHex, parseHex } from './hex';
import { ModuleTable } from './modules';
import { relocateX86 } from './relocate';
import type { Scenario, ScenarioFrame, ScenarioProcess, ScenarioThread } from './scenario';
import { StructWriter, Types } from './structWriter';
import { waitVariantNamed, type WaitVariant } from './waitVariants';

export interface FramePlan {
  text: string;
  args: bigint[];
  /** Bytes of locals this frame needs on the stack (e.g. a _KWAIT_CHAIN_ENTRY); address filled by the stack layout. */
  localSize?: number;
  localAddr?: bigint;
  inserted?: boolean;
  user: boolean;
}

export interface PlannedWait {
  objects: { address: bigint; waitType: 'WaitAny' | 'WaitAll' }[];
  reason?: string;
  mode?: 'KernelMode' | 'UserMode';
  source: string;
  /** Resolved late (e.g. the event inside a _KWAIT_CHAIN_ENTRY on the stack). */
  late?: () => bigint;
  /** A WrAlertByThreadId wait: the objects are user addresses (or 0), not dispatcher objects. */
  addressWait?: boolean;
}

export interface ThreadInfo {
  s: ScenarioThread;
  index: number;
  addr: bigint;
  proc: bigint;
  frames: FramePlan[];
  kstack: { base: bigint; limit: bigint; current: bigint; resident: boolean; invented: boolean };
  ustack?: { base: bigint; limit: bigint };
  teb?: bigint;
  waits?: PlannedWait;
  implied: PlannedWait[];
  /** A wait that replaces the scenario's own `waits` because this build blocks differently (a Win10/11 critical-section waiter). */
  replacedWait?: PlannedWait;
  /** Created by the builder (idle threads). */
  synthetic?: boolean;
  /** Only the _KTHREAD part is laid out (idle threads packed tighter than the layout's _ETHREAD). */
  kthreadOnly?: boolean;
  state?: string;
  processor?: number;
  running?: boolean;
  registers?: Record<string, string>;
}

export interface ProcInfo {
  s: ScenarioProcess;
  index: number;
  addr: bigint;
  pid: bigint;
  threads: bigint[];
  idle: boolean;
  synthetic?: boolean;
  peb?: bigint;
}

export class Ctx {
  readonly types: Types;
  readonly sw: StructWriter;
  readonly ptr: number;
  readonly x64: boolean;
  readonly relocated: boolean;
  readonly userMemory: boolean;
  readonly kernel = new Space('kernel space', null);
  readonly users = new Map<bigint, Space>();
  readonly notes = new Set<string>();
  readonly modules: ModuleTable;
  readonly processes = new Map<bigint, ProcInfo>();
  readonly threads = new Map<bigint, ThreadInfo>();
  /** Dispatcher objects laid out (address -> header type label). */
  readonly dispatcher = new Map<bigint, string>();
  /** Every structure laid out at a scenario address: address -> type name (for corruption `at` paths). */
  readonly structAt = new Map<bigint, { type: string; space: Space }>();
  readonly objectTypes = new Map<string, bigint>();
  readonly unreadable: { address: bigint; size: bigint; process?: bigint }[] = [];
  readonly globals = new Map<string, bigint>();
  private readonly windows: { start: bigint; end: bigint; kernel: boolean }[] = [];
  private arenas = new Map<string, Arena>();
  userPoints: bigint[] = [];
  /** Which of the open Windows behaviours of user-mode lock waits to lay out (mocks/builder/waitVariants.ts). */
  readonly waitVariant: WaitVariant;

  constructor(readonly s: Scenario, readonly layout: Layout, waitVariant?: string) {
    this.waitVariant = waitVariantNamed(waitVariant);
    this.types = new Types(layout);
    this.sw = new StructWriter(this.types);
    this.ptr = layout.pointerSize;
    this.x64 = layout.arch === 'x64';
    if (s.system.arch === 'x64' && !this.x64) throw new Error(`scenario ${s.id} is x64 and cannot be laid out on the x86 layout ${layout.name}`);
    this.relocated = s.system.arch === 'x86' && this.x64;
    this.userMemory = (s.system.dumpKind ?? 'complete') !== 'kernel';
    this.modules = new ModuleTable((a) => this.isKernel(a));
  }

  note(n: string): void { this.notes.add(n); }

  isKernel(a: bigint): boolean {
    return this.x64 ? a >= 0xffff800000000000n : a >= 0x80000000n;
  }

  /** A scenario address in target space (relocated for x86 scenarios on x64 layouts). */
  addr(hex: string): bigint {
    const a = parseHex(hex);
    return this.relocated ? relocateX86(a) : a;
  }

  addrOpt(hex: string | null | undefined): bigint | undefined {
    return hex === undefined || hex === null ? undefined : this.addr(hex);
  }

  /** A scenario number that is an address-sized value (frame args): relocated only when it looks like an address. */
  argValue(hex: string): bigint {
    const a = parseHex(hex);
    if (!this.relocated) return a;
    return a >= 0x10000n ? relocateX86(a) : a;
  }

  userSpace(proc: bigint): Space | undefined {
    if (!this.userMemory) return undefined;
    let s = this.users.get(proc);
    if (!s) {
      s = new Space(`user space of process ${fmt(proc)}`, proc);
      s.addPoints(this.userPoints);
      this.users.set(proc, s);
    }
    return s;
  }

  // ---- arenas -------------------------------------------------------------------------------------------

  private window(kernel: boolean, spaces: Space[], lo: bigint, hi: bigint, size: bigint, step: bigint, what: string): bigint {
    for (let from = lo; ;) {
      const w = findWindow(spaces, from, hi, size, step, what);
      const clash = this.windows.find((x) => x.kernel === kernel && w < x.end && x.start < w + size);
      if (!clash) { this.windows.push({ start: w, end: w + size, kernel }); return w; }
      from = w + step;
    }
  }

  arena(name: 'pool' | 'stacks' | 'kmodules' | 'umodules'): Arena {
    let a = this.arenas.get(name);
    if (a) return a;
    const x64 = this.x64;
    const spec: Record<string, [boolean, bigint, bigint, bigint, bigint]> = x64
      ? {
          kmodules: [true, 0xfffff80001000000n, 0xfffff88000000000n, 0x10000000n, 0x1000000n],
          pool: [true, 0xffffc00000000000n, 0xffffd00000000000n, 0x10000000n, 0x10000000n],
          stacks: [true, 0xffffd00000000000n, 0xffffe00000000000n, 0x10000000n, 0x10000000n],
          umodules: [false, 0x00007ff700000000n, 0x00007fff00000000n, 0x10000000n, 0x10000000n],
        }
      : {
          kmodules: [true, 0x80400000n, 0xf0000000n, 0x2000000n, 0x100000n],
          pool: [true, 0x90000000n, 0xf0000000n, 0x4000000n, 0x1000000n],
          stacks: [true, 0xa0000000n, 0xf0000000n, 0x2000000n, 0x1000000n],
          umodules: [false, 0x70000000n, 0x7ff00000n, 0x4000000n, 0x1000000n],
        };
    const [kernel, lo, hi, size, step] = spec[name]!;
    const spaces = kernel ? [this.kernel] : this.allUserSpaces();
    const w = this.window(kernel, spaces, lo, hi, size, step, `${name} arena`);
    a = new Arena(spaces, w, w + size, `${name} arena`);
    this.arenas.set(name, a);
    return a;
  }

  /** Processes with a user address space: not the idle process, not System (pid 4 or named System). */
  hasUserSpace(proc: bigint): boolean {
    const p = this.processes.get(proc);
    if (!p || !this.userMemory) return false;
    return !(p.idle || p.synthetic || (p.s.name ?? '').toLowerCase() === 'system' || p.pid === 4n);
  }

  allUserSpaces(): Space[] {
    if (!this.userMemory) return [];
    return [...this.processes.keys()].filter((p) => this.hasUserSpace(p)).map((p) => this.userSpace(p)!);
  }

  /** Per-process user arena (PEB, TEBs, user stacks, critical-section debug info). */
  userArena(proc: bigint): Arena | undefined {
    const sp = this.userSpace(proc);
    if (!sp) return undefined;
    const key = `user:${fmt(proc)}`;
    let a = this.arenas.get(key);
    if (a) return a;
    const [lo, hi, size, step] = this.x64
      ? [0x000000a000000000n, 0x000007f000000000n, 0x4000000n, 0x10000000n]
      : [0x10000000n, 0x70000000n, 0x1000000n, 0x1000000n];
    // Same window in every process is fine (separate address spaces); search per process.
    const w = findWindow([sp], lo, hi, size, step, `user arena of ${fmt(proc)}`);
    a = new Arena([sp], w, w + size, `user arena of process ${fmt(proc)}`);
    this.arenas.set(key, a);
    return a;
  }

  pool(size: number | bigint, label: string, align = 16): bigint {
    return this.arena('pool').alloc(size, this.x64 ? Math.max(align, 16) : Math.max(align, 8), label);
  }

  /** Pool block for an object body with free room in front of it for its _OBJECT_HEADER (+ name info). */
  poolObject(size: number | bigint, label: string): bigint {
    const room = 0x80n;
    const a = this.arena('pool').alloc(room + BigInt(size), 16, label, false);
    this.kernel.claim(a + room, size, label);
    return a + room;
  }

  // ---- symbols ------------------------------------------------------------------------------------------

  private arenaFor = (kernel: boolean): Arena => this.arena(kernel ? 'kmodules' : 'umodules');

  /** Address of "mod!sym+off", "mod+off" or a hex address (relocated). */
  code(ref: string, kernelHint = true): bigint {
    if (isHex(ref) && !ref.includes('!') && !ref.includes('+')) return this.addr(ref);
    return this.modules.resolve(ref, this.arenaFor, (n) => this.note(n), kernelHint);
  }

  placeModules(): void {
    this.modules.place(this.arenaFor, (n) => this.note(n));
  }

  /** Storage for a global inside its module's data section; returns its address. */
  allocGlobal(module: string, name: string, type: string, size: number): bigint {
    const m = this.modules.declare(module, undefined, 0);
    if (m.base === undefined) this.modules.placeOne(m, this.arenaFor, (n) => this.note(n));
    const sym = this.modules.symbol(m, name);
    if (sym.address !== undefined) {
      sym.type = sym.type ?? type; sym.data = true;
      return sym.address;
    }
    const real = this.layout.globals.find((g) => g.module === module && g.name === name)?.rva;
    if (real !== undefined && m.base !== undefined) {
      // The build's symbol table gives the RVA: place the global where the real kernel has it, unless the
      // scenario already put something there (then the data section, noted).
      const at = m.base + BigInt(real);
      const spaces = m.kernel ? [this.kernel] : this.allUserSpaces();
      const end = at + BigInt(Math.max(size, 1));
      const free = spaces.every((sp) => !sp.overlapping(at, end) && sp.pointIn(at, end) === undefined);
      if (free && (m.size === undefined || end <= m.base + m.size)) {
        for (const sp of spaces) sp.claim(at, Math.max(size, 1), `${m.name}!${name}`);
        sym.address = at; sym.type = type; sym.data = true; sym.size = undefined;
        this.globals.set(`${m.name.toLowerCase()}!${name}`, at);
        return at;
      }
      this.note(`${m.name}!${name}: its real RVA ${fmt(BigInt(real))} from ${fmt(m.base)} is taken or outside the module; placed in the module's data section`);
    }
    if (!m.dataArena) {
      const spaces = m.kernel ? [this.kernel] : this.allUserSpaces();
      m.dataArena = new Arena(spaces, m.dataStart!, m.dataEnd! + 0x1000000n, `data of ${m.name}`);
    }
    const a = m.dataArena.alloc(Math.max(size, 1), Math.min(Math.max(this.ptr, 4), 16), `${m.name}!${name}`, m.kernel ? true : this.userMemory);
    sym.address = a; sym.type = type; sym.data = true; sym.size = undefined;
    this.globals.set(`${m.name.toLowerCase()}!${name}`, a);
    return a;
  }

  /** Address of a layout/ntdll global if it exists. */
  globalAddr(module: string, name: string): bigint | undefined {
    const m = this.modules.get(module);
    return m?.symbols.get(name)?.address;
  }

  // ---- enums --------------------------------------------------------------------------------------------

  enumV(enumNames: string[], name: string, fallback?: number): number {
    const v = this.types.enumValue(enumNames, name);
    if (v !== undefined) return v;
    if (fallback !== undefined) {
      this.note(`layout ${this.layout.name} has no enumerator ${name} (${enumNames.join('/')}); used ${fallback}`);
      return fallback;
    }
    throw new Error(`layout ${this.layout.name} has no enumerator ${name} in ${enumNames.join('/')}`);
  }

  kobject(name: string): number { return this.enumV(['_KOBJECTS'], name); }

  // ---- lists -------------------------------------------------------------------------------------------

  listInit(space: Space, head: bigint): void {
    space.writeUint(head, this.ptr, head);
    space.writeUint(head + BigInt(this.ptr), this.ptr, head);
  }

  listInsertTail(space: Space, head: bigint, entry: bigint): void {
    const p = this.ptr;
    let blink = space.readUint(head + BigInt(p), p);
    if (blink === 0n) { this.listInit(space, head); blink = head; }
    space.writeUint(entry, p, head); // entry.Flink = head
    space.writeUint(entry + BigInt(p), p, blink); // entry.Blink = old tail
    space.writeUint(blink, p, entry); // oldTail.Flink = entry
    space.writeUint(head + BigInt(p), p, entry); // head.Blink = entry
  }

  writePtr(space: Space, at: bigint, value: bigint): void { space.writeUint(at, this.ptr, value); }

  /** A UNICODE_STRING at `at` whose buffer is allocated in the pool (kernel) or the given arena. */
  unicodeString(space: Space, at: bigint, text: string, label: string, arena?: Arena): void {
    const bytes = new Uint8Array(text.length * 2 + 2);
    for (let i = 0; i < text.length; i++) { bytes[2 * i] = text.charCodeAt(i) & 0xff; bytes[2 * i + 1] = text.charCodeAt(i) >> 8; }
    const buf = arena ? arena.alloc(bytes.length, 8, `${label} buffer`) : this.pool(bytes.length, `${label} buffer`);
    space.write(buf, bytes);
    const T = '_UNICODE_STRING';
    this.sw.set(space, at, T, 'Length', text.length * 2);
    this.sw.set(space, at, T, 'MaximumLength', text.length * 2 + 2);
    this.sw.set(space, at, T, 'Buffer', buf);
  }

  thread(addr: bigint, what: string): ThreadInfo | undefined {
    const t = this.threads.get(addr);
    if (!t) this.note(`${what}: thread ${fmt(addr)} is not among the scenario's threads`);
    return t;
  }

  /** Records the structure laid out at an address (corruption paths resolve fields through it). */
  mark(addr: bigint, type: string, space: Space = this.kernel): void {
    if (!this.structAt.has(addr)) this.structAt.set(addr, { type, space });
  }
}

export type { ScenarioFrame };
