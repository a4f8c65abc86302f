// !stalecheck rule 'inconsistent-dump': what in the dump contradicts itself, so the reader knows what
// to distrust. A live dump (LiveKd, .dump on a running kernel) is copied while the system runs: a
// thread claims a processor that runs another thread, a wait starts after the tick count the dump
// recorded, a processor runs a thread no process lists. One finding per kind, naming every thread
// and processor involved; all of it from the model (processor table read once, ages computed once).
import { formatAddr, type Addr } from '../../core/addr';
import type { ThreadInfo } from '../../kernel/model';
import { processorsOf } from '../../kernel/processors';
import { claimedProcessor, runningClaims } from '../waits/terminals';
import { waitAge } from '../waits/ticks';
import { hex4 } from '../../render/vocabulary';
import type { Finding, StaleEnv, StaleRule } from './model';

/** Threads named one by one in an evidence list; the rest are counted. */
const SHOWN = 20;

export const inconsistentDumpRule: StaleRule = {
  id: 'inconsistent-dump',
  run(env: StaleEnv): Finding[] {
    const out: Finding[] = [];
    for (const kind of [runningConflicts, waitsAfterNow, unlistedCurrentThreads]) {
      const f = kind(env);
      if (f) out.push(f);
    }
    return out;
  },
};

/** Threads and processors that disagree about who is running where. */
function runningConflicts(env: StaleEnv): Finding | undefined {
  const { model } = env;
  const { k, table } = model;
  const at = (a: Addr) => formatAddr(a, k.pointerSize);
  const cpus = processorsOf(model.env);
  const lines: string[] = [];
  // The threads whose Running state is in doubt (not the processor's own current thread).
  const suspects: Addr[] = [];
  const name = (a: Addr) => describe(table.threadByAddress.get(a), a, env);
  const suspect = (a: Addr) => {
    if (suspects.indexOf(a) < 0) suspects.push(a);
    return name(a);
  };

  runningClaims(model.env).forEach((claimants, number) => {
    const p = cpus.byNumber.get(number);
    if (cpus.known && p) {
      const rivals = claimants.filter((t) => t !== p.currentThread);
      if (!rivals.length) return;
      const runs = !p.currentThread ? 'no thread' : `${p.idle ? 'its idle thread' : 'thread'} ${p.idle ? at(p.currentThread) : name(p.currentThread)}`;
      lines.push(`processor ${number} runs ${runs}, yet ${rivals.map(suspect).join(', ')} claim${rivals.length === 1 ? 's' : ''} to be Running on it`);
    } else if (cpus.known && cpus.unreadable.indexOf(number) < 0) {
      lines.push(`${claimants.map(suspect).join(', ')} claim${claimants.length === 1 ? 's' : ''} to be Running on processor ${number}, which this dump does not have`);
    } else if (claimants.length > 1) {
      lines.push(`${claimants.map(suspect).join(', ')} all claim to be Running on processor ${number}`);
    }
  });
  if (cpus.known) {
    cpus.runningOn.forEach((list, thread) => {
      if (list.length > 1) lines.push(`${suspect(thread)} is the current thread of processors ${list.map((p) => p.number).join(' and ')} at once`);
    });
    for (const t of table.threads) {
      if (t.state === 'Running' && claimedProcessor(t) === undefined && !cpus.runningOn.has(t.address)) lines.push(`${suspect(t.address)} is Running, but no processor runs it`);
    }
    for (const p of cpus.processors) {
      const t = p.currentThread && !p.idle ? table.threadByAddress.get(p.currentThread) : undefined;
      if (t && t.state !== 'Running') lines.push(`processor ${p.number}'s current thread ${suspect(t.address)} is in state ${t.state}, not Running`);
    }
  }
  if (!lines.length) return undefined;
  return {
    rule: 'inconsistent-dump',
    severity: 'info',
    summary: `threads and processors disagree about who is running (${lines.length} conflict${lines.length === 1 ? '' : 's'}): a live dump, or a crash during a context switch; distrust "running" states`,
    thread: suspects.length === 1 ? suspects[0] : undefined,
    evidence: lines,
    next: '!running -t',
  };
}

/** Wait Start later than the current tick: read after the clock was sampled (LiveKd); no waiting time can be trusted for them. */
function waitsAfterNow(env: StaleEnv): Finding | undefined {
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
  const lines = late.slice(0, SHOWN).map(({ t, ahead }) => `${describe(t, t.address, env)}: Wait Start ${t.waitTime}, ${ahead} tick${ahead === 1 ? '' : 's'} after the current tick ${clock.currentTick}`);
  if (late.length > SHOWN) lines.push(`and ${late.length - SHOWN} more`);
  const n = late.length;
  return {
    rule: 'inconsistent-dump',
    severity: 'info',
    summary: `${n} thread${n === 1 ? '' : 's'} ${n === 1 ? 'has' : 'have'} a Wait Start after the current tick (up to +${late[0].ahead} ticks): a live dump read while the system ran; their waiting times are unknown`,
    thread: n === 1 ? late[0].t.address : undefined,
    evidence: lines,
    next: `!thread ${formatAddr(late[0].t.address, model.k.pointerSize)}`,
  };
}

/** A processor's current thread (not its idle thread) that no listed process has. */
function unlistedCurrentThreads(env: StaleEnv): Finding | undefined {
  const { model } = env;
  const { k, table } = model;
  const at = (a: Addr) => formatAddr(a, k.pointerSize);
  const cpus = processorsOf(model.env);
  if (!cpus.known) return undefined;
  const lines: string[] = [];
  const threads: Addr[] = [];
  for (const p of cpus.processors) {
    if (!p.currentThread || p.idle || table.threadByAddress.has(p.currentThread)) continue;
    threads.push(p.currentThread);
    const object = model.env.dispatcher.probe(p.currentThread);
    const what = !object ? 'unreadable' : object.kind === 'Thread' ? 'a thread object' : `not a thread object: ${object.typeName}`;
    lines.push(`processor ${p.number} (KPRCB ${at(p.prcb)}) runs ${at(p.currentThread)} (${what}), which is on no listed process's thread list`);
  }
  if (!lines.length) return undefined;
  return {
    rule: 'inconsistent-dump',
    severity: 'info',
    summary: `${lines.length} processor${lines.length === 1 ? ' runs a thread' : 's run threads'} that no listed process has: the process list is incomplete or changed while the dump was taken`,
    thread: threads.length === 1 ? threads[0] : undefined,
    evidence: lines,
    next: threads.length === 1 ? `!thread ${at(threads[0])}` : '!running -t',
  };
}

/** "8b56cb10 (System 0004.0010, Running)". */
function describe(t: ThreadInfo | undefined, a: Addr, env: StaleEnv): string {
  const at = formatAddr(a, env.model.k.pointerSize);
  return t ? `${at} (${t.process.name} ${hex4(t.process.pid)}.${hex4(t.tid)}, ${t.state})` : `${at} (not a listed thread)`;
}
