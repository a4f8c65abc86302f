// Where an address an IRP will write on completion (UserIosb, UserEvent) lies relative to the threads'
// stacks: on no stack, in a live frame of a thread, or below that thread's stack pointer (in a frame that
// has returned). Kernel stacks are [StackLimit, StackBase) of every thread, indexed once per run; user
// stacks are the TEB's NtTib bounds of the issuing process's threads (complete dumps only), read once per
// thread when an IRP of that process points into user space. Shared by stale-iosb and the APC rule.
import { addrCompare, addrDiff, addrInRange, isKernelAddress, isNull, type Addr } from '../../core/addr';
import { cacheKey, getOrBuild } from '../../core/runCache';
import type { FrameInfo } from '../../core/target';
import { majorFunctionName, type IrpInfo } from '../../kernel/irps';
import type { ProcessInfo, ThreadInfo } from '../../kernel/model';
import type { RuleEnv } from '../waits/waitgraph';
import type { IrpTargetFacts, StackPointerSource } from './model';

/** A stack range larger than this is damage, not a stack (kernel stacks are at most 72 KB; user stacks reserve 1 MB by default, rarely more than a few MB). */
const MAX_STACK_SIZE = 0x4000000;
/** Stacks that may overlap one address (a reused stack range in a thread object not yet freed): a few at most. */
const MAX_OVERLAP = 16;

export interface StackRange {
  thread: ThreadInfo;
  limit: Addr;
  base: Addr;
  user: boolean;
}

/** Where an address lies relative to a stack pointer: at or above it (a live frame), below it (a returned frame), or unknown. */
export type FrameState = 'live' | 'returned' | 'unknown';

/** Pure: a stack grows down, so anything below the stack pointer belongs to frames that have returned. */
export function frameState(address: Addr, sp: Addr | undefined): FrameState {
  if (sp === undefined) return 'unknown';
  return addrCompare(address, sp) < 0 ? 'returned' : 'live';
}

export interface StackPosition {
  range: StackRange;
  /** The stack pointer compared against; undefined when the dump does not give it. */
  sp: Addr | undefined;
  /** Where sp came from (the saved KernelStack, the innermost frame), or why it is unknown. */
  spSource: StackPointerSource;
  state: FrameState;
  /** sp − address in bytes (positive: below sp). */
  below: number | undefined;
}

/** The stacks holding an address (the issuing thread's own first). */
export interface StackPlace {
  address: Addr;
  kernel: boolean;
  positions: StackPosition[];
}

const KERNEL_STACKS = cacheKey<StackRange[]>('stale: kernel stacks');
const USER_STACKS = cacheKey<Map<Addr, StackRange[]>>('stale: user stacks by process');
const IRPS_BY_THREAD = cacheKey<ThreadIrps[]>('stale: IRPs by thread');

/** All plausible kernel stack ranges, sorted by StackLimit (built once per run). */
function kernelStacks(env: RuleEnv): StackRange[] {
  return env.cache.get(KERNEL_STACKS, () => {
    const ps = env.k.pointerSize;
    const out: StackRange[] = [];
    for (const t of env.table.threads) {
      const { stackLimit: limit, stackBase: base } = t;
      if (!limit || !base || isNull(limit) || !isKernelAddress(limit, ps) || !isKernelAddress(base, ps)) continue;
      const size = addrDiff(base, limit);
      if (size === undefined || size <= 0 || size > MAX_STACK_SIZE) continue;
      out.push({ thread: t, limit, base, user: false });
    }
    return out.sort((a, b) => addrCompare(a.limit, b.limit));
  });
}

/** Kernel stacks containing the address: binary search on StackLimit, then back over the few that can overlap. */
function kernelStacksHolding(address: Addr, env: RuleEnv): StackRange[] {
  const ranges = kernelStacks(env);
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (addrCompare(ranges[mid].limit, address) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const out: StackRange[] = [];
  for (let i = lo - 1; i >= 0 && lo - i <= MAX_OVERLAP; i--) if (addrInRange(address, ranges[i].limit, ranges[i].base)) out.push(ranges[i]);
  return out;
}

/** The user stacks of a process's threads from their TEBs (NtTib.StackLimit/StackBase), read once per process, silently absent in kernel dumps. */
function userStacks(process: ProcessInfo, env: RuleEnv): StackRange[] {
  const all = env.cache.get(USER_STACKS, () => new Map<Addr, StackRange[]>());
  return getOrBuild(all, process.address, () => userStacksOf(process, env));
}

function userStacksOf(process: ProcessInfo, env: RuleEnv): StackRange[] {
  const ranges: StackRange[] = [];
  if (!env.kernel.tebLayout()) return ranges;
  for (const t of process.threads) {
    // A kernel dump has no user memory: an unreadable TEB is expected there, not damage.
    const bounds = env.kernel.userStackBounds(t);
    if (!bounds) continue;
    const { base, limit } = bounds;
    const size = addrDiff(base, limit);
    if (size === undefined || size <= 0 || size > MAX_STACK_SIZE) continue;
    ranges.push({ thread: t, limit, base, user: true });
  }
  return ranges;
}

/**
 * The thread's stack pointer on that stack. Kernel: KernelStack, saved when it last left a processor; a
 * running thread's real one is in the processor, so the innermost frame the debugger unwound is used.
 * User: the innermost user-mode frame (the data model gives no user registers otherwise).
 */
function stackPointer(range: StackRange, env: RuleEnv): { sp: Addr | undefined; source: StackPointerSource } {
  const t = range.thread;
  const inRange = (a: Addr | undefined) => a !== undefined && addrCompare(a, range.limit) >= 0 && addrCompare(a, range.base) <= 0;
  if (!range.user && t.state !== 'Running') {
    return inRange(t.kernelStack) ? { sp: t.kernelStack, source: { kind: 'saved-kernel-stack' } } : { sp: undefined, source: { kind: 'kernel-stack-outside' } };
  }
  const frames = env.stacks.frames(t);
  const innermost = frames && innermostFrameIn(frames, range.limit, range.base);
  if (innermost) return { sp: innermost.stackOffset, source: { kind: 'innermost-frame', user: range.user, frame: innermost.text } };
  return { sp: undefined, source: { kind: range.user ? 'no-user-frames' : 'running-no-frames' } };
}

function innermostFrameIn(frames: readonly FrameInfo[], limit: Addr, base: Addr): FrameInfo | undefined {
  for (const f of frames) if (addrInRange(f.stackOffset, limit, base)) return f;
  return undefined;
}

/** Every stack holding the address, the issuer's own first; user addresses are looked up in the issuer's process. */
export function locateOnStacks(address: Addr, issuer: ThreadInfo, env: RuleEnv): StackPlace {
  const kernel = isKernelAddress(address, env.k.pointerSize);
  const ranges = kernel ? kernelStacksHolding(address, env) : userStacks(issuer.process, env).filter((r) => addrInRange(address, r.limit, r.base));
  ranges.sort((a, b) => (a.thread === issuer ? -1 : b.thread === issuer ? 1 : 0));
  const positions = ranges.map((range): StackPosition => {
    const { sp, source } = stackPointer(range, env);
    const below = sp === undefined ? undefined : addrDiff(sp, address);
    return { range, sp, spSource: source, state: frameState(address, sp), below };
  });
  return { address, kernel, positions };
}

// ---- the IRPs of every thread, read once per run ----

export interface ThreadIrps {
  thread: ThreadInfo;
  irps: IrpInfo[];
}

/** Every thread's IRP list (one read per IRP; threads with an empty list cost nothing). */
export function irpsByThread(env: RuleEnv): ThreadIrps[] {
  return env.cache.get(IRPS_BY_THREAD, () => {
    const reader = env.kernel.irps;
    const out: ThreadIrps[] = [];
    for (const thread of env.table.threads) {
      const irps = reader.threadIrps(thread);
      if (irps.length) out.push({ thread, irps });
    }
    return out;
  });
}

/** The IRP's current major function and driver (IRP_MJ_WRITE, \FileSystem\Ntfs), or why no driver is named. */
export function irpTarget(irp: IrpInfo, env: RuleEnv): IrpTargetFacts {
  const location = irp.current;
  if (!location) return { kind: irp.stackCount > 0 && irp.currentLocation > irp.stackCount ? 'completed-back' : 'not-sent' };
  const target = location.deviceObject ? env.kernel.irps.deviceTarget(location.deviceObject) : undefined;
  return { kind: 'sent', majorFunction: majorFunctionName(location.majorFunction), driverName: target && target.driverName ? target.driverName : undefined, deviceObject: location.deviceObject };
}

/** FILE_OBJECT.Event of the IRP's file object (synchronous file I/O waits there): address arithmetic from the symbols, no read. */
export function fileObjectEvent(irp: IrpInfo, env: RuleEnv): Addr | undefined {
  let file = irp.originalFileObject;
  if (!file) for (const l of irp.locations) if (l.fileObject) file = l.fileObject;
  return file ? env.kernel.irps.fileObjectEvent(file) : undefined;
}

/** The thread waits on the IRP's UserEvent or on its file object's Event: it is waiting for this request's completion. */
export function waitsOnIrpEvent(t: ThreadInfo, irp: IrpInfo, env: RuleEnv): boolean {
  if (!t.waits.length) return false;
  const objects = t.waits.map((w) => w.object);
  if (irp.userEvent && objects.indexOf(irp.userEvent) >= 0) return true;
  const fileEvent = fileObjectEvent(irp, env);
  return !!fileEvent && objects.indexOf(fileEvent) >= 0;
}
