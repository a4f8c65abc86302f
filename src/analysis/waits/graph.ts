// Graph algorithms over thread -> thread wait edges. Iterative throughout: a 10,000-hop chain
// must not exhaust the JS stack of the debugger's engine.

export type Successors = (node: string) => readonly string[];

/** Tarjan's strongly connected components, iterative. Components come out in reverse topological order. */
export function stronglyConnected(nodes: readonly string[], next: Successors): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; succ: readonly string[]; i: number }[] = [];
    const enter = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, succ: next(node), i: 0 });
    };
    enter(start);
    while (work.length) {
      const top = work[work.length - 1];
      if (top.i < top.succ.length) {
        const w = top.succ[top.i++];
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.node);
        components.push(component);
      }
    }
  }
  return components;
}

/** A component is a cycle when it has several members or a self edge. */
export function isCycle(component: readonly string[], next: Successors): boolean {
  return component.length > 1 || next(component[0]).indexOf(component[0]) >= 0;
}

/**
 * One elementary cycle through the component, starting at `start`, following edges inside it
 * (breadth-first, so the shortest way back to the start).
 */
export function cycleThrough(start: string, members: ReadonlySet<string>, next: Successors): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const node = queue[q];
    for (const w of next(node)) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [node];
        let at = node;
        while (at !== start) {
          at = parent.get(at)!;
          path.push(at);
        }
        return path.reverse();
      }
      if (!parent.has(w)) {
        parent.set(w, node);
        queue.push(w);
      }
    }
  }
  return [start];
}

/**
 * Breadth-first search backwards from `targets` along predecessor edges. Returns, for every node
 * that can reach a target, the next node on its shortest path towards the targets.
 */
export function towards(targets: readonly string[], previous: Successors): Map<string, string | null> {
  const nextHop = new Map<string, string | null>();
  const queue: string[] = [];
  for (const t of targets) {
    nextHop.set(t, null);
    queue.push(t);
  }
  for (let q = 0; q < queue.length; q++) {
    const node = queue[q];
    for (const p of previous(node)) {
      if (nextHop.has(p)) continue;
      nextHop.set(p, node);
      queue.push(p);
    }
  }
  return nextHop;
}

/** The path from `from` to the target it reaches, following `towards` results. */
export function pathTo(from: string, nextHop: Map<string, string | null>): string[] {
  const path = [from];
  let at = nextHop.get(from);
  while (at !== null && at !== undefined) {
    path.push(at);
    at = nextHop.get(at);
  }
  return path;
}
