// npm run fuzz -- --cases <N> [--seed <S>] [--dump-cases <D>]
// Runs N random-damage cases (see mocks/harness/fuzz.ts) and prints each failure with the seed that
// reproduces it; the last line is `fuzz: <N> cases, <C> crashes, <H> hangs`.
import { fuzzScenarios, makeCase, makeDumpCase, runCase, runDumpCase, type FuzzFailure } from '../mocks/harness/fuzz';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`fuzz: ${name} takes a whole number\nusage: npm run fuzz -- --cases <N> [--seed <S>]`);
    process.exit(2);
  }
  return v;
}

const cases = arg('--cases', 10000);
const first = arg('--seed', 1);
const scenarios = fuzzScenarios();
const failures: FuzzFailure[] = [];
const started = Date.now();
for (let i = 0; i < cases; i++) {
  const seed = first + i;
  for (const f of runCase(makeCase(seed, scenarios))) {
    failures.push(f);
    console.log(`${f.kind}: seed ${f.seed} (${f.scenario.replace(/^.*\//, '')} on ${f.layout}) ${f.command}: ${f.message}`);
  }
  if ((i + 1) % 1000 === 0) console.error(`  ${i + 1} cases, ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
// Crash-dump cases (issue 14): scenarios written as dumps, then damaged (--dump-cases, default cases/10).
const dumpCases = arg('--dump-cases', Math.floor(cases / 10));
const dumpWork = mkdtempSync(`${tmpdir()}/waitchain-dumpfuzz-`);
const dumpScenarios = scenarios.filter((s) => !s.includes('/'));
for (let i = 0; i < dumpCases; i++) {
  for (const f of await runDumpCase(makeDumpCase(first + i, dumpScenarios), dumpWork)) {
    failures.push(f);
    console.log(`${f.kind}: dump seed ${f.seed} (${f.scenario} on ${f.layout}) ${f.command}: ${f.message}`);
  }
}
rmSync(dumpWork, { recursive: true, force: true });
if (dumpCases) console.log(`fuzz: ${dumpCases} damaged dumps`);
const crashes = failures.filter((f) => f.kind !== 'hang').length;
const hangs = failures.filter((f) => f.kind === 'hang').length;
console.log(`fuzz: ${cases} cases, ${crashes} crashes, ${hangs} hangs`);
process.exitCode = crashes + hangs ? 1 : 0;
