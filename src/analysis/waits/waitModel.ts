// The facts every analysis starts from, read once per command: the clock, processes and threads
// from the kernel lists, and the wait graph with its indexes. !waitchain concludes from it;
// !stalecheck's rules inspect it.
import type { Addr } from '../../core/addr';
import type { KernelContext } from '../../kernel/context';
import { DispatcherReader } from '../../kernel/dispatcher';
import type { ThreadInfo } from '../../kernel/model';
import { readProcesses, type ProcessTable } from '../../kernel/processes';
import { StackReader } from '../../kernel/stacks';
import { readClock, type KernelClock } from '../../kernel/time';
import { EDGE_RULES } from './rules';
import { sectionsWithUnseenWaiters } from './rules/critsecs';
import { resourcesWithUnseenWaiters } from './rules/resources';
import { waitAge, type WaitAge } from './ticks';
import { addHeldLock, buildWaitGraph, type RuleEnv, type WaitGraph } from './waitgraph';

export interface WaitModel {
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

export function readWaitModel(k: KernelContext): WaitModel {
  const clock = readClock(k);
  const table = readProcesses(k);
  const memos = new Map<string, unknown>();
  const memo = <T>(key: string, build: () => T): T => {
    if (!memos.has(key)) memos.set(key, build());
    return memos.get(key) as T;
  };
  const env: RuleEnv = { k, table, dispatcher: new DispatcherReader(k), stacks: new StackReader(k), memo };
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
  const ages = new Map<Addr, WaitAge>();
  const ageOf = (t: ThreadInfo): WaitAge => {
    let a = ages.get(t.address);
    if (!a) {
      a = t.state === 'Waiting' ? waitAge(clock.currentTick, t.waitTime) : { ticks: undefined, inconsistent: false };
      ages.set(t.address, a);
    }
    return a;
  };
  const ticksOf = (addr: Addr): number => {
    const t = table.threadByAddress.get(addr);
    const a = t && ageOf(t);
    return a && a.ticks !== undefined ? a.ticks : -1;
  };
  return { k, clock, table, env, graph, ageOf, ticksOf };
}
