// Record what a command reads and replay it: every scenario (seeds and ours) under every layout it allows,
// for !waitchain, !stalecheck and one !ringdump form where the scenario has rings; the same output, the same
// JSON, no more host calls. Split into parts (record-replay*.test.ts) so no worker holds the whole full matrix.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import type { Snapshot } from '../../mocks/format/snapshot';
import { runOnSnapshot } from '../../mocks/harness/run';
import { decodeSnapshotJson, RECORD_NOTE, recordOnSnapshot, ringCommandOf, withoutRecordNote } from '../../mocks/harness/record';
import { testLayoutsOf } from '../layoutMatrix';

export const SEEDS = readdirSync(join(__dirname, '..', '..', 'mocks', 'scenarios'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));
const OWN_DIR = join(__dirname, '..', 'scenarios');
const OWN = readdirSync(OWN_DIR).filter((f) => f.endsWith('.json')).map((f) => join(OWN_DIR, f));
export const SCENARIOS = [...SEEDS, ...OWN];
export const short = (id: string) => id.replace(/^.*[\\/]/, '');

function commandsOf(id: string): string[] {
  const ring = ringCommandOf(loadScenario(id));
  return ['!waitchain', '!stalecheck', ...(ring ? [ring] : [])];
}

export function describeRecordReplayMatrix(part: number, parts: number): void {
describe.each(SCENARIOS.filter((_, i) => i % parts === part).map((id) => [short(id), id]))('%s', (_name, id) => {
  describe.each(testLayoutsOf(id))('%s', (layout) => {
    // Built when this layout's tests start and dropped when they end: the full layout matrix holds
    // over a thousand (scenario, layout) pairs, too many snapshots to keep alive at once in one worker.
    let built: Snapshot | undefined;
    beforeAll(() => {
      built = buildSnapshot(loadScenario(id), layout);
    });
    afterAll(() => {
      built = undefined;
    });
    it.each(commandsOf(id))('%s: recorded, replayed, the same output and result', (command) => {
      const snapshot = built!;
      const normal = runOnSnapshot(snapshot, command);
      const recording = recordOnSnapshot(snapshot, command);
      // Recording changes nothing the analysis sees: the same output, then one line saying where it went.
      expect(recording.run.error).toBeUndefined();
      expect(recording.run.output.startsWith(normal.output)).toBe(true);
      expect(recording.run.output.slice(normal.output.length)).toMatch(RECORD_NOTE);
      expect(withoutRecordNote(recording.run.output)).toBe(normal.output);
      expect(recording.run.json).toEqual(normal.json);
      // The replay reads only the snapshot, and reads it exactly as the recording session read the dump.
      const replay = runOnSnapshot(decodeSnapshotJson(recording.json), recording.json.header.recording!.command);
      expect(replay.error).toBeUndefined();
      expect(replay.output).toBe(normal.output);
      expect(replay.json).toEqual(normal.json);
      // Symbols are named from the module list (symbol answers carry no module); a recording keeps only
      // the modules it saw symbols in, so the replay enumerates a shorter list: at most as many calls.
      expect(replay.hostCalls).toBeLessThanOrEqual(normal.hostCalls);
    });
  });
});
}
