// The harness, fuzz and bench command lines as a CI tool uses them (issue 18 items 1-6): exit codes
// 0 ran and reported / 1 the command failed or --check found unmet expectations / 2 bad usage or
// input file, one line naming the file for every file-level mistake, --list-scenarios, addresses
// typed back as x64 reports show them, --record naming the file it wrote, no colour codes.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBenchArgs, resultsPath, FULL_RESULTS } from '../bench/args';

const ROOT = join(__dirname, '..');
const S = '002-lpc-chain-mutant-lpc-deadlock-cycle';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: unknown }).code as number) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}
const harness = (...args: string[]) => run('scripts/harness.ts', args);

async function inParallel<T>(jobs: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wc-harness-'));
  const scenario = JSON.parse(readFileSync(join(ROOT, 'mocks/scenarios', `${S}.json`), 'utf8'));
  writeFileSync(join(dir, 'empty.json'), '');
  writeFileSync(join(dir, 'array.json'), '[]');
  writeFileSync(join(dir, 'null.json'), 'null');
  writeFileSync(join(dir, 'object.json'), '{}');
  writeFileSync(join(dir, 'malformed.json'), '{"format": "waitchain-scenario/1",');
  writeFileSync(join(dir, 'badhex.json'), JSON.stringify({ ...scenario, threads: [{ ...scenario.threads[0], address: 'zz12' }, ...scenario.threads.slice(1)] }));
  writeFileSync(join(dir, 'duplicate.json'), JSON.stringify({ ...scenario, threads: [...scenario.threads, scenario.threads[0]] }));
  writeFileSync(join(dir, 'unmet.json'), JSON.stringify({ ...scenario, expect: { ...scenario.expect, longestWaiter: '86b64388' } }));
  writeFileSync(join(dir, 'truncated.json'), readFileSync(join(ROOT, 'test/snapshots/lpc-deadlock-xpsp3-redacted.snapshot.json'), 'utf8').slice(0, 2000));
  mkdirSync(join(dir, 'a-directory'));
});

describe('harness: every file-level mistake is one line naming the file, exit 2', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing scenario id', () => ['--scenario', 'no-such-scenario', '--command', '!waitchain'], /^harness: no-such-scenario: no such scenario file or id/],
    ['a missing scenario path', () => ['--scenario', join(dir, 'nope.json'), '--command', '!waitchain'], /nope\.json: no such scenario file or id/],
    ['an empty file', () => ['--scenario', join(dir, 'empty.json'), '--command', '!waitchain'], /empty\.json: empty file/],
    ['malformed JSON', () => ['--scenario', join(dir, 'malformed.json'), '--command', '!waitchain'], /malformed\.json: not valid JSON/],
    ['a directory', () => ['--scenario', join(dir, 'a-directory'), '--command', '!waitchain'], /a-directory: is a directory/],
    ['[]', () => ['--scenario', join(dir, 'array.json'), '--command', '!waitchain'], /array\.json: not a scenario: .*a JSON array/],
    ['null', () => ['--scenario', join(dir, 'null.json'), '--command', '!waitchain'], /null\.json: not a scenario: .*got null/],
    ['{}', () => ['--scenario', join(dir, 'object.json'), '--command', '!waitchain'], /object\.json: not a scenario: .*without a "format"/],
    ['a bad hex field', () => ['--scenario', join(dir, 'badhex.json'), '--command', '!waitchain'], /badhex\.json: invalid scenario: threads\[0\]\.address: expected a hex string/],
    ['a duplicate thread', () => ['--scenario', join(dir, 'duplicate.json'), '--command', '!waitchain'], /duplicate\.json: .*listed twice/],
    ['a snapshot given as --scenario', () => ['--scenario', 'test/snapshots/lpc-deadlock-xpsp3-redacted.snapshot.json', '--command', '!waitchain'], /is a snapshot .*use --snapshot/],
    ['a scenario given as --snapshot', () => ['--snapshot', `mocks/scenarios/${S}.json`], /is a scenario .*use --scenario/],
    ['a truncated snapshot', () => ['--snapshot', join(dir, 'truncated.json')], /truncated\.json: not valid JSON \(the file ends early: truncated\?\)/],
    ['a missing snapshot', () => ['--snapshot', join(dir, 'missing.json')], /missing\.json: no such snapshot file/],
    ['an unwritable --record path', () => ['--scenario', S, '--layout', 'xpsp3-x86', '--command', '!waitchain', '--record', join(dir, 'no/such/dir/r.json')], /r\.json: cannot write the --record file: its directory does not exist/],
    ['an unwritable --save-snapshot path', () => ['--scenario', S, '--layout', 'xpsp3-x86', '--save-snapshot', join(dir, 'a-directory')], /a-directory: cannot write the --save-snapshot file: is a directory/],
  ];
  // One test, the cases run side by side: each is a Node start-up.
  it('each case', async () => {
    const results = await inParallel(cases.map(([, args]) => () => harness(...args())));
    cases.forEach(([what, , message], i) => {
      const r = results[i];
      const lines = r.stderr.trimEnd().split('\n');
      expect({ what, code: r.code, stdout: r.stdout, lines: lines.length, line: lines[0] }).toMatchObject({ what, code: 2, stdout: '', lines: 1 });
      expect(lines[0], what).toMatch(/^harness: /);
      expect(lines[0], what).toMatch(message);
    });
  });
});

describe('harness exit codes (0 ran, 1 command error or unmet --check, 2 usage)', () => {
  it('0: the command ran and reported', async () => {
    const r = await harness('--scenario', S, '--command', '!waitchain');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^DEADLOCK: /);
  });
  it('1: the command reported an error (a bad option, an address that is no thread, a dx parse error)', async () => {
    const cases: [string, RegExp][] = [
      ['!waitchain "-x"', /^waitchain: unknown option -x\nusage: /],
      ['!waitchain 0x1234', /^waitchain: 1234 is not a thread/],
      ['!waitchain 87f0d790', /Unexpected token/],
      ['!stalecheck "-t abc"', /^stalecheck: -t takes a decimal number of seconds/],
    ];
    const results = await inParallel(cases.map(([command]) => () => harness('--scenario', S, '--command', command)));
    cases.forEach(([command, output], i) => {
      expect({ command, code: results[i].code }).toEqual({ command, code: 1 });
      expect(results[i].stdout, command).toMatch(output);
    });
  });
  it('1: --check with unmet expectations; 0 when all are met', async () => {
    const unmet = await harness('--scenario', join(dir, 'unmet.json'), '--layout', 'xpsp3-x86', '--check');
    expect(unmet.code).toBe(1);
    expect(unmet.stdout).toMatch(/UNMET/);
    const met = await harness('--scenario', S, '--layout', 'xpsp3-x86', '--check');
    expect(met.code).toBe(0);
  });
  it('2: bad usage', async () => {
    expect((await harness('--bogus')).code).toBe(2);
    expect((await harness('--scenario', S, '--layout', 'nope', '--command', '!waitchain')).code).toBe(2);
  });
  it('documents the exit codes and the default layout in --help', async () => {
    const r = await harness('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/exit status: 0 ran and reported; 1 the command reported an error or --check found unmet\nexpectations; 2 bad harness usage or input file/);
    expect(r.stdout).toMatch(/--layout defaults to the first layout the\nscenario allows/);
  });
});

describe('harness --list-scenarios', () => {
  it('lists the seed and the project scenarios by id, each usable by id', async () => {
    const r = await harness('--list-scenarios');
    expect(r.code).toBe(0);
    const ids = r.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(ids).toContain(S);
    expect(ids).toContain('lpc-chain-deadlock');
    expect(r.stdout).toMatch(new RegExp(`^${S}  xpsp3-x86,`, 'm'));
    const byId = await harness('--scenario', 'lpc-chain-deadlock', '--command', '!waitchain');
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(/^DEADLOCK: /);
  });
});

describe('harness on x64 layouts: addresses typed as the report shows them', () => {
  it.each(['"87f0d790"', '0x87f0d790'])('accepts %s (relocated back) as the thread it names', async (address) => {
    const r = await harness('--scenario', S, '--layout', 'win10-19041-x64', '--command', `!waitchain ${address}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Thread 87f0d790 AppA\.exe 0de4\.5b2c: /m);
  });
});

describe('harness --record and CI output', () => {
  it('names the file it wrote, not the path inside the mock debugger', async () => {
    const file = join(dir, 'rec.json');
    const r = await harness('--scenario', S, '--layout', 'xpsp3-x86', '--command', '!waitchain', '--record', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`waitchain: recorded to ${file}: `);
    expect(r.stdout).not.toContain('C:\\dumps');
    expect(existsSync(file)).toBe(true);
  });
  it('prints no colour escape codes (CI=true, no TTY), errors included', async () => {
    for (const args of [['--scenario', S, '--command', '!waitchain'], ['--scenario', 'nope', '--command', '!waitchain']]) {
      const r = await run('scripts/harness.ts', args, { CI: 'true', FORCE_COLOR: undefined });
      expect(r.stdout + r.stderr).not.toMatch(/\x1b\[/);
    }
  });
  it('CI runs the tests with colour off (vitest colours whenever CI is set)', () => {
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^export NO_COLOR=1$/m);
  });
});

describe('fuzz and bench arguments', () => {
  it('fuzz: --help prints the usage, an unknown flag is an error (no silent 10,000-case run)', async () => {
    const help = await run('scripts/fuzz.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run fuzz/);
    const typo = await run('scripts/fuzz.ts', ['--case', '5']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^fuzz: unknown argument --case/);
    const bad = await run('scripts/fuzz.ts', ['--cases', '1e3']);
    expect(bad.code).toBe(2);
  });
  it('bench: --help, unknown flags, and --quick writes no bench/results.json', async () => {
    expect(() => parseBenchArgs(['--bogus'])).toThrow(/unknown argument --bogus/);
    expect(parseBenchArgs(['--help']).help).toBe(true);
    expect(resultsPath(parseBenchArgs(['--quick']))).toBeUndefined();
    expect(resultsPath(parseBenchArgs([]))).toBe(FULL_RESULTS);
    expect(resultsPath(parseBenchArgs(['--quick', '--out', 'q.json']))).toBe('q.json');
    const r = await run('bench/run.ts', ['--bogus']);
    expect(r.code).toBe(2);
  });
});
