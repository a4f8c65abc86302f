// SnapshotTarget (mocks/snapshotTarget.ts) runs src/ in-process over a snapshot. Its answers must be
// the ones the bundle gets from the mock WinDbg through HostTarget, or unit tests written on it would
// test another program: the same reports, word for word, for every scenario, both ways.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import { readSnapshotFile } from '../../mocks/harness/record';
import { listScenarios } from '../../mocks/harness/inputs';
import { runOnSnapshot } from '../../mocks/harness/run';
import { snapshotTarget } from '../../mocks/snapshotTarget';
import type { Snapshot } from '../../mocks/format/snapshot';
import { RULE_IDS } from '../../src/analysis/stale/model';
import { runStaleCheck } from '../../src/analysis/stale/stalecheck';
import { analyzeWaitChains } from '../../src/analysis/waits/waitchain';
import { KernelContext } from '../../src/kernel/context';
import { KernelReaders } from '../../src/kernel/readers';
import { renderStaleText } from '../../src/render/staleText';
import { renderWaitChainText } from '../../src/render/waitchainText';

// The entry points the commands use (src/commands/waitchain.ts, stalecheck.ts), here without the bundle.
function inProcess(snapshot: Snapshot, command: '!waitchain' | '!stalecheck'): string {
  const target = snapshotTarget(snapshot);
  const kernel = new KernelReaders(new KernelContext(target));
  return command === '!waitchain'
    ? renderWaitChainText(analyzeWaitChains(kernel, { kind: 'system' }), target.pointerSize)
    : renderStaleText(runStaleCheck(kernel, RULE_IDS, { longWaitSeconds: 600 }), target.pointerSize);
}

// One layout of the scenario's own arch: no relocation, so both runs print the same addresses.
const cases = listScenarios().flatMap((s) => {
  const scenario = loadScenario(s.path);
  const layout = scenario.system.arch === 'x64' ? 'win10-19041-x64' : 'win7sp1-x86';
  const allowed = scenario.system.layouts?.length ? scenario.system.layouts : [layout];
  return [{ id: s.id, path: s.path, layout: allowed.includes(layout) ? layout : allowed[0] }];
});

describe('SnapshotTarget answers as the bundle on the mock WinDbg does', () => {
  it.each(cases)('$id on $layout: !waitchain and !stalecheck print the same report', ({ path, layout }) => {
    let snapshot: Snapshot;
    try {
      snapshot = buildSnapshot(loadScenario(path), layout);
    } catch {
      return; // a scenario this layout cannot hold: the scenario tests say why
    }
    for (const command of ['!waitchain', '!stalecheck'] as const) {
      expect(inProcess(snapshot, command), command).toBe(runOnSnapshot(snapshot, command).output);
    }
  });

  it('a recorded snapshot file replays in-process as in the bundle', () => {
    const snapshot = readSnapshotFile('test/snapshots/lpc-deadlock-xpsp3-redacted.snapshot.json');
    expect(inProcess(snapshot, '!waitchain')).toBe(runOnSnapshot(snapshot, '!waitchain').output);
  });
});
