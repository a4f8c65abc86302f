// What the wait graph means: deadlocks (cycles of any mix of edge kinds), root blockers ranked by
// how many threads they hold up, the chains into them, and who was blocked first.
import type { Addr } from '../../core/addr';
import { cycleThrough, isCycle, pathTo, stronglyConnected, towards } from './graph';
import { hopObjectKey, type Hop, type WaitGraph } from './waitgraph';

export interface Deadlock {
  /** Threads in cycle order; hops[i] leads from threads[i] to threads[i+1] (last back to first). */
  threads: Addr[];
  hops: Hop[];
  /** Other threads of the same strongly connected component (cycles sharing threads). */
  alsoInvolved: Addr[];
}

export interface RootBlocker {
  thread: Addr;
  /** A deadlock instead of a single thread: the cycle's threads. */
  cycle?: Addr[];
  /** Threads that transitively wait on it. */
  blocked: Addr[];
  /** For each blocked thread, its hop towards the root: the wait tree, shortest paths. */
  tree: Hop[];
}

export interface Chain {
  /** From the first waiter to the root (or the cycle thread where the chain enters a deadlock). */
  path: Addr[];
  hops: Hop[];
  root: Addr;
}

export interface Conclusions {
  deadlocks: Deadlock[];
  roots: RootBlocker[];
  chains: Chain[];
}

/** `waitTicks` ranks roots with equal reach (longer wait first). */
export function conclude(graph: WaitGraph, waitTicks: (t: Addr) => number): Conclusions {
  const nodes: Addr[] = [];
  graph.out.forEach((_, from) => nodes.push(from));
  graph.into.forEach((_, to) => {
    if (!graph.out.has(to)) nodes.push(to);
  });
  const holders = graph.holders || new Map<Addr, unknown>();
  holders.forEach((_, holder) => {
    if (!graph.out.has(holder) && !graph.into.has(holder)) nodes.push(holder);
  });
  const next = (n: string) => (graph.out.get(n) || []).map((h) => h.to);
  const previous = (n: string) => (graph.into.get(n) || []).map((h) => h.from);
  const components = stronglyConnected(nodes, next);

  const componentOf = new Map<Addr, number>();
  components.forEach((c, i) => c.forEach((n) => componentOf.set(n, i)));

  const deadlocks: Deadlock[] = [];
  const roots: RootBlocker[] = [];
  components.forEach((component, i) => {
    const cyclic = isCycle(component, next);
    const leaves = component.every((n) => next(n).every((w) => componentOf.get(w) === i));
    if (cyclic) {
      const members = new Set(component);
      const start = component.slice().sort()[0];
      const order = cycleThrough(start, members, next);
      deadlocks.push({
        threads: order,
        hops: order.map((t, j) => hopBetween(graph, t, order[(j + 1) % order.length])!),
        alsoInvolved: component.filter((n) => order.indexOf(n) < 0),
      });
    }
    if (!leaves) return; // waits on something outside: not a root
    const reach = towards(component, previous);
    const blocked: Addr[] = [];
    const tree: Hop[] = [];
    reach.forEach((toward, n) => {
      if (componentOf.get(n) === i) return;
      blocked.push(n);
      if (toward !== null) tree.push(hopBetween(graph, n, toward)!);
    });
    const holds = component.some((n) => holders.has(n));
    if (!cyclic && blocked.length === 0 && !holds) return;
    const representative = cyclic ? deadlocks[deadlocks.length - 1].threads[0] : component[0];
    roots.push({ thread: representative, cycle: cyclic ? deadlocks[deadlocks.length - 1].threads : undefined, blocked, tree });
  });

  // Threads held up: those seen waiting plus those only a held lock counts (a CS's 52 unseen waiters).
  const weight = (r: RootBlocker) => {
    let carried = 0;
    for (const t of r.cycle || [r.thread]) for (const h of (holders.get(t) as { carried: number }[] | undefined) || []) carried += h.carried;
    return r.blocked.length + carried;
  };
  roots.sort((a, b) => weight(b) - weight(a) || waitTicks(b.thread) - waitTicks(a.thread) || (a.thread < b.thread ? -1 : 1));

  const chains: Chain[] = [];
  for (const root of roots) {
    const targets = root.cycle || [root.thread];
    const reach = towards(targets, previous);
    const starts = root.blocked.filter((n) => previous(n).length === 0);
    for (const start of starts.sort()) {
      const path = pathTo(start, reach);
      chains.push(chainOf(graph, path, root.thread));
      // A waiter held up by a lock several threads own depends on every owner: one path through each of the
      // others that also lead to this root (owners leading to other roots get chains of their own there).
      let extra = 0;
      for (let j = 0; j + 1 < path.length && extra < MAX_OWNER_BRANCHES; j++) {
        const taken = hopBetween(graph, path[j], path[j + 1])!;
        for (const h of graph.out.get(path[j]) || []) {
          if (h === taken || hopObjectKey(h) !== hopObjectKey(taken) || h.kind !== taken.kind || h.to === taken.to || !reach.has(h.to)) continue;
          const rest = pathTo(h.to, reach);
          const branch = path.slice(0, j + 1).concat(rest);
          if (rest.some((t) => path.indexOf(t) >= 0 && path.indexOf(t) <= j)) continue;
          chains.push(chainOf(graph, branch, root.thread, h));
          if (++extra >= MAX_OWNER_BRANCHES) break;
        }
      }
    }
  }
  return { deadlocks, roots, chains };
}

/** Chains through the other owners of a shared lock, per chain (a lock with hundreds of shared owners is not a hundred chains). */
const MAX_OWNER_BRANCHES = 16;

/** The chain along `path`; `first`: the hop to take out of the node where it branches (another owner of the same lock). */
function chainOf(graph: WaitGraph, path: Addr[], root: Addr, first?: Hop): Chain {
  const hops: Hop[] = [];
  for (let j = 0; j + 1 < path.length; j++) {
    const h = first && first.from === path[j] && first.to === path[j + 1] ? first : hopBetween(graph, path[j], path[j + 1])!;
    hops.push(h);
  }
  return { path, hops, root };
}

function hopBetween(graph: WaitGraph, from: Addr, to: Addr): Hop | undefined {
  const hops = graph.out.get(from) || [];
  for (const h of hops) if (h.to === to) return h;
  return undefined;
}
