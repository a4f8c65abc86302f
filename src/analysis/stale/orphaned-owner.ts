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
import { formatAddr, isNull, type Addr } from '../../core/addr';
import { headLinks, walkList } from '../../kernel/lists';
import type { ProcessInfo, ThreadInfo } from '../../kernel/model';
import type { ResourceInfo } from '../../kernel/resources';
import { resourcesOf } from '../waits/rules/resources';
import { hex4 } from '../waits/waitchain';
import type { HopKind } from '../waits/waitgraph';
import type { Finding, Severity, StaleEnv, StaleRule } from './model';

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

export const orphanedOwnerRule: StaleRule = {
  id: 'orphaned-owner',
  run(env: StaleEnv): Finding[] {
    const out: Finding[] = [];
    collectLocks(env).forEach((l) => {
      const orphans = l.owners.map((o) => ({ owner: o, why: orphanedBecause(o, l, env) })).filter((o) => o.why);
      if (orphans.length) out.push(findingOf(l, orphans as { owner: Owner; why: string }[], env));
    });
    return out;
  },
};

function collectLocks(env: StaleEnv): Map<string, OwnedLock> {
  const { model } = env;
  const { graph, table } = model;
  const locks = new Map<string, OwnedLock>();
  const lockOf = (kind: HopKind, lock: Addr): OwnedLock => {
    const key = `${kind}:${lock}`;
    let l = locks.get(key);
    if (!l) {
      l = { kind, lock, owners: [], waiters: [], carried: 0 };
      locks.set(key, l);
    }
    return l;
  };
  const addWaiter = (l: OwnedLock, waiter: Addr) => {
    if (l.waiters.indexOf(waiter) < 0) l.waiters.push(waiter);
    const t = table.threadByAddress.get(waiter);
    if (l.kind === 'critical-section' && t && !l.process) l.process = t.process;
  };

  for (const h of graph.hops) {
    if (LOCK_KINDS.indexOf(h.kind) < 0) continue;
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
  const { k, table, env: ruleEnv } = env.model;
  const mutantType = k.type('_KMUTANT');
  if (!mutantType || !mutantType.field('MutantListEntry')) return;
  for (const t of table.threads) {
    if (!dyingThread(t)) continue;
    const head = t.view.addressOf('Tcb.MutantListHead');
    const first = t.view.ptr('Tcb.MutantListHead.Flink');
    if (!head || !first || isNull(first) || first === head) continue;
    walkList(k, head, { list: 'mutant-list', owner: t.address }, (entry) => {
      const mutant = k.containing(entry, mutantType, 'MutantListEntry');
      const object = ruleEnv.dispatcher.read(mutant);
      if (object && object.kind === 'Mutant' && object.owner === t.address) addOwner(lockOf('mutant', mutant), { thread: t });
      return undefined;
    }, { links: headLinks(t.view, 'Tcb.MutantListHead') });
  }
}

function dyingThread(t: ThreadInfo): boolean {
  return t.terminated || t.process.exiting;
}

/** Why this owner will never release the lock, in words; undefined when it is alive. */
function orphanedBecause(o: Owner, l: OwnedLock, env: StaleEnv): string | undefined {
  const { k } = env.model;
  const at = (a: Addr) => formatAddr(a, k.pointerSize);
  if (o.thread) {
    const t = o.thread;
    const who = `thread ${at(t.address)} (${t.process.name} ${hex4(t.process.pid)}.${hex4(t.tid)})`;
    if (t.state === 'Terminated') return `${who}, which has terminated`;
    if (t.terminated) return `${who}, which is terminating (Terminated flag set, state ${t.state})`;
    if (t.process.exiting) return `${who}, whose process is exiting`;
    return undefined;
  }
  if (o.recorded) return `${at(o.recorded)}, which is not a thread of any listed process`;
  if (o.tid !== undefined) return `tid ${hex4(o.tid)}, which is not a thread of ${l.process ? l.process.name : 'its process'} (exited?)`;
  return undefined;
}

function findingOf(l: OwnedLock, orphans: { owner: Owner; why: string }[], env: StaleEnv): Finding {
  const { k, table, env: ruleEnv } = env.model;
  const at = (a: Addr) => formatAddr(a, k.pointerSize);
  const name = lockName(l, env);
  const waiting = Math.max(l.waiters.length, l.carried);
  const severity: Severity = waiting > 0 ? 'error' : 'warning';
  const evidence = [`Lock: ${name}${lockState(l, env)}`];

  let thread: Addr | undefined;
  for (const { owner, why } of orphans) {
    evidence.push(`Owner: ${why}`);
    if (owner.thread) {
      if (!thread) thread = owner.thread.address;
      const p = owner.thread.process;
      if (p.exiting) evidence.push(`${p.name}: exiting, ${describeProcess(p)}`);
    } else if (owner.recorded) {
      // A recorded owner that is no listed thread: does the address still hold a thread object?
      const object = ruleEnv.dispatcher.probe(owner.recorded);
      if (object && object.kind === 'Thread') {
        if (!thread) thread = owner.recorded;
        evidence.push(`${at(owner.recorded)} still holds a thread object, on no process's thread list (terminated, not yet freed?)`);
      } else if (object) evidence.push(`${at(owner.recorded)} holds a ${object.typeName} now, no thread (freed and reused)`);
      else evidence.push(`${at(owner.recorded)} is unreadable or holds no dispatcher object (freed?)`);
    }
  }
  const alive = l.owners.length - orphans.length;
  if (alive > 0) evidence.push(`${alive} other owner${alive === 1 ? '' : 's'} alive (shared owners can release only their own share)`);

  if (l.waiters.length) {
    const shown = l.waiters.slice(0, WAITERS_SHOWN).map((w) => {
      const t = table.threadByAddress.get(w);
      return t ? `${at(w)} (${t.process.name})` : at(w);
    });
    if (l.waiters.length > WAITERS_SHOWN) shown.push(`and ${l.waiters.length - WAITERS_SHOWN} more`);
    evidence.push(`Waiting on it: ${shown.join(', ')}${l.carried > l.waiters.length ? `; the lock counts ${l.carried} waiters` : ''}`);
  } else if (l.carried) evidence.push(`The lock counts ${l.carried} waiter${l.carried === 1 ? '' : 's'}, none of them a thread of this dump`);
  else evidence.push('No thread waits on it yet: the next one to acquire it will hang');
  const damage = incompleteThreadLists(l, orphans, env);
  if (damage) evidence.push(damage);

  return {
    rule: 'orphaned-owner',
    severity,
    summary: `${name} is owned by ${orphans[0].why}${waiting ? `; ${waiting} waiter${waiting === 1 ? '' : 's'} stuck` : ', no waiters yet'}`,
    thread,
    object: l.lock,
    evidence,
    next: nextCommand(l, env),
  };
}

function lockName(l: OwnedLock, env: StaleEnv): string {
  const { k } = env.model;
  const at = formatAddr(l.lock, k.pointerSize);
  switch (l.kind) {
    case 'resource':
      return `ERESOURCE ${at}`;
    case 'fast-mutex':
      return `fast mutex ${at}`;
    case 'guarded-mutex':
      return `guarded mutex ${at}`;
    case 'critical-section': {
      const symbol = k.target.nearestSymbol(l.lock);
      const named = symbol && /![^+]+$/.test(symbol) ? ` (${symbol})` : '';
      return `critical section ${at}${named}${l.process ? ` in ${l.process.name}` : ''}`;
    }
    default:
      return `${l.kind} ${at}`;
  }
}

/** What the lock itself says: a resource's mode and counters, a mutant's abandonment. */
function lockState(l: OwnedLock, env: StaleEnv): string {
  if (l.resource) {
    const r = l.resource;
    return `, ${r.exclusive ? 'exclusive' : 'shared'}, ActiveCount ${r.activeCount}, ${r.exclusiveWaiters} exclusive and ${r.sharedWaiters} shared waiters`;
  }
  if (l.kind === 'mutant') {
    const m = env.model.env.dispatcher.read(l.lock);
    return m && m.abandoned ? ', abandoned' : '';
  }
  return '';
}

function describeProcess(p: ProcessInfo): string {
  const left = p.threads.filter((t) => !t.terminated).length;
  return `${left} thread${left === 1 ? '' : 's'} left${p.activeThreads !== undefined ? ` (ActiveThreads ${p.activeThreads})` : ''}`;
}

/** An owner "not found" proves little when the dump lists fewer threads than the kernel counts. */
function incompleteThreadLists(l: OwnedLock, orphans: { owner: Owner }[], env: StaleEnv): string | undefined {
  if (orphans.every((o) => o.owner.thread)) return undefined;
  const { table } = env.model;
  const short = (l.process ? [l.process] : table.processes).filter((p) => p.activeThreads !== undefined && p.activeThreads > p.threads.length);
  if (!short.length) return undefined;
  const named = short.slice(0, 3).map((p) => `${p.name} lists ${p.threads.length} of its ${p.activeThreads} threads`);
  return `Caution: ${named.join('; ')}${short.length > 3 ? ` (and ${short.length - 3} more processes)` : ''}: the owner may be among the threads not listed`;
}

function nextCommand(l: OwnedLock, env: StaleEnv): string {
  const { k } = env.model;
  const at = formatAddr(l.lock, k.pointerSize);
  switch (l.kind) {
    case 'resource':
      return `!locks ${at}`;
    case 'critical-section':
      return l.process ? `.process /r /p ${formatAddr(l.process.address, k.pointerSize)}; !cs ${at}` : `!cs ${at}`;
    case 'fast-mutex':
      return `dt nt!_FAST_MUTEX ${at}`;
    case 'guarded-mutex':
      return `dt nt!${k.type('_KGUARDED_MUTEX') ? '_KGUARDED_MUTEX' : '_FAST_MUTEX'} ${at}`;
    default:
      return `dt nt!_KMUTANT ${at}`;
  }
}
