// !waitchain's analysis: read threads, build the wait graph, conclude, and describe every thread
// a report names. Returns plain data; rendering is elsewhere.
import { formatAddr, type Addr } from '../../core/addr';
import type { WarningSummary } from '../../core/warnings';
import type { KernelContext } from '../../kernel/context';
import type { ProcessInfo, ThreadInfo } from '../../kernel/model';
import type { ProcessTable } from '../../kernel/processes';
import type { KernelClock } from '../../kernel/time';
import { conclude, type Chain, type Deadlock } from './conclusions';
import { describeTerminal } from './terminals';
import { formatTicks, waitAge } from './ticks';
import type { HeldLock, Hop, RuleEnv, UnservedMessage, WaitGraph } from './waitgraph';
import { processorsOf } from '../../kernel/processors';
import { readWaitModel } from './waitModel';
import { count, waitedNoun } from '../../render/vocabulary';

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

export interface WaitChainReport {
  verdict: string;
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
  /** Damage counted while reading (render/vocabulary.ts warningLines writes the words). */
  readonly warnings: WarningSummary;
  scopeError?: string;
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

export function analyzeWaitChains(k: KernelContext, scope: Scope): WaitChainReport {
  const model = readWaitModel(k);
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
  const report: WaitChainReport = {
    verdict: '',
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
    // Live: describing a chain's end may read (and find damage in) IRPs and stacks while rendering.
    get warnings(): WarningSummary {
      return k.warnings.summary();
    },
    scopeError: scoped.error,
    focus: scope.kind === 'thread' ? scope.thread : undefined,
    focusAll: scope.kind === 'thread' ? focusOf(scope) : undefined,
  };
  if (scopeInfo) {
    let n = 0;
    inChains.forEach((t) => (n += inScope(t) ? 1 : 0));
    scopeInfo.inChains = n;
  }
  report.verdict = verdictOf(report, k.pointerSize);
  return report;
}

function focusOf(scope: { thread: Addr; more?: Addr[] }): Addr[] {
  return [scope.thread, ...(scope.more || []).filter((t) => t !== scope.thread)];
}

type Scoped = ReturnType<typeof conclude> & { error?: string; members?: (t: Addr) => boolean; processes?: ProcessInfo[] };

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
function notAThread(a: Addr, table: ProcessTable, env: RuleEnv): string {
  const text = `${a} is not a thread of any process in this dump`;
  const cpus = processorsOf(env);
  if (cpus.known) {
    const idleOf = cpus.processors.filter((p) => p.idleThread === a);
    if (idleOf.length) {
      const n = idleOf[0].number;
      return `${a} is processor ${n}'s idle thread, not a thread of any process: it waits on nothing and nothing waits on it (@$curthread is the idle thread when processor ${n} was idle at the break). Run !waitchain for the whole system, or give a thread from !process 0 7`;
    }
    const running = cpus.processors.filter((p) => p.currentThread === a);
    if (running.length) return `${text} (it is processor ${running[0].number}'s current thread but in no process's thread list: an inconsistent or damaged dump)`;
  }
  // dx reads a bare 1234 as decimal (0n1234 = 0x4d2): its digits read as hex may be the thread meant.
  if (/^[0-9a-f]{1,13}$/.test(a)) {
    const decimal = parseInt(a, 16).toString(10);
    const asHex = decimal.replace(/^0+/, '') || '0';
    if (asHex !== a && table.threadByAddress.has(asHex)) return `${text}; dx read ${decimal} as a decimal number: did you mean 0x${decimal}? (type addresses as 0x${decimal}, in quotes, or with a backtick)`;
    if (parseInt(a, 16) < 0x10000) return `${text}; a bare number is decimal in dx (${decimal} = 0x${a}): type an address as 0x<hex>, in quotes ("<hex>"), or ffffe001\`2345a080`;
  }
  return text;
}

/** No process matches: a name without its extension gets the name that matches (`userinit` -> userinit.exe). */
function noProcess(m: ProcessMatch, table: ProcessTable): string {
  const text = `no process matches ${describeMatch(m)}`;
  if ('name' in m) {
    const wanted = m.name.toLowerCase();
    const close = table.processes.filter((p) => {
      const n = p.name.toLowerCase();
      return n.replace(/\.[^.]*$/, '') === wanted || (n.length >= 14 && wanted.startsWith(n)) || n.startsWith(wanted + '.');
    });
    const names = close.map((p) => p.name).filter((n, i, all) => all.indexOf(n) === i);
    if (names.length) return `${text}: did you mean ${names.map((n) => `-p ${n}`).join(' or ')}? (names match whole, as !process 0 0 prints them; ImageFileName keeps 15 characters)`;
    return `${text} (names match whole, with the extension, as !process 0 0 prints them)`;
  }
  return text;
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
  if (r.scopeError) return `waitchain: ${r.scopeError}`;
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
    const blocks = n ? `, blocks ${count(n, 'thread')} in ${count(procs, 'process')}` : '';
    const holds = root.holds.map((h) => `, holds ${waitedNoun(h.kind)} ${at(h.lock)} with ${count(h.carried, 'waiter')}`).join('');
    return `ROOT BLOCKER: thread ${name(root.thread)}${waiting}${blocks}${holds}`;
  }
  if (r.unserved.length) {
    // Clients waiting on a server that does not serve them are blocked as surely as on a lock owner.
    const u = r.unserved[0];
    const s = r.threads.get(u.thread);
    const waiting = s && s.waitTicks !== undefined ? ` waiting ${formatAge(s.waitTicks, r.clock.increment)}` : '';
    const more = r.unserved.length > 1 ? ` (and ${count(r.unserved.length - 1, 'more unserved wait')})` : '';
    return `UNSERVED: thread ${name(u.thread)}${waiting} for ${unservedPhrase(u.message, at)}${more}`;
  }
  return `No blocking chains among ${count(r.scope ? r.scope.waiting : r.waiting, 'waiting thread')}${r.scope ? ' in this scope' : ''}`;
}


/** "a reply to ALPC message ... on ServiceA.exe's port ..., 372 queued, no server thread working on it". */
function unservedPhrase(m: UnservedMessage, at: (a: Addr) => string): string {
  const message = m.kind === 'lpc' ? `LPC message ${m.message}` : `ALPC message ${at(m.message)}`;
  const port = m.port ? ` on port ${at(m.port)}` : '';
  const queued = m.queued !== undefined ? `, ${m.queued}${m.queueCut ? '+' : ''} queued` : '';
  const why = m.lostServer ? `its server thread ${at(m.lostServer)} is no thread of the dump` : 'no server thread works on it';
  return `a reply to ${message}${port}${queued}: ${why}`;
}

function formatAge(ticks: number, increment: number): string {
  return formatTicks(ticks, increment);
}

export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
