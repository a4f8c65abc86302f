// Edges through fast and guarded mutexes: a kernel-mode waiter on a mutex's Event/Gate waits for the
// mutex's Owner. Which waits are mutex waits: the wait reason says so (WrFastMutex / WrGuardedMutex,
// by enumerator name), or, where it does not (XP waits with Executive), the thread is inside an
// acquire routine that called the wait directly. Stacks are asked for only in that second case.
import type { FrameInfo } from '../../../core/target';
import type { ThreadInfo } from '../../../kernel/model';
import type { MutexKind } from '../../../kernel/mutexes';
import { ownerNotAThread, type EdgeRule, type RuleEnv, type WaitOutcome } from '../waitgraph';

const KIND_BY_REASON: { [reason: string]: MutexKind } = { WrFastMutex: 'fast-mutex', WrGuardedMutex: 'guarded-mutex' };

/** nt/hal routines that wait for a fast or guarded mutex (hal exports ExAcquireFastMutex on x86 XP). */
const ACQUIRE_FRAME = /^(nt\w*|hal\w*)!(Ki|Ke|Kx|Ex|Exf|Exi|Exp)Acquire(FastMutex|GuardedMutex)\w*(\+|$)/i;
/** Kernel frames between the wait and the acquire routine; a driver frame, a fault or an APC there means the wait is something else. */
const KERNEL_FRAME = /^(nt\w*|hal\w*)!/i;
const NOT_THE_ACQUIRE_WAIT = /!(KiTrap\w*|KiPageFault|MmAccessFault|Mi\w+|KiDeliverApc|KiExceptionDispatch|KiDispatchException|Io\w+)(\+|$)/i;

export const fastMutexRule: EdgeRule = (thread, wait, object, env) => {
  if (!object || (object.kind !== 'SynchronizationEvent' && object.kind !== 'Gate')) return undefined;
  if (thread.waitMode !== 'KernelMode') return undefined;
  const kind = mutexWaitKind(thread, object.kind === 'Gate', env);
  if (!kind) return undefined;
  const reader = env.kernel.mutexes;
  const mutex = reader.fromWaitObject(wait.object, kind);
  const { k, table } = env;
  if (!mutex) {
    return { hops: [], deadEnds: [{ object: wait.object, reason: { reason: 'mutex-unreadable', kind, objectKind: object.kind, object: wait.object } }], objectKind: kind };
  }
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: kind, lock: mutex.address, carriedWaiters: mutex.state.waiters };
  const waiters = mutex.state.waiters;
  const countSaysFree = mutex.state.locked === false ? mutex.count : undefined;
  if (!mutex.owner) {
    outcome.deadEnds.push({ object: wait.object, reason: { reason: 'mutex-owner-not-recorded', kind, lock: mutex.address, waiters, countSaysFree } });
    return outcome;
  }
  const owner = table.threadByAddress.get(mutex.owner);
  if (!owner) {
    k.warnings.add('owner-not-a-thread', { object: kind, address: mutex.address, value: mutex.owner });
    outcome.deadEnds.push(ownerNotAThread(wait.object, { reason: 'owner-not-a-thread', kind, lock: mutex.address, owner: mutex.owner, waiters }));
    return outcome;
  }
  const recursive = owner.address === thread.address || undefined;
  outcome.hops.push({ from: thread.address, kind, object: mutex.address, to: owner.address, recursive, countSaysFree });
  return outcome;
};

function mutexWaitKind(thread: ThreadInfo, gate: boolean, env: RuleEnv): MutexKind | undefined {
  const byReason = KIND_BY_REASON[thread.waitReason];
  if (byReason) return gate ? 'guarded-mutex' : byReason;
  // Builds with those reasons name the mutex in the reason; XP-era acquires wait with (Wr)Executive.
  if (!/^(Wr)?Executive$/.test(thread.waitReason) && env.k.enumValue('_KWAIT_REASON', 'WrFastMutex') !== undefined) return undefined;
  const frame = env.stacks.frameCalling(thread, ACQUIRE_FRAME);
  if (!frame || !waitsInAcquire(env.stacks.frames(thread) || [], frame)) return undefined;
  return gate || /GuardedMutex/i.test(frame) ? 'guarded-mutex' : 'fast-mutex';
}

/** The acquire routine must be the kernel caller of the wait: only nt/hal wait frames inside it. */
function waitsInAcquire(frames: readonly FrameInfo[], acquire: string): boolean {
  for (const f of frames) {
    if (f.text === acquire) return true;
    if (!KERNEL_FRAME.test(f.text) || NOT_THE_ACQUIRE_WAIT.test(f.text)) return false;
  }
  return false;
}
