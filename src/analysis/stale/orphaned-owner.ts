// !stalecheck rule 'orphaned-owner': a mutant, ERESOURCE, fast/guarded mutex or critical section held
// by an owner that will never release it: a thread that has terminated (or is terminating), a thread
// whose process is exiting, or an owner that is no thread of any listed process at all.
//
// Where the locks come from (all already in the model, nothing rescanned):
// - the wait graph: lock hops name the owner thread; the rules' dead ends carry the owner they could
//   not find among the threads; held critical sections with waiters only the lock counts;
// - the resource index (nt!ExpSystemResourcesList, built once per run): held resources nobody waits on;
// - the MutantListHead of the few threads that are terminating or belong to an exiting process:
//   mutants they still own that nobody waits on.
// Severity: error when threads wait on the lock (they are stuck for good), warning otherwise.
import type { Addr } from '../../core/addr';
import type { ProcessInfo, ThreadInfo } from '../../kernel/model';
import type { ResourceInfo } from '../../kernel/resources';
import { resourcesOf } from '../waits/rules/resources';
import type { HopKind } from '../waits/waitgraph';
import { threadFacts, type FindingHeader, type OrphanedOwnerFacts, type OrphanFacts, type OrphanReason, type Severity, type StaleEnv, type StaleRule } from './model';
import { getOrBuild } from '../../core/runCache';

/** Hop kinds that go from a waiter to the owner of a lock. */
const LOCK_KINDS: HopKind[] = ['mutant', 'resource', 'fast-mutex', 'guarded-mutex', 'critical-section'];
/** Waiters named in the evidence; the rest are counted. */
const WAITERS_SHOWN = 6;

/** An owner as the lock records it. */
interface Owner {
  /** The owner when it is a thread of the dump. */
  thread?: ThreadInfo;
  /** The recorded owner (a KTHREAD pointer) when no listed thread is it. */
  recorded?: Addr;
  /** A critical section's owner thread ID when no thread of its process has it. */
  tid?: number;
}

interface OwnedLock {
  kind: HopKind;
  lock: Addr;
  /** Several for a shared resource: one that never releases its share is enough to block exclusive waiters. */
  owners: Owner[];
  /** A critical section's process (its address is only meaningful there). */
  process?: ProcessInfo;
  resource?: ResourceInfo;
  waiters: Addr[];
  /** Waiters the lock itself counts (may exceed the threads the dump shows waiting). */
  carried: number;
}

type OrphanedOwnerFinding = FindingHeader & OrphanedOwnerFacts;

export const orphanedOwnerRule: StaleRule<'orphaned-owner'> = {
  id: 'orphaned-owner',
  run(env: StaleEnv): OrphanedOwnerFinding[] {
    const out: OrphanedOwnerFinding[] = [];
    collectLocks(env).forEach((l) => {
      const orphans = l.owners.map((o) => ({ owner: o, why: orphanedBecause(o, l) })).filter((o) => o.why);
      if (orphans.length) out.push(findingOf(l, orphans as { owner: Owner; why: OrphanReason }[], env));
    });
    return out;
  },
};

function collectLocks(env: StaleEnv): Map<string, OwnedLock> {
  const { model } = env;
  const { graph, table } = model;
  const locks = new Map<string, OwnedLock>();
  const lockOf = (kind: HopKind, lock: Addr): OwnedLock => getOrBuild(locks, `${kind}:${lock}`, () => ({ kind, lock, owners: [], waiters: [], carried: 0 }));
  const addWaiter = (l: OwnedLock, waiter: Addr) => {
    if (l.waiters.indexOf(waiter) < 0) l.waiters.push(waiter);
    const t = table.threadByAddress.get(waiter);
    if (l.kind === 'critical-section' && t && !l.process) l.process = t.process;
  };

  for (const h of graph.hops) {
    if (h.kind === 'lpc' || LOCK_KINDS.indexOf(h.kind) < 0) continue;
    const l = lockOf(h.kind, h.object);
    addOwner(l, { thread: table.threadByAddress.get(h.to) });
    addWaiter(l, h.from);
  }
  graph.deadEnds.forEach((ends, thread) => {
    for (const d of ends) {
      const lost = d.ownerNotFound;
      if (!lost) continue;
      const l = lockOf(lost.kind, lost.lock);
      addOwner(l, { recorded: lost.owner, tid: lost.ownerTid });
      addWaiter(l, thread);
    }
  });
  if (graph.holders) {
    graph.holders.forEach((held, owner) => {
      const thread = table.threadByAddress.get(owner);
      for (const h of held) {
        if (LOCK_KINDS.indexOf(h.kind as HopKind) < 0 || !thread) continue;
        const l = lockOf(h.kind as HopKind, h.lock);
        addOwner(l, { thread });
        if (h.kind === 'critical-section' && !l.process) l.process = thread.process;
        l.carried = Math.max(l.carried, h.carried);
      }
    });
  }
  addResources(env, lockOf);
  addMutantsOfDyingThreads(env, lockOf);

  // Waiters as the graph counts them, and the counts the locks carry.
  locks.forEach((l) => {
    const w = graph.waiters.get(l.lock);
    if (!w) return;
    for (const t of w.threads) addWaiter(l, t);
    if (w.carried !== undefined) l.carried = Math.max(l.carried, w.carried);
  });
  return locks;
}

function addOwner(l: OwnedLock, o: Owner): void {
  const same = l.owners.some((x) => (o.thread ? x.thread === o.thread : x.recorded === o.recorded && x.tid === o.tid));
  if (!same && (o.thread || o.recorded || o.tid !== undefined)) l.owners.push(o);
}

/** Held resources, with or without waiters: every owner that is a thread (owner pointers are not). */
function addResources(env: StaleEnv, lockOf: (kind: HopKind, lock: Addr) => OwnedLock): void {
  const { index } = resourcesOf(env.model.env);
  if (!index) return;
  const { table } = env.model;
  index.byAddress.forEach((r) => {
    for (const o of r.owners) {
      const thread = table.threadByAddress.get(o.thread);
      if (o.ownerPointer && !thread) continue; // ExSetResourceOwnerPointer: owned on behalf of a driver, not by a thread
      const l = lockOf('resource', r.address);
      l.resource = r;
      l.carried = Math.max(l.carried, r.exclusiveWaiters + r.sharedWaiters);
      addOwner(l, thread ? { thread } : { recorded: o.value });
    }
  });
}

/**
 * Mutants still owned by a thread that is terminating or whose process is exiting, found on its
 * KTHREAD.MutantListHead (bounded walk; only such threads, usually none or a few).
 */
function addMutantsOfDyingThreads(env: StaleEnv, lockOf: (kind: HopKind, lock: Addr) => OwnedLock): void {
  const { kernel, table, env: ruleEnv } = env.model;
  kernel.walkMutantLists(table.threads.filter(dyingThread), (t, mutant) => {
    const object = ruleEnv.dispatcher.read(mutant);
    if (object && object.kind === 'Mutant' && object.owner === t.address) addOwner(lockOf('mutant', mutant), { thread: t });
  });
}

function dyingThread(t: ThreadInfo): boolean {
  return t.terminated || t.process.exiting;
}

/** Why this owner will never release the lock; undefined when it is alive. */
function orphanedBecause(o: Owner, l: OwnedLock): OrphanReason | undefined {
  if (o.thread) {
    const t = o.thread;
    if (t.state === 'Terminated') return { kind: 'terminated', thread: threadFacts(t) };
    if (t.terminated) return { kind: 'terminating', thread: threadFacts(t) };
    if (t.process.exiting) return { kind: 'process-exiting', thread: threadFacts(t) };
    return undefined;
  }
  if (o.recorded) return { kind: 'not-a-thread', recorded: o.recorded };
  if (o.tid !== undefined) return { kind: 'tid-not-in-process', tid: o.tid, processName: l.process ? l.process.name : undefined };
  return undefined;
}

function findingOf(l: OwnedLock, orphans: { owner: Owner; why: OrphanReason }[], env: StaleEnv): OrphanedOwnerFinding {
  const { k, table, env: ruleEnv } = env.model;
  const waiting = Math.max(l.waiters.length, l.carried);
  const severity: Severity = waiting > 0 ? 'error' : 'warning';
  // In the order the lock's own facts were always read: its symbol, its state, then its owners.
  const symbol = l.kind === 'critical-section' ? k.target.nearestSymbol(l.lock) : undefined;
  const r = l.resource;
  let abandoned = false;
  if (!r && l.kind === 'mutant') {
    const m = ruleEnv.dispatcher.read(l.lock);
    abandoned = !!(m && m.abandoned);
  }

  let thread: Addr | undefined;
  const facts: OrphanFacts[] = [];
  for (const { owner, why } of orphans) {
    const fact: OrphanFacts = { reason: why };
    if (owner.thread) {
      if (!thread) thread = owner.thread.address;
      const p = owner.thread.process;
      if (p.exiting) fact.exitingProcess = { name: p.name, threadsLeft: liveThreads(p), activeThreads: p.activeThreads };
    } else if (owner.recorded) {
      // A recorded owner that is no listed thread: does the address still hold a thread object?
      const object = ruleEnv.dispatcher.probe(owner.recorded);
      if (object && object.kind === 'Thread') {
        if (!thread) thread = owner.recorded;
        fact.recordedHolds = { kind: 'thread' };
      } else fact.recordedHolds = object ? { kind: 'other', typeName: object.typeName } : { kind: 'nothing' };
    }
    facts.push(fact);
  }
  return {
    rule: 'orphaned-owner',
    severity,
    thread,
    object: l.lock,
    lock: {
      kind: l.kind,
      address: l.lock,
      symbol: symbol && /![^+]+$/.test(symbol) ? symbol : undefined,
      process: l.process ? { name: l.process.name, address: l.process.address } : undefined,
      resource: r ? { exclusive: r.exclusive, activeCount: r.activeCount, exclusiveWaiters: r.exclusiveWaiters, sharedWaiters: r.sharedWaiters } : undefined,
      abandoned,
      guardedMutexType: l.kind === 'guarded-mutex' && !k.type('_KGUARDED_MUTEX') ? '_FAST_MUTEX' : '_KGUARDED_MUTEX',
    },
    orphans: facts,
    otherOwnersAlive: l.owners.length - orphans.length,
    waitersShown: l.waiters.slice(0, WAITERS_SHOWN).map((w) => {
      const t = table.threadByAddress.get(w);
      return t ? { address: w, processName: t.process.name } : { address: w };
    }),
    waiterCount: l.waiters.length,
    carried: l.carried,
    shortThreadLists: incompleteThreadLists(l, orphans, env),
  };
}

function liveThreads(p: ProcessInfo): number {
  return p.threads.filter((t) => !t.terminated).length;
}

/** An owner "not found" proves little when the dump lists fewer threads than the kernel counts. */
function incompleteThreadLists(l: OwnedLock, orphans: { owner: Owner }[], env: StaleEnv): OrphanedOwnerFacts['shortThreadLists'] {
  if (orphans.every((o) => o.owner.thread)) return undefined;
  const { table } = env.model;
  const short = (l.process ? [l.process] : table.processes).filter((p) => p.activeThreads !== undefined && p.activeThreads > p.threads.length);
  if (!short.length) return undefined;
  return { shown: short.slice(0, 3).map((p) => ({ name: p.name, listed: p.threads.length, active: p.activeThreads! })), more: Math.max(0, short.length - 3) };
}
