// The wait graph as a drawing: a layered tree per root blocker, roots (or a deadlock's threads) in
// column 0 and their waiters to the right, one node per thread, leaves with the same hop folded into
// one node, long child lists and deep or huge trees cut into "N more" nodes, so a 5,000-thread system
// still draws a few hundred boxes. Rows are handed out in tree order (a parent centred on its
// children's rows, every node on a row of its own within its column), so boxes cannot overlap.
import { appendTo } from '../../core/runCache';
import type { Addr } from '../../core/addr';
import type { WaitChainReport } from '../../analysis/waits/waitchain';
import { hopObjectKey, type Hop } from '../../analysis/waits/waitgraph';

export interface GraphNode {
  id: number;
  kind: 'thread' | 'fold' | 'more';
  /** The thread a 'thread' node stands for. */
  thread?: Addr;
  /** The threads a 'fold' or 'more' node stands for. */
  members: Addr[];
  /** The hop every member of a fold makes (to its parent). */
  hop?: Hop;
  layer: number;
  row: number;
  root: boolean;
  cycle: boolean;
  kids: GraphNode[];
}

export interface GraphEdge {
  /** The waiting side's node and the node it waits on. */
  from: number;
  to: number;
  hop: Hop;
  kind: 'tree' | 'cycle' | 'cross';
  /** Cycle edges: the hop's index in its cycle (arcs of one cycle nest instead of overlapping). */
  nth?: number;
  of?: number;
}

export interface WaitDrawing {
  nodes: GraphNode[];
  edges: GraphEdge[];
  rows: number;
  layers: number;
  /** Root blockers not drawn (beyond the limit): they are in the table. */
  rootsLeftOut: number;
}

export const LIMITS = { roots: 40, nodes: 400, children: 16, depth: 24, foldAt: 4, crossEdges: 2000 };

export function layoutWaitGraph(report: WaitChainReport, limits = LIMITS): WaitDrawing {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const byThread = new Map<Addr, GraphNode>();
  const drawnHop = new Set<string>();
  const add = (kind: GraphNode['kind'], layer: number, members: Addr[], thread?: Addr): GraphNode => {
    const n: GraphNode = { id: nodes.length, kind, thread, members, layer, row: 0, root: false, cycle: false, kids: [] };
    nodes.push(n);
    if (thread !== undefined) byThread.set(thread, n);
    return n;
  };
  const edge = (from: GraphNode, to: GraphNode, hop: Hop, kind: GraphEdge['kind'], nth?: number, of?: number) => {
    const key = `${hop.from}>${hopObjectKey(hop)}>${hop.to}`;
    if (from.kind === 'thread' && drawnHop.has(key)) return;
    drawnHop.add(key);
    edges.push({ from: from.id, to: to.id, hop, kind, nth, of });
  };
  const starts: GraphNode[] = [];
  const roots = report.rootBlockers.slice(0, limits.roots);
  for (const root of roots) {
    const children = new Map<Addr, Hop[]>();
    for (const h of root.tree) {
      appendTo(children, h.to, h);
    }
    const subtreeSize = (from: Addr): Addr[] => {
      const out: Addr[] = [];
      const stack = [from];
      const seen = new Set<Addr>();
      while (stack.length) {
        const a = stack.pop()!;
        if (seen.has(a)) continue;
        seen.add(a);
        out.push(a);
        for (const h of children.get(a) || []) stack.push(h.from);
      }
      return out;
    };
    const pending: GraphNode[] = [];
    for (const t of root.cycle || [root.thread]) {
      if (byThread.has(t)) continue;
      const n = add('thread', 0, [], t);
      n.root = true;
      n.cycle = !!root.cycle;
      starts.push(n);
      pending.push(n);
    }
    // Breadth-first, so the node budget goes to the levels nearest the root.
    for (let i = 0; i < pending.length; i++) {
      const parent = pending[i];
      const hops = (children.get(parent.thread!) || []).filter((h) => {
        const drawn = byThread.get(h.from);
        if (drawn) edge(drawn, parent, h, 'cross');
        return !drawn;
      });
      if (!hops.length) continue;
      const inner: Hop[] = [];
      const leaves = new Map<string, Hop[]>();
      for (const h of hops) {
        if (children.has(h.from)) inner.push(h);
        else {
          const key = `${h.kind}:${hopObjectKey(h)}`;
          appendTo(leaves, key, h);
        }
      }
      type Item = { hop: Hop } | { fold: Hop[] };
      const items: Item[] = inner.map((hop) => ({ hop }));
      leaves.forEach((group) => {
        if (group.length >= limits.foldAt) items.push({ fold: group });
        else group.forEach((hop) => items.push({ hop }));
      });
      const room = parent.layer + 1 >= limits.depth ? 0 : Math.max(0, Math.min(limits.children, limits.nodes - nodes.length));
      const shown = items.length > room ? items.slice(0, Math.max(0, room - 1)) : items;
      for (const it of shown) {
        if ('hop' in it) {
          const n = add('thread', parent.layer + 1, [], it.hop.from);
          parent.kids.push(n);
          edge(n, parent, it.hop, 'tree');
          pending.push(n);
        } else {
          const n = add('fold', parent.layer + 1, it.fold.map((h) => h.from));
          n.hop = it.fold[0];
          parent.kids.push(n);
          edge(n, parent, it.fold[0], 'tree');
        }
      }
      if (shown.length < items.length) {
        const members: Addr[] = [];
        for (const it of items.slice(shown.length)) {
          if ('hop' in it) members.push(...subtreeSize(it.hop.from));
          else members.push(...it.fold.map((h) => h.from));
        }
        const n = add('more', parent.layer + 1, members);
        parent.kids.push(n);
      }
    }
  }
  for (const d of report.deadlocks) {
    d.hops.forEach((h, i) => {
      const a = byThread.get(h.from);
      const b = byThread.get(h.to);
      if (a && b) edge(a, b, h, 'cycle', i, d.hops.length);
    });
  }
  let cross = 0;
  for (const h of report.edges) {
    if (cross >= limits.crossEdges) break;
    const a = byThread.get(h.from);
    const b = byThread.get(h.to);
    if (!a || !b || drawnHop.has(`${h.from}>${hopObjectKey(h)}>${h.to}`)) continue;
    edge(a, b, h, 'cross');
    cross++;
  }
  const rows = assignRows(starts);
  let layers = 0;
  for (const n of nodes) layers = Math.max(layers, n.layer + 1);
  return { nodes, edges, rows, layers, rootsLeftOut: report.rootBlockers.length - roots.length };
}

/** Leaves take the next free row in depth-first order; a parent sits on the middle of its children's rows. */
function assignRows(starts: GraphNode[]): number {
  let next = 0;
  for (const start of starts) {
    const stack: { n: GraphNode; done: boolean }[] = [{ n: start, done: false }];
    while (stack.length) {
      const top = stack.pop()!;
      const n = top.n;
      if (!n.kids.length) {
        n.row = next++;
        continue;
      }
      if (top.done) {
        n.row = (n.kids[0].row + n.kids[n.kids.length - 1].row) / 2;
        continue;
      }
      stack.push({ n, done: true });
      for (let i = n.kids.length - 1; i >= 0; i--) stack.push({ n: n.kids[i], done: false });
    }
    next += 0.5;
  }
  let last = 0;
  for (const start of starts) last = Math.max(last, lastRow(start));
  return last;
}

function lastRow(start: GraphNode): number {
  let n = start;
  while (n.kids.length) n = n.kids[n.kids.length - 1];
  return Math.max(start.row, n.row);
}
