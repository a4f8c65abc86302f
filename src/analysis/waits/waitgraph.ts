// The wait graph: thread -> thread edges, each carrying the object and the evidence it came from.
// Edge rules (one module per object kind, in rules/) turn a waiting thread's wait blocks into hops.
import { NULL_ADDR, type Addr } from '../../core/addr';
import type { DispatcherObject, DispatcherReader } from '../../kernel/dispatcher';
import type { KernelContext } from '../../kernel/context';
import type { ThreadInfo, WaitBlockInfo } from '../../kernel/model';
import type { ProcessTable } from '../../kernel/processes';
import type { StackReader } from '../../kernel/stacks';
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

export interface Hop {
  from: Addr;
  kind: HopKind;
  object: Addr;
  to: Addr;
  /** What the evidence says, e.g. "owner", "ProcessC.EXE, 1 thread left". */
  detail: string;
}

/** Something a waiting thread waits on that leads to no thread. */
export interface DeadEnd {
  object: Addr;
  text: string;
  /** A lock or address the chain ends at without a known owner (an SRW lock, a condition variable...): its kind and address. */
  kind?: HopKind;
  lock?: Addr;
  /** The facts behind the text when the dead end is a lock owned by no thread of the dump (!stalecheck orphaned-owner). */
  ownerNotFound?: OwnerNotFound;
  /** The facts behind the text when the dead end is a request no server thread works on (!stalecheck unserved-message). */
  unserved?: UnservedMessage;
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
  k: KernelContext;
  table: ProcessTable;
  dispatcher: DispatcherReader;
  stacks: StackReader;
  /** Indexes built once per run, on first use (waiter object -> resource, message id -> server thread...). */
  memo<T>(key: string, build: () => T): T;
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
export interface HeldLock {
  lock: Addr;
  kind: string;
  carried: number;
  detail: string;
}

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
  for (const thread of threads) {
    if (thread.state !== 'Waiting') continue;
    // NtWaitForAlertByThreadId keeps a user address (or nothing) in its wait block, never a dispatcher object:
    // not read as one, and a wait without a block still goes through the rules.
    const byAddress = thread.waitReason === ALERT_WAIT_REASON;
    const waits = byAddress && !thread.waits.length ? [NO_WAIT_BLOCK] : thread.waits;
    // A rule that throws on one of the thread's waits loses every edge it gave this thread: its waits are
    // resolved again without it (failures are rare; rules cache their reads per run).
    const failed = new Set<number>();
    let resolved: ResolvedWait[];
    do {
      const before = failed.size;
      resolved = waits.map((wait) => resolveWait(thread, wait, byAddress, rules, failed, env));
      if (failed.size === before) break;
    } while (failed.size < rules.length);
    for (const { wait, object, outcome } of resolved) {
      const kind = outcome ? outcome.objectKind : object ? object.kind : 'object';
      countWaiter(graph, outcome && outcome.lock ? outcome.lock : wait.object, kind, thread.address, outcome && outcome.carriedWaiters);
      if (!outcome) continue;
      for (const hop of outcome.hops) addHop(graph, hop);
      if (outcome.deadEnds.length) {
        const list = graph.deadEnds.get(thread.address) || [];
        list.push(...outcome.deadEnds);
        graph.deadEnds.set(thread.address, list);
      }
    }
  }
  return graph;
}

interface ResolvedWait {
  wait: WaitBlockInfo;
  object: DispatcherObject | undefined;
  outcome: WaitOutcome | undefined;
}

/** The first rule (not failed on this thread) that claims the wait; a rule that throws is marked failed, with a warning. */
function resolveWait(thread: ThreadInfo, wait: WaitBlockInfo, byAddress: boolean, rules: readonly NamedEdgeRule[], failed: Set<number>, env: RuleEnv): ResolvedWait {
  const object = byAddress ? undefined : env.dispatcher.read(wait.object);
  for (let i = 0; i < rules.length; i++) {
    if (failed.has(i)) continue;
    try {
      const outcome = rules[i].rule(thread, wait, object, env);
      if (outcome) return { wait, object, outcome };
    } catch (e) {
      // As !stalecheck's rules: damage a rule did not expect costs that rule's edges, not the report.
      failed.add(i);
      env.k.warnings.add('rules stopped by bad data', `wait rule ${rules[i].id}, thread ${thread.address}: ${messageOfError(e)}`);
    }
  }
  return { wait, object, outcome: undefined };
}

/** Records a lock whose waiters only the lock itself counts: its owner blocks them. */
export function addHeldLock(graph: WaitGraph, owner: Addr, held: HeldLock): void {
  if (!graph.holders) graph.holders = new Map();
  push(graph.holders, owner, held);
  let entry = graph.waiters.get(held.lock);
  if (!entry) {
    entry = { object: held.lock, kind: held.kind, threads: [] };
    graph.waiters.set(held.lock, entry);
  }
  if (held.carried > (entry.carried || 0)) entry.carried = held.carried;
}

function addHop(graph: WaitGraph, hop: Hop): void {
  graph.hops.push(hop);
  push(graph.out, hop.from, hop);
  push(graph.into, hop.to, hop);
}

function countWaiter(graph: WaitGraph, object: Addr, kind: string, thread: Addr, carried: number | undefined): void {
  let entry = graph.waiters.get(object);
  if (!entry) {
    entry = { object, kind, threads: [] };
    graph.waiters.set(object, entry);
  }
  if (entry.threads.indexOf(thread) < 0) entry.threads.push(thread);
  if (carried !== undefined && carried > (entry.carried || 0)) entry.carried = carried;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
