// A waiter held up by a lock several threads own depends on every owner: the text hop names them all,
// the JSON has one chain per owner, the DOT graph draws every owner edge (issue 15).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnScenario } from '../../mocks/harness/run';

const SCENARIO = join(__dirname, '..', 'scenarios', 'resource-shared-owners-chain.json');

describe.each(['xpsp3-x86', 'win10-19041-x64'])('ERESOURCE shared by two threads on %s', (layout) => {
  it('the hop names both owners; the single-owner near miss names one', () => {
    const run = runOnScenario(SCENARIO, layout, '!waitchain');
    expect(run.output).toContain('waits on ERESOURCE 88000000 (shared owner, shared by 8a31c020 and 8a40e5c0)');
    expect(run.output).toContain('waits on ERESOURCE 88000100 (shared owner)  ');
  });

  it('one JSON chain per owner, both counted under the root', () => {
    const json = runOnScenario(SCENARIO, layout, '!waitchain').json as { chains: { path: string[] }[]; rootBlockers: { thread: string; blocked: number }[] };
    const paths = json.chains.map((c) => c.path.join('>'));
    expect(paths).toContain('87000000>8a31c020>87003000');
    expect(paths).toContain('87000000>8a40e5c0>87003000');
    expect(json.rootBlockers.find((r) => r.thread === '87003000')!.blocked).toBe(3);
  });

  it('DOT draws the resource to each owner', () => {
    const dot = runOnScenario(SCENARIO, layout, '!waitchain "-dot"').output;
    // Node ids are target addresses (relocated on x64): count the owners of the one object with two.
    const owners = new Map<string, Set<string>>();
    for (const m of dot.matchAll(/"(o[0-9a-f]+)" -> "(t[0-9a-f]+)"/g)) owners.set(m[1], (owners.get(m[1]) || new Set()).add(m[2]));
    expect([...owners.values()].map((s) => s.size).sort()).toEqual([1, 1, 2]);
    if (layout === 'xpsp3-x86') expect(dot).toContain('"o88000000" -> "t8a40e5c0"');
  });
});
