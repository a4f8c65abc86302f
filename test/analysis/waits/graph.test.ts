import { describe, expect, it } from 'vitest';
import { conclude } from '../../../src/analysis/waits/conclusions';
import { cycleThrough, stronglyConnected, towards, pathTo } from '../../../src/analysis/waits/graph';
import type { Hop, WaitGraph } from '../../../src/analysis/waits/waitgraph';

/** A wait graph from "a>b" edges (all mutant hops through object "o<a>"). */
function graphOf(edges: string[]): WaitGraph {
  const g: WaitGraph = { hops: [], out: new Map(), into: new Map(), deadEnds: new Map(), waiters: new Map() };
  for (const e of edges) {
    const [from, to] = e.split('>');
    const hop: Hop = { from, to, kind: 'mutant', object: `o${from}${to}` };
    g.hops.push(hop);
    g.out.set(from, [...(g.out.get(from) || []), hop]);
    g.into.set(to, [...(g.into.get(to) || []), hop]);
  }
  return g;
}

const noTicks = () => 0;

describe('strongly connected components', () => {
  it('finds a self-loop as a cycle', () => {
    const c = conclude(graphOf(['a>a']), noTicks);
    expect(c.deadlocks.map((d) => d.threads)).toEqual([['a']]);
  });

  it.each([2, 3, 5, 17])('finds a cycle of length %i in order', (n) => {
    const names = Array.from({ length: n }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const edges = names.map((t, i) => `${t}>${names[(i + 1) % n]}`);
    const c = conclude(graphOf(edges), noTicks);
    expect(c.deadlocks).toHaveLength(1);
    expect(c.deadlocks[0].threads).toEqual(names);
    expect(c.deadlocks[0].hops.map((h) => h.from)).toEqual(names);
  });

  it('reports a chain into a cycle ending at the cycle entry', () => {
    const c = conclude(graphOf(['x>y', 'y>a', 'a>b', 'b>a']), noTicks);
    expect(c.deadlocks[0].threads.sort()).toEqual(['a', 'b']);
    expect(c.roots).toHaveLength(1);
    expect(c.roots[0].cycle!.sort()).toEqual(['a', 'b']);
    expect(c.chains.map((ch) => ch.path)).toEqual([['x', 'y', 'a']]);
  });

  it('counts a diamond once per blocked thread', () => {
    const c = conclude(graphOf(['a>b', 'a>c', 'b>d', 'c>d']), noTicks);
    expect(c.deadlocks).toEqual([]);
    expect(c.roots.map((r) => r.thread)).toEqual(['d']);
    expect(c.roots[0].blocked.sort()).toEqual(['a', 'b', 'c']);
  });

  it('ranks two independent roots by threads blocked, then by waiting time', () => {
    const c = conclude(graphOf(['a>r1', 'b>r2', 'c>r2']), noTicks);
    expect(c.roots.map((r) => r.thread)).toEqual(['r2', 'r1']);
    const tied = conclude(graphOf(['a>r1', 'b>r2']), (t) => (t === 'r1' ? 100 : 5));
    expect(tied.roots.map((r) => r.thread)).toEqual(['r1', 'r2']);
  });

  it('handles a 10,000-hop chain without recursion', () => {
    const n = 10000;
    const edges = Array.from({ length: n }, (_, i) => `n${i}>n${i + 1}`);
    const c = conclude(graphOf(edges), noTicks);
    expect(c.roots.map((r) => r.thread)).toEqual([`n${n}`]);
    expect(c.roots[0].blocked).toHaveLength(n);
    expect(c.chains).toHaveLength(1);
    expect(c.chains[0].path).toHaveLength(n + 1);
  });

  it('handles a 10,000-thread cycle without recursion', () => {
    const n = 10000;
    const edges = Array.from({ length: n }, (_, i) => `n${i}>n${(i + 1) % n}`);
    const components = stronglyConnected(Array.from({ length: n }, (_, i) => `n${i}`), (x) => [`n${(Number(x.slice(1)) + 1) % n}`]);
    expect(components).toHaveLength(1);
    expect(conclude(graphOf(edges), noTicks).deadlocks[0].threads).toHaveLength(n);
  });

  it('takes the shortest way round a component with chords', () => {
    const members = new Set(['a', 'b', 'c', 'd']);
    const next = (x: string) => ({ a: ['b'], b: ['c', 'a'], c: ['d'], d: ['a'] } as Record<string, string[]>)[x];
    expect(cycleThrough('a', members, next)).toEqual(['a', 'b']);
  });

  it('follows next hops to the target', () => {
    const prev = (x: string) => ({ c: ['b'], b: ['a'] } as Record<string, string[]>)[x] || [];
    const hops = towards(['c'], prev);
    expect(pathTo('a', hops)).toEqual(['a', 'b', 'c']);
  });

  it('finds no root when nobody waits', () => {
    expect(conclude(graphOf([]), noTicks)).toEqual({ deadlocks: [], roots: [], chains: [] });
  });
});
