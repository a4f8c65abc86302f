// The wait graph: thread -> thread edges, each carrying the object and the evidence it came from.
// Edge rules (one module per object kind, in rules/) turn a waiting thread's wait blocks into hops.
import { hex8, NULL_ADDR, type Addr } from '../../core/addr';
import type { DispatcherObject, DispatcherReader } from '../../kernel/dispatcher';
import type { RunCache } from '../../core/runCache';
import type { KernelContext } from '../../kernel/context';
import type { ThreadInfo, WaitBlockInfo } from '../../kernel/model';
import type { ProcessTable } from '../../kernel/processes';
import type { KernelReaders } from '../../kernel/readers';
import type { StackReader } from '../../kernel/stacks';
import { getOrBuild } from '../../core/runCache';
import type { OwnerTableDamage, ResourceMode } from '../../kernel/resources';

/** Facts a renderer needs from kernel/ come through here: render/ does not import kernel/. */
export type { OwnerTableDamage };
import type { MutexKind } from '../../kernel/mutexes';
import { messageOfError } from '../../core/warnings';

export type HopKind =
  | 'mutant'
  | 'process'
  | 'thread'
  | 'resource'
  | 'fast-mutex'
  | 'guarded-mutex'
  | 'critical-section'
  | 'lpc'
  | 'alpc'
  | 'srw-lock'
  | 'push-lock'
  | 'condition-variable'
  | 'wait-on-address';

/** Kinds of lock whose waiters end at the lock because it records no owner (grouped per lock in the report). */
export type OwnerlessKind = 'srw-lock' | 'push-lock' | 'condition-variable' | 'wait-on-address';

/** A legacy LPC message id as `!lpc message` takes it (8 hex digits): a number, never an address. */
export type LpcMessageId = string & { readonly lpcMessageId: true };

export function lpcMessageId(id: number): LpcMessageId {
  return hex8(id) as LpcMessageId;
}

/** A lock word as the lock's bit layout reads (push locks, SRW locks). */
export type LockWordState =
  | 'unreadable'
  | 'unknown'
  | 'free'
  | 'held'
  | 'held-exclusive'
  | 'held-shared-by-several'
  | 'held-exclusive-or-one-shared'
  | { sharedBy: number };

/** A critical section as named: its address, and its symbol when it is a named global. */
export interface SectionRef {
  address: Addr;
  symbol?: string;
}

/** A LockCount impossible in the encoding it was decoded with (damaged, or a wrong version guess). */
export interface LockCountDamage {
  lockCount: number;
  encoding: string;
}

/** How a critical section was identified when its waiter blocks in NtWaitForAlertByThreadId. */
export type SectionEvidence = { by: 'wait-address' } | { by: 'frame'; frame: string } | { by: 'elimination'; processName: string };

interface HopEnds {
  from: Addr;
  to: Addr;
}

/** A thread -> thread hop: the object it goes through (by kind) and the evidence for it. */
export type Hop = HopEnds &
  (
    | { kind: 'mutant'; object: Addr; abandoned?: boolean }
    | { kind: 'process'; object: Addr; processName: string; exiting: boolean; threadsLeft: number }
    | { kind: 'thread'; object: Addr }
    | { kind: 'fast-mutex' | 'guarded-mutex'; object: Addr; recursive?: boolean; countSaysFree?: number }
    | { kind: 'resource'; object: Addr; mode: ResourceMode; ownerPointer?: Addr; itself?: boolean; /** The nt!ExpWaitForResource frame the resource was recovered from. */ resourceFrom?: string }
    | { kind: 'critical-section'; object: Addr; symbol?: string; ownerTid: number; damaged?: LockCountDamage; evidence?: SectionEvidence }
    | { kind: 'lpc'; messageId: LpcMessageId; serverProcess: string }
    | { kind: 'alpc'; object: Addr; messageId: number; serverProcess: string }
    | { kind: 'push-lock'; object: Addr; state: LockWordState; lockFrom?: string }
  );

export type HopOf<K extends Hop['kind']> = Extract<Hop, { kind: K }>;

/** What a hop goes through as one key: the object's address, or an LPC hop's message id. */
export function hopObjectKey(h: Hop): string {
  return h.kind === 'lpc' ? h.messageId : h.object;
}

/** An address as a user-mode wait names it, with the symbol when it is a named global. */
export interface NamedAddress {
  address: Addr;
  symbol?: string;
}

/** A process the report names in a dead end that has stopped serving (exiting, or no threads left). */
export interface ProcessGone {
  name: string;
  exiting: boolean;
  threadsLeft: number;
}

/** The locked critical sections of a process, as `!cs -l -o -s` lists them (a note on an unnamed section wait). */
export type LockedSections =
  | { processName: string; none: true }
  | { processName: string; none?: false; withWaiters: boolean; sections: LockedSection[]; total: number };

export interface LockedSection {
  section: SectionRef;
  ownerTid: number;
  /** The owning thread when it is a thread of the process. */
  owner?: Addr;
  waiters: number;
}

/** Why a wait leads to no thread: one variant per situation, with the facts its sentence needs. */
export type DeadEndReason =
  | { reason: 'mutant-no-owner'; lock: Addr; abandoned?: boolean }
  | ({ reason: 'owner-not-a-thread'; lock: Addr; owner: Addr } & (
      | { kind: 'mutant'; abandoned?: boolean }
      | { kind: 'fast-mutex' | 'guarded-mutex'; waiters: number | undefined }
      | { kind: 'resource'; mode: ResourceMode; wanted?: ResourceMode }
      | { kind: 'alpc'; messageId: number }
    ))
  | { reason: 'process-not-listed'; process: Addr }
  | { reason: 'process-no-threads-left'; process: Addr; name: string; exiting: boolean }
  | { reason: 'thread-not-listed'; thread: Addr }
  | { reason: 'mutex-unreadable'; kind: MutexKind; objectKind: string; object: Addr }
  | { reason: 'mutex-owner-not-recorded'; kind: MutexKind; lock: Addr; waiters: number | undefined; countSaysFree?: number }
  | { reason: 'resource-owner-pointer'; lock: Addr; wanted?: ResourceMode; value: Addr }
  | { reason: 'resource-no-owner'; lock: Addr; wanted?: ResourceMode; resourceFrom?: string }
  | { reason: 'resource-damaged'; lock: Addr; damage: OwnerTableDamage }
  | { reason: 'resource-wait-unmatched'; objectKind: string; object: Addr; stackAvailable: boolean }
  | { reason: 'push-lock-unnamed' }
  | { reason: 'push-lock-owner-not-recorded'; lock: NamedAddress; state: LockWordState; why: 'no-lock-entries' | 'no-entry-holds-it' }
  | { reason: 'alert-by-thread-id'; address?: NamedAddress; stackAvailable: boolean }
  | { reason: 'srw-lock-ownerless'; lock?: NamedAddress; state: LockWordState; waiters: number }
  | { reason: 'condition-variable'; variable?: NamedAddress; lockKind: 'critical-section' | 'srw-lock'; sleptOn?: NamedAddress }
  | { reason: 'wait-on-address'; address?: NamedAddress }
  | { reason: 'lpc-no-message-id' }
  | { reason: 'lpc-unserved'; messageId: LpcMessageId; port?: LpcPortFacts }
  | { reason: 'alpc-receiving' }
  | { reason: 'alpc-no-message' }
  | { reason: 'alpc-bad-pointer'; message: Addr }
  | { reason: 'alpc-no-message-type'; message: Addr }
  | { reason: 'alpc-unreadable'; message: Addr }
  | { reason: 'alpc-recycled'; message: Addr; otherWaiter?: Addr; otherId?: { id: number; own: number } }
  | { reason: 'alpc-unserved'; message: Addr; messageId: number; port?: Addr; portFacts?: AlpcPortFacts }
  | { reason: 'cs-no-user-memory' }
  | { reason: 'cs-unreadable'; address: Addr; frame: string }
  | { reason: 'cs-unnamed'; frame: string; locked?: LockedSections }
  | { reason: 'cs-free'; section: SectionRef; damaged?: LockCountDamage }
  | { reason: 'cs-no-owner'; section: SectionRef; damaged?: LockCountDamage }
  | { reason: 'cs-owner-not-in-process'; section: SectionRef; ownerTid: number; processName: string }
  | { reason: 'cs-owned-by-waiter'; section: SectionRef; damaged?: LockCountDamage };

/** The server's connection port of an unserved LPC request, and what its queue says. */
export interface LpcPortFacts {
  port: Addr;
  serverProcess?: Addr;
  /** The server process's name when it is in the process list. */
  serverName?: string;
  queue?: { count: number; cut: boolean; stillQueued: boolean };
  serverGone?: ProcessGone;
}

/** The port an unserved ALPC message is queued on, when readable. */
export interface AlpcPortFacts {
  ownerProcess?: Addr;
  ownerName?: string;
  queued: number;
  pending: number;
  waitingServers: number;
  ownerGone?: ProcessGone;
}

/** Something a waiting thread waits on that leads to no thread. */
export interface DeadEnd {
  object: Addr;
  reason: DeadEndReason;
  /** A lock or address the chain ends at without a known owner (an SRW lock, a condition variable...): its kind and address. */
  kind?: OwnerlessKind;
  lock?: Addr;
  /** The facts behind the reason when the dead end is a lock owned by no thread of the dump (!stalecheck orphaned-owner). */
  ownerNotFound?: OwnerNotFound;
  /** The facts behind the reason when the dead end is a request no server thread works on (!stalecheck unserved-message). */
  unserved?: UnservedMessage;
}

/** The one "owner is not a thread of any listed process" dead end, for every lock kind that records a thread as owner. */
export function ownerNotAThread(object: Addr, reason: Extract<DeadEndReason, { reason: 'owner-not-a-thread' }>, unserved?: UnservedMessage): DeadEnd {
  if (reason.kind === 'alpc') return { object, reason, unserved };
  return { object, reason, ownerNotFound: { kind: reason.kind, lock: reason.lock, owner: reason.owner } };
}

/** A lock whose recorded owner is not a thread of any listed process. */
export interface OwnerNotFound {
  kind: HopKind;
  lock: Addr;
  /** The owner as recorded (a KTHREAD pointer); undefined for a critical section, which records a thread ID. */
  owner?: Addr;
  ownerTid?: number;
}

/** A message a client waits a reply to, with no server thread working on it. */
export interface UnservedMessage {
  kind: 'lpc' | 'alpc';
  /** ALPC: the message address; LPC: the message id as `!lpc message` takes it (8 hex digits). */
  message: string;
  id: number;
  /** The port it waits in (ALPC: the queue port; LPC: the server's connection port), when known. */
  port?: Addr;
  serverProcess?: Addr;
  /** The server thread the message names when that is no thread of any listed process. */
  lostServer?: Addr;
  /** Messages on the port's queue (ALPC MainQueueLength; LPC: counted, a lower bound when `queueCut`). */
  queued?: number;
  queueCut?: boolean;
  /** LPC: the message is still on the port's queue (false: taken off, no thread claims it). */
  stillQueued?: boolean;
  /** ALPC: received and not yet answered (PendingQueueLength), server threads waiting to receive (WaitQueueLength). */
  pending?: number;
  waitingServers?: number;
}

export interface RuleEnv {
  /** The kernel facts and readers of this run (built once each, on first use). */
  kernel: KernelReaders;
  k: KernelContext;
  table: ProcessTable;
  dispatcher: DispatcherReader;
  stacks: StackReader;
  /** Indexes built once per run, on first use (waiter object -> resource, message id -> server thread...), under typed keys. */
  cache: RunCache;
}

export interface WaitOutcome {
  hops: Hop[];
  deadEnds: DeadEnd[];
  /** The kind name used for waiter counts ("mutant", "SynchronizationEvent", "resource"). */
  objectKind: string;
  /** The lock the waiter counts go to when it is not the waited object (an ERESOURCE, not its event). */
  lock?: Addr;
  /** Waiters the lock itself counts (NumberOfExclusiveWaiters, a critical section's LockCount), which may exceed those the dump shows. */
  carriedWaiters?: number;
}

/** A rule looks at one wait block of a waiting thread; undefined means "not mine". */
export type EdgeRule = (thread: ThreadInfo, wait: WaitBlockInfo, object: DispatcherObject | undefined, env: RuleEnv) => WaitOutcome | undefined;

/** The edge rules, by name (warnings name a rule that failed). */
export type EdgeRuleId = 'address-wait' | 'lpc' | 'alpc' | 'resource' | 'fast-mutex' | 'push-lock' | 'critical-section' | 'mutant' | 'process-object' | 'thread-object';

export interface NamedEdgeRule {
  id: EdgeRuleId;
  rule: EdgeRule;
}

export interface ObjectWaiters {
  object: Addr;
  kind: string;
  threads: Addr[];
  /** The count the lock carries, when larger than the threads seen waiting. */
  carried?: number;
}

/** A lock a thread holds whose waiters the lock counts but no thread of the dump shows (a CS's LockCount). */
export type HeldLock = { lock: Addr; carried: number } & (
  | { kind: 'critical-section'; ownerTid: number; symbol?: string }
  | { kind: 'resource'; mode: ResourceMode }
);

export interface WaitGraph {
  hops: Hop[];
  /** Threads holding locks with waiters that are not threads of the dump (absent: none). */
  holders?: Map<Addr, HeldLock[]>;
  out: Map<Addr, Hop[]>;
  into: Map<Addr, Hop[]>;
  deadEnds: Map<Addr, DeadEnd[]>;
  waiters: Map<Addr, ObjectWaiters>;
}

/** KTHREAD.WaitReason of a thread in NtWaitForAlertByThreadId (Windows 8+). */
export const ALERT_WAIT_REASON = 'WrAlertByThreadId';
const NO_WAIT_BLOCK: WaitBlockInfo = { object: NULL_ADDR, waitKey: 0, waitType: 1 };

export function buildWaitGraph(threads: readonly ThreadInfo[], rules: readonly NamedEdgeRule[], env: RuleEnv): WaitGraph {
  const graph: WaitGraph = { hops: [], holders: new Map(), out: new Map(), into: new Map(), deadEnds: new Map(), waiters: new Map() };
  // Rules that threw on the thread at hand (indexes into `rules`): one array for the whole run, emptied per thread.
  const failed: number[] = [];
  for (const thread of threads) {
    if (thread.state !== 'Waiting') continue;
    // NtWaitForAlertByThreadId keeps a user address (or nothing) in its wait block, never a dispatcher object:
    // not read as one, and a wait without a block still goes through the rules.
    const byAddress = thread.waitReason === ALERT_WAIT_REASON;
    const waits = byAddress && !thread.waits.length ? [NO_WAIT_BLOCK] : thread.waits;
    // A rule that throws on one of the thread's waits loses every edge it gave this thread: its waits are
    // resolved again without it (failures are rare; rules cache their reads per run).
    failed.length = 0;
    let resolved: ResolvedWait[];
    do {
      const before = failed.length;
      resolved = [];
      for (const wait of waits) resolved.push(resolveWait(thread, wait, byAddress, rules, failed, env));
      if (failed.length === before) break;
    } while (failed.length < rules.length);
    for (const { wait, object, outcome } of resolved) {
      const kind = outcome ? outcome.objectKind : object ? object.kind : 'object';
      countWaiter(graph, outcome && outcome.lock ? outcome.lock : wait.object, kind, thread.address, outcome && outcome.carriedWaiters);
      if (!outcome) continue;
      for (const hop of outcome.hops) addHop(graph, hop);
      if (outcome.deadEnds.length) getOrBuild(graph.deadEnds, thread.address, newList).push(...outcome.deadEnds);
    }
  }
  return graph;
}

interface ResolvedWait {
  wait: WaitBlockInfo;
  object: DispatcherObject | undefined;
  outcome: WaitOutcome | undefined;
}

const newList = (): DeadEnd[] => [];

/** The first rule (not failed on this thread) that claims the wait; a rule that throws is marked failed, with a warning. */
function resolveWait(thread: ThreadInfo, wait: WaitBlockInfo, byAddress: boolean, rules: readonly NamedEdgeRule[], failed: number[], env: RuleEnv): ResolvedWait {
  const object = byAddress ? undefined : env.dispatcher.read(wait.object);
  for (let i = 0; i < rules.length; i++) {
    if (failed.length && failed.indexOf(i) >= 0) continue;
    try {
      const outcome = rules[i].rule(thread, wait, object, env);
      if (outcome) return { wait, object, outcome };
    } catch (e) {
      // As !stalecheck's rules: damage a rule did not expect costs that rule's edges, not the report.
      failed.push(i);
      env.k.warnings.add('rule-stopped', { object: rules[i].id, address: thread.address, value: messageOfError(e) });
    }
  }
  return { wait, object, outcome: undefined };
}

/** Records a lock whose waiters only the lock itself counts: its owner blocks them. */
export function addHeldLock(graph: WaitGraph, owner: Addr, held: HeldLock): void {
  if (!graph.holders) graph.holders = new Map();
  push(graph.holders, owner, held);
  const entry = getOrBuild(graph.waiters, held.lock, () => ({ object: held.lock, kind: held.kind, threads: [] }));
  if (held.carried > (entry.carried || 0)) entry.carried = held.carried;
}

function addHop(graph: WaitGraph, hop: Hop): void {
  graph.hops.push(hop);
  push(graph.out, hop.from, hop);
  push(graph.into, hop.to, hop);
}

function countWaiter(graph: WaitGraph, object: Addr, kind: string, thread: Addr, carried: number | undefined): void {
  const entry = getOrBuild(graph.waiters, object, () => ({ object, kind, threads: [] }));
  if (entry.threads.indexOf(thread) < 0) entry.threads.push(thread);
  if (carried !== undefined && carried > (entry.carried || 0)) entry.carried = carried;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  getOrBuild(map, key, () => []).push(value);
}
