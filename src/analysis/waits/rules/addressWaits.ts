// Waits without a dispatcher object: a thread in NtWaitForAlertByThreadId (wait reason WrAlertByThreadId,
// Windows 8+) waits to be woken by thread id; KWAIT_BLOCK.Object keeps the address it gave ntdll's wait
// (dennisbabkin.com, "Things You Find While Reverse Engineering - AlertByThreadId"; docs/scenario-extensions.md).
// What it waits for is told by the innermost ntdll/KernelBase routine on its user stack (compared through
// core/symbolName, so decorated x86 names and any module spelling match):
// - a critical section (Windows 10/11): a hop to the owner (rules/critsecs.ts);
// - an SRW lock: the lock word says held exclusive or shared; SRW locks record no owner, so the chain ends there;
// - a condition variable (SleepConditionVariableCS/SRW): the variable, and the lock it was slept on with;
// - WaitOnAddress: the address.
import { isNull, type Addr } from '../../../core/addr';
import { cacheKey } from '../../../core/runCache';
import { isRoutine } from '../../../core/symbolName';
import type { FrameInfo } from '../../../core/target';
import type { ThreadInfo } from '../../../kernel/model';
import { ALERT_WAIT_REASON, type DeadEndReason, type EdgeRule, type LockWordState, type NamedAddress, type RuleEnv, type WaitOutcome } from '../waitgraph';
import { globalSymbol } from './globalSymbol';
import { CS_ROUTINES, criticalSectionOfAddressWait } from './critsecs';


const SRW_ROUTINES = ['RtlAcquireSRWLockExclusive', 'RtlAcquireSRWLockShared', 'RtlpAcquireSRWLockExclusiveContended', 'RtlpAcquireSRWLockSharedContended', 'AcquireSRWLockExclusive', 'AcquireSRWLockShared'];
const CV_CS_ROUTINES = ['RtlSleepConditionVariableCS', 'SleepConditionVariableCS'];
const CV_SRW_ROUTINES = ['RtlSleepConditionVariableSRW', 'SleepConditionVariableSRW'];
const WOA_ROUTINES = ['RtlWaitOnAddress', 'WaitOnAddress'];
/** Modules those routines live in (KernelBase forwards to ntdll; older names for the api sets). */
const SYNC_MODULES = ['ntdll', 'kernelbase', 'kernel32'];

export type AddressWaitKind = 'critical-section' | 'srw-lock' | 'condition-variable' | 'wait-on-address';

interface Classified {
  kind: AddressWaitKind;
  frame: FrameInfo;
  /** For a condition variable: the kind of lock it was slept on with. */
  lockKind?: 'critical-section' | 'srw-lock';
}

/** The innermost routine that says what the wait is for. */
export function classifyAddressWait(frames: readonly FrameInfo[]): Classified | undefined {
  for (const f of frames) {
    if (!SYNC_MODULES.some((m) => isRoutine(f.text, m, ALL_ROUTINES))) continue;
    if (isRoutine(f.text, 'ntdll', CS_ROUTINES)) return { kind: 'critical-section', frame: f };
    if (SYNC_MODULES.some((m) => isRoutine(f.text, m, SRW_ROUTINES))) return { kind: 'srw-lock', frame: f };
    if (SYNC_MODULES.some((m) => isRoutine(f.text, m, CV_CS_ROUTINES))) return { kind: 'condition-variable', frame: f, lockKind: 'critical-section' };
    if (SYNC_MODULES.some((m) => isRoutine(f.text, m, CV_SRW_ROUTINES))) return { kind: 'condition-variable', frame: f, lockKind: 'srw-lock' };
    return { kind: 'wait-on-address', frame: f };
  }
  return undefined;
}
const ALL_ROUTINES = [...CS_ROUTINES, ...SRW_ROUTINES, ...CV_CS_ROUTINES, ...CV_SRW_ROUTINES, ...WOA_ROUTINES];

/** Vista/7 SRW locks and condition variables block in NtWaitForKeyedEvent (on the thread's own semaphore). */
const KEYED_WAIT_REASON = 'WrKeyedEvent';

export const addressWaitRule: EdgeRule = (thread, wait, _object, env) => {
  if (thread.waitReason === KEYED_WAIT_REASON && thread.waitMode === 'UserMode') return keyedWait(thread, wait.object, env);
  if (thread.waitReason !== ALERT_WAIT_REASON) return undefined;
  const frames = env.stacks.frames(thread);
  const c = frames && classifyAddressWait(frames);
  if (!c || c.kind === 'critical-section') {
    const cs = criticalSectionOfAddressWait(thread, wait.object, !!c, env);
    if (cs) return cs;
  }
  if (!c) {
    const address = isNull(wait.object) ? undefined : named(wait.object, env);
    return deadEnd(wait.object, { reason: 'alert-by-thread-id', address, stackAvailable: !!frames }, 'WrAlertByThreadId');
  }
  return lockOutcome(thread, wait.object, addressOf(thread, wait.object, c.frame, env), c, env);
};

/**
 * A keyed-event wait (Vista/7): the key is a wait block on the waiter's stack, not the lock, so the lock is the
 * SRW / condition-variable routine's argument. Critical sections (a keyed wait under low memory) and anything else
 * are left to the other rules.
 */
function keyedWait(thread: ThreadInfo, waited: Addr, env: RuleEnv): WaitOutcome | undefined {
  const frames = env.stacks.frames(thread);
  const c = frames && classifyAddressWait(frames);
  if (!c || c.kind === 'critical-section' || c.kind === 'wait-on-address') return undefined;
  const args = env.kernel.frameArguments(thread, c.frame, 1);
  return lockOutcome(thread, waited, args && !isNull(args[0]) ? args[0] : undefined, c, env);
}

function lockOutcome(thread: ThreadInfo, waited: Addr, address: Addr | undefined, c: Classified, env: RuleEnv): WaitOutcome {
  const shown = address ? named(address, env) : undefined;
  switch (c.kind) {
    case 'srw-lock': {
      const state = address ? srwState(thread, address, env) : 'unknown';
      const waiters = waitersOf(env, 'srw-lock', thread, address);
      return lockEnd(waited, address, 'srw-lock', { reason: 'srw-lock-ownerless', lock: shown, state, waiters });
    }
    case 'condition-variable': {
      const args = env.kernel.frameArguments(thread, c.frame, 2);
      const sleptOn = args && args[1] && !isNull(args[1]) ? named(args[1], env) : undefined;
      return lockEnd(waited, address, 'condition-variable', { reason: 'condition-variable', variable: shown, lockKind: c.lockKind!, sleptOn });
    }
    default:
      return lockEnd(waited, address, 'wait-on-address', { reason: 'wait-on-address', address: shown });
  }
}

function named(address: Addr, env: RuleEnv): NamedAddress {
  return { address, symbol: globalSymbol(address, env) };
}

function deadEnd(object: Addr, reason: DeadEndReason, objectKind: string): WaitOutcome {
  return { hops: [], deadEnds: [{ object, reason }], objectKind };
}

/** Waiter counts go to the lock, so all its waiters are grouped ("3 threads wait on srw-lock ..."). */
function lockEnd(waited: Addr, lock: Addr | undefined, kind: Exclude<AddressWaitKind, 'critical-section'>, reason: DeadEndReason): WaitOutcome {
  const outcome = deadEnd(waited, reason, kind);
  outcome.deadEnds[0].kind = kind;
  outcome.deadEnds[0].lock = lock;
  if (lock) outcome.lock = lock;
  return outcome;
}

/** The waited address: the wait block's, else the routine's first argument. */
function addressOf(thread: ThreadInfo, waited: Addr, frame: FrameInfo, env: RuleEnv): Addr | undefined {
  if (!isNull(waited)) return waited;
  const args = env.kernel.frameArguments(thread, frame, 1);
  return args && !isNull(args[0]) ? args[0] : undefined;
}

/**
 * The SRW lock word (the _RTL_SRWLOCK bit layout: Locked 0x1, Waiting 0x2, Waking 0x4, MultipleShared 0x8,
 * shared count from bit 4 while no waiter is queued; with waiters the upper bits point at the wait blocks).
 */
function srwState(thread: ThreadInfo, address: Addr, env: RuleEnv): LockWordState {
  const word = env.kernel.readUserPointer(thread.process, address);
  if (!word) return 'unreadable';
  const low = parseInt(word.slice(-2), 16) & 0xff;
  const locked = (low & 1) === 1;
  const waiting = (low & 2) === 2;
  if (!locked) return 'free';
  // With waiters queued the owners are counted in the wait blocks, not the word: MultipleShared tells several.
  if (waiting) return (low & 8) === 8 ? 'held-shared-by-several' : 'held-exclusive-or-one-shared';
  // No waiter queued: the upper bits are the shared count (0: exclusive).
  const shared = sharedCount(word);
  return shared === 0 ? 'held-exclusive' : { sharedBy: shared };
}

function sharedCount(word: Addr): number {
  // word >> 4 without a 64-bit integer: the digits but the last one.
  const high = word.length > 1 ? word.slice(0, -1) : '0';
  return high.length > 12 ? Number.MAX_SAFE_INTEGER : parseInt(high, 16) || 0;
}

const WAITERS_BY_LOCK = cacheKey<Map<string, number>>('address waits: waiters by lock');

/** Threads of the dump waiting on the same lock (counted once over every WrAlertByThreadId waiter). */
function waitersOf(env: RuleEnv, kind: AddressWaitKind, thread: ThreadInfo, lock: Addr | undefined): number {
  if (!lock) return 1;
  const index = env.cache.get(WAITERS_BY_LOCK, () => {
    const counts = new Map<string, number>();
    for (const t of env.table.threads) {
      const keyed = t.waitReason === KEYED_WAIT_REASON && t.waitMode === 'UserMode';
      if (t.state !== 'Waiting' || (t.waitReason !== ALERT_WAIT_REASON && !keyed)) continue;
      const frames = env.stacks.frames(t);
      const c = frames && classifyAddressWait(frames);
      if (!c || c.kind === 'critical-section') continue;
      // A keyed wait's object is the thread's own semaphore: the lock is the routine's argument.
      const object = t.waits.length && !keyed ? t.waits[0].object : '0';
      const at = addressOf(t, object, c.frame, env);
      if (!at) continue;
      const key = `${c.kind}:${t.process.address}:${at}`;
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    return counts;
  });
  // User addresses are per process: the same address in two processes is two locks.
  return index.get(`${kind}:${thread.process.address}:${lock}`) || 1;
}

