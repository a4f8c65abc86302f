// !stalecheck rule 'dispatch-level-spin': a thread running on a processor that spins for a spin lock
// (a spin-acquire routine in its frames) or has run at DISPATCH_LEVEL or above far beyond its last wait,
// and what can release the lock. For a queued lock the spinner's _KSPIN_LOCK_QUEUE (LOCK_QUEUE_WAIT
// set) is found in the frame's arguments or on its own stack (one read of the stack, scanned), checked
// against the lock word (which holds the tail entry), and its predecessor (the entry whose Next is the
// spinner's) is looked for on the spinner's own stack — a recursive acquisition, seed 001: two
// KLOCK_QUEUE_HANDLEs of one thread on one lock — then on the stacks of the threads the other processors
// run. Nothing can release the lock when the predecessor is the spinner itself or every other processor
// is idle. A snapshot of ordinary contention (holder running elsewhere, a short time since the last wait)
// is not reported; neither is a busy thread at PASSIVE_LEVEL (seed 002's spiking threads).
import { addrAnd, addrInRange, formatAddr, isKernelAddress, isNull, type Addr } from '../../core/addr';
import type { FrameInfo } from '../../core/target';
import { cacheKey, getOrBuild } from '../../core/runCache';
import type { ThreadInfo } from '../../kernel/model';
import type { ProcessorInfo, ProcessorTable } from '../../kernel/processors';
import {
  entryMap,
  flagText,
  innermostFirst,
  LOCK_QUEUE_OWNER,
  LOCK_QUEUE_WAIT,
  type QueueEntry,
  type QueuePosition,
} from '../../kernel/queuedSpinLocks';
import { formatTicks } from '../../render/vocabulary';
import type { WaitModel } from '../waits/waitModel';
import type { RuleEnv } from '../waits/waitgraph';
import type { Finding, StaleRule } from './model';

/** DISPATCH_LEVEL (wdm.h): nothing preempts a thread at or above it. */
export const DISPATCH_LEVEL = 2;
/** "Far beyond its last wait": at least this long since the thread last waited... */
export const LONG_SPIN_SECONDS = 10;
/** ...with kernel time covering at least this share of it (it has been in kernel mode all along). */
export const KERNEL_SHARE = 0.9;

/** Routines that spin until a spin lock is theirs (x86 HAL, x64 kernel, executive spin locks). Try-acquire routines do not spin. */
const SPIN_ROUTINE =
  /!(KeAcquireInStackQueuedSpinLock\w*|KxWaitForLockOwnership\w*|KeAcquireQueuedSpinLock\w*|KiAcquireQueuedSpinLock\w*|KxAcquireQueuedSpinLock\w*|KeAcquireSpinLock\w*|KefAcquireSpinLock\w*|KfAcquireSpinLock\w*|KiAcquireSpinLock\w*|KxAcquireSpinLock\w*|KxWaitForSpinLockAndAcquire\w*|ExpWaitForSpinLock\w*|ExAcquireSpinLock\w*|KeAcquireInterruptSpinLock|KiAcquireInterruptSpinLock\w*)(\+|$)/;
const QUEUED_ROUTINE = /QueuedSpinLock|LockOwnership/;

export function isSpinFrame(text: string): boolean {
  return SPIN_ROUTINE.test(text);
}

/** Pure: spinning since its last wait — long enough, and (nearly) all of it in kernel mode. */
export function longKernelRun(ticksSinceWait: number | undefined, kernelTime: number, increment: number): boolean {
  if (ticksSinceWait === undefined || ticksSinceWait <= 0) return false;
  const seconds = (ticksSinceWait * increment) / 1e7;
  return seconds >= LONG_SPIN_SECONDS && kernelTime >= KERNEL_SHARE * ticksSinceWait;
}

/** Who can still release the lock. */
type Release =
  | { kind: 'self'; predecessor: QueueEntry }
  | { kind: 'other-running'; predecessor: QueueEntry; holder: ThreadInfo; processor: ProcessorInfo }
  | { kind: 'unknown' };

interface QueuedLockFacts {
  position: QueuePosition;
  /** How the spinner's entry was found. */
  source: string;
  release: Release;
}

export const dispatchLevelSpinRule: StaleRule = {
  id: 'dispatch-level-spin',
  run({ model }): Finding[] {
    const env = model.env;
    const cpus = env.kernel.processors();
    const findings: Finding[] = [];
    for (const t of env.table.threads) {
      if (t.state !== 'Running') continue;
      const on = cpus.runningOn.get(t.address);
      const cpu = on && on.length === 1 ? on[0] : undefined;
      if (cpu && cpu.idle) continue;
      // Claims Running but no processor runs it: the inconsistent-dump rule's business, not a spin.
      if (cpus.known && !cpu) continue;
      const f = spinFinding(t, cpu, cpus, model);
      if (f) findings.push(f);
    }
    return findings;
  },
};

function spinFinding(t: ThreadInfo, cpu: ProcessorInfo | undefined, cpus: ProcessorTable, model: WaitModel): Finding | undefined {
  const env = model.env;
  const a = (x: Addr) => formatAddr(x, env.k.pointerSize);
  const irql = cpu ? cpu.irql : undefined;
  if (irql !== undefined && irql < DISPATCH_LEVEL) return undefined; // preemptible: a spiking thread, not a spin
  const ticks = model.clock.currentTick !== undefined && t.waitTime <= model.clock.currentTick ? model.clock.currentTick - t.waitTime : undefined;
  const long = irql !== undefined && longKernelRun(ticks, t.kernelTime, model.clock.increment);
  const frames = env.stacks.frames(t);
  const spinFrame = frames && frames.find((fr) => isSpinFrame(fr.text));
  if (!spinFrame && !long) return undefined;

  const queued = queuedLock(t, spinFrame, cpus, env);
  const others = cpus.processors.filter((p) => p !== cpu);
  const othersIdle = cpus.known && others.every((p) => p.idle);
  const nothingReleases = (queued && queued.release.kind === 'self') || othersIdle;
  if (!nothingReleases && !long) return undefined; // a snapshot of ordinary contention

  const where = cpu ? `processor ${cpu.number}${irql !== undefined ? ` at IRQL ${irql}${irql === DISPATCH_LEVEL ? ' (DISPATCH_LEVEL)' : ''}` : ''}` : 'a processor the dump does not name';
  const evidence: string[] = [`running on ${where}${spinFrame ? ` in ${spinFrame.text}` : ''}`];
  if (ticks !== undefined) {
    const inc = model.clock.increment;
    evidence.push(
      `Ticks since its last wait: ${ticks} (${formatTicks(ticks, inc)}); KernelTime ${t.kernelTime} ticks (${formatTicks(t.kernelTime, inc)})${long ? ': it has run in kernel mode ever since' : ''}`,
    );
  }
  let lock: Addr | undefined;
  if (queued) {
    const { position: pos, release } = queued;
    const w = pos.waiter;
    lock = w.lock;
    evidence.push(`its queue entry ${a(w.address)} (${queued.source}) has Lock = ${a(w.lockValue)}: ${flagText(w.flags)} set, spinning until its predecessor hands the lock over`);
    evidence.push(`lock word ${a(w.lock)} = ${a(pos.tail)}: the tail of the queue is ${pos.tail === w.address ? 'this entry' : `${a(pos.tail)}, ${pos.toTail.length - 1} entr${pos.toTail.length === 2 ? 'y' : 'ies'} behind it`}`);
    if (release.kind === 'self') {
      evidence.push(
        `its predecessor ${a(release.predecessor.address)} (Lock ${a(release.predecessor.lockValue)}: ${flagText(release.predecessor.flags)}${release.predecessor.flags === LOCK_QUEUE_OWNER ? ', the holder' : ''}) is on the same thread's stack: the thread already holds this lock (recursive acquisition); only it could release it, and it is spinning`,
      );
    } else if (release.kind === 'other-running') {
      const holderFrames = env.stacks.frames(release.holder);
      const holderSpin = holderFrames && holderFrames.find((fr) => isSpinFrame(fr.text));
      evidence.push(
        `its predecessor ${a(release.predecessor.address)} (${flagText(release.predecessor.flags)}) is on the stack of thread ${a(release.holder.address)}, running on processor ${release.processor.number}` +
          (holderSpin ? `, which itself spins in ${holderSpin.text}: a spin-lock deadlock if it waits for a lock this thread holds` : ': it can release the lock once it gets there'),
      );
    } else {
      evidence.push(`its predecessor is on no stack the dump shows running (a numbered queued lock in a KPRCB, or a holder that no longer runs)`);
    }
  } else if (spinFrame && QUEUED_ROUTINE.test(spinFrame.text)) {
    evidence.push(`no queue entry with LOCK_QUEUE_WAIT that the lock word confirms was found in the frame's arguments or on the thread's stack`);
  } else if (spinFrame) {
    const plain = plainLock(t, spinFrame, env);
    if (plain) {
      lock = plain.lock;
      evidence.push(`spin lock ${a(plain.lock)} (the frame's first argument as kv shows it) holds 0x${plain.word}: taken; a plain spin lock records no owner`);
    } else evidence.push(`a plain spin lock: the frame's arguments do not name a held lock, and the lock word records no owner`);
  }
  if (cpus.known) {
    if (!others.length) evidence.push(`this is the only processor: nothing else runs to release the lock`);
    else if (othersIdle) evidence.push(`every other processor (${others.map((p) => p.number).join(', ')}) is idle: nothing else runs that could release it`);
    else evidence.push(`other processors: ${others.map((p) => `${p.number} ${p.idle ? 'idle' : p.currentThread ? `runs ${a(p.currentThread)}` : 'runs nothing known'}`).join(', ')}`);
  }
  const since = ticks !== undefined ? ` for ${formatTicks(ticks, model.clock.increment)} since its last wait` : ' long since its last wait';
  const release = queued ? queued.release : undefined;
  const why =
    release && release.kind === 'self'
      ? ', which it already holds itself (recursive acquisition): nothing can release it'
      : othersIdle
        ? ' while every other processor is idle: nothing can release it'
        : release && release.kind === 'other-running'
          ? `${since}, behind thread ${a(release.holder.address)} on processor ${release.processor.number}`
          : since;
  const what = queued ? `queued spin lock ${a(queued.position.waiter.lock)}` : lock ? `spin lock ${a(lock)}` : 'a spin lock';
  const summary = spinFrame || queued ? `thread ${a(t.address)} spins for ${what}${why}` : `thread ${a(t.address)} runs at IRQL ${irql}${why}`;
  return { rule: 'dispatch-level-spin', severity: 'error', summary, thread: t.address, object: lock, evidence, next: nextCommand(t, queued, lock, spinFrame, env) };
}

/** The entry to dump when found; the lock word of a plain lock; the numbered queued locks; else what every processor runs. */
function nextCommand(t: ThreadInfo, queued: QueuedLockFacts | undefined, lock: Addr | undefined, spinFrame: FrameInfo | undefined, env: RuleEnv): string {
  const a = (x: Addr) => formatAddr(x, env.k.pointerSize);
  if (queued) return `dt nt!_KSPIN_LOCK_QUEUE ${a(queued.position.waiter.address)}`;
  if (lock) return `dp ${a(lock)} L1`;
  if (spinFrame && QUEUED_ROUTINE.test(spinFrame.text)) return '!qlocks';
  return t.state === 'Running' ? '!running -t' : `!thread ${a(t.address)}`;
}

/** The spinner's queue position and predecessor, from the spin frame's arguments or the thread's own stack. */
function queuedLock(t: ThreadInfo, spinFrame: FrameInfo | undefined, cpus: ProcessorTable, env: RuleEnv): QueuedLockFacts | undefined {
  const reader = env.kernel.queuedLocks;
  if (!reader.known || !t.stackLimit || !t.stackBase) return undefined;
  const own = stackEntries(t, env);
  if (!own.length) return undefined;
  const known = entryMap(own);
  // kv arguments of the spin frame that point at an entry on the thread's stack come first (x86 fastcall
  // and x64 register arguments may not be there: the stack scan is the fallback).
  const fromArgs = new Set<Addr>();
  if (spinFrame) {
    const args = env.kernel.frameArguments(t, spinFrame, env.kernel.kvArgumentCount) || [];
    for (const x of args) if (known.has(x)) fromArgs.add(x);
  }
  const waiters = innermostFirst(own.filter((e) => e.flags === LOCK_QUEUE_WAIT));
  waiters.sort((x, y) => (fromArgs.has(x.address) ? 0 : 1) - (fromArgs.has(y.address) ? 0 : 1));
  for (const w of waiters) {
    const position = reader.position(w, known);
    if (!position) continue;
    const source = fromArgs.has(w.address) ? `an argument of ${spinFrame!.text}` : `on its own stack [${formatAddr(t.stackLimit, env.k.pointerSize)}, ${formatAddr(t.stackBase, env.k.pointerSize)})`;
    return { position, source, release: releaseOf(t, w, own, cpus, env) };
  }
  return undefined;
}

function releaseOf(t: ThreadInfo, w: QueueEntry, own: QueueEntry[], cpus: ProcessorTable, env: RuleEnv): Release {
  const mine = own.find((e) => e.next === w.address && e.lock === w.lock);
  if (mine) return { kind: 'self', predecessor: mine };
  for (const p of cpus.processors) {
    if (p.idle || !p.currentThread || p.currentThread === t.address) continue;
    const holder = env.table.threadByAddress.get(p.currentThread);
    if (!holder) continue;
    const hit = stackEntries(holder, env).find((e) => e.next === w.address && e.lock === w.lock);
    if (hit) return { kind: 'other-running', predecessor: hit, holder, processor: p };
  }
  return { kind: 'unknown' };
}

/**
 * A plain spin lock from the spin frame's first kv argument (KeAcquireSpinLock*, KxWaitForSpinLockAndAcquire
 * take it first): believed only when it is a pointer-aligned kernel address whose lock word is non-zero (held).
 */
function plainLock(t: ThreadInfo, frame: FrameInfo, env: RuleEnv): { lock: Addr; word: Addr } | undefined {
  const k = env.k;
  const args = env.kernel.frameArguments(t, frame, 1);
  const lock = args && args[0];
  if (!lock || !isKernelAddress(lock, k.pointerSize) || addrAnd(lock, k.pointerSize - 1) !== 0) return undefined;
  const word = env.kernel.queuedLocks.lockWord(lock);
  return word && !isNull(word) ? { lock, word } : undefined;
}

const STACK_QUEUE_ENTRIES = cacheKey<Map<Addr, QueueEntry[]>>('stale: queue entries by stack');

/** Queue-entry-shaped words of a thread's whole kernel stack (a running thread's stack pointer is not in the dump), once per thread. */
function stackEntries(t: ThreadInfo, env: RuleEnv): QueueEntry[] {
  const cache = env.cache.get(STACK_QUEUE_ENTRIES, () => new Map<Addr, QueueEntry[]>());
  return getOrBuild(cache, t.address, () => {
    const reader = env.kernel.queuedLocks;
    if (!t.stackLimit || !t.stackBase || t.stackResident === false) return [];
    return reader.scan(reader.readStack(t.stackLimit, t.stackBase)).filter((e) => addrInRange(e.address, t.stackLimit!, t.stackBase!));
  });
}
