// Issue 2's end-to-end proof on every layout: the mutant hop and the process-object hop of seed 002
// ("pattern cooperation"), from wait blocks laid out as each build's kernel holds them.
import { describe, expect, it } from 'vitest';
import { layoutsOf, runOnScenario } from '../../mocks/harness/run';
import { irqlReadable, lpcOnly, testLayoutsOf } from '../layoutMatrix';

const ID = '002-lpc-mutant-process-eresource-fastmutex';

interface Json {
  chains: { path: string[]; hops: { from: string; kind: string; object: string; to: string }[] }[];
  rootBlockers: { thread: string; blocked: number; processesAffected: string[] }[];
  deadlocks: unknown[];
  waiterCounts: Record<string, number>;
}

describe.each(testLayoutsOf(ID))('%s', (layout) => {
  const run = runOnScenario(ID, layout, '!waitchain');
  const json = run.json as Json;
  const hops = json.chains.flatMap((c) => c.hops);

  it('follows the mutant to its owner', () => {
    expect(hops).toContainEqual(expect.objectContaining({ from: '85b209d0', kind: 'mutant', object: '85e9ba00', to: '866d63e8' }));
  });

  it('follows the process object to its remaining thread', () => {
    expect(hops).toContainEqual(expect.objectContaining({ from: '866d63e8', kind: 'process', object: '86b33b30', to: '85a6fdb0' }));
  });

  it('reports no deadlock', () => {
    expect(json.deadlocks).toEqual([]);
  });

  it('says which wait start is later than the current tick instead of a huge wait', () => {
    expect(run.output).toContain('Wait Start after the current tick (inconsistent dump)');
    expect(run.output).not.toMatch(/Ticks: 42949/);
  });

  it('prints the verdict first and the summary last', () => {
    const lines = run.output.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^(ROOT BLOCKER|DEADLOCK|No blocking chains)/);
    expect(lines[lines.length - 1]).toMatch(/^Summary: 5 threads scanned, 5 waiting/);
  });
});
