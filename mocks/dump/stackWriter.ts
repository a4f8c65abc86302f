// The dump writer's stacks (issue 14): each thread's frames (snapshot.threads, as the builder laid
// them out) left in stack memory the way a machine leaves them, so the reader recovers them from the
// dump alone (mocks/dump/unwind.ts) — nothing else passes from writer to reader.
//
// x86: the builder already wrote the EBP chain ([ebp] = caller's ebp, [ebp+4] = return address).
// The walk starts from the thread's switch frame at KTHREAD.KernelStack; its RetAddr at +8 follows
// the x86 KSWITCHFRAME (ExceptionList, ApcBypassDisable, RetAddr; ReactOS ndk/i386/ketypes.h),
// and the EBP the switching code pushed sits right above it (+0xc), where the first frame begins.
//
// x64: no frame pointers; a frame's return address is found through its function's unwind data
// (x64 exception handling: https://learn.microsoft.com/en-us/cpp/build/exception-handling-x64).
// For frame i (Child-SP sp_i) the return address into frame i+1 goes at sp_{i+1} - 8, where a `call`
// leaves it, and the function gets a fixed allocation sp_{i+1} - 8 - sp_i (UWOP_ALLOC_SMALL/LARGE)
// in a RUNTIME_FUNCTION of a minimal PE image (DOS/NT headers, exception directory) written at its
// module's base. The first return address (into frame 0) is the one the switching call pushed
// just below the saved stack pointer, at KernelStack - 8. The kernel-to-user transition is a
// machine frame (UWOP_PUSH_MACHFRAME: RIP, CS, EFLAGS, RSP, SS), as KiSystemCall64's trap frame is.
import type { Snapshot } from '../format/snapshot';
import { PAGE_SIZE } from './header';

export interface StackMemory {
  x64: boolean;
  ptr: number;
  userLimit: bigint;
  /** Reads a little-endian value; undefined where the page is not present. `process`: EPROCESS of user memory. */
  read(va: bigint, size: number, process?: bigint): bigint | undefined;
  write(va: bigint, value: bigint, size: number, process?: bigint): boolean;
  /** True when the page holding `va` is in the dump (kernel, or that process's/shared user memory). */
  present(va: bigint, process?: bigint): boolean;
  /** Makes a zeroed page present (kernel pages, or user pages visible in every process). */
  addPage(va: bigint, kernel: boolean): void;
  /** Field offsets in the snapshot's nt types. */
  offset(type: string, path: string): number | undefined;
}

interface Fn { module: Snapshot['modules'][number]; begin: bigint; end: bigint; alloc?: number; machineFrame?: boolean }

const hexBig = (s: string) => BigInt('0x' + s.replace(/`/g, ''));
const describe = (alloc: number, machineFrame: boolean) => (machineFrame ? 'a kernel-to-user machine frame' : `a 0x${alloc.toString(16)}-byte frame`);

/** Lays every thread's frames into the dump's memory; returns what could not be laid (writer notes). */
export function layStacks(snapshot: Snapshot, mem: StackMemory): string[] {
  const notes: string[] = [];
  const ksOff = mem.offset('_KTHREAD', 'KernelStack');
  const procOff = mem.offset('_KTHREAD', 'ApcState.Process') ?? mem.offset('_KTHREAD', 'Process');
  if (ksOff === undefined) return ['stacks: _KTHREAD.KernelStack unknown; no frames laid'];
  const fns = new Map<string, Fn>();
  const moduleOf = (ip: bigint) => snapshot.modules.find((m) => ip >= hexBig(m.base) && ip < hexBig(m.base) + BigInt(m.size));
  const functionOf = (ip: bigint): Fn | undefined => {
    const m = moduleOf(ip);
    if (!m) return undefined;
    let best: { a: bigint; size?: number } | undefined;
    for (const s of m.symbols) {
      if (s.type) continue;
      const a = hexBig(s.address);
      if (a <= ip && (!best || a > best.a)) best = { a, size: s.size };
    }
    // A code symbol covering ip is the function; an address outside every symbol gets a one-byte function.
    const [begin, end] = best && best.size !== undefined && ip < best.a + BigInt(best.size) ? [best.a, best.a + BigInt(best.size)] : [ip, ip + 1n];
    const key = `${m.name}@${begin.toString(16)}`;
    let f = fns.get(key);
    if (!f) fns.set(key, (f = { module: m, begin, end }));
    return f;
  };
  const plans: Array<{ thread: bigint; process?: bigint; ks: bigint; frames: Array<{ ip: bigint; sp: bigint; fp: bigint; user: boolean }> }> = [];
  for (const t of snapshot.threads) {
    if (!t.frames.length) continue;
    const thread = hexBig(t.address);
    const ks = mem.read(thread + BigInt(ksOff), mem.ptr);
    if (ks === undefined) { notes.push(`stacks: thread ${t.address}: KernelStack unreadable; frames not laid`); continue; }
    const process = procOff !== undefined ? mem.read(thread + BigInt(procOff), mem.ptr) : undefined;
    const frames = t.frames.map((f) => ({ ip: hexBig(f.instructionOffset), sp: hexBig(f.stackOffset), fp: hexBig(f.frameOffset), user: hexBig(f.stackOffset) < mem.userLimit }));
    plans.push({ thread, process, ks, frames });
  }
  const put = (what: string, va: bigint, value: bigint, process?: bigint) => {
    const user = va < mem.userLimit;
    const old = mem.read(va, mem.ptr, user ? process : undefined);
    if (old === undefined) { notes.push(`stacks: ${what}: ${va.toString(16)} is not in the dump`); return; }
    if (old !== 0n && old !== value) { notes.push(`stacks: ${what}: ${va.toString(16)} already holds ${old.toString(16)} (the builder's layout leaves no room)`); return; }
    mem.write(va, value, mem.ptr, user ? process : undefined);
  };

  if (!mem.x64) {
    for (const p of plans) {
      const f0 = p.frames[0];
      if (f0.user || f0.sp !== p.ks + 0x10n) { notes.push(`stacks: thread ${p.thread.toString(16)}: the first frame is not at KernelStack+0x10; no switch frame`); continue; }
      put(`thread ${p.thread.toString(16)} switch frame`, p.ks + 8n, f0.ip);
      put(`thread ${p.thread.toString(16)} switch frame`, p.ks + 0xcn, f0.fp);
    }
    return notes;
  }

  // x64, pass 0: a kernel function that returns to user mode anywhere is a system-service entry; its frame ends in a
  // machine frame (the trap frame) whatever follows it, also a kernel Zw* caller, as KiSystemCall64's does.
  const serviceEntries = new Set<Fn>();
  for (const p of plans) {
    p.frames.forEach((f, i) => {
      const next = p.frames[i + 1];
      const fn = functionOf(f.ip);
      if (fn && next && !f.user && next.user) serviceEntries.add(fn);
    });
  }
  // x64, pass 1: each function's allocation from the frames above it.
  for (const p of plans) {
    p.frames.forEach((f, i) => {
      const next = p.frames[i + 1];
      const fn = functionOf(f.ip);
      if (!fn) { notes.push(`stacks: thread ${p.thread.toString(16)}: ${f.ip.toString(16)} is in no module`); return; }
      if (!next) return;
      const machine = !f.user && serviceEntries.has(fn);
      const [alloc, machineFrame] = machine ? [0x28, true] : [Number(next.sp - 8n - f.sp), false];
      if (machine && !next.user && next.sp < f.sp + 0x50n) { notes.push(`stacks: thread ${p.thread.toString(16)} frame ${i}: no room for a machine frame below the caller's stack pointer`); return; }
      if (alloc < 0 || alloc % 8) { notes.push(`stacks: thread ${p.thread.toString(16)} frame ${i}: the caller's stack pointer is not above this frame`); return; }
      if (fn.alloc === undefined) { fn.alloc = alloc; fn.machineFrame = machineFrame; }
      else if (fn.alloc !== alloc || !!fn.machineFrame !== machineFrame) notes.push(`stacks: ${fn.module.name} function at ${fn.begin.toString(16)}: ${describe(fn.alloc, !!fn.machineFrame)} in one thread, ${describe(alloc, machineFrame)} in another; one UNWIND_INFO cannot describe both`);
    });
  }
  // Pass 2: return addresses, machine frames and the end of each chain.
  for (const p of plans) {
    const what = `thread ${p.thread.toString(16)}`;
    if (p.frames[0].user || p.frames[0].sp !== p.ks) { notes.push(`stacks: ${what}: the first frame is not at KernelStack; no switch return address`); continue; }
    put(`${what} switch`, p.ks - 8n, p.frames[0].ip);
    p.frames.forEach((f, i) => {
      const next = p.frames[i + 1];
      const fn = functionOf(f.ip);
      if (!fn) return;
      if (fn.alloc === undefined) fn.alloc = 0x28;
      const at = f.sp + BigInt(fn.alloc);
      if (!next) { put(`${what} frame ${i} (last)`, at, 0n, p.process); return; }
      if (fn.machineFrame) {
        [next.ip, 0x33n, 0x246n, next.sp, 0x2bn].forEach((v, j) => put(`${what} frame ${i} machine frame`, at + BigInt(8 * j), v, p.process));
      } else {
        put(`${what} frame ${i}`, at, next.ip, p.process);
      }
    });
  }
  // The images: headers, RUNTIME_FUNCTION table and UNWIND_INFO in the page at each module's base.
  const byModule = new Map<Snapshot['modules'][number], Fn[]>();
  for (const f of fns.values()) (byModule.get(f.module) ?? byModule.set(f.module, []).get(f.module)!).push(f);
  for (const [m, list] of byModule) {
    const base = hexBig(m.base);
    if (mem.present(base) && [0n, 8n, 0x80n].some((o) => (mem.read(base + o, 8) ?? 0n) !== 0n)) {
      // Something already lives at the base (the kernel's CodeView header is merged by the caller).
      if (!isImageHeader(mem, base)) { notes.push(`stacks: ${m.name}: its base page is in use; no unwind data`); continue; }
    }
    if (!mem.present(base)) mem.addPage(base, m.kernel);
    const image = imagePage(list.sort((a, b) => (a.begin < b.begin ? -1 : 1)), base, m.size);
    if (!image) { notes.push(`stacks: ${m.name}: ${list.length} functions do not fit one page of unwind data`); continue; }
    const existing = readPage(mem, base);
    // Keep a header already written (CodeView): only the exception directory and its data are added.
    const header = isImageHeader(mem, base) ? existing : image;
    if (header !== image) {
      const dirs = 0x80 + 0x18 + 0x70;
      header.set(image.subarray(dirs + 3 * 8, dirs + 4 * 8), dirs + 3 * 8);
      header.set(image.subarray(EXCEPTION_TABLE_RVA), EXCEPTION_TABLE_RVA);
    }
    for (let o = 0; o < PAGE_SIZE; o += 8) {
      let v = 0n;
      for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(header[o + b]);
      if (v) mem.write(base + BigInt(o), v, 8);
    }
  }
  return notes;
}

/** Where the exception directory's data starts in the header page (after the headers and the CodeView record). */
const EXCEPTION_TABLE_RVA = 0x400;

function isImageHeader(mem: StackMemory, base: bigint): boolean {
  return mem.read(base, 2) === 0x5a4dn && mem.read(base + 0x80n, 4) === 0x4550n;
}

function readPage(mem: StackMemory, base: bigint): Uint8Array {
  const out = new Uint8Array(PAGE_SIZE);
  for (let o = 0; o < PAGE_SIZE; o += 8) {
    const v = mem.read(base + BigInt(o), 8) ?? 0n;
    for (let b = 0; b < 8; b++) out[o + b] = Number((v >> BigInt(8 * b)) & 0xffn);
  }
  return out;
}

/** PE32+ headers with an exception directory (PE/COFF specification, ".pdata") and the unwind data, in one page. */
function imagePage(fns: Fn[], base: bigint, imageSize: number): Uint8Array | undefined {
  const b = new Uint8Array(PAGE_SIZE);
  const p16 = (o: number, v: number) => { b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; };
  const p32 = (o: number, v: number) => { p16(o, v & 0xffff); p16(o + 2, (v >>> 16) & 0xffff); };
  b[0] = 0x4d; b[1] = 0x5a; p32(0x3c, 0x80);
  b[0x80] = 0x50; b[0x81] = 0x45;
  p16(0x84, 0x8664); p16(0x84 + 16, 0xf0); // Machine, SizeOfOptionalHeader
  const opt = 0x98;
  p16(opt, 0x20b); p32(opt + 0x38, imageSize); p32(opt + 0x6c, 16);
  const dirs = opt + 0x70;
  const table = EXCEPTION_TABLE_RVA;
  let unwind = table + 12 * fns.length;
  for (const [i, f] of fns.entries()) {
    const codes: number[] = [];
    const alloc = f.alloc ?? 0x28;
    if (alloc > 0 && alloc <= 128) codes.push(0x00 | ((2 | (((alloc >> 3) - 1) << 4)) << 8)); // UWOP_ALLOC_SMALL
    else if (alloc > 128 && alloc < 0x80000) codes.push(1 << 8, alloc >> 3); // UWOP_ALLOC_LARGE, info 0
    else if (alloc >= 0x80000) codes.push((1 | (1 << 4)) << 8, alloc & 0xffff, alloc >>> 16);
    if (f.machineFrame) codes.push(10 << 8); // UWOP_PUSH_MACHFRAME, no error code
    const size = 4 + 2 * (codes.length + (codes.length & 1));
    if (unwind + size > PAGE_SIZE) return undefined;
    p32(table + 12 * i, Number(f.begin - base)); p32(table + 12 * i + 4, Number(f.end - base)); p32(table + 12 * i + 8, unwind);
    b[unwind] = 1; b[unwind + 1] = 0; b[unwind + 2] = codes.length; b[unwind + 3] = 0;
    codes.forEach((c, j) => p16(unwind + 4 + 2 * j, c));
    unwind += size;
  }
  p32(dirs + 3 * 8, table); p32(dirs + 3 * 8 + 4, 12 * fns.length);
  return b;
}
