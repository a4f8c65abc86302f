// npm run fuzz -- --cases <N> [--seed <S>] [--dump-cases <D>]   (--help: usage; unknown flags exit 2)
// Runs N random-damage cases (see mocks/harness/fuzz.ts) and prints each failure with the seed that
// reproduces it; the last line is `fuzz: <N> cases, <C> crashes, <H> hangs`.
import { fuzzScenarios, makeCase, makeDumpCase, runCase, runDumpCase, type FuzzFailure } from '../mocks/harness/fuzz';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const USAGE = `usage: npm run fuzz -- [--cases <N>] [--seed <S>] [--dump-cases <D>]
  --cases <N>  random-damage cases to run (default 10000)
  --dump-cases <D>  scenarios written as crash dumps, then damaged (default N/10)
  --seed <S>   the first case's seed (default 1); a failure prints the seed that reproduces it
  --help       this help`;

function usageError(message: string): never {
  console.error(`fuzz: ${message}\n${USAGE}`);
  process.exit(2);
}

/** Flags as given; an unknown flag or a bad number is an error, never a silent 10,000-case default run. */
function parseFuzzArgs(argv: string[]): { cases: number; seed: number; dumpCases?: number } {
  const args: { cases: number; seed: number; dumpCases?: number } = { cases: 10000, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (a !== '--cases' && a !== '--seed' && a !== '--dump-cases') usageError(`unknown argument ${a}`);
    const text = argv[++i];
    if (text === undefined) usageError(`${a} needs a whole number`);
    if (!/^\d+$/.test(text)) usageError(`${a} takes a whole number, not '${text}'`);
    args[a === '--cases' ? 'cases' : a === '--seed' ? 'seed' : 'dumpCases'] = Number(text);
  }
  return args;
}

const { cases, seed: first, dumpCases: dumpCasesArg } = parseFuzzArgs(process.argv.slice(2));
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
const dumpCases = dumpCasesArg ?? Math.floor(cases / 10);
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
