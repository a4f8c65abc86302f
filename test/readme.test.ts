// README promises (issue 18 item 20): every sample names its scenario and layout and reproduces
// exactly (each is preceded by `<!-- sample: --scenario <id> --layout <name> --command '<cmd>' -->`),
// and the performance table is the one scripts/readme-perf.ts generates from bench/results.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSystem } from '../bench/generate';
import { buildSnapshot } from '../mocks/builder';
import { runOnScenario, runOnSnapshot } from '../mocks/harness/run';
import { perfTable, withPerfTable, type BenchRow } from '../scripts/readme-perf';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const SAMPLE = /<!-- sample: --scenario (\S+) --layout (\S+) --command '([^']+)' -->\n```\n([\s\S]*?)```\n/g;
const samples = [...README.matchAll(SAMPLE)].map((m) => ({ scenario: m[1], layout: m[2], command: m[3], text: m[4] }));

describe('README samples', () => {
  it('every output block of a command is a marked sample', () => {
    expect(samples.length).toBeGreaterThanOrEqual(6);
    const blocks = [...README.matchAll(/```\n((?:DEADLOCK|ROOT BLOCKER|UNSERVED|Scope|No blocking|1\. \[|mydriver!|devnode )[\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.filter((b) => !samples.some((s) => s.text === b))).toEqual([]);
  });
  it.each(samples)('$scenario on $layout: $command reproduces exactly', ({ scenario, layout, command, text }) => {
    expect(README).toMatch(new RegExp(`scenario\\s+\`${scenario}\``, 'i'));
    expect(runOnScenario(scenario, layout, command).output).toBe(text);
  });
});

describe('README performance table', () => {
  it('is the table generated from bench/results.json (npm run readme:perf)', () => {
    const rows = JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'results.json'), 'utf8')) as BenchRow[];
    expect(withPerfTable(README, rows)).toBe(README);
    expect(perfTable(rows)).toContain('| !waitchain | win7sp1-x86 | 1,000 |');
  });
});

describe('bench/results.json', () => {
  // Host calls are deterministic: the committed rows must be what the current code does (npm run bench -- --counts).
  const rows = JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'results.json'), 'utf8')) as BenchRow[];
  it.each(rows.filter((r) => r.threads === 1000))('$command on $layout at 1,000 threads: host calls as the code makes them', (row) => {
    const snapshot = buildSnapshot(generateSystem(1000).scenario as never, row.layout);
    expect(runOnSnapshot(snapshot, row.command).hostCalls).toBe(row.hostCalls);
  });
});
