// !waitchain "-html <path>": the verdict and summary in the text report's words, the wait graph as
// SVG (layout: waitGraphLayout.ts), thread details on click, search, and the report's tables. Built
// only from the analysis result the text and JSON renderers use: no memory is read here (a chain's
// end is described only for the threads the text report describes: reading one may read its stack).
import { appendTo } from '../../core/runCache';
import { hex4 } from '../../core/numbers';
import type { Addr } from '../../core/addr';
import type { ThreadSummary, WaitChainReport } from '../../analysis/waits/waitchain';
import { verdictText } from '../waitchainWords';
import type { Hop } from '../../analysis/waits/waitgraph';
import { Labels } from '../labels';
import { count, formatTicks, threadLabel, waitedNoun } from '../vocabulary';
import { MAX_ROOTS } from '../waitchainText';
import { clip, esc } from './escape';
import { htmlPage, table, type Cell } from './page';
import { layoutWaitGraph, type GraphEdge, type GraphNode, type WaitDrawing } from './waitGraphLayout';

const W = 250;
const H = 60;
const ROW = 72;
const GAP = 220;
const HGAP = 40;
const VGAP = 56;
const PAD = 16;
const CHARS = 36;

export function renderWaitChainHtml(report: WaitChainReport, pointerSize: number, text: string): string {
  const L = new Labels(report, pointerSize);
  const lines = text.split('\n');
  const summary = lines.filter((l) => l.indexOf('Summary: ') === 0);
  const headline = [verdictText(report)].concat(summary);
  if (report.scopeError) return htmlPage({ title: '!waitchain', headline, sections: [], text });
  const drawing = layoutWaitGraph(report);
  // The threads whose chain end the text report describes (their description is already read).
  const ends = new Set<Addr>();
  report.rootBlockers.slice(0, MAX_ROOTS).forEach((r) => {
    if (!r.cycle) ends.add(r.thread);
  });
  if (report.longestWaiter) ends.add(report.longestWaiter);
  if (report.focus) ends.add(report.focus);
  const threads = threadData(report, L, ends);
  const key = (a: Addr) => L.addr(a);
  const nodes = drawing.nodes.map((n) => ({
    t: n.thread !== undefined ? key(n.thread) : undefined,
    m: n.kind === 'thread' ? undefined : n.members.map(key),
    label: nodeLines(n, report, L, ends).join(' '),
    s: (n.thread !== undefined ? [n.thread] : n.members).map((a) => searchText(a, report, L)).join('|'),
  }));
  const notes: string[] = [];
  if (drawing.rootsLeftOut > 0) notes.push(`${drawing.rootsLeftOut} more root blockers are not drawn: see the table below.`);
  if (drawing.nodes.some((n) => n.kind === 'more')) notes.push('Grey boxes stand for threads not drawn (the drawing stays readable): click one to list them.');
  const sections = [
    `<div id="bar"><input id="search" type="search" placeholder="Search: thread address, process name, pid" aria-label="search"> <span id="hits"></span></div>`,
    '<h2>Wait graph</h2>',
    '<p>Root blockers at the top (or on the left), their waiters below them (or to the right); an arrow goes from a waiter to the thread it waits on, labelled with the hop. Red: a deadlock cycle. Green: threads folded into one box (same hop). Click a box for details.</p>',
    notes.map((n) => `<p>${esc(n)}</p>`).join(''),
    `<div id="graph-box">${drawing.nodes.length ? svg(drawing, report, L, ends) : '<p>No wait chains to draw.</p>'}</div>`,
    '<div id="details">Click a thread in the graph for its waits, what it holds, and the commands to run next.</div>',
    tables(report, L, ends),
  ];
  return htmlPage({ title: '!waitchain', headline, sections, text, data: { nodes, threads } });
}

function searchText(a: Addr, report: WaitChainReport, L: Labels): string {
  const s = report.threads.get(a);
  return (s ? `${a} ${L.addr(a)} ${threadLabel(L.addr(a), s, 'short')} pid ${hex4(s.pid)} 0n${s.pid}` : `${a} ${L.addr(a)}`).toLowerCase();
}

function shortAge(s: ThreadSummary | undefined, report: WaitChainReport, L: Labels): string {
  if (s && s.state === 'Waiting' && s.waitTicks !== undefined) return `waiting ${formatTicks(s.waitTicks, report.clock.increment)}`;
  return L.age(s);
}

function nodeLines(n: GraphNode, report: WaitChainReport, L: Labels, ends: Set<Addr>): string[] {
  if (n.kind === 'fold') return [`${n.members.length} threads wait on`, L.hop(n.hop!), 'click to list them'];
  if (n.kind === 'more') return [`${n.members.length} more threads`, 'wait here (not drawn)', 'click to list them'];
  const a = n.thread!;
  const s = report.threads.get(a);
  const out = [threadLabel(L.addr(a), s, 'short'), s ? `${L.addr(a)} ${s.state}${s.waitReason ? ' ' + s.waitReason : ''}` : L.addr(a), shortAge(s, report, L)];
  if (n.cycle) out.push('in a deadlock cycle');
  else if (n.root && s) out.push(ends.has(a) ? `ends: ${L.end(s)}` : `ends: see !waitchain ${L.addr(a)}`);
  return out;
}

function svg(d: WaitDrawing, report: WaitChainReport, L: Labels, ends: Set<Addr>): string {
  // Two orientations of the same layered tree: roots at the top and waiters below (deep chains), or
  // roots on the left and waiters to the right (many chains); whichever fits a screen better.
  const across = { width: (d.rows + 1) * (W + HGAP), height: d.layers * (H + VGAP) };
  const along = { width: d.layers * (W + GAP), height: (d.rows + 1) * ROW };
  const down = Math.max(across.width / 1600, across.height / 900) <= Math.max(along.width / 1600, along.height / 900);
  // Arcs between threads of one layer (a deadlock's) bend out (up, or left), each hop of a cycle
  // further out than the one before, with its label at its bend: the margin makes room for them.
  const spread = (e: GraphEdge) => Math.abs(d.nodes[e.from].row - d.nodes[e.to].row) * (down ? W + HGAP : ROW);
  const bend = (e: GraphEdge) => 50 + 30 * Math.min(e.nth || 0, 8) + Math.min(100, spread(e) / 4);
  let margin = PAD;
  for (const e of d.edges) {
    if (d.nodes[e.from].layer !== d.nodes[e.to].layer) continue;
    margin = Math.max(margin, Math.ceil(bend(e) * 0.75 + 16 + (down ? 0 : 7 * clip(L.hop(e.hop), 34).length)));
  }
  const x = (n: GraphNode) => (down ? PAD + n.row * (W + HGAP) : margin + n.layer * (W + GAP));
  const y = (n: GraphNode) => (down ? margin + n.layer * (H + VGAP) : PAD + n.row * ROW);
  // Down: room on the right for the last column's edge labels, which start beside the edge.
  const width = down ? PAD * 2 + d.rows * (W + HGAP) + W + 150 : margin + d.layers * (W + GAP) - GAP + PAD;
  const height = down ? margin + d.layers * (H + VGAP) - VGAP + PAD : PAD * 2 + d.rows * ROW + H;
  const out: string[] = [
    `<svg id="graph" class="${down ? 'down' : 'right'}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs><marker id="ar" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#777"/></marker>',
    '<marker id="arc" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#c00"/></marker></defs>',
  ];
  for (const e of d.edges) {
    const a = d.nodes[e.from];
    const b = d.nodes[e.to];
    let path: string;
    let lx: number;
    let ly: number;
    let anchor = 'middle';
    const shift = 14 * ((e.nth || 0) - ((e.of || 1) - 1) / 2);
    if (down) {
      let ax = x(a) + W / 2;
      let bx = x(b) + W / 2;
      if (a.layer === b.layer) {
        // The hops of one cycle leave and reach a box at different points, so both arrows show.
        ax += 2 * shift;
        bx += 2 * shift;
        const k = bend(e);
        path = `M${ax},${y(a)}C${ax},${y(a) - k} ${bx},${y(b) - k} ${bx},${y(b)}`;
        lx = (ax + bx) / 2;
        ly = y(a) - k * 0.75 - 4;
      } else {
        // From the waiter's top edge to the blocker's bottom edge (or back up for a cross edge).
        const up = a.layer > b.layer;
        const sy = up ? y(a) : y(a) + H;
        const ey = up ? y(b) + H : y(b);
        const c = up ? -VGAP / 2 : VGAP / 2;
        path = `M${ax},${sy}C${ax},${sy + c} ${bx},${ey - c} ${bx},${ey}`;
        lx = ax + 4;
        ly = up ? sy - 6 : sy + 12;
        anchor = 'start';
      }
    } else {
      const ay = y(a) + H / 2;
      const by = y(b) + H / 2;
      if (a.layer === b.layer) {
        const k = bend(e);
        path = `M${x(a)},${ay}C${x(a) - k},${ay} ${x(b) - k},${by} ${x(b)},${by}`;
        lx = x(a) - k * 0.75 - 4;
        ly = (ay + by) / 2 + 4 + shift;
        anchor = 'end';
      } else {
        const up = a.layer > b.layer;
        const sx = up ? x(a) : x(a) + W;
        const ex = up ? x(b) + W : x(b);
        const c = up ? -GAP / 2 : GAP / 2;
        path = `M${sx},${ay}C${sx + c},${ay} ${ex - c},${by} ${ex},${by}`;
        lx = (sx + ex) / 2;
        ly = (ay + by) / 2 - 4;
      }
    }
    const label = L.hop(e.hop);
    out.push(
      `<g class="e ${e.kind}" data-kind="${esc(e.hop.kind)}" data-from="${esc(L.addr(e.hop.from))}" data-to="${esc(L.addr(e.hop.to))}"><title>${esc(`${L.thread(e.hop.from)} waits on ${label} -> ${L.thread(e.hop.to)}`)}</title>` +
        `<path d="${path}" marker-end="url(#${e.kind === 'cycle' ? 'arc' : 'ar'})"/><text x="${lx}" y="${ly}" text-anchor="${anchor}">${esc(clip(label, 34))}</text></g>`,
    );
  }
  for (const n of d.nodes) {
    const cls = ['n', n.kind === 'thread' ? '' : n.kind, n.root ? 'root' : '', n.cycle ? 'cyc' : ''].filter((c) => c).join(' ');
    const attrs = n.kind === 'thread' ? ` data-t="${esc(L.addr(n.thread!))}"` : ` data-count="${n.members.length}"`;
    const lines = nodeLines(n, report, L, ends);
    const tx = x(n) + 6;
    const spans = lines
      .map((l, i) => `<tspan x="${tx}" y="${y(n) + 14 + i * 13}"${i === 0 ? ' class="b"' : i === 3 ? ' class="end"' : ''}>${esc(clip(l, CHARS))}</tspan>`)
      .join('');
    out.push(`<g class="${cls}" data-i="${n.id}"${attrs} tabindex="0"><title>${esc(lines.join('\n'))}</title><rect x="${x(n)}" y="${y(n)}" width="${W}" height="${H}" rx="4"/><text>${spans}</text></g>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

interface ThreadData {
  label: string;
  state: string;
  age: string;
  end?: string;
  out: string[];
  ins: [string, string][];
  holds: string[];
  cmds: string[];
}

function threadData(report: WaitChainReport, L: Labels, ends: Set<Addr>): { [address: string]: ThreadData } {
  const outs = new Map<Addr, Hop[]>();
  const ins = new Map<Addr, Hop[]>();
  const push = (m: Map<Addr, Hop[]>, k: Addr, h: Hop) => {
    appendTo(m, k, h);
  };
  for (const h of report.edges) {
    if (report.threads.has(h.from)) push(outs, h.from, h);
    if (report.threads.has(h.to)) push(ins, h.to, h);
  }
  const holders = new Map<Addr, string[]>();
  report.rootBlockers.forEach((r) =>
    holders.set(
      r.thread,
      r.holds.map((h) => `${waitedNoun(h.kind)} ${L.addr(h.lock)} with ${count(h.carried, 'waiter')} the dump does not show`),
    ),
  );
  const out: { [address: string]: ThreadData } = {};
  report.threads.forEach((s, a) => {
    const held = new Map<string, number>();
    for (const h of ins.get(a) || []) {
      const k = L.hop(h, false);
      held.set(k, (held.get(k) || 0) + 1);
    }
    const holds: string[] = [];
    held.forEach((n, k) => holds.push(`${k}: ${count(n, 'waiter')} here`));
    out[L.addr(a)] = {
      label: L.thread(a),
      state: `${s.state}${s.waitReason ? ` (${s.waitReason})` : ''}`,
      age: L.age(s),
      end: ends.has(a) ? L.end(s) : undefined,
      out: (outs.get(a) || []).map((h) => `${L.hop(h)} -> ${L.thread(h.to)}`),
      ins: (ins.get(a) || []).map((h) => [L.addr(h.from), `${L.thread(h.from)} via ${L.hop(h)}`] as [string, string]),
      holds: holds.concat(holders.get(a) || []),
      cmds: [`!thread ${L.addr(a)}`, `dx -r1 (nt!_ETHREAD *)0x${a}`, `!waitchain ${L.addr(a)}`],
    };
  });
  return out;
}

function tables(report: WaitChainReport, L: Labels, ends: Set<Addr>): string {
  const out: string[] = [];
  if (report.deadlocks.length) {
    out.push('<h2>Deadlocks</h2>');
    const rows: Cell[][] = report.deadlocks.map((d, i) => [
      i + 1,
      d.threads.length,
      { html: `<pre>${esc(d.hops.map((h) => `${L.thread(h.from)}  --${L.hop(h)}-->  ${L.thread(h.to)}`).join('\n'))}</pre>` },
      d.alsoInvolved.map((t) => L.thread(t)).join(', '),
    ]);
    out.push(table('deadlocks', ['#', 'threads', 'cycle', 'also in its component'], rows));
  }
  if (report.rootBlockers.length) {
    out.push('<h2>Root blockers</h2>');
    const rows: Cell[][] = report.rootBlockers.map((r, i) => {
      const s = report.threads.get(r.thread);
      return [
        i + 1,
        r.cycle ? `deadlock of ${r.cycle.map((t) => L.thread(t)).join(', ')}` : L.thread(r.thread),
        r.blocked.length,
        r.processesAffected.length,
        { html: esc(L.age(s)), sort: s && s.waitTicks !== undefined ? s.waitTicks : -1 },
        r.cycle ? 'deadlock' : s && ends.has(r.thread) ? L.end(s) : '',
        r.holds.map((h) => `${waitedNoun(h.kind)} ${L.addr(h.lock)} (${count(h.carried, 'waiter')} not shown)`).join(', '),
      ];
    });
    out.push(table('roots', ['#', 'root blocker', 'blocks threads', 'processes', 'waiting', 'ends in', 'holds'], rows));
  }
  const waiters: ThreadSummary[] = [];
  report.threads.forEach((s) => {
    if (s.state === 'Waiting' && s.waitTicks !== undefined) waiters.push(s);
  });
  waiters.sort((a, b) => b.waitTicks! - a.waitTicks!);
  if (waiters.length) {
    const outs = new Map<Addr, Hop>();
    for (const h of report.edges) if (!outs.has(h.from)) outs.set(h.from, h);
    out.push('<h2>Longest waiters</h2>');
    const rows: Cell[][] = waiters.slice(0, 25).map((s) => {
      const h = outs.get(s.address);
      return [L.thread(s.address), s.waitReason, { html: esc(L.age(s)), sort: s.waitTicks! }, h ? `${L.hop(h)} -> ${L.thread(h.to)}` : ends.has(s.address) ? L.end(s) : ''];
    });
    out.push(table('longest', ['thread', 'wait reason', 'waiting', 'waits on'], rows));
  }
  if (report.waiterCounts.length) {
    out.push('<h2>Lock waiter counts</h2>');
    const rows: Cell[][] = report.waiterCounts.slice(0, 200).map((w) => [waitedNoun(w.kind), L.addr(w.object), w.count]);
    out.push(table('waiters', ['object', 'address', 'waiting threads'], rows));
  }
  return out.join('\n');
}
