// The words of every !stalecheck finding: its one-line summary, its evidence lines and the WinDbg
// command to run next, written from the facts each rule returns (src/analysis/stale/model.ts). Text,
// JSON, the dx model and HTML all show these words; the rules write none.
import { formatAddr, type Addr } from '../core/addr';
import type {
  ApcFindingFacts,
  DispatchSpinFacts,
  Finding,
  FindingHeader,
  InconsistentFacts,
  IrpTargetFacts,
  LongWaitFacts,
  NamedThread,
  OrphanedOwnerFacts,
  OrphanReason,
  QueueFlags,
  RuleId,
  RunningConflict,
  StackPointerSource,
  StaleIosbFacts,
  StaleReferenceFacts,
  ThreadFacts,
  UnservedFacts,
} from '../analysis/stale/model';
import { hex4 } from '../core/numbers';
import { terminalText } from './waitchainWords';
import type { UnservedMessage } from '../analysis/waits/waitgraph';
import { count, formatTicks, hopNoun, messageIdText } from './vocabulary';

/** What a reader sees of one finding. */
export interface FindingWords {
  /** One line: what is wrong. */
  summary: string;
  /** The facts it rests on, one per line, as a reader would check them. */
  evidence: string[];
  /** The WinDbg command to run next (e.g. "!irp 89d1a008", "!thread 89c0a3d8"). */
  next: string;
}

type FindingOf<R extends RuleId> = FindingHeader & Extract<Finding, { rule: R }>;

/** One writer per rule, keyed by rule id: a rule id without words fails to compile. */
export type FindingWriters = { readonly [R in RuleId]: (f: FindingOf<R>, a: (x: Addr) => string, pointerSize: number) => FindingWords };

const WORDS: FindingWriters = {
  'stale-iosb': staleIosbWords,
  'apc-to-nonalertable-waiter': apcWords,
  'dispatch-level-spin': spinWords,
  'long-wait': longWaitWords,
  'orphaned-owner': orphanedOwnerWords,
  'unserved-message': unservedWords,
  'inconsistent-dump': inconsistentWords,
};

export function findingWords(f: Finding, pointerSize: number): FindingWords {
  const a = (x: Addr) => formatAddr(x, pointerSize);
  const write = WORDS[f.rule] as (f: Finding, a: (x: Addr) => string, pointerSize: number) => FindingWords;
  return write(f, a, pointerSize);
}

/** "0x44" */
export function hexBytes(n: number): string {
  return `0x${n.toString(16)}`;
}

/** "System 0004.0010" */
function processAndIds(t: { processName: string; pid: number; tid: number }): string {
  return `${t.processName} ${hex4(t.pid)}.${hex4(t.tid)}`;
}

// ---- stale-iosb ----

const REFERENCE_NOUN: Record<StaleReferenceFacts['field'], string> = { UserIosb: 'IoStatusBlock', UserEvent: 'event' };

/** "IRP_MJ_WRITE to \FileSystem\Ntfs", or why no driver is named. */
export function irpTargetText(t: IrpTargetFacts, a: (x: Addr) => string): string {
  switch (t.kind) {
    case 'completed-back':
      return 'completed back by its drivers';
    case 'not-sent':
      return 'not sent to a driver';
    case 'sent':
      return `${t.majorFunction} to ${t.driverName ? t.driverName : t.deviceObject ? `device ${a(t.deviceObject)}` : 'no device'}`;
  }
}

/** "Waiting (Executive, alertable) on 89c0a3d8", or the state of a thread that does not wait. */
function stateText(t: ThreadFacts, a: (x: Addr) => string): string {
  if (t.state !== 'Waiting') return t.state;
  const on = t.waitObjects.map(a);
  return `Waiting (${t.waitReason}${t.alertable ? ', alertable' : ''})${on.length ? ` on ${on.join(', ')}` : ''}`;
}

function spSourceText(s: StackPointerSource): string {
  switch (s.kind) {
    case 'saved-kernel-stack':
      return 'saved stack pointer (KernelStack)';
    case 'kernel-stack-outside':
      return 'KernelStack outside the stack';
    case 'innermost-frame':
      return `innermost ${s.user ? 'user-mode ' : ''}frame ${s.frame}`;
    case 'no-user-frames':
      return 'no user-mode frames';
    case 'running-no-frames':
      return 'running, and no frames give its stack pointer';
  }
}

function staleIosbWords(f: StaleIosbFacts, a: (x: Addr) => string): FindingWords {
  const issuer = f.issuer;
  const evidence: string[] = [
    `IRP ${a(f.irp)} (${irpTargetText(f.irpTarget, a)}${f.pendingReturned ? ', PendingReturned' : ''}) is on the IRP list of thread ${a(issuer.address)} (${issuer.processName}), ${stateText(issuer, a)}`,
  ];
  if (f.overlayThread) evidence.push(`its Tail.Overlay.Thread reads ${a(f.overlayThread)} (overlaid by the completion APC once completion has begun, or damage)`);
  for (const r of f.references) evidence.push(...referenceEvidence(r, a));
  const first = f.references[0];
  const stack = first.kernelStack ? 'kernel stack' : 'user-mode stack';
  const what = f.references.map((r) => REFERENCE_NOUN[r.field]).filter((w, i, all) => all.indexOf(w) === i).join(' and ');
  const summary =
    first.reason === 'returned'
      ? `IRP ${a(f.irp)}'s ${what} lies in a returned frame of thread ${a(issuer.address)}'s ${stack}: its completion will write into dead stack`
      : first.reason === 'terminated'
        ? `IRP ${a(f.irp)}'s ${what} lies on the ${stack} of thread ${a(issuer.address)}, which has terminated`
        : `IRP ${a(f.irp)} of thread ${a(issuer.address)} has its ${what} on the ${stack} of another thread, ${a(first.stackOwner.address)}`;
  return { summary, evidence, next: `!irp ${a(f.irp)}` };
}

function referenceEvidence(r: StaleReferenceFacts, a: (x: Addr) => string): string[] {
  const t = r.stackOwner;
  const stack = r.kernelStack ? 'kernel stack' : 'user-mode stack (TEB bounds)';
  const owner = r.ownerIsIssuer ? 'the issuing thread' : `thread ${a(t.address)} (${t.processName}), not the issuing thread`;
  const spSource = spSourceText(r.spSource);
  const lines = [`${r.field} ${a(r.address)} lies on the ${stack} of ${owner}: [${a(r.stackLimit)}, ${a(r.stackBase)})${r.sp ? `, ${spSource} ${a(r.sp)}` : ` (${spSource})`}`];
  if (r.frameState === 'returned' && r.below !== undefined) lines.push(`${r.field} is ${hexBytes(r.below)} bytes below the ${r.userStack ? 'innermost frame' : 'saved stack pointer'}: in a frame that has returned`);
  else if (r.frameState === 'live' && r.below !== undefined && r.reason !== 'terminated') lines.push(`${r.field} is ${hexBytes(-r.below)} bytes above that thread's stack pointer, in one of its live frames`);
  if (r.reason === 'terminated') lines.push(`the issuing thread has terminated: its stack is freed or about to be`);
  if (r.reason === 'other-thread') {
    lines.push(
      r.severity === 'warning'
        ? `that thread waits on the IRP's UserEvent in a live frame: a request handed to another thread; it is safe only while that thread stays in the frame`
        : `${t.terminated ? 'that thread has terminated' : `that thread is ${stateText(t, a)}`}: nothing ties its frames to this IRP`,
    );
  }
  lines.push(
    r.field === 'UserIosb'
      ? 'completing the IRP (nt!IopCompleteRequest) writes the IO_STATUS_BLOCK there, over whatever that stack holds by then'
      : 'completing the IRP (nt!IopCompleteRequest) signals a KEVENT there: KeSetEvent on whatever that stack holds by then',
  );
  return lines;
}

// ---- apc-to-nonalertable-waiter ----

function apcMatchText(m: ApcFindingFacts['match'], a: (x: Addr) => string): string {
  switch (m.kind) {
    case 'tail-apc':
      return `the APC is IRP ${a(m.irp)}'s Tail.Apc`;
    case 'system-argument':
      return `its SystemArgument${m.argument} names IRP ${a(m.irp)}`;
    case 'tail-apc-off-list':
      return `the APC is IRP ${a(m.irp)}'s Tail.Apc (the IRP is no longer on the thread's list)`;
    case 'only-candidate':
      return `the APC does not name its IRP (not inside an IRP, SystemArgument1/2 name none); ${a(m.irp)} is the only IRP on the thread's list that the thread does not wait for`;
    case 'candidates':
      return `the APC does not name its IRP; ${m.count} IRPs on the thread's list are not waited for`;
  }
}

function apcWords(f: ApcFindingFacts, a: (x: Addr) => string): FindingWords {
  const t = f.waiter;
  const evidence: string[] = [
    `thread ${a(t.address)} (${t.processName}) waits non-alertably (${t.waitReason}, ${t.waitMode}) on ${t.waitObjects.map(a).join(', ') || 'no dispatcher object'}${f.kernelApcPending ? '; KernelApcPending set' : ''}`,
  ];
  for (const apc of f.apcs) {
    const routine = apc.kernelRoutine ? apc.routineName || a(apc.kernelRoutine) : '?';
    const args = [apc.systemArgument1, apc.systemArgument2].map((x) => (x ? a(x) : '0')).join(', ');
    evidence.push(`kernel APC ${a(apc.address)}: KernelRoutine ${routine} (I/O completion), ${apc.special ? 'special (no NormalRoutine)' : 'normal'}, SystemArgument1/2 ${args}${apc.inserted ? ', inserted' : ''}`);
  }
  evidence.push(apcMatchText(f.match, a));
  for (const irp of f.irpsShown) {
    const where = (spot: ApcFindingFacts['irpsShown'][number]['userIosb']) =>
      !spot ? 'none' : spot.belowStackPointer !== undefined ? `${a(spot.address)} (${hexBytes(spot.belowStackPointer)} bytes below this thread's stack pointer)` : a(spot.address);
    evidence.push(
      `IRP ${a(irp.address)} (${irpTargetText(irp.target, a)}): UserIosb ${where(irp.userIosb)}, UserEvent ${where(irp.userEvent)}; the thread waits neither on its event nor on its file object's event, nor in the frame holding them`,
    );
  }
  if (f.irpCount > f.irpsShown.length) evidence.push(`and ${f.irpCount - f.irpsShown.length} more IRPs`);
  evidence.push(deliveryLine(f));
  if (f.corrupting.length) evidence.push(`stale-iosb: ${f.corrupting.map(a).join(', ')} will write into a stack location nothing owns any more: delivering this APC corrupts memory`);
  const summary =
    f.irpCount === 1
      ? `I/O completion APC queued to thread ${a(t.address)} in a non-alertable wait, for IRP ${a(f.irpsShown[0].address)}, which it is not waiting for`
      : `I/O completion APC queued to thread ${a(t.address)} in a non-alertable wait, for one of ${f.irpCount} IRPs it is not waiting for`;
  return { summary, evidence, next: `!apc thre ${a(t.address)}` };
}

function deliveryLine(f: ApcFindingFacts): string {
  const counts = `WaitIrql ${f.waitIrql === undefined ? '?' : f.waitIrql}, KernelApcDisable ${f.kernelApcDisable === undefined ? '?' : f.kernelApcDisable}, SpecialApcDisable ${f.specialApcDisable === undefined ? 'n/a' : f.specialApcDisable}`;
  if (f.deliverable === true) return `${counts}: the kernel delivers a special APC into this wait although it is non-alertable: IopCompleteRequest runs on this thread's stack while it waits for something else`;
  if (f.deliverable === false) return `${counts}: delivery is blocked until the thread leaves this wait; the completion stays queued and the IRP on the list`;
  return `${counts}: whether the kernel delivers it now is unknown`;
}

// ---- dispatch-level-spin ----

/** DISPATCH_LEVEL (wdm.h). */
const DISPATCH_LEVEL = 2;

const QUEUE_FLAG_NAMES: Record<Exclude<QueueFlags['kind'], 'other'>, string> = { wait: 'LOCK_QUEUE_WAIT', owner: 'LOCK_QUEUE_OWNER' };

function flagText(f: QueueFlags): string {
  return f.kind === 'other' ? `flags ${f.flags}` : QUEUE_FLAG_NAMES[f.kind];
}

function spinWords(f: DispatchSpinFacts, a: (x: Addr) => string): FindingWords {
  const irql = f.irql;
  const where =
    f.processor !== undefined ? `processor ${f.processor}${irql !== undefined ? ` at IRQL ${irql}${irql === DISPATCH_LEVEL ? ' (DISPATCH_LEVEL)' : ''}` : ''}` : 'a processor the dump does not name';
  const evidence: string[] = [`running on ${where}${f.spinFrame ? ` in ${f.spinFrame}` : ''}`];
  if (f.ticks !== undefined) {
    const inc = f.increment;
    evidence.push(`Ticks since its last wait: ${f.ticks} (${formatTicks(f.ticks, inc)}); KernelTime ${f.kernelTime} ticks (${formatTicks(f.kernelTime, inc)})${f.long ? ': it has run in kernel mode ever since' : ''}`);
  }
  const q = f.queued;
  if (q) {
    const source = q.source.kind === 'argument' ? `an argument of ${q.source.frame}` : `on its own stack [${a(q.source.limit)}, ${a(q.source.base)})`;
    evidence.push(`its queue entry ${a(q.entry)} (${source}) has Lock = ${a(q.lockValue)}: ${flagText(q.flags)} set, spinning until its predecessor hands the lock over`);
    evidence.push(`lock word ${a(q.lock)} = ${a(q.tail)}: the tail of the queue is ${q.tail === q.entry ? 'this entry' : `${a(q.tail)}, ${count(q.behind, 'entry')} behind it`}`);
    const r = q.release;
    if (r.kind === 'self') {
      evidence.push(
        `its predecessor ${a(r.predecessor)} (Lock ${a(r.predecessorLock)}: ${flagText(r.predecessorFlags)}${r.predecessorFlags.kind === 'owner' ? ', the holder' : ''}) is on the same thread's stack: the thread already holds this lock (recursive acquisition); only it could release it, and it is spinning`,
      );
    } else if (r.kind === 'other-running') {
      evidence.push(
        `its predecessor ${a(r.predecessor)} (${flagText(r.predecessorFlags)}) is on the stack of thread ${a(r.holder)}, running on processor ${r.processor}` +
          (r.holderSpinFrame ? `, which itself spins in ${r.holderSpinFrame}: a spin-lock deadlock if it waits for a lock this thread holds` : ': it can release the lock once it gets there'),
      );
    } else {
      evidence.push(`its predecessor is on no stack the dump shows running (a numbered queued lock in a KPRCB, or a holder that no longer runs)`);
    }
  } else if (f.plain) {
    const p = f.plain;
    if (p.kind === 'queued-entry-not-found') evidence.push(`no queue entry with LOCK_QUEUE_WAIT that the lock word confirms was found in the frame's arguments or on the thread's stack`);
    else if (p.kind === 'plain-held') evidence.push(`spin lock ${a(p.lock)} (the frame's first argument as kv shows it) holds 0x${p.word}: taken; a plain spin lock records no owner`);
    else evidence.push(`a plain spin lock: the frame's arguments do not name a held lock, and the lock word records no owner`);
  }
  if (f.others) {
    const others = f.others;
    if (!others.length) evidence.push(`this is the only processor: nothing else runs to release the lock`);
    else if (f.othersIdle) evidence.push(`every other processor (${others.map((p) => p.number).join(', ')}) is idle: nothing else runs that could release it`);
    else evidence.push(`other processors: ${others.map((p) => `${p.number} ${p.idle ? 'idle' : p.currentThread ? `runs ${a(p.currentThread)}` : 'runs nothing known'}`).join(', ')}`);
  }
  const since = f.ticks !== undefined ? ` for ${formatTicks(f.ticks, f.increment)} since its last wait` : ' long since its last wait';
  const release = q ? q.release : undefined;
  const why =
    release && release.kind === 'self'
      ? ', which it already holds itself (recursive acquisition): nothing can release it'
      : f.othersIdle
        ? ' while every other processor is idle: nothing can release it'
        : release && release.kind === 'other-running'
          ? `${since}, behind thread ${a(release.holder)} on processor ${release.processor}`
          : since;
  const lock = f.lock;
  const what = q ? `queued spin lock ${a(q.lock)}` : lock ? `spin lock ${a(lock)}` : 'a spin lock';
  const summary = f.spinFrame || q ? `thread ${a(f.spinner)} spins for ${what}${why}` : `thread ${a(f.spinner)} runs at IRQL ${irql}${why}`;
  return { summary, evidence, next: spinNext(f.next, a) };
}

function spinNext(n: DispatchSpinFacts['next'], a: (x: Addr) => string): string {
  switch (n.kind) {
    case 'queue-entry':
      return `dt nt!_KSPIN_LOCK_QUEUE ${a(n.entry)}`;
    case 'lock-word':
      return `dp ${a(n.lock)} L1`;
    case 'qlocks':
      return '!qlocks';
    case 'running':
      return '!running -t';
    case 'thread':
      return `!thread ${a(n.thread)}`;
  }
}

// ---- long-wait ----

function longWaitWords(f: LongWaitFacts, a: (x: Addr) => string, pointerSize: number): FindingWords {
  const t = f.waiter;
  const age = formatTicks(f.ticks, f.increment);
  const g = f.group;
  const group = g.kind === 'module' ? g.module : g.kind === 'unknown-code' ? 'unknown code' : `${g.waitReason}, no stack`;
  const where = g.kind === 'no-stack' ? `in a wait (${g.waitReason}), ${f.stackNotResident ? 'kernel stack not resident' : 'stack not available'}` : `in ${group}`;
  const members = f.members.map((g) => `${a(g.address)} (${g.processName}, ${formatTicks(g.ticks, f.increment)})`);
  if (f.moreMembers > 0) members.push(`and ${f.moreMembers} more`);
  const how = [t.waitReason, t.waitMode, t.alertable ? 'alertable' : 'not alertable'];
  if (f.timedWait) how.push('with a timeout');
  if (t.terminated) how.push('thread terminating');
  return {
    summary: `${processAndIds(t)} has waited ${age} ${where} (group ${group}: ${count(f.groupSize, 'long wait')})`,
    evidence: [
      `Ticks: ${f.ticks} (${age}), over the ${f.thresholdSeconds} s threshold (Wait Start ${f.waitStart}, current tick ${f.currentTick})`,
      `Wait: ${how.join(', ')}`,
      `Waits on: ${terminalText(f.waitsOn, pointerSize)}`,
      `Blocking frame: ${f.frame || (f.stackNotResident ? 'none, kernel stack not resident' : 'none, stack not available')}`,
      f.groupSize > 1 ? `Also in group ${group}: ${members.join(', ')}` : `The only long wait in group ${group}`,
    ],
    next: `!thread ${a(t.address)}`,
  };
}

// ---- orphaned-owner ----

function orphanText(r: OrphanReason, a: (x: Addr) => string): string {
  switch (r.kind) {
    case 'terminated':
      return `thread ${a(r.thread.address)} (${processAndIds(r.thread)}), which has terminated`;
    case 'terminating':
      return `thread ${a(r.thread.address)} (${processAndIds(r.thread)}), which is terminating (Terminated flag set, state ${r.thread.state})`;
    case 'process-exiting':
      return `thread ${a(r.thread.address)} (${processAndIds(r.thread)}), whose process is exiting`;
    case 'not-a-thread':
      return `${a(r.recorded)}, which is not a thread of any listed process`;
    case 'tid-not-in-process':
      return `tid ${hex4(r.tid)}, which is not a thread of ${r.processName !== undefined ? r.processName : 'its process'} (exited?)`;
  }
}

function lockName(l: OrphanedOwnerFacts['lock'], a: (x: Addr) => string): string {
  const at = a(l.address);
  switch (l.kind) {
    case 'resource':
    case 'fast-mutex':
    case 'guarded-mutex':
      return `${hopNoun(l.kind)} ${at}`;
    case 'critical-section':
      return `${hopNoun(l.kind)} ${at}${l.symbol ? ` (${l.symbol})` : ''}${l.process ? ` in ${l.process.name}` : ''}`;
    default:
      return `${l.kind} ${at}`;
  }
}

/** What the lock itself says: a resource's mode and counters, a mutant's abandonment. */
function lockState(l: OrphanedOwnerFacts['lock']): string {
  if (l.resource) {
    const r = l.resource;
    return `, ${r.exclusive ? 'exclusive' : 'shared'}, ActiveCount ${r.activeCount}, ${r.exclusiveWaiters} exclusive and ${r.sharedWaiters} shared waiters`;
  }
  return l.kind === 'mutant' && l.abandoned ? ', abandoned' : '';
}

function orphanedOwnerWords(f: OrphanedOwnerFacts, a: (x: Addr) => string): FindingWords {
  const l = f.lock;
  const name = lockName(l, a);
  const waiting = Math.max(f.waiterCount, f.carried);
  const evidence = [`Lock: ${name}${lockState(l)}`];
  for (const o of f.orphans) {
    evidence.push(`Owner: ${orphanText(o.reason, a)}`);
    const p = o.exitingProcess;
    if (p) evidence.push(`${p.name}: exiting, ${count(p.threadsLeft, 'thread')} left${p.activeThreads !== undefined ? ` (ActiveThreads ${p.activeThreads})` : ''}`);
    if (o.reason.kind === 'not-a-thread' && o.recordedHolds) {
      const at = a(o.reason.recorded);
      const h = o.recordedHolds;
      if (h.kind === 'thread') evidence.push(`${at} still holds a thread object, on no process's thread list (terminated, not yet freed?)`);
      else if (h.kind === 'other') evidence.push(`${at} holds a ${h.typeName} now, no thread (freed and reused)`);
      else evidence.push(`${at} is unreadable or holds no dispatcher object (freed?)`);
    }
  }
  if (f.otherOwnersAlive > 0) evidence.push(`${count(f.otherOwnersAlive, 'other owner')} alive (shared owners can release only their own share)`);
  if (f.waiterCount) {
    const shown = f.waitersShown.map((w) => (w.processName !== undefined ? `${a(w.address)} (${w.processName})` : a(w.address)));
    if (f.waiterCount > f.waitersShown.length) shown.push(`and ${f.waiterCount - f.waitersShown.length} more`);
    evidence.push(`Waiting on it: ${shown.join(', ')}${f.carried > f.waiterCount ? `; the lock counts ${f.carried} waiters` : ''}`);
  } else if (f.carried) evidence.push(`The lock counts ${count(f.carried, 'waiter')}, none of them a thread of this dump`);
  else evidence.push('No thread waits on it yet: the next one to acquire it will hang');
  const short = f.shortThreadLists;
  if (short) {
    const named = short.shown.map((p) => `${p.name} lists ${p.listed} of its ${p.active} threads`);
    evidence.push(`Caution: ${named.join('; ')}${short.more ? ` (and ${short.more} more processes)` : ''}: the owner may be among the threads not listed`);
  }
  return {
    summary: `${name} is owned by ${orphanText(f.orphans[0].reason, a)}${waiting ? `; ${count(waiting, 'waiter')} stuck` : ', no waiters yet'}`,
    evidence,
    next: orphanedNext(l, a),
  };
}

function orphanedNext(l: OrphanedOwnerFacts['lock'], a: (x: Addr) => string): string {
  const at = a(l.address);
  switch (l.kind) {
    case 'resource':
      return `!locks ${at}`;
    case 'critical-section':
      return l.process ? `.process /r /p ${a(l.process.address)}; !cs ${at}` : `!cs ${at}`;
    case 'fast-mutex':
      return `dt nt!_FAST_MUTEX ${at}`;
    case 'guarded-mutex':
      return `dt nt!${l.guardedMutexType} ${at}`;
    default:
      return `dt nt!_KMUTANT ${at}`;
  }
}

// ---- unserved-message ----


/** The queue depths as the port records them (ALPC) or as counted on it (LPC). */
function queueText(m: UnservedMessage): string {
  if (m.kind === 'alpc') {
    const parts = [`${m.queued === undefined ? '?' : m.queued} message${m.queued === 1 ? '' : 's'} queued (MainQueueLength)`];
    if (m.pending !== undefined) parts.push(`${m.pending} received and not answered (PendingQueueLength)`);
    if (m.waitingServers !== undefined) parts.push(`${count(m.waitingServers, 'server thread')} waiting to receive (WaitQueueLength)`);
    return parts.join(', ');
  }
  if (m.queued === undefined) return 'message queue unreadable';
  const n = `${m.queueCut ? 'at least ' : ''}${count(m.queued, 'message')} queued (MsgQueue.ReceiveHead)`;
  if (m.stillQueued === true) return `${n}, this one still among them`;
  if (m.stillQueued === false) return `${n}; this one was taken off the queue but no thread claims it`;
  return n;
}

function unservedWords(f: UnservedFacts, a: (x: Addr) => string): FindingWords {
  const m = f.message;
  const client = f.client;
  const s = f.server;
  const server = s.kind === 'listed' ? s : undefined;
  const serverName = s.kind === 'listed' ? s.name : s.kind === 'unlisted' ? `process ${a(s.address)} (not in the process list)` : 'an unknown server';
  const what = m.kind === 'alpc' ? `ALPC message ${a(m.message)} (id ${messageIdText(m.id)})` : `LPC message ${m.message}`;
  const dead = server && server.dead ? (server.dead === 'exiting' ? `${server.name} is exiting, ${count(server.threadsLeft, 'thread')} left` : `${server.name} has no threads left`) : undefined;
  const queued = m.queued === undefined ? '' : `, ${m.queueCut ? 'at least ' : ''}${m.queued} queued`;
  const port = m.port ? ` on ${server ? `${server.name}'s ` : ''}port ${a(m.port)}${queued}` : ' (server port unknown)';
  const waited = f.waitTicks !== undefined ? `for ${formatTicks(f.waitTicks, f.increment)}` : f.waitStartAfterNow ? '(Wait Start after the current tick)' : '';
  const evidence = [
    `Client: ${a(client.address)} ${processAndIds(client)}, ${client.waitReason} ${waited}`.trim(),
    `Message: ${what}, ${m.lostServer ? `served by thread ${a(m.lostServer)}, which is not a thread of any listed process` : 'no server thread working on it'}`,
  ];
  if (m.port) evidence.push(`Port ${a(m.port)} of ${serverName}: ${queueText(m)}`);
  else evidence.push(`Port: unknown (the client is on no port's reply chain)`);
  if (f.portClients > 1) evidence.push(`${f.portClients} clients of this dump wait for replies on this port`);
  evidence.push(`Server: ${dead || (server ? `${server.name}, ${count(server.threadsLeft, 'thread')}, none working on this message` : serverName)}`);
  return {
    summary: `${client.processName} waits for a reply to ${what}${port}: ${m.lostServer ? `its server thread ${a(m.lostServer)} is in no thread list` : 'no server thread works on it'}${dead ? ` (${dead})` : ''}`,
    evidence,
    next: m.kind === 'alpc' ? `!alpc /m ${a(m.message)}` : `!lpc message ${m.message}`,
  };
}

// ---- inconsistent-dump ----

/** "8b56cb10 (System 0004.0010, Running)". */
function namedThread(t: NamedThread, a: (x: Addr) => string): string {
  return t.listed ? `${a(t.address)} (${processAndIds(t.listed)}, ${t.listed.state})` : `${a(t.address)} (not a listed thread)`;
}

function conflictText(c: RunningConflict, a: (x: Addr) => string): string {
  const names = (ts: NamedThread[]) => ts.map((t) => namedThread(t, a)).join(', ');
  const claims = (n: number) => (n === 1 ? 'claims' : 'claim');
  switch (c.kind) {
    case 'processor-runs-other': {
      const runs = !c.current ? 'no thread' : c.idle ? `its idle thread ${a(c.current.address)}` : `thread ${namedThread(c.current, a)}`;
      return `processor ${c.processor} runs ${runs}, yet ${names(c.rivals)} ${claims(c.rivals.length)} to be Running on it`;
    }
    case 'processor-missing':
      return `${names(c.claimants)} ${claims(c.claimants.length)} to be Running on processor ${c.processor}, which this dump does not have`;
    case 'processor-shared':
      return `${names(c.claimants)} all claim to be Running on processor ${c.processor}`;
    case 'current-of-several':
      return `${namedThread(c.thread, a)} is the current thread of processors ${c.processors.join(' and ')} at once`;
    case 'running-nowhere':
      return `${namedThread(c.thread, a)} is Running, but no processor runs it`;
    case 'current-not-running':
      return `processor ${c.processor}'s current thread ${namedThread(c.thread, a)} is in state ${c.state}, not Running`;
  }
}

function inconsistentWords(f: InconsistentFacts, a: (x: Addr) => string): FindingWords {
  switch (f.kind) {
    case 'running-conflicts':
      return {
        summary: `threads and processors disagree about who is running (${count(f.conflicts.length, 'conflict')}): a live dump, or a crash during a context switch; distrust "running" states`,
        evidence: f.conflicts.map((c) => conflictText(c, a)),
        next: '!running -t',
      };
    case 'waits-after-now': {
      const lines = f.late.map((l) => `${namedThread(l.thread, a)}: Wait Start ${l.waitStart}, ${count(l.ahead, 'tick')} after the current tick ${f.currentTick}`);
      if (f.count > f.late.length) lines.push(`and ${f.count - f.late.length} more`);
      const n = f.count;
      return {
        summary: `${count(n, 'thread')} ${n === 1 ? 'has' : 'have'} a Wait Start after the current tick (up to +${f.late[0].ahead} ticks): a live dump read while the system ran; their waiting times are unknown`,
        evidence: lines,
        next: `!thread ${a(f.late[0].thread.address)}`,
      };
    }
    case 'unlisted-current-threads': {
      const holds = (h: (typeof f.processors)[number]['holds']) => (h.kind === 'unreadable' ? 'unreadable' : h.kind === 'thread' ? 'a thread object' : `not a thread object: ${h.typeName}`);
      const n = f.processors.length;
      return {
        summary: `${n} processor${n === 1 ? ' runs a thread' : 's run threads'} that no listed process has: the process list is incomplete or changed while the dump was taken`,
        evidence: f.processors.map((p) => `processor ${p.number} (KPRCB ${a(p.prcb)}) runs ${a(p.thread)} (${holds(p.holds)}), which is on no listed process's thread list`),
        next: n === 1 ? `!thread ${a(f.processors[0].thread)}` : '!running -t',
      };
    }
  }
}
