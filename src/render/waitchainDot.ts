// The wait graph in Graphviz DOT: threads as boxes, objects as ellipses, cycle edges in red.
import type { WaitChainReport } from '../analysis/waitchain';
import { Labels } from './labels';

export function renderWaitChainDot(r: WaitChainReport, pointerSize: number): string {
  const L = new Labels(r, pointerSize);
  const cycleEdges = new Set<string>();
  r.deadlocks.forEach((d) => d.hops.forEach((h) => cycleEdges.add(`${h.from}>${h.object}>${h.to}`)));
  const lines = ['digraph waitchain {', '  rankdir=LR;', '  node [fontname="Consolas", fontsize=10];'];
  const declared = new Set<string>();
  const node = (id: string, label: string, shape: string) => {
    if (declared.has(id)) return;
    declared.add(id);
    lines.push(`  "${id}" [shape=${shape}, label="${label.replace(/"/g, '\\"')}"];`);
  };
  const edges = new Set<string>();
  const hops = r.chains.reduce((all, c) => all.concat(c.hops), [] as typeof r.chains[0]['hops']);
  r.deadlocks.forEach((d) => hops.push(...d.hops));
  r.rootBlockers.forEach((root) => hops.push(...root.tree));
  // A lock held by several threads: every owner, not only the one a shortest path went through.
  const drawnFrom = new Set(hops.map((h) => `${h.from}|${h.object}`));
  for (const h of r.edges) if (drawnFrom.has(`${h.from}|${h.object}`)) hops.push(h);
  for (const h of hops) {
    node(`t${h.from}`, L.thread(h.from), 'box');
    node(`t${h.to}`, L.thread(h.to), 'box');
    node(`o${h.object}`, `${h.kind} ${L.addr(h.object)}`, 'ellipse');
    const red = cycleEdges.has(`${h.from}>${h.object}>${h.to}`) ? ' [color=red, penwidth=2]' : '';
    for (const e of [`"t${h.from}" -> "o${h.object}"${red};`, `"o${h.object}" -> "t${h.to}"${red};`]) {
      if (!edges.has(e)) {
        edges.add(e);
        lines.push(`  ${e}`);
      }
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
