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
import { addrAnd, addrInRange, isKernelAddress, isNull, type Addr } from '../../core/addr';
import type { FrameInfo } from '../../core/target';
import { cacheKey, getOrBuild } from '../../core/runCache';
import type { ThreadInfo } from '../../kernel/model';
import type { ProcessorInfo, ProcessorTable } from '../../kernel/processors';
import {
  entryMap,
  innermostFirst,
  LOCK_QUEUE_OWNER,
  LOCK_QUEUE_WAIT,
  type QueueEntry,
  type QueuePosition,
} from '../../kernel/queuedSpinLocks';
import type { WaitModel } from '../waits/waitModel';
import type { RuleEnv } from '../waits/waitgraph';
import type { DispatchSpinFacts, FindingHeader, PlainSpinFacts, QueueFlags, QueuedSpinFacts, SpinNext, SpinRelease, StaleRule } from './model';

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
  source: QueuedSpinFacts['source'];
  release: Release;
}

type SpinFinding = FindingHeader & DispatchSpinFacts;

export const dispatchLevelSpinRule: StaleRule<'dispatch-level-spin'> = {
  id: 'dispatch-level-spin',
  run({ model }): SpinFinding[] {
    const env = model.env;
    const cpus = env.kernel.processors();
    const findings: SpinFinding[] = [];
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

function spinFinding(t: ThreadInfo, cpu: ProcessorInfo | undefined, cpus: ProcessorTable, model: WaitModel): SpinFinding | undefined {
  const env = model.env;
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

  let lock: Addr | undefined;
  let plain: PlainSpinFacts | undefined;
  if (queued) lock = queued.position.waiter.lock;
  else if (spinFrame && QUEUED_ROUTINE.test(spinFrame.text)) plain = { kind: 'queued-entry-not-found' };
  else if (spinFrame) {
    const held = plainLock(t, spinFrame, env);
    if (held) lock = held.lock;
    plain = held ? { kind: 'plain-held', lock: held.lock, word: held.word } : { kind: 'plain-unnamed' };
  }
  return {
    rule: 'dispatch-level-spin',
    severity: 'error',
    thread: t.address,
    object: lock,
    spinner: t.address,
    processor: cpu ? cpu.number : undefined,
    irql,
    spinFrame: spinFrame ? spinFrame.text : undefined,
    ticks,
    increment: model.clock.increment,
    kernelTime: t.kernelTime,
    long,
    lock,
    queued: queued ? queuedFacts(queued, env) : undefined,
    plain,
    others: cpus.known ? others.map((p) => ({ number: p.number, idle: p.idle, currentThread: p.currentThread })) : undefined,
    othersIdle,
    next: nextCommand(t, queued, lock, spinFrame),
  };
}

export function queueFlags(flags: number): QueueFlags {
  return flags === LOCK_QUEUE_WAIT ? { kind: 'wait' } : flags === LOCK_QUEUE_OWNER ? { kind: 'owner' } : { kind: 'other', flags };
}

function queuedFacts(q: QueuedLockFacts, env: RuleEnv): QueuedSpinFacts {
  const w = q.position.waiter;
  const r = q.release;
  let release: SpinRelease;
  if (r.kind === 'self') release = { kind: 'self', predecessor: r.predecessor.address, predecessorLock: r.predecessor.lockValue, predecessorFlags: queueFlags(r.predecessor.flags) };
  else if (r.kind === 'other-running') {
    const holderFrames = env.stacks.frames(r.holder);
    const holderSpin = holderFrames && holderFrames.find((fr) => isSpinFrame(fr.text));
    release = { kind: 'other-running', predecessor: r.predecessor.address, predecessorFlags: queueFlags(r.predecessor.flags), holder: r.holder.address, processor: r.processor.number, holderSpinFrame: holderSpin ? holderSpin.text : undefined };
  } else release = { kind: 'unknown' };
  return { entry: w.address, source: q.source, lockValue: w.lockValue, flags: queueFlags(w.flags), lock: w.lock, tail: q.position.tail, behind: q.position.toTail.length - 1, release };
}

/** The entry to dump when found; the lock word of a plain lock; the numbered queued locks; else what every processor runs. */
function nextCommand(t: ThreadInfo, queued: QueuedLockFacts | undefined, lock: Addr | undefined, spinFrame: FrameInfo | undefined): SpinNext {
  if (queued) return { kind: 'queue-entry', entry: queued.position.waiter.address };
  if (lock) return { kind: 'lock-word', lock };
  if (spinFrame && QUEUED_ROUTINE.test(spinFrame.text)) return { kind: 'qlocks' };
  return t.state === 'Running' ? { kind: 'running' } : { kind: 'thread', thread: t.address };
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
    const source: QueuedSpinFacts['source'] = fromArgs.has(w.address) ? { kind: 'argument', frame: spinFrame!.text } : { kind: 'own-stack', limit: t.stackLimit, base: t.stackBase };
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
