// !stalecheck rule 'inconsistent-dump': what in the dump contradicts itself, so the reader knows what
// to distrust. A live dump (LiveKd, .dump on a running kernel) is copied while the system runs: a
// thread claims a processor that runs another thread, a wait starts after the tick count the dump
// recorded, a processor runs a thread no process lists. One finding per kind, naming every thread
// and processor involved; all of it from the model (processor table read once, ages computed once).
import type { Addr } from '../../core/addr';
import type { ThreadInfo } from '../../kernel/model';
import { claimedProcessor, runningClaims } from '../waits/terminals';
import { waitAge } from '../waits/ticks';
import type { FindingHeader, InconsistentFacts, NamedThread, RunningConflict, StaleEnv, StaleRule } from './model';

/** Threads named one by one in an evidence list; the rest are counted. */
export const SHOWN = 20;

type InconsistentFinding = FindingHeader & InconsistentFacts;

export const inconsistentDumpRule: StaleRule<'inconsistent-dump'> = {
  id: 'inconsistent-dump',
  run(env: StaleEnv): InconsistentFinding[] {
    const out: InconsistentFinding[] = [];
    for (const kind of [runningConflicts, waitsAfterNow, unlistedCurrentThreads]) {
      const f = kind(env);
      if (f) out.push(f);
    }
    return out;
  },
};

/** Threads and processors that disagree about who is running where. */
function runningConflicts(env: StaleEnv): InconsistentFinding | undefined {
  const { model } = env;
  const { table } = model;
  const cpus = model.kernel.processors();
  const conflicts: RunningConflict[] = [];
  // The threads whose Running state is in doubt (not the processor's own current thread).
  const suspects: Addr[] = [];
  const name = (a: Addr) => named(table.threadByAddress.get(a), a);
  const suspect = (a: Addr) => {
    if (suspects.indexOf(a) < 0) suspects.push(a);
    return name(a);
  };

  runningClaims(model.env).forEach((claimants, number) => {
    const p = cpus.byNumber.get(number);
    if (cpus.known && p) {
      const rivals = claimants.filter((t) => t !== p.currentThread);
      if (!rivals.length) return;
      // The current thread is named before its rivals (the order suspects were always collected in).
      const current = p.currentThread ? (p.idle ? { address: p.currentThread } : name(p.currentThread)) : undefined;
      conflicts.push({ kind: 'processor-runs-other', processor: number, current, idle: p.idle, rivals: rivals.map(suspect) });
    } else if (cpus.known && cpus.unreadable.indexOf(number) < 0) {
      conflicts.push({ kind: 'processor-missing', processor: number, claimants: claimants.map(suspect) });
    } else if (claimants.length > 1) {
      conflicts.push({ kind: 'processor-shared', processor: number, claimants: claimants.map(suspect) });
    }
  });
  if (cpus.known) {
    cpus.runningOn.forEach((list, thread) => {
      if (list.length > 1) conflicts.push({ kind: 'current-of-several', thread: suspect(thread), processors: list.map((p) => p.number) });
    });
    for (const t of table.threads) {
      if (t.state === 'Running' && claimedProcessor(t) === undefined && !cpus.runningOn.has(t.address)) conflicts.push({ kind: 'running-nowhere', thread: suspect(t.address) });
    }
    for (const p of cpus.processors) {
      const t = p.currentThread && !p.idle ? table.threadByAddress.get(p.currentThread) : undefined;
      if (t && t.state !== 'Running') conflicts.push({ kind: 'current-not-running', processor: p.number, thread: suspect(t.address), state: t.state });
    }
  }
  if (!conflicts.length) return undefined;
  return { rule: 'inconsistent-dump', kind: 'running-conflicts', severity: 'info', thread: suspects.length === 1 ? suspects[0] : undefined, conflicts };
}

/** Wait Start later than the current tick: read after the clock was sampled (LiveKd); no waiting time can be trusted for them. */
function waitsAfterNow(env: StaleEnv): InconsistentFinding | undefined {
  const { model } = env;
  const { clock, table } = model;
  if (clock.currentTick === undefined) return undefined;
  const late: { t: ThreadInfo; ahead: number }[] = [];
  for (const t of table.threads) {
    const inconsistent = t.state === 'Waiting' ? model.ageOf(t).inconsistent : waitAge(clock.currentTick, t.waitTime).inconsistent;
    if (inconsistent) late.push({ t, ahead: t.waitTime - clock.currentTick });
  }
  if (!late.length) return undefined;
  late.sort((a, b) => b.ahead - a.ahead);
  return {
    rule: 'inconsistent-dump',
    kind: 'waits-after-now',
    severity: 'info',
    thread: late.length === 1 ? late[0].t.address : undefined,
    currentTick: clock.currentTick,
    late: late.slice(0, SHOWN).map(({ t, ahead }) => ({ thread: named(t, t.address), waitStart: t.waitTime, ahead })),
    count: late.length,
  };
}

/** A processor's current thread (not its idle thread) that no listed process has. */
function unlistedCurrentThreads(env: StaleEnv): InconsistentFinding | undefined {
  const { model } = env;
  const { table } = model;
  const cpus = model.kernel.processors();
  if (!cpus.known) return undefined;
  const processors: Extract<InconsistentFacts, { kind: 'unlisted-current-threads' }>['processors'] = [];
  for (const p of cpus.processors) {
    if (!p.currentThread || p.idle || table.threadByAddress.has(p.currentThread)) continue;
    const object = model.env.dispatcher.probe(p.currentThread);
    processors.push({ number: p.number, prcb: p.prcb, thread: p.currentThread, holds: !object ? { kind: 'unreadable' } : object.kind === 'Thread' ? { kind: 'thread' } : { kind: 'other', typeName: object.typeName } });
  }
  if (!processors.length) return undefined;
  return { rule: 'inconsistent-dump', kind: 'unlisted-current-threads', severity: 'info', thread: processors.length === 1 ? processors[0].thread : undefined, processors };
}

/** A thread as this rule names it: with its process and state when a process lists it. */
function named(t: ThreadInfo | undefined, a: Addr): NamedThread {
  return t ? { address: a, listed: { processName: t.process.name, pid: t.process.pid, tid: t.tid, state: t.state } } : { address: a };
}
