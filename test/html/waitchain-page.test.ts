// !waitchain "-html <file>": the page jsdom reads back for the seed 002 deadlock (every layout) and
// for a generated 5,000-thread system: a node per thread, an edge per hop with its kind, the cycle
// marked, folds with their counts, no overlapping boxes, nothing loaded from outside, and the
// page's own script working (click, search, sort).
import { describe, expect, it } from 'vitest';
import { generateSystem } from '../../bench/generate';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import { runWithHtml } from '../../mocks/harness/html';
import { runOnSnapshot } from '../../mocks/harness/run';
import { lpcOnly, testLayoutsOf } from '../layoutMatrix';
import { DEADLOCK_SEED, externalReferences, nodeBoxes, overlaps, parse, scenarioPage } from './pages';

// Seed 002 ("LPC chain into a mutant/LPC deadlock"): the cycle and the 5 waiters chained into it.
const CYCLE = [
  { from: '88806a28', to: '89a9dc38', kind: 'mutant' },
  { from: '89a9dc38', to: '88806a28', kind: 'lpc' },
];
const CHAIN = [
  { from: '899e1750', to: '89a9dc38', kind: 'mutant' },
  { from: '87acb728', to: '899e1750', kind: 'lpc' },
  { from: '89137780', to: '87acb728', kind: 'lpc' },
  { from: '87f0d790', to: '89137780', kind: 'lpc' },
  { from: '86b64388', to: '87f0d790', kind: 'lpc' },
];

describe('!waitchain -html on the seed 002 deadlock', () => {
  for (const layout of testLayoutsOf(DEADLOCK_SEED)) {
    it(`${layout}: the cycle marked, the 5 waiters chained into it, words as the text report's`, () => {
      const { html, output } = scenarioPage(DEADLOCK_SEED, layout);
      const doc = parse(html).window.document;
      const text = output.split('\n');
      expect(doc.querySelector('.verdict')!.textContent).toBe(text[0]);
      expect(doc.querySelector('.summary')!.textContent).toBe(text.filter((l) => l.startsWith('Summary: '))[0]);
      expect(doc.querySelector('details pre')!.textContent).toBe(output);
      // addresses as the text shows them (x64 layouts: relocated back, so the same 8 digits)
      const node = (a: string) => doc.querySelectorAll(`#graph g.n[data-t$="${a}"]`);
      for (const a of ['88806a28', '89a9dc38', '899e1750', '87acb728', '89137780', '87f0d790', '86b64388']) expect(node(a).length, a).toBe(1);
      expect(doc.querySelectorAll('#graph g.n').length).toBe(7);
      expect(node('88806a28')[0].classList.contains('cyc')).toBe(true);
      expect(node('89a9dc38')[0].classList.contains('cyc')).toBe(true);
      expect(doc.querySelectorAll('#graph g.n.cyc').length).toBe(2);
      const edges = [...doc.querySelectorAll('#graph g.e')].map((e) => ({
        from: e.getAttribute('data-from')!.slice(-8),
        to: e.getAttribute('data-to')!.slice(-8),
        kind: e.getAttribute('data-kind'),
        cycle: e.classList.contains('cycle'),
        label: e.querySelector('title')!.textContent!,
      }));
      // The seed's LPC is ALPC from Windows Vista on (the builder lays it out as each build's kernel holds it).
      const lpc = lpcOnly(layout) ? 'lpc' : 'alpc';
      const expected = (hops: typeof CHAIN) => hops.map((h) => ({ ...h, kind: h.kind === 'lpc' ? lpc : h.kind }));
      expect(edges.filter((e) => e.cycle).map(({ from, to, kind }) => ({ from, to, kind }))).toEqual(expected(CYCLE));
      expect(edges.filter((e) => !e.cycle).map(({ from, to, kind }) => ({ from, to, kind }))).toEqual(expected(CHAIN));
      expect(edges[0].label).toMatch(/ waits on mutant 89293390 \(owner\) -> /);
      expect(overlaps(nodeBoxes(doc))).toEqual([]);
      expect(externalReferences(doc, html)).toEqual([]);
      expect(doc.querySelectorAll('script').length).toBe(2);
      expect(doc.querySelectorAll('#deadlocks tbody tr').length).toBe(1);
      expect(doc.querySelectorAll('#roots tbody tr').length).toBe(1);
      expect(doc.querySelector('#roots tbody tr td:nth-child(3)')!.textContent).toBe('5');
    });
  }

  it("the page's script: a click shows the thread's details and commands, search highlights, headers sort", () => {
    const { html } = scenarioPage(DEADLOCK_SEED, 'xpsp3-x86');
    const dom = parse(html, true);
    const doc = dom.window.document;
    const g = doc.querySelector('#graph g.n[data-t="87f0d790"]')!;
    g.querySelector('rect')!.dispatchEvent(new dom.window.MouseEvent('click', { bubbles: true }));
    const details = doc.getElementById('details')!;
    expect(details.querySelector('h3')!.textContent).toBe('87f0d790 AppA.exe 0de4.5b2c');
    expect(details.textContent).toContain('LPC message 0634501d (served by AppB.exe) -> 89137780 AppB.exe 1884.41f8');
    expect([...details.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['!thread 87f0d790', 'dx -r1 (nt!_ETHREAD *)0x87f0d790', '!waitchain 87f0d790']);
    expect(g.classList.contains('sel')).toBe(true);
    const search = doc.getElementById('search') as HTMLInputElement;
    search.value = 'svchost';
    search.dispatchEvent(new dom.window.Event('input'));
    expect([...doc.querySelectorAll('#graph g.n.hit')].map((n) => n.getAttribute('data-t')).sort()).toEqual(['86b64388', '88806a28', '899e1750', '89a9dc38']);
    search.value = '0n3556'; // AppA.exe's pid 0de4
    search.dispatchEvent(new dom.window.Event('input'));
    expect([...doc.querySelectorAll('#graph g.n.hit')].map((n) => n.getAttribute('data-t'))).toEqual(['87f0d790']);
    const th = doc.querySelector('#longest th:nth-child(3)') as HTMLElement;
    const ticks = () => [...doc.querySelectorAll('#longest tbody tr td:nth-child(3)')].map((c) => Number(c.getAttribute('data-sort')));
    th.click();
    expect(ticks()).toEqual(ticks().slice().sort((a, b) => a - b));
    th.click();
    expect(ticks()).toEqual(ticks().slice().sort((a, b) => b - a));
  });
});

describe('!waitchain -html on a generated 5,000-thread system', () => {
  const system = generateSystem(5000);
  const snapshot = buildSnapshot(system.scenario as never, 'xpsp3-x86');

  it('folds, stays readable (a few hundred boxes), covers every chain thread, no overlaps, in well under a second', () => {
    const plainStart = performance.now();
    const plain = runOnSnapshot(snapshot, '!waitchain');
    const plainMs = performance.now() - plainStart;
    const start = performance.now();
    const r = runWithHtml(snapshot, '!waitchain');
    const htmlMs = performance.now() - start;
    const dom = parse(r.html!);
    const doc = dom.window.document;
    const nodes = [...doc.querySelectorAll('#graph g.n')];
    expect(nodes.length).toBeGreaterThan(50);
    expect(nodes.length).toBeLessThan(1000);
    expect(overlaps(nodeBoxes(doc))).toEqual([]);
    const data = JSON.parse(doc.getElementById('wc-data')!.textContent!) as { nodes: { t?: string; m?: string[] }[]; threads: Record<string, unknown> };
    const folds = nodes.filter((n) => n.classList.contains('fold'));
    expect(folds.length).toBeGreaterThan(0);
    for (const f of folds) {
      const count = Number(f.getAttribute('data-count'));
      expect(count).toBeGreaterThanOrEqual(4);
      expect(data.nodes[Number(f.getAttribute('data-i'))].m!.length).toBe(count);
      expect(f.querySelector('tspan')!.textContent).toBe(`${count} threads wait on`);
    }
    // Every thread of every drawn root's chains is a node or inside a fold / "more" node.
    const json = plain.json as { chains: { path: string[]; root: string }[]; rootBlockers: { thread: string; cycle?: string[] }[] };
    const covered = new Set<string>();
    data.nodes.forEach((n) => (n.t ? [n.t] : n.m || []).forEach((a) => covered.add(a)));
    const drawnRoots = new Set<string>();
    json.rootBlockers.slice(0, 40).forEach((r) => [r.thread, ...(r.cycle || [])].forEach((t) => drawnRoots.add(t)));
    const missing = json.chains.filter((c) => drawnRoots.has(c.root)).flatMap((c) => c.path).filter((a) => !covered.has(a));
    expect(missing).toEqual([]);
    // The page costs little next to the analysis (the bound: under a second of script time).
    expect(htmlMs - plainMs).toBeLessThan(1000);
    // and it is drawn from the analysis' results: not one debugger call more than the text report's,
    // but the file it writes.
    const fileSystem = /^(FileSystem\.|namespace$|dataModel\.(Debugger|Utility|FileSystem)$)/;
    const calls = Object.fromEntries(Object.entries(r.callsByApi).filter(([api]) => !fileSystem.test(api)));
    expect(calls).toEqual(plain.callsByApi);
  });
});
