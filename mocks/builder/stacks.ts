// Kernel and user stacks: invented stacks, TEBs, and the memory of every stack frame.
// x86: EBP chain ([ebp] = next frame's ebp, [ebp+4] = return address, [ebp+8..] = args, frameOffset = ebp).
// x64: Child-SP (stackOffset): [rsp] = return address, home space [rsp+8 .. rsp+0x20] = args 1-4.
import type { SnapshotFrame, SnapshotThread } from '../format/snapshot';
import type { Space } from './addressSpace';
import type { Ctx, FramePlan, ThreadInfo } from './context';
import { alignUp, fmt } from './hex';

export function isSystemProcess(ctx: Ctx, proc: bigint): boolean {
  return !ctx.hasUserSpace(proc);
}

// A system-service entry (the last kernel frame before user mode, or before a kernel Zw* caller) ends in a trap frame:
// a dump's unwind data describes it as a machine frame (UWOP_PUSH_MACHFRAME: RIP, CS, EFLAGS, RSP, SS), 0x28 bytes
// above its 0x28-byte allocation, so its frame keeps room for one whatever follows it (mocks/dump/stackWriter.ts).
const SYSTEM_SERVICE_ENTRY = /^nt!(KiFastCallEntry|KiSystemCall64(Shadow)?|KiSystemService\w*|KiServiceInternal)(\+|$)/i;
const isSystemServiceEntry = (f: FramePlan) => !f.user && SYSTEM_SERVICE_ENTRY.test(f.text.replace(/\s+/g, ''));

/** x64: where a frame's local starts (after the home space, or after a system-service entry's machine frame). */
function x64LocalOffset(f: FramePlan): number {
  return isSystemServiceEntry(f) ? 0x50 : 0x30;
}

function frameBytes(ctx: Ctx, f: FramePlan): number {
  const p = ctx.ptr;
  // x64: the local must end 8 bytes short of the next frame, whose return address a call leaves just below it.
  if (ctx.x64) return Number(alignUp(BigInt(x64LocalOffset(f) + (f.localSize ?? 0) + (f.localSize ? 8 : 0)), 16n));
  return 8 + p * Math.max(3, f.args.length) + (f.localSize ?? 0) + 8;
}

/** Invents missing kernel stacks; allocates user stacks and TEBs for user-process threads (complete dumps). */
export function allocateStacks(ctx: Ctx): void {
  for (const t of ctx.threads.values()) {
    const kframes = t.frames.filter((f) => !f.user);
    if (t.kstack.invented) {
      const size = ctx.x64 ? 0x6000n : 0x3000n;
      const lo = ctx.arena('stacks').alloc(size + 0x1000n, 0x1000n, `kernel stack of thread ${fmt(t.addr)}`, false);
      // leave a guard page below the stack free
      const limit = lo + 0x1000n;
      const need = BigInt(kframes.reduce((n, f) => n + frameBytes(ctx, f), 0x100));
      const base = limit + size;
      let current = alignUp(base - need - 0x100n, 16n) - 0x10n;
      if (current < limit + 0x100n) current = limit + 0x100n;
      t.kstack = { base, limit, current, resident: true, invented: true };
    }
    ctx.kernel.ensure(t.kstack.limit, t.kstack.base - t.kstack.limit);
    if (!t.kstack.resident) {
      ctx.unreadable.push({ address: t.kstack.limit, size: t.kstack.base - t.kstack.limit });
    }
    if (ctx.userMemory && !isSystemProcess(ctx, t.proc)) {
      const arena = ctx.userArena(t.proc)!;
      const tebSize = BigInt(ctx.sw.size('_TEB'));
      t.teb = arena.alloc(alignUp(tebSize, 0x1000n), 0x1000, `TEB of thread ${fmt(t.addr)}`);
      const usize = ctx.x64 ? 0x20000n : 0x10000n;
      const ulimit = arena.alloc(usize, 0x10000, `user stack of thread ${fmt(t.addr)}`, false);
      ctx.userSpace(t.proc)!.ensure(ulimit, usize);
      t.ustack = { base: ulimit + usize, limit: ulimit };
    }
  }
}

interface Placed { plan: FramePlan; sp: bigint; fp: bigint; ip: bigint; space: Space }

/** Writes every thread's frames into its stacks and returns snapshot.threads. */
export function layoutFrames(ctx: Ctx): SnapshotThread[] {
  const out: SnapshotThread[] = [];
  for (const t of ctx.threads.values()) {
    const st = layoutThreadFrames(ctx, t);
    if (st) out.push(st);
  }
  return out;
}

function place(ctx: Ctx, space: Space, frames: FramePlan[], start: bigint, end: bigint, what: string): { sp: bigint; fp: bigint }[] | null {
  const res: { sp: bigint; fp: bigint }[] = [];
  let cursor = start;
  for (const f of frames) {
    const size = BigInt(frameBytes(ctx, f));
    for (let guard = 0; guard < 64; guard++) {
      const c = space.overlapping(cursor, cursor + size);
      if (!c) break;
      cursor = alignUp(c.end, BigInt(ctx.ptr));
    }
    if (cursor + size > end) { ctx.note(`${what}: frames do not fit in the stack range; the remaining frames have no stack memory`); return res.length ? res : null; }
    const local = BigInt(f.localSize ?? 0);
    if (ctx.x64) {
      const sp = cursor;
      res.push({ sp, fp: sp });
      if (local) f.localAddr = sp + BigInt(x64LocalOffset(f));
    } else {
      const fp = cursor + local;
      res.push({ sp: cursor, fp });
      if (local) f.localAddr = cursor;
    }
    cursor += size;
  }
  return res;
}

function layoutThreadFrames(ctx: Ctx, t: ThreadInfo): SnapshotThread | null {
  const what = `stack of thread ${t.s.address ?? fmt(t.addr)}`;
  const k = ctx.kernel;
  let kframes = t.frames.filter((f) => !f.user);
  let uframes = t.frames.filter((f) => f.user);
  if (!t.kstack.resident) {
    if (t.frames.length) ctx.note(`${what}: kernel stack not resident: no frames (WinDbg cannot unwind it)`);
    // locals requested on a non-resident stack still get an address inside it
    let cur = t.kstack.current + 0x40n;
    for (const f of t.frames) if (f.localSize) { f.localAddr = alignUp(cur, 16n); cur = f.localAddr + BigInt(f.localSize) + 0x10n; }
    return { address: fmt(t.addr), frames: [], registers: regs(ctx, t.kstack.current, t.kstack.current, 0n) };
  }
  if (!ctx.userMemory && uframes.length) {
    ctx.note(`${what}: kernel dump: ${uframes.length} user-mode frame(s) not available (no user memory)`);
    uframes = [];
  }
  const us = ctx.userSpace(t.proc);
  if (uframes.length && (!us || !t.ustack)) {
    ctx.note(`${what}: user frames of a thread without a user stack (system process); laid out on the kernel stack`);
    kframes = t.frames;
    uframes = [];
  }
  const kStart = ctx.x64 ? t.kstack.current : t.kstack.current + 0x10n;
  const kpos = place(ctx, k, kframes, kStart, t.kstack.base, `${what} (kernel)`) ?? [];
  let upos: { sp: bigint; fp: bigint }[] = [];
  if (uframes.length && us && t.ustack) {
    const need = BigInt(uframes.reduce((n, f) => n + frameBytes(ctx, f), 0));
    const ustart = alignUp(t.ustack.base - need - 0x200n, 16n);
    upos = place(ctx, us, uframes, ustart, t.ustack.base, `${what} (user)`) ?? [];
  }
  const placed: Placed[] = [];
  kframes.slice(0, kpos.length).forEach((f, i) => placed.push({ plan: f, sp: kpos[i]!.sp, fp: kpos[i]!.fp, ip: ctx.code(f.text, true), space: k }));
  uframes.slice(0, upos.length).forEach((f, i) => placed.push({ plan: f, sp: upos[i]!.sp, fp: upos[i]!.fp, ip: ctx.code(f.text, false), space: us! }));
  const p = ctx.ptr;
  placed.forEach((f, i) => {
    const next = placed[i + 1];
    const ret = next ? next.ip : 0n;
    if (ctx.x64) {
      f.space.writeUint(f.sp, p, ret);
      f.plan.args.slice(0, 4).forEach((v, j) => f.space.writeUint(f.sp + BigInt(8 * (j + 1)), p, v));
      if (f.plan.args.length > 4) ctx.note(`${what}: ${f.plan.text}: only 4 arguments fit the x64 home space`);
    } else {
      f.space.writeUint(f.fp, p, next ? next.fp : 0n);
      f.space.writeUint(f.fp + 4n, p, ret);
      f.plan.args.forEach((v, j) => f.space.writeUint(f.fp + BigInt(8 + 4 * j), p, v));
    }
  });
  const frames: SnapshotFrame[] = placed.map((f) => ({
    text: f.plan.text,
    instructionOffset: fmt(f.ip),
    frameOffset: fmt(f.fp),
    stackOffset: fmt(f.sp),
  }));
  const first = placed[0];
  return { address: fmt(t.addr), frames, registers: regs(ctx, t.kstack.current, first ? first.fp : t.kstack.current, first ? first.ip : 0n) };
}

function regs(ctx: Ctx, sp: bigint, fp: bigint, ip: bigint): Record<string, string> {
  return ctx.x64 ? { rsp: fmt(sp), rip: fmt(ip) } : { esp: fmt(sp), ebp: fmt(fp), eip: fmt(ip) };
}

const WAIT_FRAMES = /^nt!(KiSwapContext|KiSwapThread|KeWaitFor\w+|KiCommitThreadWait|KiWaitForSingleObject|KiDeliverApc|KeDelayExecutionThread)(\+|$)/i;

/**
 * Finds the frame matching `match` (returns it) or inserts `text` below the kernel wait frames (after the last of
 * KiSwapContext/KiSwapThread/KeWaitFor*), marked as inserted.
 */
export function findOrInsertKernelFrame(t: ThreadInfo, match: RegExp, text: string): FramePlan {
  const found = t.frames.find((f) => match.test(f.text));
  if (found) return found;
  let at = 0;
  t.frames.forEach((f, i) => { if (!f.user && WAIT_FRAMES.test(f.text) && i === at) at = i + 1; });
  const plan: FramePlan = { text, args: [], inserted: true, user: false };
  t.frames.splice(at, 0, plan);
  return plan;
}

/**
 * Critical-section waiters: a user frame whose argument is the critical section. Inserted below
 * ntdll!NtWaitForSingleObject / ZwWaitForSingleObject, else at the top of the user part.
 */
export function insertUserFrame(t: ThreadInfo, text: string, args: bigint[]): FramePlan {
  const plan: FramePlan = { text, args, inserted: true, user: true };
  const i = t.frames.findIndex((f) => /^ntdll!(Nt|Zw)WaitForSingleObject(\+|$)/i.test(f.text));
  if (i >= 0) { t.frames.splice(i + 1, 0, plan); return plan; }
  const u = t.frames.findIndex((f) => f.user);
  if (u >= 0) { t.frames.splice(u, 0, plan); return plan; }
  t.frames.push(plan);
  return plan;
}
