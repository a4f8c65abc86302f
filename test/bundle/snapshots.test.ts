// The CI suite of recorded snapshots (docs/snapshots.md): every test/snapshots/<name>.snapshot.json
// is replayed with the command it was recorded with, and its --json result must equal
// <name>.expected.json. A snapshot recorded from a customer's hang dump in WinDbg goes here the same way.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshotFile } from '../../mocks/harness/record';
import { runOnSnapshot } from '../../mocks/harness/run';

const DIR = join(__dirname, '..', 'snapshots');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.snapshot.json'))
  .map((f) => f.replace(/\.snapshot\.json$/, ''));

describe('test/snapshots', () => {
  it('holds recorded snapshots, each with its expected result', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(2);
    for (const name of NAMES) expect(existsSync(join(DIR, `${name}.expected.json`)), `${name}.expected.json`).toBe(true);
  });
});

describe.each(NAMES)('%s', (name) => {
  const snapshot = readSnapshotFile(join(DIR, `${name}.snapshot.json`));

  it('says what it was recorded from', () => {
    const h = snapshot.header;
    expect(h.recording?.command).toMatch(/^!(waitchain|stalecheck|ringdump)\b/);
    expect(h.arch === 'x64' ? 8 : 4).toBe(h.pointerSize);
    expect(['complete', 'kernel', 'live']).toContain(h.dumpKind);
    expect(typeof h.osVersion).toBe('string');
    expect(typeof h.waitchainVersion).toBe('string');
  });

  it('replays its command to the expected result', () => {
    const run = runOnSnapshot(snapshot, snapshot.header.recording!.command);
    expect(run.error).toBeUndefined();
    expect(run.json).toEqual(JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')));
    const text = join(DIR, `${name}.expected.txt`);
    if (existsSync(text)) expect(run.output).toBe(readFileSync(text, 'utf8'));
  });
});
