// Issue 14: a fixed slice of the crash-dump fuzz cases (mocks/harness/fuzz.ts runDumpCase; `npm run fuzz
// -- --dump-cases N` runs more): damaged headers, run descriptors, bitmaps, page tables and truncated
// files give one DumpError line or a normal run — never another exception, a crash or a hang.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzScenarios, makeDumpCase, prng, runDumpCase, STEP_LIMIT } from '../../mocks/harness/fuzz';
import { DumpError } from '../../mocks/dump/errors';
import { openDump } from '../../mocks/dump/open';
import { bundleCode } from '../../mocks/harness/run';
import { loadScript } from '../../mocks/loader';

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

// The real triage dump (../shared, skipped when absent), damaged in its triage header, data-block
// table, driver list and debugger data block.

const SHARED = join(__dirname, '..', '..', '..', 'shared');
const TRIAGE = join(SHARED, 'real-dumps', 'win10-19041.804-x64-triage.dmp');
const TABLE = join(SHARED, 'symbols', 'isf', '5278AFF86C341677D7D7835C85B7B844-1.json.xz');
const haveTriage = existsSync(TRIAGE) && existsSync(TABLE);

describe.skipIf(!haveTriage)(`damaged real triage dump${haveTriage ? '' : ' (skipped: ../shared/real-dumps or ../shared/symbols/isf is absent)'}`, () => {
  it('8 damaged copies: one DumpError line or a normal run of every command', () => {
    const original = new Uint8Array(readFileSync(TRIAGE));
    const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
    const regions = [
      [0x2000, 0x80], // TRIAGE_DUMP64
      [u32(original, 0x2078), 16 * 64], // data-block table
      [u32(original, 0x2030), 0x90 * 8], // driver list
      [u32(original, 0x2070), 0x80], // debugger data block copy
      [0x0, 0x100], // dump header
    ];
    const failures: string[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const r = prng(seed * 31);
      const bytes = original.slice();
      const [start, size] = regions[seed % regions.length];
      for (let k = 0; k < 3; k++) {
        const at = start + (Math.floor(r() * size) & ~3);
        for (let i = 0; i < 4; i++) bytes[at + i] = Math.floor(r() * 256);
      }
      let dump: ReturnType<typeof openDump>;
      try {
        dump = openDump({ name: `triage-${seed}.dmp`, bytes }, TABLE);
      } catch (e) {
        if (!(e instanceof DumpError) || /\n/.test(e.message)) failures.push(`seed ${seed}: ${String(e)}`);
        continue;
      }
      const script = loadScript(bundleCode(), dump.snapshot, { stepLimit: STEP_LIMIT, timeoutMs: 10000 });
      for (const command of ['!waitchain', '!stalecheck', '!ringdump "-devnode all"']) {
        const run = script.run(command);
        if (run.error || run.hang) failures.push(`seed ${seed} ${command}: ${run.error ?? run.hang}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300000);
});
