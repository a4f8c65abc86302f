// The wait graph in Graphviz DOT: threads as boxes, objects as ellipses, cycle edges in red.
import type { WaitChainReport } from '../analysis/waits/waitchain';
import { Labels } from './labels';
import { hopObjectKey } from '../analysis/waits/waitgraph';

export function renderWaitChainDot(r: WaitChainReport, pointerSize: number): string {
  const L = new Labels(r, pointerSize);
  const cycleEdges = new Set<string>();
  r.deadlocks.forEach((d) => d.hops.forEach((h) => cycleEdges.add(`${h.from}>${hopObjectKey(h)}>${h.to}`)));
  const lines = ['digraph waitchain {', '  rankdir=LR;', '  node [fontname="Consolas", fontsize=10];'];
  const declared = new Set<string>();
  const node = (id: string, label: string, shape: string) => {
    if (declared.has(id)) return;
    declared.add(id);
    lines.push(`  "${id}" [shape=${shape}, label="${label.replace(/"/g, '\\"')}"];`);
  };
  // One edge per (from, to) pair: a hop seen both in a chain and in a cycle is drawn once, red.
  const edges = new Map<string, boolean>();
  const hops = r.chains.reduce((all, c) => all.concat(c.hops), [] as typeof r.chains[0]['hops']);
  r.deadlocks.forEach((d) => hops.push(...d.hops));
  r.rootBlockers.forEach((root) => hops.push(...root.tree));
  // A lock held by several threads: every owner, not only the one a shortest path went through.
  const drawnFrom = new Set(hops.map((h) => `${h.from}|${hopObjectKey(h)}`));
  for (const h of r.edges) if (drawnFrom.has(`${h.from}|${hopObjectKey(h)}`)) hops.push(h);
  for (const h of hops) {
    node(`t${h.from}`, L.thread(h.from), 'box');
    node(`t${h.to}`, L.thread(h.to), 'box');
    const object = hopObjectKey(h);
    node(`o${object}`, L.hopObject(h), 'ellipse');
    const red = cycleEdges.has(`${h.from}>${object}>${h.to}`);
    for (const e of [`"t${h.from}" -> "o${object}"`, `"o${object}" -> "t${h.to}"`]) edges.set(e, red || edges.get(e) === true);
  }
  edges.forEach((red, e) => lines.push(`  ${e}${red ? ' [color=red, penwidth=2]' : ''};`));
  lines.push('}');
  return lines.join('\n') + '\n';
}
