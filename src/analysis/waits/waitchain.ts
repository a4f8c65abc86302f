// !waitchain's analysis: read threads, build the wait graph, conclude, and describe every thread
// a report names. Returns plain data; rendering is elsewhere.
import type { Addr } from '../../core/addr';
import type { WarningSummary } from '../../core/warnings';
import type { KernelReaders } from '../../kernel/readers';
import type { ProcessInfo, ThreadInfo, ThreadState, WaitReason } from '../../kernel/model';
import type { ProcessTable } from '../../kernel/processes';
import type { KernelClock } from '../../kernel/time';
import { conclude, type Chain, type Deadlock } from './conclusions';
import { describeTerminal, type Terminal } from './terminals';
import type { WaitAge } from './ticks';
import type { DeadEndReason, HeldLock, Hop, OwnerlessKind, RuleEnv, UnservedMessage, WaitGraph } from './waitgraph';
import { readWaitModel } from './waitModel';
import { getOrBuild } from '../../core/runCache';

/** Waits a thread sits in while idle: not a symptom, never "the longest waiter". */
export const IDLE_WAIT_REASONS = /^(WrQueue|WrLpcReceive|WrEventPair|WrDispatchInt|WrWorkerThread)$/;

/** `thread`: one thread (`!waitchain <thread>`), or several (`!waitchain "87f0d790 89137780"`: `more`). */
export type Scope = { kind: 'system' } | { kind: 'thread'; thread: Addr; more?: Addr[] } | { kind: 'process'; match: ProcessMatch };
export type ProcessMatch = { name: string } | { pid: number } | { address: Addr };

export interface ThreadSummary {
  address: Addr;
  process: Addr;
  processName: string;
  pid: number;
  tid: number;
  state: ThreadState;
  waitReason: WaitReason;
  /** Ticks waited; undefined when unknown or inconsistent. */
  waitTicks: number | undefined;
  inconsistentWaitTime: boolean;
  /**
   * What it is doing when nothing leads further (running on processor 1, waiting on an event no one owns...).
   * Set only for the threads a report describes (TERMINALS_DESCRIBED): it may need the thread's stack and
   * IRPs, and most named threads never print it.
   */
  terminal?: Terminal;
}

/** Root blockers and unserved waits the text report lists (and describes the end of); the rest are counted. */
export const ROOTS_LISTED = 20;

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
  kind: OwnerlessKind;
  /** The lock / variable / address; undefined when nothing recorded it. */
  lock: Addr | undefined;
  process: Addr;
  /** How the first waiter's chain ends (an SRW lock held exclusive, owner not recorded...). */
  reason: DeadEndReason;
  threads: Addr[];
}

export interface ChainReport extends Chain {
  blockedFirst: Addr | undefined;
}

/** A waiting thread whose wait leads to a server that does not exist or does not serve it (an unserved LPC/ALPC request). */
export interface UnservedWait {
  thread: Addr;
  object: Addr;
  message: UnservedMessage;
}

/** What a scoped report is about, and the counts within it (README "!waitchain": scoped views). */
export interface ScopeInfo {
  kind: 'thread' | 'process';
  /** The threads asked about (thread scope). */
  threads: Addr[];
  /** The processes matched (process scope). */
  processes: { address: Addr; name: string; pid: number }[];
  /** Threads in the scope: the processes' threads, or the asked-about threads with their chains and waiters. */
  members: number;
  waiting: number;
  inChains: number;
  /** System-wide figures, for the labelled system-wide line. */
  systemDeadlocks: number;
  systemRootBlockers: number;
  systemUnserved: number;
}

/** Why a scoped report has nothing to show: the thread or process asked about is not in the dump. */
export type ScopeError =
  | {
      kind: 'not-a-thread';
      address: Addr;
      /** The processor whose idle thread it is (idle threads belong to no process). */
      idleOf?: number;
      /** The processor that runs it although no process lists it (an inconsistent dump). */
      currentOf?: number;
      /** A number dx read as decimal: its decimal digits, and whether they name a thread when read as hex. */
      decimal?: { digits: string; meantHex: boolean };
    }
  | { kind: 'no-process'; match: ProcessMatch; /** Names that match but for the extension or the 15-character cut (name matches only). */ close?: string[] };

export interface WaitChainReport {
  /** Addresses print at the target's pointer width. */
  pointerSize: number;
  /** Set when the report is scoped to threads or processes. */
  scope?: ScopeInfo;
  /** Waits on servers that do not serve (in scope), longest first: a blocking situation of their own. */
  unserved: UnservedWait[];
  clock: KernelClock;
  deadlocks: Deadlock[];
  rootBlockers: RootBlockerReport[];
  chains: ChainReport[];
  /** Every thread -> thread hop among the threads in scope. */
  edges: Hop[];
  /** Waits on locks that record no owner, grouped per lock (their waiters end their chains there). */
  ownerless: OwnerlessWait[];
  longestWaiter: Addr | undefined;
  /**
   * Waiters per object: `count` = max(listed, what the lock counts); `listed` = waiting threads the
   * dump shows (in scope, for a scoped report); `systemCount` = the system-wide count when it differs.
   */
  waiterCounts: WaiterCount[];
  threads: Map<Addr, ThreadSummary>;
  scanned: number;
  waiting: number;
  inChains: number;
  /** The warning summary, taken when the analysis (chain ends included) is done. */
  warnings: WarningSummary;
  scopeError?: ScopeError;
  /**
   * The chain end of any thread of the report, read on demand (memoized) where `terminal` is not set: JSON's
   * root blockers past the listed ones and deadlock members, and the interactive dx view (a user expanding a
   * thread's Doing). Text and HTML print only `terminal`.
   */
  terminalOf(thread: Addr): Terminal | undefined;
  /** `!waitchain <thread>`: the thread asked about (the first, when several were). */
  focus?: Addr;
  /** Every thread asked about, in order. */
  focusAll?: Addr[];
}

export interface WaiterCount {
  object: Addr;
  kind: string;
  count: number;
  listed: number;
  systemCount?: number;
}

export function analyzeWaitChains(kernel: KernelReaders, scope: Scope): WaitChainReport {
  const k = kernel.k;
  const model = readWaitModel(kernel);
  const { clock, table, graph, env, ageOf, ticksOf } = model;

  const all = conclude(graph, ticksOf);
  const scoped = applyScope(all, scope, table, graph, env);
  const waitingThreads = table.threads.filter((t) => t.state === 'Waiting');
  const inScope = scoped.members || (() => true);

  const named = new Set<Addr>();
  scoped.deadlocks.forEach((d) => d.threads.concat(d.alsoInvolved).forEach((t) => named.add(t)));
  scoped.roots.forEach((r) => {
    named.add(r.thread);
    r.blocked.forEach((t) => named.add(t));
  });
  scoped.chains.forEach((c) => c.path.forEach((t) => named.add(t)));
  if (scope.kind === 'thread' && !scoped.error) focusOf(scope).forEach((t) => named.add(t));
  const allUnserved = unservedWaits(waitingThreads, graph, ticksOf);
  const unserved = scoped.error ? [] : allUnserved.filter((u) => inScope(u.thread));
  unserved.forEach((u) => named.add(u.thread));

  let longestWaiter: ThreadInfo | undefined;
  for (const t of waitingThreads) {
    const a = ageOf(t);
    if (a.ticks === undefined || IDLE_WAIT_REASONS.test(t.waitReason)) continue;
    if (scope.kind !== 'system' && (!named.has(t.address) || !inScope(t.address))) continue;
    if (!longestWaiter || a.ticks > ageOf(longestWaiter).ticks!) longestWaiter = t;
  }
  if (longestWaiter) named.add(longestWaiter.address);

  const ownerless = ownerlessWaits(graph, table, scope, named);
  ownerless.forEach((o) => o.threads.forEach((t) => named.add(t)));

  const threads = new Map<Addr, ThreadSummary>();
  named.forEach((addr) => {
    const t = table.threadByAddress.get(addr);
    if (t) threads.set(addr, summarize(t, ageOf(t)));
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

  const scopeInfo: ScopeInfo | undefined =
    scope.kind === 'system' || scoped.error
      ? undefined
      : {
          kind: scope.kind,
          threads: scope.kind === 'thread' ? focusOf(scope) : [],
          processes: (scoped.processes || []).map((p) => ({ address: p.address, name: p.name, pid: p.pid })),
          members: table.threads.filter((t) => inScope(t.address)).length,
          waiting: waitingThreads.filter((t) => inScope(t.address)).length,
          inChains: 0,
          systemDeadlocks: all.deadlocks.length,
          systemRootBlockers: all.roots.filter((r) => !r.cycle).length,
          systemUnserved: allUnserved.length,
        };
  const terminals = new Map<Addr, Terminal | undefined>();
  const terminalOf = (a: Addr): Terminal | undefined => {
    if (!terminals.has(a)) {
      const t = table.threadByAddress.get(a);
      terminals.set(a, t && describeTerminal(t, graph, env));
    }
    return terminals.get(a);
  };
  const report: WaitChainReport = {
    pointerSize: k.pointerSize,
    scope: scopeInfo,
    unserved,
    clock,
    deadlocks: scoped.deadlocks,
    rootBlockers,
    chains,
    edges: graph.hops.filter((h) => scope.kind === 'system' || (named.has(h.from) && named.has(h.to))),
    ownerless,
    longestWaiter: longestWaiter && longestWaiter.address,
    waiterCounts: waiterCounts(graph, named, scope.kind === 'system' ? undefined : inScope),
    threads,
    scanned: table.threads.length,
    waiting: waitingThreads.length,
    inChains: inChains.size,
    warnings: { tally: [], fromHost: [] },
    scopeError: scoped.error,
    terminalOf,
    focus: scope.kind === 'thread' ? scope.thread : undefined,
    focusAll: scope.kind === 'thread' ? focusOf(scope) : undefined,
  };
  if (scopeInfo) {
    let n = 0;
    inChains.forEach((t) => (n += inScope(t) ? 1 : 0));
    scopeInfo.inChains = n;
  }
  // Every chain end a report prints, described now (in the order the text report prints them): no report reads memory.
  for (const a of describedThreads(report)) {
    const s = threads.get(a);
    if (s) s.terminal = terminalOf(a);
  }
  report.warnings = k.warnings.summary();
  return report;
}

function focusOf(scope: { thread: Addr; more?: Addr[] }): Addr[] {
  return [scope.thread, ...(scope.more || []).filter((t) => t !== scope.thread)];
}

type Scoped = ReturnType<typeof conclude> & { error?: ScopeError; members?: (t: Addr) => boolean; processes?: ProcessInfo[] };

function applyScope(all: ReturnType<typeof conclude>, scope: Scope, table: ProcessTable, graph: WaitGraph, env: RuleEnv): Scoped {
  if (scope.kind === 'system') return all;
  let members: (t: Addr) => boolean;
  let processes: ProcessInfo[] | undefined;
  if (scope.kind === 'thread') {
    const asked = focusOf(scope);
    for (const t of asked) {
      if (!table.threadByAddress.has(t)) return { deadlocks: [], roots: [], chains: [], error: notAThread(t, table, env) };
    }
    // Each thread's chain forward to the root, and every thread waiting on it.
    const related = new Set<Addr>(asked);
    const forward = asked.slice();
    for (let i = 0; i < forward.length; i++) {
      for (const h of graph.out.get(forward[i]) || []) if (!related.has(h.to)) (related.add(h.to), forward.push(h.to));
    }
    const backward = asked.slice();
    for (let i = 0; i < backward.length; i++) {
      for (const h of graph.into.get(backward[i]) || []) if (!related.has(h.from)) (related.add(h.from), backward.push(h.from));
    }
    members = (t) => related.has(t);
  } else {
    processes = table.processes.filter((p) => matches(p, scope.match));
    if (!processes.length) return { deadlocks: [], roots: [], chains: [], error: noProcess(scope.match, table) };
    const set = new Set<Addr>();
    processes.forEach((p) => p.threads.forEach((t) => set.add(t.address)));
    members = (t) => set.has(t);
  }
  const chains = all.chains.filter((c) => c.path.some(members));
  const roots = all.roots.filter((r) => members(r.thread) || (r.cycle || []).some(members) || chains.some((c) => c.root === r.thread));
  const deadlocks = all.deadlocks.filter((d) => d.threads.some(members) || chains.some((c) => d.threads.indexOf(c.root) >= 0));
  return { deadlocks, roots, chains, members, processes };
}

/**
 * Why an address given as a thread is none, and what to do: a processor's idle thread (what
 * @$curthread is on a processor that was idle at the break) belongs to no process; a number dx
 * read as decimal may be a thread when read as hex.
 */
function notAThread(a: Addr, table: ProcessTable, env: RuleEnv): ScopeError {
  const error: ScopeError = { kind: 'not-a-thread', address: a };
  const cpus = env.kernel.processors();
  if (cpus.known) {
    const idleOf = cpus.processors.filter((p) => p.idleThread === a);
    if (idleOf.length) return { ...error, idleOf: idleOf[0].number };
    const running = cpus.processors.filter((p) => p.currentThread === a);
    if (running.length) return { ...error, currentOf: running[0].number };
  }
  // dx reads a bare 1234 as decimal (0n1234 = 0x4d2): its digits read as hex may be the thread meant.
  if (/^[0-9a-f]{1,13}$/.test(a)) {
    const digits = parseInt(a, 16).toString(10);
    const asHex = digits.replace(/^0+/, '') || '0';
    if (asHex !== a && table.threadByAddress.has(asHex)) return { ...error, decimal: { digits, meantHex: true } };
    if (parseInt(a, 16) < 0x10000) return { ...error, decimal: { digits, meantHex: false } };
  }
  return error;
}

/** No process matches: a name without its extension gets the name that matches (`userinit` -> userinit.exe). */
function noProcess(m: ProcessMatch, table: ProcessTable): ScopeError {
  if (!('name' in m)) return { kind: 'no-process', match: m };
  const wanted = m.name.toLowerCase();
  const close = table.processes.filter((p) => {
    const n = p.name.toLowerCase();
    return n.replace(/\.[^.]*$/, '') === wanted || (n.length >= 14 && wanted.startsWith(n)) || n.startsWith(wanted + '.');
  });
  return { kind: 'no-process', match: m, close: close.map((p) => p.name).filter((n, i, all) => all.indexOf(n) === i) };
}

/**
 * The threads whose chain end the reports print (text, HTML), in the text report's order: the threads asked
 * about, the root blockers it lists, the unserved waits it lists, the longest waiter. JSON also describes the
 * root blockers past the listed ones and deadlock members, and the dx view any thread a user expands: those
 * are read on demand (`terminalOf`), as describing them all would cost every run host calls.
 */
function describedThreads(r: WaitChainReport): Addr[] {
  const out = new Set<Addr>();
  const add = (a: Addr) => out.add(a);
  (r.focusAll || []).forEach(add);
  r.rootBlockers.slice(0, ROOTS_LISTED).forEach((b) => {
    if (!b.cycle) add(b.thread);
  });
  r.unserved.slice(0, ROOTS_LISTED).forEach((u) => add(u.thread));
  if (r.longestWaiter) add(r.longestWaiter);
  return Array.from(out);
}

/** Waiting threads whose wait ends at a request no server thread works on, longest wait first. */
function unservedWaits(waiting: ThreadInfo[], graph: WaitGraph, ticksOf: (t: Addr) => number): UnservedWait[] {
  const out: UnservedWait[] = [];
  for (const t of waiting) {
    // A thread with a hop to a thread is in a chain; its unserved part is a side note of its wait.
    if ((graph.out.get(t.address) || []).length) continue;
    for (const d of graph.deadEnds.get(t.address) || []) {
      if (d.unserved) {
        out.push({ thread: t.address, object: d.object, message: d.unserved });
        break;
      }
    }
  }
  return out.sort((a, b) => ticksOf(b.thread) - ticksOf(a.thread) || (a.thread < b.thread ? -1 : 1));
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
      const g = getOrBuild(groups, key, (): OwnerlessWait => ({ kind: d.kind!, lock: d.lock, process: t.process.address, reason: d.reason, threads: [] }));
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

function waiterCounts(graph: WaitGraph, named: Set<Addr>, inScope?: (t: Addr) => boolean): WaiterCount[] {
  const out: WaiterCount[] = [];
  graph.waiters.forEach((w) => {
    const system = Math.max(w.threads.length, w.carried || 0);
    if (!inScope) {
      if (system > 1 || LOCK_KINDS.test(w.kind) || w.threads.some((t) => named.has(t))) out.push({ object: w.object, kind: w.kind, count: system, listed: w.threads.length });
      return;
    }
    // A scoped report counts the waiters in its scope; the system-wide count rides along when it differs.
    const listed = w.threads.filter(inScope).length;
    if (!listed) return;
    out.push({ object: w.object, kind: w.kind, count: listed, listed, systemCount: system !== listed ? system : undefined });
  });
  return out.sort((a, b) => b.count - a.count || (a.object < b.object ? -1 : 1));
}

function summarize(t: ThreadInfo, age: WaitAge): ThreadSummary {
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
  };
}
