// The facts every analysis starts from, read once per command: the clock, processes and threads
// from the kernel lists, and the wait graph with its indexes. !waitchain concludes from it;
// !stalecheck's rules inspect it.
import type { Addr } from '../../core/addr';
import { getOrBuild } from '../../core/runCache';
import type { KernelContext } from '../../kernel/context';
import type { ThreadInfo } from '../../kernel/model';
import type { ProcessTable } from '../../kernel/processes';
import type { KernelReaders } from '../../kernel/readers';
import type { KernelClock } from '../../kernel/time';
import { EDGE_RULES } from './rules';
import { sectionsWithUnseenWaiters } from './rules/critsecs';
import { resourcesWithUnseenWaiters } from './rules/resources';
import { waitAge, type WaitAge } from './ticks';
import { addHeldLock, buildWaitGraph, type RuleEnv, type WaitGraph } from './waitgraph';

export interface WaitModel {
  kernel: KernelReaders;
  k: KernelContext;
  clock: KernelClock;
  table: ProcessTable;
  env: RuleEnv;
  graph: WaitGraph;
  /** How long a thread has waited (Waiting threads only; inconsistent when the wait starts after the dump). */
  ageOf(t: ThreadInfo): WaitAge;
  /** Ticks waited by a thread address, -1 when unknown: for ranking. */
  ticksOf(a: Addr): number;
}

export function readWaitModel(kernel: KernelReaders): WaitModel {
  const k = kernel.k;
  const clock = kernel.clock();
  const table = kernel.processes();
  const env: RuleEnv = { kernel, k, table, dispatcher: kernel.dispatcher, stacks: kernel.stacks, cache: kernel.cache };
  const graph = buildWaitGraph(table.threads, EDGE_RULES, env);
  for (const u of sectionsWithUnseenWaiters(env, (lock) => graph.waiters.has(lock))) {
    addHeldLock(graph, u.owner, { lock: u.lock, kind: 'critical-section', carried: u.carried, ownerTid: u.ownerTid, symbol: u.symbol });
  }
  const visible = (lock: Addr) => {
    const w = graph.waiters.get(lock);
    return w ? w.threads.length : 0;
  };
  for (const u of resourcesWithUnseenWaiters(env, visible)) {
    addHeldLock(graph, u.owner, { lock: u.lock, kind: 'resource', carried: u.carried, mode: u.mode });
  }
  // Asked in every ranking comparison: one Map lookup, no closure per ask.
  const ages = new Map<ThreadInfo, WaitAge>();
  const ageNow = (t: ThreadInfo): WaitAge => (t.state === 'Waiting' ? waitAge(clock.currentTick, t.waitTime) : { ticks: undefined, inconsistent: false });
  const ageOf = (t: ThreadInfo): WaitAge => getOrBuild(ages, t, ageNow);
  const ticksOf = (addr: Addr): number => {
    const t = table.threadByAddress.get(addr);
    const a = t && ageOf(t);
    return a && a.ticks !== undefined ? a.ticks : -1;
  };
  return { kernel, k, clock, table, env, graph, ageOf, ticksOf };
}
