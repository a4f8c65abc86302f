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
import { formatAddr, type Addr } from '../../../core/addr';
import {
  debugInfoPointsBack,
  isUserPointer,
  listHolds,
  lockedSections,
  readCriticalSection,
  readCriticalSectionList,
  type CriticalSection,
  type CritSecList,
} from '../../../kernel/critsecs';
import { frameArguments } from '../../../kernel/frames';
import { isRoutine } from '../../../core/symbolName';
import { addrAdd, isNull } from '../../../core/addr';
import type { FrameInfo } from '../../../core/target';
import { critSecTypes } from '../../../kernel/critsecs';
import type { ProcessInfo, ThreadInfo } from '../../../kernel/model';
import type { DeadEnd, EdgeRule, RuleEnv, WaitOutcome } from '../waitgraph';

/** ntdll routines whose first argument is the critical section the thread is entering (compared through core/symbolName). */
export const CS_ROUTINES = ['RtlEnterCriticalSection', 'RtlpWaitForCriticalSection', 'RtlpWaitOnCriticalSection', 'RtlpEnterCriticalSectionContended'];
const isCsFrame = (f: FrameInfo) => isRoutine(f.text, 'ntdll', CS_ROUTINES);
/** What a section's waiters block on: its LockSemaphore (an event), or a keyed-event semaphore. */
const LOCK_WAIT_KINDS = /^(SynchronizationEvent|NotificationEvent|Semaphore)$/;
/** A symbol further than this from the section is not its name. */
const MAX_SYMBOL_OFFSET = 0x1000;
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
  const byThread = env.memo('critsec:outcome-by-thread', () => new Map<Addr, WaitOutcome | null>());
  let hit = byThread.get(thread.address);
  if (hit === undefined) {
    const found = sectionWaitOf(thread, env);
    hit = found ? outcomeOf(thread, wait.object, object.kind, found, env) : null;
    byThread.set(thread.address, hit);
  }
  return hit || undefined;
};

function sectionWaitOf(thread: ThreadInfo, env: RuleEnv): SectionWait | undefined {
  const { k } = env;
  const frames = env.stacks.frames(thread);
  if (!frames) return undefined;
  const csFrames = frames.filter(isCsFrame);
  if (!csFrames.length) return undefined;

  // Innermost first: the first argument of each, when it can be a user-mode address.
  let stackReadable = false;
  const candidates: { address: Addr; frame: string }[] = [];
  for (const f of csFrames) {
    const args = frameArguments(k, thread, f, 1);
    if (!args) continue;
    stackReadable = true;
    if (isUserPointer(k, args[0]) && !candidates.some((c) => c.address === args[0])) candidates.push({ address: args[0], frame: f.text });
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
    const cs = readCriticalSection(k, c.address, thread.process, true);
    if (!cs) continue;
    if (onList) return { kind: 'section', frame: c.frame, cs };
    if (!backed && debugInfoPointsBack(k, cs)) backed = { cs, frame: c.frame };
    if (!fallback) fallback = { cs, frame: c.frame };
  }
  const chosen = backed || fallback;
  if (chosen) return { kind: 'section', frame: chosen.frame, cs: chosen.cs };
  return { kind: 'unreadable', frame: candidates[0].frame, address: candidates[0].address };
}

function outcomeOf(thread: ThreadInfo, waitObject: Addr, waitKind: string, found: SectionWait, env: RuleEnv, evidence = ''): WaitOutcome {
  const { k } = env;
  // Until a section is identified the waiter counts stay on the event it waits on, under its own kind.
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: found.kind === 'section' ? 'critical-section' : waitKind };
  const deadEnd = (text: string, ownerNotFound?: DeadEnd['ownerNotFound']): WaitOutcome => {
    const d: DeadEnd = { object: waitObject, text, ownerNotFound };
    outcome.deadEnds.push(d);
    return outcome;
  };
  switch (found.kind) {
    case 'no-user-memory':
      return deadEnd('critical section wait, user memory not in this dump');
    case 'unreadable':
      return deadEnd(`critical section ${formatAddr(found.address, k.pointerSize)} (argument of ${found.frame}) is unreadable`);
    case 'unnamed':
      return deadEnd(`critical section wait (${found.frame}), no frame argument names the section${lockedNote(thread.process, env)}`);
    default:
      break;
  }
  const cs = found.cs;
  const name = nameOf(cs, env);
  outcome.lock = cs.address;
  outcome.carriedWaiters = cs.state.waiters;
  const damaged = cs.state.inconsistent ? ` (LockCount ${cs.lockCount} is not a valid ${cs.state.encoding} value: damaged?)` : '';
  if (cs.state.inconsistent) k.warnings.add('critical-section-lock-count-impossible', { object: 'critical-section', address: cs.address, name: thread.process.name, member: 'LockCount', value: cs.lockCount });
  if (!cs.state.locked) return deadEnd(`critical section ${name} is free${damaged}`);
  if (cs.badOwner || cs.ownerTid === 0) return deadEnd(`critical section ${name} is locked but records no owning thread${damaged}`);
  const owner = threadOfProcess(thread.process, cs.ownerTid, env);
  if (!owner) {
    return deadEnd(`critical section ${name} owned by tid ${tidText(cs.ownerTid)}, which is not a thread of ${thread.process.name} (exited?)`, {
      kind: 'critical-section',
      lock: cs.address,
      ownerTid: cs.ownerTid,
    });
  }
  if (owner === thread) return deadEnd(`critical section ${name} is owned by the waiting thread itself${damaged}`);
  const symbol = symbolOf(cs.address, env);
  outcome.hops.push({
    from: thread.address,
    kind: 'critical-section',
    object: cs.address,
    to: owner.address,
    detail: `${symbol ? `${symbol}, ` : ''}owner tid ${tidText(cs.ownerTid)}${damaged}${evidence}`,
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
  const byThread = env.memo('critsec:address-outcome-by-thread', () => new Map<Addr, WaitOutcome | null>());
  const hit = byThread.get(thread.address);
  if (hit !== undefined) return hit || undefined;
  const result = resolveAddressWait(thread, waited, csFrame, env);
  byThread.set(thread.address, result || null);
  return result;

  function resolveAddressWait(thread: ThreadInfo, waited: Addr, csFrame: boolean, env: RuleEnv): WaitOutcome | undefined {
    const list = listOf(thread.process, env);
    const fromAddress = sectionAtAddress(thread, waited, list, env);
    if (fromAddress) return outcomeOf(thread, waited, 'critical-section', { kind: 'section', frame: '', cs: fromAddress }, env, ', section from the wait address');
    if (!csFrame) return undefined;
    const found = sectionWaitOf(thread, env);
    if (found && found.kind === 'section') return outcomeOf(thread, waited, 'critical-section', found, env, `, section from ${found.frame.replace(/\+.*$/, '')}`);
    if (found && found.kind === 'no-user-memory') return outcomeOf(thread, waited, 'WrAlertByThreadId', found, env);
    // No address, no argument: the process's contended sections, when only one can be it.
    const contended = list.sections ? lockedSections(k, thread.process, list, true).filter((cs) => cs.state.waiters > 0) : [];
    if (contended.length === 1 && !list.cut) {
      k.warnings.add('critical-section-found-by-elimination', { object: 'thread', address: thread.address, value: contended[0].address, name: thread.process.name });
      return outcomeOf(thread, waited, 'critical-section', { kind: 'section', frame: '', cs: contended[0] }, env, `, the only locked section of ${thread.process.name} with waiters (no wait address or frame argument names it)`);
    }
    const frame = found ? found.frame : 'ntdll!RtlEnterCriticalSection';
    return outcomeOf(thread, waited, 'WrAlertByThreadId', found && found.kind === 'unreadable' ? found : { kind: 'unnamed', frame }, env);
  }
}

/** The section at the waited address (or whose LockCount word it is), when the process's own records confirm it. */
function sectionAtAddress(thread: ThreadInfo, waited: Addr, list: CritSecList, env: RuleEnv): CriticalSection | undefined {
  const { k } = env;
  if (isNull(waited) || !isUserPointer(k, waited)) return undefined;
  const types = critSecTypes(k);
  const lockCount = types && types.section.field('LockCount');
  const candidates = [waited];
  if (lockCount && lockCount.offset) candidates.push(addrAdd(waited, -lockCount.offset));
  for (const a of candidates) {
    const cs = readCriticalSection(k, a, thread.process, true);
    if (!cs) continue;
    if (listHolds(list, a) || debugInfoPointsBack(k, cs)) return cs;
  }
  return undefined;
}

/** The thread of this process with Cid.UniqueThread == tid (an index built once per run). */
function threadOfProcess(process: ProcessInfo, tid: number, env: RuleEnv): ThreadInfo | undefined {
  const index = env.memo('critsec:threads-by-tid', () => {
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
  const verdicts = env.memo('critsec:process-may-wait', () => new Map<Addr, boolean>());
  let verdict = verdicts.get(process.address);
  if (verdict === undefined) {
    const list = listOf(process, env);
    verdict = list.sections !== undefined && (list.cut || lockedSections(env.k, process, list, true).some((cs) => cs.state.waiters > 0));
    verdicts.set(process.address, verdict);
  }
  return verdict;
}

function listOf(process: ProcessInfo, env: RuleEnv): CritSecList {
  const lists = env.memo('critsec:lists', () => new Map<Addr, CritSecList>());
  let list = lists.get(process.address);
  if (!list) {
    list = readCriticalSectionList(env.k, process);
    lists.set(process.address, list);
  }
  return list;
}

/** `!cs -l -o -s` in a few words: the locked sections of the process (those with waiters first). */
function lockedNote(process: ProcessInfo, env: RuleEnv): string {
  const list = listOf(process, env);
  if (!list.sections) return '';
  const notes = env.memo('critsec:locked-notes', () => new Map<Addr, string>());
  let note = notes.get(process.address);
  if (note === undefined) {
    const locked = lockedSections(env.k, process, list);
    const contended = locked.filter((cs) => cs.state.waiters > 0);
    const shown = (contended.length ? contended : locked).slice(0, NOTE_SECTIONS);
    const total = contended.length ? contended.length : locked.length;
    const what = contended.length ? 'locked with waiters' : 'locked';
    note = !shown.length
      ? `; no locked section on ${process.name}'s critical-section list`
      : `; ${what} in ${process.name}: ${shown.map((cs) => describeSection(cs, env)).join(', ')}${total > shown.length ? ` and ${total - shown.length} more` : ''}`;
    notes.set(process.address, note);
  }
  return note;
}

function describeSection(cs: CriticalSection, env: RuleEnv): string {
  const owner = threadOfProcess(cs.process, cs.ownerTid, env);
  const ownerText = cs.ownerTid === 0 ? 'no owner' : `owner tid ${tidText(cs.ownerTid)}${owner ? ` = ${formatAddr(owner.address, env.k.pointerSize)}` : ', not a thread of the process'}`;
  return `${nameOf(cs, env)} (${ownerText}, ${cs.state.waiters} waiter${cs.state.waiters === 1 ? '' : 's'})`;
}

function nameOf(cs: CriticalSection, env: RuleEnv): string {
  const symbol = symbolOf(cs.address, env);
  return `${formatAddr(cs.address, env.k.pointerSize)}${symbol ? ` (${symbol})` : ''}`;
}

/** `ln` of the section when it is a named global (ntdll!LdrpLoaderLock, ipnathlp!gFwMain), not a bare module offset. */
function symbolOf(address: Addr, env: RuleEnv): string | undefined {
  const s = env.k.target.nearestSymbol(address);
  if (!s || s.indexOf('!') < 0) return undefined;
  const m = /\+0x([0-9a-f]+)$/i.exec(s);
  return m && parseInt(m[1], 16) >= MAX_SYMBOL_OFFSET ? undefined : s;
}

function tidText(tid: number): string {
  return tid.toString(16).padStart(4, '0');
}

/** A section held by a thread of the dump, with waiters the section counts but no edge of the graph shows. */
export interface UnseenSectionWaiters {
  lock: Addr;
  process: Addr;
  /** The owning thread. */
  owner: Addr;
  /** Waiters the section's LockCount counts. */
  carried: number;
  /** "ntdll!LdrpLoaderLock, owner tid 3b3c, 12 waiters" */
  detail: string;
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
    for (const cs of lockedSections(env.k, process, list, true)) {
      if (cs.state.waiters === 0 || shown(cs.address)) continue;
      const owner = threadOfProcess(process, cs.ownerTid, env);
      if (!owner) continue;
      const symbol = symbolOf(cs.address, env);
      const n = cs.state.waiters;
      out.push({
        lock: cs.address,
        process: process.address,
        owner: owner.address,
        carried: n,
        detail: `${symbol ? `${symbol}, ` : ''}owner tid ${tidText(cs.ownerTid)}, ${n} waiter${n === 1 ? '' : 's'} not in the dump`,
      });
    }
  }
  return out;
}
