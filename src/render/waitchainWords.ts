// The words of !waitchain's facts: hops, dead ends, chain ends (terminals), the verdict and scope
// errors, as every output prints them (text, DOT, JSON, the dx model, HTML). The analysis returns
// typed facts (analysis/waits/waitgraph.ts, terminals.ts, waitchain.ts); each sentence is made here.
import { hex4 } from '../core/numbers';
import type { Addr } from '../core/addr';
import type { FrameWhere, GuiWait, HopGroup, OutermostCall, PendingIo, RunningFacts, Terminal, WaitEnd } from '../analysis/waits/terminals';
import type { ScopeError, UnservedWait, WaitChainReport } from '../analysis/waits/waitchain';
import type { DeadEndReason, Hop, OwnerTableDamage, LockCountDamage, LockedSections, NamedAddress, ProcessGone, SectionEvidence, SectionRef } from '../analysis/waits/waitgraph';
import { addrText, count, formatTicks, hopNoun, lockStateText, messageIdText, threadLabel, waitedNoun } from './vocabulary';

type At = (a: Addr) => string;

const atOf = (pointerSize: number): At => (a) => addrText(a, pointerSize);

// ---- hops ----

/** The object a hop goes through: "mutant 85e9ba00", "LPC message 007ade85" (an LPC hop goes through a message id, not an address). */
export function hopObjectText(h: Hop, pointerSize: number): string {
  return `${hopNoun(h.kind)} ${h.kind === 'lpc' ? h.messageId : addrText(h.object, pointerSize)}`;
}

/** What the evidence says about a hop: "owner", "ProcessC.EXE, 1 thread left", "shared owner, itself". */
export function hopDetail(h: Hop, pointerSize: number): string {
  const at = atOf(pointerSize);
  switch (h.kind) {
    case 'mutant':
      return `owner${h.abandoned ? ', abandoned' : ''}`;
    case 'process':
      return `${h.processName}${h.exiting ? ', exiting' : ''}, ${count(h.threadsLeft, 'thread')} left`;
    case 'thread':
      return 'until it exits';
    case 'fast-mutex':
    case 'guarded-mutex':
      return `${h.recursive ? 'owner, itself (recursive acquire)' : 'owner'}${countSaysFree(h.countSaysFree)}`;
    case 'resource': {
      const pointer = h.ownerPointer ? ` (owner pointer ${at(h.ownerPointer)}, not a thread; actual thread ${at(h.to)})` : '';
      return `${h.mode} owner${pointer}${h.itself ? ', itself' : ''}${resourceFrom(h.resourceFrom)}`;
    }
    case 'critical-section':
      return `${h.symbol ? `${h.symbol}, ` : ''}owner tid ${hex4(h.ownerTid)}${damagedText(h.damaged)}${sectionEvidence(h.evidence)}`;
    case 'lpc':
      return `served by ${h.serverProcess}`;
    case 'alpc':
      return `id ${messageIdText(h.messageId)}, served by ${h.serverProcess}`;
    case 'push-lock':
      return `${lockStateText(h.state)}, AutoBoost lock entry${h.lockFrom ? `; lock from ${h.lockFrom}` : ''}`;
  }
}

function countSaysFree(count: number | undefined): string {
  return count !== undefined ? `, Count ${count} says free` : '';
}

function resourceFrom(frame: string | undefined): string {
  return frame ? `, resource from ${frame.replace(/\+.*$/, '')}` : '';
}

function damagedText(d: LockCountDamage | undefined): string {
  return d ? ` (LockCount ${d.lockCount} is not a valid ${d.encoding} value: damaged?)` : '';
}

function sectionEvidence(e: SectionEvidence | undefined): string {
  if (!e) return '';
  switch (e.by) {
    case 'wait-address':
      return ', section from the wait address';
    case 'frame':
      return `, section from ${e.frame.replace(/\+.*$/, '')}`;
    case 'elimination':
      return `, the only locked section of ${e.processName} with waiters (no wait address or frame argument names it)`;
  }
}

// ---- dead ends ----

/** How a wait that leads to no thread ends, in one phrase. */
export function deadEndText(d: DeadEndReason, pointerSize: number): string {
  const at = atOf(pointerSize);
  const named = (n: NamedAddress) => `${at(n.address)}${n.symbol ? ` ${n.symbol}` : ''}`;
  const shown = (n: NamedAddress | undefined) => (n ? named(n) : 'at an address no wait block or frame records');
  const section = (cs: SectionRef) => `${at(cs.address)}${cs.symbol ? ` (${cs.symbol})` : ''}`;
  const wants = (mode: string | undefined) => (mode ? ` (${mode} waiter)` : '');
  const notAThread = 'which is not a thread of any listed process';
  switch (d.reason) {
    case 'mutant-no-owner':
      return `mutant ${at(d.lock)} has no owner${d.abandoned ? ', abandoned' : ''}`;
    case 'owner-not-a-thread':
      switch (d.kind) {
        case 'mutant':
          return `mutant ${at(d.lock)} owned by ${at(d.owner)}, ${notAThread}${d.abandoned ? ', abandoned' : ''}`;
        case 'fast-mutex':
        case 'guarded-mutex':
          return `${hopNoun(d.kind)} ${at(d.lock)} (waiters: ${waitersText(d.waiters)}) owned by ${at(d.owner)}, ${notAThread}`;
        case 'resource':
          return `ERESOURCE ${at(d.lock)}${wants(d.wanted)} ${d.mode} owner ${at(d.owner)}, ${notAThread}`;
        case 'alpc':
          return `ALPC message ${at(d.lock)} (id ${messageIdText(d.messageId)}) served by thread ${at(d.owner)}, ${notAThread}`;
      }
      break;
    case 'process-not-listed':
      return `process ${at(d.process)}, not in the process list`;
    case 'process-no-threads-left':
      return `process ${at(d.process)} (${d.name}${d.exiting ? ', exiting' : ''}) with no threads left`;
    case 'thread-not-listed':
      return `thread ${at(d.thread)}, not in any process's thread list`;
    case 'mutex-unreadable':
      return `${hopNoun(d.kind)} around ${d.objectKind} ${at(d.object)} is unreadable`;
    case 'mutex-owner-not-recorded':
      return `${hopNoun(d.kind)} ${at(d.lock)} (waiters: ${waitersText(d.waiters)}), owner not recorded${countSaysFree(d.countSaysFree)}`;
    case 'resource-owner-pointer':
      return `ERESOURCE ${at(d.lock)}${wants(d.wanted)}: owner pointer ${at(d.value)}, not a thread`;
    case 'resource-no-owner':
      return `ERESOURCE ${at(d.lock)}${wants(d.wanted)}, no owner${resourceFrom(d.resourceFrom)}`;
    case 'resource-damaged':
      return `ERESOURCE ${at(d.lock)}: ${ownerTableDamageText(d.damage, pointerSize)}, owners may be missing`;
    case 'resource-wait-unmatched':
      return `waits for an executive resource (WrResource) on ${d.objectKind} ${at(d.object)}, which is no waiter object of a resource on nt!ExpSystemResourcesList${d.stackAvailable ? '' : ' (stack not available)'}`;
    case 'push-lock-unnamed':
      return 'waits on a push lock (WrPushLock); no lock entry or frame argument names it';
    case 'push-lock-owner-not-recorded': {
      const why = d.why === 'no-lock-entries' ? " (this build's threads keep no AutoBoost lock entries)" : ": no thread's AutoBoost lock entries hold it";
      return `push lock ${named(d.lock)} (${lockStateText(d.state)}), owner not recorded${why}`;
    }
    case 'alert-by-thread-id':
      return `waits to be woken by thread id (WrAlertByThreadId), ${d.address ? `address ${named(d.address)}` : 'no address recorded'}${d.stackAvailable ? '' : ', stack not available'}`;
    case 'srw-lock-ownerless':
      return `waits on SRW lock ${shown(d.lock)} (${lockStateText(d.state)}, ${count(d.waiters, 'waiter')}), owner not recorded`;
    case 'condition-variable': {
      const lock = d.sleptOn ? `, slept on with ${hopNoun(d.lockKind)} ${named(d.sleptOn)}` : `, slept on with a ${hopNoun(d.lockKind)}`;
      return `sleeps on condition variable ${shown(d.variable)}${lock}; woken by whoever signals it`;
    }
    case 'wait-on-address':
      return `waits on address ${shown(d.address)} (WaitOnAddress); woken by whoever changes it and calls WakeByAddress`;
    case 'lpc-no-message-id':
      return 'waiting for an LPC reply with no message id (LpcReplyMessageId is 0: reply being delivered, or damaged)';
    case 'lpc-unserved': {
      const p = d.port;
      if (!p) return `LPC message ${d.messageId}: no thread is serving it (server port unknown: the client is on no port's reply chain)`;
      const to = p.serverName ? p.serverName : p.serverProcess ? `process ${at(p.serverProcess)} (not in the process list)` : 'an unknown server process';
      const parts = [`LPC message ${d.messageId} to ${to} (port ${at(p.port)}): no thread is serving it`];
      if (p.queue) {
        const n = `${p.queue.cut ? 'at least ' : ''}${count(p.queue.count, 'message')} queued on the port`;
        if (p.queue.stillQueued) parts.push(`still queued (${n})`);
        else if (!p.queue.cut) parts.push(`taken off the queue but no thread claims it (${n})`);
        else parts.push(n);
      }
      if (p.serverGone) parts.push(goneText(p.serverGone));
      return parts.join('; ');
    }
    case 'alpc-receiving':
      return 'waiting to receive ALPC messages (an idle server thread)';
    case 'alpc-no-message':
      return 'waiting for an ALPC reply with no message recorded (AlpcMessage is null)';
    case 'alpc-bad-pointer':
      return `waiting for an ALPC reply; AlpcMessage ${at(d.message)} is not a valid pointer`;
    case 'alpc-no-message-type':
      return `waiting for a reply to ALPC message ${at(d.message)} (no _KALPC_MESSAGE in the symbols)`;
    case 'alpc-unreadable':
      return `waiting for a reply to ALPC message ${at(d.message)}, which is unreadable`;
    case 'alpc-recycled': {
      const names: string[] = [];
      if (d.otherWaiter) names.push(`waiter ${at(d.otherWaiter)}`);
      if (d.otherId) names.push(`id ${messageIdText(d.otherId.id)} (this thread waits for id ${messageIdText(d.otherId.own)})`);
      return `waiting for a reply to ALPC message ${at(d.message)}, which now names ${names.join(' and ')}: recycled or damaged`;
    }
    case 'alpc-unserved': {
      const message = `ALPC message ${at(d.message)} (id ${messageIdText(d.messageId)})`;
      if (!d.port) return `${message} is on no port's queue and no thread is working on it`;
      const f = d.portFacts;
      if (!f) return `${message} queued on port ${at(d.port)} (unreadable), no thread working on it`;
      const owner = f.ownerName ? f.ownerName : f.ownerProcess ? `process ${at(f.ownerProcess)}` : 'an unknown process';
      const parts = [`${count(f.queued, 'message')} queued on ${owner}'s port ${at(d.port)}, no thread working on them`];
      if (f.pending) parts.push(`${f.pending} more received and not yet answered`);
      if (f.waitingServers) parts.push(`${count(f.waitingServers, 'server thread')} waiting to receive`);
      if (f.ownerGone) parts.push(goneText(f.ownerGone));
      parts.push(`waiting for ${message}`);
      return parts.join('; ');
    }
    case 'cs-no-user-memory':
      return 'critical section wait, user memory not in this dump';
    case 'cs-unreadable':
      return `critical section ${at(d.address)} (argument of ${d.frame}) is unreadable`;
    case 'cs-unnamed':
      return `critical section wait (${d.frame}), no frame argument names the section${lockedNote(d.locked, at)}`;
    case 'cs-free':
      return `critical section ${section(d.section)} is free${damagedText(d.damaged)}`;
    case 'cs-no-owner':
      return `critical section ${section(d.section)} is locked but records no owning thread${damagedText(d.damaged)}`;
    case 'cs-owner-not-in-process':
      return `critical section ${section(d.section)} owned by tid ${hex4(d.ownerTid)}, which is not a thread of ${d.processName} (exited?)`;
    case 'cs-owned-by-waiter':
      return `critical section ${section(d.section)} is owned by the waiting thread itself${damagedText(d.damaged)}`;
  }
  return '';
}

function waitersText(n: number | undefined): string {
  return n === undefined ? '?' : String(n);
}

/** "ServiceA.exe is exiting (2 threads left)", "ServiceA.exe has no threads left". */
function goneText(p: ProcessGone): string {
  return p.exiting ? `${p.name} is exiting (${count(p.threadsLeft, 'thread')} left)` : `${p.name} has no threads left`;
}

/** `!cs -l -o -s` in a few words: "; locked with waiters in app.exe: 0012f000 (owner tid 0abc = 87001000, 2 waiters)". */
function lockedNote(note: LockedSections | undefined, at: At): string {
  if (!note) return '';
  if (note.none) return `; no locked section on ${note.processName}'s critical-section list`;
  const shown = note.sections.map((l) => {
    const owner = l.ownerTid === 0 ? 'no owner' : `owner tid ${hex4(l.ownerTid)}${l.owner ? ` = ${at(l.owner)}` : ', not a thread of the process'}`;
    return `${at(l.section.address)}${l.section.symbol ? ` (${l.section.symbol})` : ''} (${owner}, ${count(l.waiters, 'waiter')})`;
  });
  const more = note.total > shown.length ? ` and ${note.total - shown.length} more` : '';
  return `; ${note.withWaiters ? 'locked with waiters' : 'locked'} in ${note.processName}: ${shown.join(', ')}${more}`;
}

// ---- chain ends ----

/** What a thread is doing where its chain ends: "running on processor 1", "waiting on ... no known owner, blocked in ...". */
export function terminalText(t: Terminal, pointerSize: number): string {
  const at = atOf(pointerSize);
  switch (t.state) {
    case 'running':
      return runningText(t.running, at);
    case 'ready':
      return readyText(t);
    case 'standby':
      return `standby on processor ${t.processor} (priority ${t.priority}), chosen to run next`;
    case 'transition':
      return `ready (priority ${t.priority}), kernel stack paged out (Transition)`;
    case 'terminated':
      return 'terminated';
    case 'waiting': {
      const io = t.io ? ioText(t.io, at) : undefined;
      const wait = waitText(t.wait, pointerSize);
      const parts = [io && t.io!.remote ? io : undefined, wait, io && !t.io!.remote ? io : undefined].filter((p) => p);
      return (t.terminating ? 'terminating, ' : '') + parts.join('; ');
    }
    case 'other':
      return t.name.toLowerCase();
  }
}

function runningText(r: RunningFacts, at: At): string {
  const rivals = (processor: number, list: Addr[]) =>
    list.length ? `; ${list.map(at).join(', ')} also claim${list.length === 1 ? 's' : ''} to be running on processor ${processor} (inconsistent dump)` : '';
  switch (r.kind) {
    case 'processors-unknown':
      return r.claimed === undefined ? 'running' : `running on processor ${r.claimed}`;
    case 'several-processors':
      return `current thread of processors ${r.processors.join(' and ')} at once (inconsistent dump)`;
    case 'idle-thread':
      return `idle thread of processor ${r.processor}${rivals(r.processor, r.rivals)}`;
    case 'on-processor':
      return `running on processor ${r.processor}${r.irql !== undefined ? ` at IRQL ${r.irql}` : ''}${rivals(r.processor, r.rivals)}`;
    case 'no-processor-claimed':
      return 'claims to be running, but no processor runs it (inconsistent dump)';
    case 'processor-unreadable':
      return `running on processor ${r.processor} (its processor block is unreadable)`;
    case 'no-such-processor':
      return `claims to be running on processor ${r.processor}, which this dump does not have (inconsistent dump)`;
    case 'processor-runs-another': {
      const runs = r.runs.kind === 'none' ? 'no thread' : r.runs.kind === 'idle' ? `its idle thread ${at(r.runs.thread)}` : `thread ${at(r.runs.thread)}`;
      return `claims to be running on processor ${r.processor}, but processor ${r.processor} runs ${runs} (inconsistent dump)`;
    }
  }
}

function readyText(t: Extract<Terminal, { state: 'ready' }>): string {
  const text = `ready (priority ${t.priority})`;
  const p = t.processors;
  switch (p.kind) {
    case 'unknown':
      return text;
    case 'idle':
      return `${text}, while processor${p.processors.length === 1 ? '' : 's'} ${p.processors.join(', ')} ${p.processors.length === 1 ? 'is' : 'are'} idle`;
    case 'all-busy':
      return p.count > 1 ? `${text}, all ${p.count} processors busy` : `${text}, the only processor busy`;
  }
}

function waitText(w: WaitEnd, pointerSize: number): string {
  const at = atOf(pointerSize);
  if (w.kind === 'sleeping') return `sleeping (KeDelayExecutionThread)${frameWhere(w.where, ' in ')}`;
  const parts = w.deadEnds.map((d) => deadEndText(d, pointerSize));
  switch (w.kind) {
    case 'hops':
      parts.push(...w.hops.map((g) => hopGroupText(g, pointerSize)));
      break;
    case 'gui':
      parts.push(guiText(w.gui));
      break;
    case 'objects':
      for (const u of w.unexplained) parts.push(`waiting on ${u.kind ? waitedNoun(u.kind) : 'object'} ${at(u.object)}, no known owner`);
      if (!parts.length) parts.push(`waiting (${w.waitReason}) on no dispatcher object`);
      parts[parts.length - 1] += frameWhere(w.blockedIn, ', blocked in ');
      break;
  }
  return parts.join('; ');
}

/** ` in <frame>` / `, blocked in <frame>`, or that the kernel stack is not resident. */
function frameWhere(w: FrameWhere, lead: string): string {
  if (!w) return '';
  return 'frame' in w ? `${lead}${w.frame}` : ', kernel stack not resident';
}

/** "waiting on mutant 85e9ba00 (owner) -> thread 866d63e8", "... -> 3 threads". */
function hopGroupText(g: HopGroup, pointerSize: number): string {
  const detail = hopDetail(g.hop, pointerSize);
  const to = g.threads === 1 ? `thread ${addrText(g.hop.to, pointerSize)}` : `${g.threads} threads`;
  return `waiting on ${hopObjectText(g.hop, pointerSize)}${detail ? ` (${detail})` : ''} -> ${to}`;
}

const GUI_WAITS: Record<GuiWait['kind'], string> = {
  'message-box': 'a message box',
  'dialog-box': 'a dialog box',
  'send-message': 'sending a window message to another thread',
  'message-loop': 'a message loop',
};

function guiText(g: GuiWait): string {
  return `waiting in the GUI: ${GUI_WAITS[g.kind]} (${callText(g.call)})`;
}

/** "USER32!MessageBoxA+0x45, called from app!Fail+0x10". */
export function callText(c: OutermostCall): string {
  return c.caller ? `${c.frame}, called from ${c.caller}` : c.frame;
}

/** "I/O pending: IRP 893a7470 IRP_MJ_DEVICE_CONTROL to \Driver\DriverB (device 8a216f18)", or "waiting on a remote machine: ...". */
function ioText(io: PendingIo, at: At): string {
  const shown = io.irps.map((i) => `IRP ${at(i.irp)} ${i.majorFunction} to ${i.driver || 'an unreadable driver'} (device ${at(i.device)})${i.file ? ` on ${i.file}` : ''}`);
  if (io.more) shown.push(`and ${io.more} more`);
  return `${io.remote ? 'waiting on a remote machine' : 'I/O pending'}: ${shown.join(', ')}`;
}

// ---- verdict and scope errors ----

/** Why a scoped report has nothing to show, and what to type instead. */
export function scopeErrorText(e: ScopeError): string {
  if (e.kind === 'no-process') {
    const m = e.match;
    const what = 'name' in m ? `'${m.name}'` : 'pid' in m ? `pid ${m.pid.toString(16)}` : m.address;
    const text = `no process matches ${what}`;
    if (!e.close) return text;
    if (e.close.length) return `${text}: did you mean ${e.close.map((n) => `-p ${n}`).join(' or ')}? (names match whole, as !process 0 0 prints them; ImageFileName keeps 15 characters)`;
    return `${text} (names match whole, with the extension, as !process 0 0 prints them)`;
  }
  const a = e.address;
  const text = `${a} is not a thread of any process in this dump`;
  if (e.idleOf !== undefined) {
    const n = e.idleOf;
    return `${a} is processor ${n}'s idle thread, not a thread of any process: it waits on nothing and nothing waits on it (@$curthread is the idle thread when processor ${n} was idle at the break). Run !waitchain for the whole system, or give a thread from !process 0 7`;
  }
  if (e.currentOf !== undefined) return `${text} (it is processor ${e.currentOf}'s current thread but in no process's thread list: an inconsistent or damaged dump)`;
  if (e.decimal) {
    const d = e.decimal.digits;
    if (e.decimal.meantHex) return `${text}; dx read ${d} as a decimal number: did you mean 0x${d}? (type addresses as 0x${d}, in quotes, or with a backtick)`;
    return `${text}; a bare number is decimal in dx (${d} = 0x${a}): type an address as 0x<hex>, in quotes ("<hex>"), or ffffe001\`2345a080`;
  }
  return text;
}

/** The report's first line: DEADLOCK, ROOT BLOCKER, UNSERVED, or that there are no blocking chains. */
export function verdictText(r: WaitChainReport): string {
  const at = atOf(r.pointerSize);
  if (r.scopeError) return `waitchain: ${scopeErrorText(r.scopeError)}`;
  const name = (a: Addr) => threadLabel(at(a), r.threads.get(a), 'verdict');
  const waiting = (a: Addr) => {
    const s = r.threads.get(a);
    return s && s.waitTicks !== undefined ? ` waiting ${formatTicks(s.waitTicks, r.clock.increment)}` : '';
  };
  if (r.deadlocks.length) {
    const d = r.deadlocks[0];
    const more = r.deadlocks.length > 1 ? ` (and ${r.deadlocks.length - 1} more)` : '';
    return `DEADLOCK: ${d.threads.map(name).join(' -> ')} -> ${name(d.threads[0])}${more}`;
  }
  if (r.rootBlockers.length) {
    const root = r.rootBlockers[0];
    const n = root.blocked.length;
    const blocks = n ? `, blocks ${count(n, 'thread')} in ${count(root.processesAffected.length, 'process')}` : '';
    const holds = root.holds.map((h) => `, holds ${waitedNoun(h.kind)} ${at(h.lock)} with ${count(h.carried, 'waiter')}`).join('');
    return `ROOT BLOCKER: thread ${name(root.thread)}${waiting(root.thread)}${blocks}${holds}`;
  }
  if (r.unserved.length) {
    // Clients waiting on a server that does not serve them are blocked as surely as on a lock owner.
    const u = r.unserved[0];
    const more = r.unserved.length > 1 ? ` (and ${count(r.unserved.length - 1, 'more unserved wait')})` : '';
    return `UNSERVED: thread ${name(u.thread)}${waiting(u.thread)} for ${unservedPhrase(u, at)}${more}`;
  }
  return `No blocking chains among ${count(r.scope ? r.scope.waiting : r.waiting, 'waiting thread')}${r.scope ? ' in this scope' : ''}`;
}

/** "a reply to ALPC message ... on port ..., 372 queued: no server thread works on it". */
function unservedPhrase(u: UnservedWait, at: At): string {
  const m = u.message;
  const message = m.kind === 'lpc' ? `LPC message ${m.message}` : `ALPC message ${at(m.message)}`;
  const port = m.port ? ` on port ${at(m.port)}` : '';
  const queued = m.queued !== undefined ? `, ${m.queued}${m.queueCut ? '+' : ''} queued` : '';
  const why = m.lostServer ? `its server thread ${at(m.lostServer)} is no thread of the dump` : 'no server thread works on it';
  return `a reply to ${message}${port}${queued}: ${why}`;
}

/** What is wrong with an ERESOURCE's owner table, as a clause. */
function ownerTableDamageText(damage: OwnerTableDamage, pointerSize: number): string {
  switch (damage.kind) {
    case 'bad-pointer':
      return `owner table pointer ${addrText(damage.table, pointerSize)} is not valid`;
    case 'implausible-size':
      return `owner table size ${damage.size} is not plausible`;
    case 'unreadable':
      return 'owner table unreadable';
  }
}
