// Issue 14: a fixed slice of the crash-dump fuzz cases (mocks/harness/fuzz.ts runDumpCase; `npm run fuzz
// -- --dump-cases N` runs more): damaged headers, run descriptors, bitmaps, page tables and truncated
// files give one DumpError line or a normal run — never another exception, a crash or a hang.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzScenarios, makeDumpCase, runDumpCase } from '../../mocks/harness/fuzz';

const SLICE = 40;
const work = mkdtempSync(join(tmpdir(), 'waitchain-dumpfuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('dump fuzz slice', () => {
  it(`${SLICE} damaged dumps: one clear line or a normal run, 0 crashes, 0 hangs`, async () => {
    const scenarios = fuzzScenarios().filter((s) => !s.includes('/'));
    const failures = [];
    for (let seed = 1; seed <= SLICE; seed++) failures.push(...(await runDumpCase(makeDumpCase(seed, scenarios), work)));
    expect(failures).toEqual([]);
  }, 300000);
});
