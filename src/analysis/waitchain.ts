// !waitchain's analysis: read threads, build the wait graph, conclude, and describe every thread
// a report names. Returns plain data; rendering is elsewhere.
import { formatAddr, type Addr } from '../core/addr';
import type { KernelContext } from '../kernel/context';
import type { ProcessInfo, ThreadInfo } from '../kernel/model';
import type { ProcessTable } from '../kernel/processes';
import type { KernelClock } from '../kernel/time';
import { conclude, type Chain, type Deadlock } from './conclusions';
import { describeTerminal } from './terminals';
import { formatTicks, waitAge } from './ticks';
import type { HeldLock, Hop, RuleEnv, WaitGraph } from './waitgraph';
import { readWaitModel } from './waitModel';

/** Waits a thread sits in while idle: not a symptom, never "the longest waiter". */
export const IDLE_WAIT_REASONS = /^(WrQueue|WrLpcReceive|WrEventPair|WrDispatchInt|WrWorkerThread)$/;

export type Scope = { kind: 'system' } | { kind: 'thread'; thread: Addr } | { kind: 'process'; match: ProcessMatch };
export type ProcessMatch = { name: string } | { pid: number } | { address: Addr };

export interface ThreadSummary {
  address: Addr;
  process: Addr;
  processName: string;
  pid: number;
  tid: number;
  state: string;
  waitReason: string;
  /** Ticks waited; undefined when unknown or inconsistent. */
  waitTicks: number | undefined;
  inconsistentWaitTime: boolean;
  /**
   * What it is doing when nothing leads further: "running on processor 1", "waiting on SynchronizationEvent
   * ...". Computed on first read: it may need the thread's stack, and most named threads never print it.
   */
  readonly terminal: string;
}

export interface RootBlockerReport {
  thread: Addr;
  cycle?: Addr[];
  blocked: Addr[];
  tree: Hop[];
  processesAffected: Addr[];
  /** Locks it holds whose waiters only the lock counts (no waiting thread in the dump shows them). */
  holds: HeldLock[];
}

/** Threads waiting on a lock or address that records no owner (an SRW lock, a condition variable...), grouped per lock. */
export interface OwnerlessWait {
  kind: string;
  /** The lock / variable / address; undefined when nothing recorded it. */
  lock: Addr | undefined;
  process: Addr;
  /** How the first waiter's chain ends ("waits on SRW lock ... owner not recorded"). */
  text: string;
  threads: Addr[];
}

export interface ChainReport extends Chain {
  blockedFirst: Addr | undefined;
}

export interface WaitChainReport {
  verdict: string;
  clock: KernelClock;
  deadlocks: Deadlock[];
  rootBlockers: RootBlockerReport[];
  chains: ChainReport[];
  /** Every thread -> thread hop among the threads in scope. */
  edges: Hop[];
  /** Waits on locks that record no owner, grouped per lock (their waiters end their chains there). */
  ownerless: OwnerlessWait[];
  longestWaiter: Addr | undefined;
  waiterCounts: { object: Addr; kind: string; count: number }[];
  threads: Map<Addr, ThreadSummary>;
  scanned: number;
  waiting: number;
  inChains: number;
  readonly warnings: string[];
  scopeError?: string;
  /** `!waitchain <thread>`: the thread asked about. */
  focus?: Addr;
}

export function analyzeWaitChains(k: KernelContext, scope: Scope): WaitChainReport {
  const model = readWaitModel(k);
  const { clock, table, graph, env, ageOf, ticksOf } = model;

  const all = conclude(graph, ticksOf);
  const scoped = applyScope(all, scope, table, graph);
  const waitingThreads = table.threads.filter((t) => t.state === 'Waiting');

  const named = new Set<Addr>();
  scoped.deadlocks.forEach((d) => d.threads.concat(d.alsoInvolved).forEach((t) => named.add(t)));
  scoped.roots.forEach((r) => {
    named.add(r.thread);
    r.blocked.forEach((t) => named.add(t));
  });
  scoped.chains.forEach((c) => c.path.forEach((t) => named.add(t)));
  if (scope.kind === 'thread') named.add(scope.thread);

  let longestWaiter: ThreadInfo | undefined;
  for (const t of waitingThreads) {
    const a = ageOf(t);
    if (a.ticks === undefined || IDLE_WAIT_REASONS.test(t.waitReason)) continue;
    if (scope.kind !== 'system' && !named.has(t.address)) continue;
    if (!longestWaiter || a.ticks > ageOf(longestWaiter).ticks!) longestWaiter = t;
  }
  if (longestWaiter) named.add(longestWaiter.address);

  const ownerless = ownerlessWaits(graph, table, scope, named);
  ownerless.forEach((o) => o.threads.forEach((t) => named.add(t)));

  const threads = new Map<Addr, ThreadSummary>();
  named.forEach((addr) => {
    const t = table.threadByAddress.get(addr);
    if (t) threads.set(addr, summarize(t, ageOf(t), graph, env));
  });

  const chains: ChainReport[] = scoped.chains.map((c) => ({ ...c, blockedFirst: firstBlocked(c.path, ticksOf) }));
  const rootBlockers: RootBlockerReport[] = scoped.roots.map((r) => ({
    thread: r.thread,
    cycle: r.cycle,
    blocked: r.blocked,
    tree: r.tree,
    processesAffected: distinctProcesses(r.blocked, table),
    holds: (graph.holders && graph.holders.get(r.thread)) || [],
  }));

  const inChains = new Set<Addr>();
  scoped.chains.forEach((c) => c.path.forEach((t) => inChains.add(t)));
  scoped.deadlocks.forEach((d) => d.threads.forEach((t) => inChains.add(t)));

  const report: WaitChainReport = {
    verdict: '',
    clock,
    deadlocks: scoped.deadlocks,
    rootBlockers,
    chains,
    edges: graph.hops.filter((h) => scope.kind === 'system' || (named.has(h.from) && named.has(h.to))),
    ownerless,
    longestWaiter: longestWaiter && longestWaiter.address,
    waiterCounts: waiterCounts(graph, named),
    threads,
    scanned: table.threads.length,
    waiting: waitingThreads.length,
    inChains: inChains.size,
    // Live: describing a chain's end may read (and find damage in) IRPs and stacks while rendering.
    get warnings(): string[] {
      return k.warnings.summary();
    },
    scopeError: scoped.error,
    focus: scope.kind === 'thread' ? scope.thread : undefined,
  };
  report.verdict = verdictOf(report, k.pointerSize);
  return report;
}

function applyScope(all: ReturnType<typeof conclude>, scope: Scope, table: ProcessTable, graph: WaitGraph): ReturnType<typeof conclude> & { error?: string } {
  if (scope.kind === 'system') return all;
  let members: (t: Addr) => boolean;
  if (scope.kind === 'thread') {
    if (!table.threadByAddress.has(scope.thread)) {
      return { deadlocks: [], roots: [], chains: [], error: `${scope.thread} is not a thread of any process in this dump` };
    }
    // Its chain forward to the root, and every thread waiting on it.
    const related = new Set<Addr>([scope.thread]);
    const forward = [scope.thread];
    for (let i = 0; i < forward.length; i++) {
      for (const h of graph.out.get(forward[i]) || []) if (!related.has(h.to)) (related.add(h.to), forward.push(h.to));
    }
    const backward = [scope.thread];
    for (let i = 0; i < backward.length; i++) {
      for (const h of graph.into.get(backward[i]) || []) if (!related.has(h.from)) (related.add(h.from), backward.push(h.from));
    }
    members = (t) => related.has(t);
  } else {
    const processes = table.processes.filter((p) => matches(p, scope.match));
    if (!processes.length) return { deadlocks: [], roots: [], chains: [], error: `no process matches ${describeMatch(scope.match)}` };
    const set = new Set<Addr>();
    processes.forEach((p) => p.threads.forEach((t) => set.add(t.address)));
    members = (t) => set.has(t);
  }
  const chains = all.chains.filter((c) => c.path.some(members));
  const roots = all.roots.filter((r) => members(r.thread) || (r.cycle || []).some(members) || chains.some((c) => c.root === r.thread));
  const deadlocks = all.deadlocks.filter((d) => d.threads.some(members) || chains.some((c) => d.threads.indexOf(c.root) >= 0));
  return { deadlocks, roots, chains };
}

/** Dead ends at ownerless locks, one group per (kind, process, lock), in scope: the whole system, or touching named threads / the process. */
function ownerlessWaits(graph: WaitGraph, table: ProcessTable, scope: Scope, named: Set<Addr>): OwnerlessWait[] {
  const groups = new Map<string, OwnerlessWait>();
  graph.deadEnds.forEach((ends, thread) => {
    const t = table.threadByAddress.get(thread);
    if (!t) return;
    for (const d of ends) {
      if (!d.kind) continue;
      const key = `${d.kind}|${t.process.address}|${d.lock || thread}`;
      let g = groups.get(key);
      if (!g) {
        g = { kind: d.kind, lock: d.lock, process: t.process.address, text: d.text, threads: [] };
        groups.set(key, g);
      }
      if (g.threads.indexOf(thread) < 0) g.threads.push(thread);
    }
  });
  const out: OwnerlessWait[] = [];
  groups.forEach((g) => {
    const inScope =
      scope.kind === 'system' ||
      g.threads.some((t) => named.has(t)) ||
      (scope.kind === 'process' && table.processes.some((p) => p.address === g.process && matches(p, scope.match)));
    if (inScope) out.push(g);
  });
  return out.sort((a, b) => b.threads.length - a.threads.length || (a.threads[0] < b.threads[0] ? -1 : 1));
}

function matches(p: ProcessInfo, m: ProcessMatch): boolean {
  if ('name' in m) return p.name.toLowerCase() === m.name.toLowerCase();
  if ('pid' in m) return p.pid === m.pid;
  return p.address === m.address;
}

function describeMatch(m: ProcessMatch): string {
  if ('name' in m) return `'${m.name}'`;
  if ('pid' in m) return `pid ${m.pid.toString(16)}`;
  return m.address;
}

function firstBlocked(path: Addr[], ticksOf: (t: Addr) => number): Addr | undefined {
  let best: Addr | undefined;
  for (const t of path) if (ticksOf(t) >= 0 && (best === undefined || ticksOf(t) > ticksOf(best))) best = t;
  return best;
}

function distinctProcesses(threads: Addr[], table: ProcessTable): Addr[] {
  const out: Addr[] = [];
  for (const t of threads) {
    const info = table.threadByAddress.get(t);
    if (info && out.indexOf(info.process.address) < 0) out.push(info.process.address);
  }
  return out;
}

/** Objects whose waiters are always counted: locks and the objects edges go through (events only when shared or named). */
const LOCK_KINDS = /^(mutant|resource|fast-mutex|guarded-mutex|critical-section|process|thread|lpc|alpc|srw-lock|push-lock|condition-variable|wait-on-address)$/;

function waiterCounts(graph: WaitGraph, named: Set<Addr>): { object: Addr; kind: string; count: number }[] {
  const out: { object: Addr; kind: string; count: number }[] = [];
  graph.waiters.forEach((w) => {
    const count = Math.max(w.threads.length, w.carried || 0);
    if (count > 1 || LOCK_KINDS.test(w.kind) || w.threads.some((t) => named.has(t))) out.push({ object: w.object, kind: w.kind, count });
  });
  return out.sort((a, b) => b.count - a.count || (a.object < b.object ? -1 : 1));
}

function summarize(t: ThreadInfo, age: ReturnType<typeof waitAge>, graph: WaitGraph, env: RuleEnv): ThreadSummary {
  let terminal: string | undefined;
  return {
    address: t.address,
    process: t.process.address,
    processName: t.process.name,
    pid: t.process.pid,
    tid: t.tid,
    state: t.state,
    waitReason: t.waitReason,
    waitTicks: age.ticks,
    inconsistentWaitTime: age.inconsistent,
    get terminal(): string {
      if (terminal === undefined) terminal = describeTerminal(t, graph, env);
      return terminal;
    },
  };
}

function verdictOf(r: WaitChainReport, pointerSize: number): string {
  const at = (a: Addr) => formatAddr(a, pointerSize);
  if (r.scopeError) return `ERROR: ${r.scopeError}`;
  const name = (a: Addr) => {
    const s = r.threads.get(a);
    return s ? `${at(a)} (${s.processName} ${hex4(s.pid)}.${hex4(s.tid)})` : at(a);
  };
  if (r.deadlocks.length) {
    const d = r.deadlocks[0];
    const more = r.deadlocks.length > 1 ? ` (and ${r.deadlocks.length - 1} more)` : '';
    return `DEADLOCK: ${d.threads.map(name).join(' -> ')} -> ${name(d.threads[0])}${more}`;
  }
  if (r.rootBlockers.length) {
    const root = r.rootBlockers[0];
    const s = r.threads.get(root.thread);
    const waiting = s && s.waitTicks !== undefined ? ` waiting ${formatAge(s.waitTicks, r.clock.increment)}` : '';
    const n = root.blocked.length;
    const procs = root.processesAffected.length;
    const blocks = n ? `, blocks ${n} thread${n === 1 ? '' : 's'} in ${procs} process${procs === 1 ? '' : 'es'}` : '';
    const holds = root.holds.map((h) => `, holds ${h.kind === 'resource' ? 'ERESOURCE' : h.kind.replace(/-/g, ' ')} ${at(h.lock)} with ${h.carried} waiter${h.carried === 1 ? '' : 's'}`).join('');
    return `ROOT BLOCKER: thread ${name(root.thread)}${waiting}${blocks}${holds}`;
  }
  return `No blocking chains among ${r.waiting} waiting threads`;
}


function formatAge(ticks: number, increment: number): string {
  return formatTicks(ticks, increment);
}

export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
