// Edges through user-mode critical sections, what `kv` + `!cs -l -o -s` give by hand: a thread waiting
// (UserMode) on an event/semaphore with RtlEnterCriticalSection / RtlpWaitForCriticalSection /
// RtlpWaitOnCriticalSection / RtlpEnterCriticalSectionContended on its stack wants the section named by
// that frame's first argument; the section's OwningThread is a TID of the SAME process.
//
// Only such waiters have their stacks unwound (never every thread), once per thread.
//
// Windows 10/11 waiters block in NtWaitForAlertByThreadId instead (wait reason WrAlertByThreadId, no
// dispatcher object; docs/scenario-extensions.md "Critical-section waits per build"): criticalSectionOfAddressWait
// resolves their section from the wait block's address, else the ntdll frames' arguments, else the process's
// locked sections, and says which evidence it used.
import type { Addr } from '../../../core/addr';
import { cacheKey, getOrBuild, getOrRead } from '../../../core/runCache';
import { listHolds, type CriticalSection, type CritSecList } from '../../../kernel/critsecs';
import { isRoutine } from '../../../core/symbolName';
import { addrAdd, isNull } from '../../../core/addr';
import type { FrameInfo } from '../../../core/target';
import type { ProcessInfo, ThreadInfo } from '../../../kernel/model';
import type { DeadEnd, DeadEndReason, EdgeRule, LockedSection, LockedSections, RuleEnv, SectionEvidence, SectionRef, WaitOutcome } from '../waitgraph';
import { globalSymbol } from './globalSymbol';

/** ntdll routines whose first argument is the critical section the thread is entering (compared through core/symbolName). */
export const CS_ROUTINES = ['RtlEnterCriticalSection', 'RtlpWaitForCriticalSection', 'RtlpWaitOnCriticalSection', 'RtlpEnterCriticalSectionContended'];
const isCsFrame = (f: FrameInfo) => isRoutine(f.text, 'ntdll', CS_ROUTINES);

/** Per-run indexes (core/runCache): outcomes per waiting thread, and per process its list, verdict and note. */
const OUTCOME_BY_THREAD = cacheKey<Map<Addr, WaitOutcome | null>>('critsec: outcome by thread');
const ADDRESS_OUTCOME_BY_THREAD = cacheKey<Map<Addr, WaitOutcome | null>>('critsec: address-wait outcome by thread');
const THREADS_BY_TID = cacheKey<Map<Addr, Map<number, ThreadInfo>>>('critsec: threads by tid');
const PROCESS_MAY_WAIT = cacheKey<Map<Addr, boolean>>('critsec: process may have waiters');
const LISTS = cacheKey<Map<Addr, CritSecList>>('critsec: lists');
const LOCKED_NOTES = cacheKey<Map<Addr, LockedSections>>('critsec: locked notes');
/** What a section's waiters block on: its LockSemaphore (an event), or a keyed-event semaphore. */
const LOCK_WAIT_KINDS = /^(SynchronizationEvent|NotificationEvent|Semaphore)$/;
/** Locked sections quoted in a note. */
const NOTE_SECTIONS = 4;

/** What a waiter's stack says about the section it wants. */
type SectionWait =
  | { kind: 'section'; frame: string; cs: CriticalSection }
  | { kind: 'no-user-memory'; frame: string }
  | { kind: 'unreadable'; frame: string; address: Addr }
  | { kind: 'unnamed'; frame: string };

export const criticalSectionRule: EdgeRule = (thread, wait, object, env) => {
  // A critical-section waiter blocks in NtWaitForSingleObject from user mode, on one object.
  if (thread.waitMode !== 'UserMode' || thread.waits.length !== 1) return undefined;
  if (!object || !LOCK_WAIT_KINDS.test(object.kind)) return undefined;
  // Unwinding a stack is the dearest thing a debugger does: only in processes that can have a
  // critical-section waiter at all (see mayHaveSectionWaiters).
  if (!mayHaveSectionWaiters(thread.process, env)) return undefined;
  const byThread = env.cache.get(OUTCOME_BY_THREAD, () => new Map<Addr, WaitOutcome | null>());
  return getOrRead(byThread, thread.address, () => {
    const found = sectionWaitOf(thread, env);
    return found ? outcomeOf(thread, wait.object, object.kind, found, env) : undefined;
  });
};

function sectionWaitOf(thread: ThreadInfo, env: RuleEnv): SectionWait | undefined {
  const frames = env.stacks.frames(thread);
  if (!frames) return undefined;
  const csFrames = frames.filter(isCsFrame);
  if (!csFrames.length) return undefined;

  // Innermost first: the first argument of each, when it can be a user-mode address.
  let stackReadable = false;
  const candidates: { address: Addr; frame: string }[] = [];
  for (const f of csFrames) {
    const args = env.kernel.frameArguments(thread, f, 1);
    if (!args) continue;
    stackReadable = true;
    if (env.kernel.isUserPointer(args[0]) && !candidates.some((c) => c.address === args[0])) candidates.push({ address: args[0], frame: f.text });
  }
  const frame = csFrames[0].text;
  if (!stackReadable) return { kind: 'no-user-memory', frame };
  if (!candidates.length) return { kind: 'unnamed', frame };

  // kv's "arguments" are whatever the stack holds (an XP RtlpWaitForCriticalSection frame shows junk,
  // an x64 home slot may be stale): prefer a candidate that is a section on its process's list, then
  // one whose DebugInfo points back at it, then the innermost readable one.
  const list = listOf(thread.process, env);
  let fallback: { cs: CriticalSection; frame: string } | undefined;
  let backed: { cs: CriticalSection; frame: string } | undefined;
  for (const c of candidates) {
    const onList = listHolds(list, c.address);
    // Off a complete list: only worth a read while no other candidate is readable.
    if (!onList && list.sections && !list.cut && fallback) continue;
    const cs = env.kernel.criticalSection(c.address, thread.process, true);
    if (!cs) continue;
    if (onList) return { kind: 'section', frame: c.frame, cs };
    if (!backed && env.kernel.debugInfoPointsBack(cs)) backed = { cs, frame: c.frame };
    if (!fallback) fallback = { cs, frame: c.frame };
  }
  const chosen = backed || fallback;
  if (chosen) return { kind: 'section', frame: chosen.frame, cs: chosen.cs };
  return { kind: 'unreadable', frame: candidates[0].frame, address: candidates[0].address };
}

function outcomeOf(thread: ThreadInfo, waitObject: Addr, waitKind: string, found: SectionWait, env: RuleEnv, evidence?: SectionEvidence): WaitOutcome {
  const { k } = env;
  // Until a section is identified the waiter counts stay on the event it waits on, under its own kind.
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: found.kind === 'section' ? 'critical-section' : waitKind };
  const deadEnd = (reason: DeadEndReason, ownerNotFound?: DeadEnd['ownerNotFound']): WaitOutcome => {
    outcome.deadEnds.push({ object: waitObject, reason, ownerNotFound });
    return outcome;
  };
  switch (found.kind) {
    case 'no-user-memory':
      return deadEnd({ reason: 'cs-no-user-memory' });
    case 'unreadable':
      return deadEnd({ reason: 'cs-unreadable', address: found.address, frame: found.frame });
    case 'unnamed':
      return deadEnd({ reason: 'cs-unnamed', frame: found.frame, locked: lockedNote(thread.process, env) });
    default:
      break;
  }
  const cs = found.cs;
  const section = sectionRef(cs, env);
  outcome.lock = cs.address;
  outcome.carriedWaiters = cs.state.waiters;
  const damaged = cs.state.inconsistent ? { lockCount: cs.lockCount, encoding: cs.state.encoding } : undefined;
  if (cs.state.inconsistent) k.warnings.add('critical-section-lock-count-impossible', { object: 'critical-section', address: cs.address, name: thread.process.name, member: 'LockCount', value: cs.lockCount });
  if (!cs.state.locked) return deadEnd({ reason: 'cs-free', section, damaged });
  if (cs.badOwner || cs.ownerTid === 0) return deadEnd({ reason: 'cs-no-owner', section, damaged });
  const owner = threadOfProcess(thread.process, cs.ownerTid, env);
  if (!owner) {
    return deadEnd({ reason: 'cs-owner-not-in-process', section, ownerTid: cs.ownerTid, processName: thread.process.name }, {
      kind: 'critical-section',
      lock: cs.address,
      ownerTid: cs.ownerTid,
    });
  }
  if (owner === thread) return deadEnd({ reason: 'cs-owned-by-waiter', section, damaged });
  outcome.hops.push({
    from: thread.address,
    kind: 'critical-section',
    object: cs.address,
    to: owner.address,
    symbol: section.symbol,
    ownerTid: cs.ownerTid,
    damaged,
    evidence,
  });
  return outcome;
}

/**
 * A WrAlertByThreadId waiter whose stack shows ntdll's critical-section routines (Windows 10/11), or whose wait
 * address is a section of its process. The section, in order of evidence:
 * 1. the wait block's address (KWAIT_BLOCK.Object keeps NtWaitForAlertByThreadId's address): the section itself or
 *    its LockCount word, accepted only when the section is on the process's list or its DebugInfo points back;
 * 2. the critical-section frames' first arguments, as for the older waits;
 * 3. the process's locked sections with waiters, when exactly one is left.
 * `csFrame` false: no such frame; only evidence 1 can name a section (undefined otherwise).
 */
export function criticalSectionOfAddressWait(thread: ThreadInfo, waited: Addr, csFrame: boolean, env: RuleEnv): WaitOutcome | undefined {
  const { k } = env;
  const byThread = env.cache.get(ADDRESS_OUTCOME_BY_THREAD, () => new Map<Addr, WaitOutcome | null>());
  return getOrRead(byThread, thread.address, () => resolveAddressWait(thread, waited, csFrame, env));

  function resolveAddressWait(thread: ThreadInfo, waited: Addr, csFrame: boolean, env: RuleEnv): WaitOutcome | undefined {
    const list = listOf(thread.process, env);
    const fromAddress = sectionAtAddress(thread, waited, list, env);
    if (fromAddress) return outcomeOf(thread, waited, 'critical-section', { kind: 'section', frame: '', cs: fromAddress }, env, { by: 'wait-address' });
    if (!csFrame) return undefined;
    const found = sectionWaitOf(thread, env);
    if (found && found.kind === 'section') return outcomeOf(thread, waited, 'critical-section', found, env, { by: 'frame', frame: found.frame });
    if (found && found.kind === 'no-user-memory') return outcomeOf(thread, waited, 'WrAlertByThreadId', found, env);
    // No address, no argument: the process's contended sections, when only one can be it.
    const contended = list.sections ? env.kernel.lockedSections(thread.process, list, true).filter((cs) => cs.state.waiters > 0) : [];
    if (contended.length === 1 && !list.cut) {
      k.warnings.add('critical-section-found-by-elimination', { object: 'thread', address: thread.address, value: contended[0].address, name: thread.process.name });
      return outcomeOf(thread, waited, 'critical-section', { kind: 'section', frame: '', cs: contended[0] }, env, { by: 'elimination', processName: thread.process.name });
    }
    const frame = found ? found.frame : 'ntdll!RtlEnterCriticalSection';
    return outcomeOf(thread, waited, 'WrAlertByThreadId', found && found.kind === 'unreadable' ? found : { kind: 'unnamed', frame }, env);
  }
}

/** The section at the waited address (or whose LockCount word it is), when the process's own records confirm it. */
function sectionAtAddress(thread: ThreadInfo, waited: Addr, list: CritSecList, env: RuleEnv): CriticalSection | undefined {
  if (isNull(waited) || !env.kernel.isUserPointer(waited)) return undefined;
  const types = env.kernel.critSecTypes();
  const lockCount = types && types.section.field('LockCount');
  const candidates = [waited];
  if (lockCount && lockCount.offset) candidates.push(addrAdd(waited, -lockCount.offset));
  for (const a of candidates) {
    const cs = env.kernel.criticalSection(a, thread.process, true);
    if (!cs) continue;
    if (listHolds(list, a) || env.kernel.debugInfoPointsBack(cs)) return cs;
  }
  return undefined;
}

/** The thread of this process with Cid.UniqueThread == tid (an index built once per run). */
function threadOfProcess(process: ProcessInfo, tid: number, env: RuleEnv): ThreadInfo | undefined {
  const index = env.cache.get(THREADS_BY_TID, () => {
    const byProcess = new Map<Addr, Map<number, ThreadInfo>>();
    for (const p of env.table.processes) {
      const tids = new Map<number, ThreadInfo>();
      for (const t of p.threads) if (!tids.has(t.tid)) tids.set(t.tid, t);
      byProcess.set(p.address, tids);
    }
    return byProcess;
  });
  const tids = index.get(process.address);
  return tids && tids.get(tid);
}

/** The process's critical-section list, walked once per process that has a critical-section waiter. */
/**
 * A process whose critical-section list cannot be read has no user memory in this dump (a kernel
 * dump): a waiter's frame arguments could not be read either, so its stack is not worth unwinding.
 * A readable list with no locked, contended section means no waiter of a listed section; the list
 * misses sections created without debug info, so a cut or capped list keeps the door open.
 */
function mayHaveSectionWaiters(process: ProcessInfo, env: RuleEnv): boolean {
  const verdicts = env.cache.get(PROCESS_MAY_WAIT, () => new Map<Addr, boolean>());
  return getOrBuild(verdicts, process.address, () => {
    const list = listOf(process, env);
    return list.sections !== undefined && (list.cut || env.kernel.lockedSections(process, list, true).some((cs) => cs.state.waiters > 0));
  });
}

function listOf(process: ProcessInfo, env: RuleEnv): CritSecList {
  const lists = env.cache.get(LISTS, () => new Map<Addr, CritSecList>());
  return getOrBuild(lists, process.address, () => env.kernel.criticalSectionList(process));
}

/** `!cs -l -o -s` in a few words: the locked sections of the process (those with waiters first). */
function lockedNote(process: ProcessInfo, env: RuleEnv): LockedSections | undefined {
  const list = listOf(process, env);
  if (!list.sections) return undefined;
  const notes = env.cache.get(LOCKED_NOTES, () => new Map<Addr, LockedSections>());
  return getOrBuild(notes, process.address, (): LockedSections => {
    const locked = env.kernel.lockedSections(process, list);
    const contended = locked.filter((cs) => cs.state.waiters > 0);
    const shown = (contended.length ? contended : locked).slice(0, NOTE_SECTIONS);
    const total = contended.length ? contended.length : locked.length;
    return !shown.length
      ? { processName: process.name, none: true }
      : { processName: process.name, withWaiters: contended.length > 0, sections: shown.map((cs) => lockedSection(cs, env)), total };
  });
}

function lockedSection(cs: CriticalSection, env: RuleEnv): LockedSection {
  const owner = cs.ownerTid === 0 ? undefined : threadOfProcess(cs.process, cs.ownerTid, env);
  return { section: sectionRef(cs, env), ownerTid: cs.ownerTid, owner: owner && owner.address, waiters: cs.state.waiters };
}

function sectionRef(cs: CriticalSection, env: RuleEnv): SectionRef {
  return { address: cs.address, symbol: globalSymbol(cs.address, env) };
}

/** A section held by a thread of the dump, with waiters the section counts but no edge of the graph shows. */
export interface UnseenSectionWaiters {
  lock: Addr;
  process: Addr;
  /** The owning thread. */
  owner: Addr;
  /** Waiters the section's LockCount counts. */
  carried: number;
  ownerTid: number;
  symbol?: string;
}

/**
 * `!cs -l -o -s` over every process with a user address space: the locked sections whose waiters the
 * dump does not show as threads (`shown(lock)` false), so that their owners are reported as blocking
 * them (seed 002-cs-high-contention: 52 waiters, none of them in the dump). One bounded list walk per
 * process (shared with the rule), and one read per section some thread ever waited for
 * (DEBUG.ContentionCount > 0). Sections without debug info are not on the list and are not found here.
 * An extension point for the wait graph (not wired in by this module).
 */
export function sectionsWithUnseenWaiters(env: RuleEnv, shown: (lock: Addr) => boolean): UnseenSectionWaiters[] {
  const out: UnseenSectionWaiters[] = [];
  for (const process of env.table.processes) {
    if (!process.threads.length) continue;
    const list = listOf(process, env);
    if (!list.sections) continue;
    for (const cs of env.kernel.lockedSections(process, list, true)) {
      if (cs.state.waiters === 0 || shown(cs.address)) continue;
      const owner = threadOfProcess(process, cs.ownerTid, env);
      if (!owner) continue;
      out.push({ lock: cs.address, process: process.address, owner: owner.address, carried: cs.state.waiters, ownerTid: cs.ownerTid, symbol: globalSymbol(cs.address, env) });
    }
  }
  return out;
}
