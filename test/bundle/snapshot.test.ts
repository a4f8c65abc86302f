// The snapshot form is the seam where a recording from a real dump plugs in: a snapshot written as
// JSON and read back must give the mock host exactly the same world, so the same command output.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario, snapshotToJson } from '../../mocks/builder';
import { snapshotFileProblems } from '../../mocks/format/validate';
import { snapshotFromJson } from '../../mocks/host';
import { runOnSnapshot } from '../../mocks/harness/run';

describe.each([
  ['002-lpc-mutant-process-eresource-fastmutex', 'xpsp3-x86'],
  ['002-lpc-chain-mutant-lpc-deadlock-cycle', 'win10-19041-x64'],
  ['002-x64-taskmgr-lpc-cs-mutant-lpc-wow64', 'win11-24h2-x64'],
])('%s on %s', (id, layout) => {
  it('gives the same !waitchain output and result from its JSON form', () => {
    const built = buildSnapshot(loadScenario(id), layout);
    const json = JSON.parse(JSON.stringify(snapshotToJson(built)));
    expect(snapshotFileProblems(json)).toEqual([]); // the builder's JSON is the one format too
    const reread = snapshotFromJson(json);
    const a = runOnSnapshot(built, '!waitchain');
    const b = runOnSnapshot(reread, '!waitchain');
    expect(b.error).toBeUndefined();
    expect(b.output).toBe(a.output);
    expect(b.json).toEqual(a.json);
    expect(b.hostCalls).toBe(a.hostCalls);
  });
});
