// npm run bench [-- --quick]: host round trips, bytes read and Node time of every command on synthetic
// systems (bench/generate.ts) of 1k, 10k and 100k threads under an x86 and an x64 layout, next to the
// host calls of a field-by-field reference walk (bench/reference.ts). Writes bench/results.json. Each
// system and ring is measured in a child process of its own (`--case <system|ring> <size> <layout>`).
// --quick (1k and 10k only) prints its table and writes nothing unless --out <file> asks; a full run
// writes bench/results.json (or --out). Unknown flags are errors (exit 2); --help prints the usage.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSnapshot } from '../mocks/builder';
import type { Snapshot } from '../mocks/format/snapshot';
import { bundleCode } from '../mocks/harness/run';
import { loadScript } from '../mocks/loader';
import { generateRing, generateSystem } from './generate';
import { REFERENCE_SCRIPT } from './reference';
import { benchArgsOrExit, resultsPath } from './args';
import type { BenchRow } from '../scripts/readme-perf';

/** One measured row of bench/results.json (the README table is generated from these: scripts/readme-perf.ts). */
type Row = BenchRow;

const benchArgs = benchArgsOrExit(process.argv.slice(2));
const quick = benchArgs.quick;
const SIZES = quick ? [1000, 10000] : [1000, 10000, 100000];
const LAYOUTS = ['win7sp1-x86', 'win10-19041-x64'];
const COMMANDS = ['!waitchain', '!stalecheck'];
/** Timed runs per command, after the cold one. */
const RUNS = 5;

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A full collection before each timed run (npm run bench passes --expose-gc): a run pays for its own garbage, not for an earlier section's. */
const collect = (globalThis as { gc?: () => void }).gc || (() => undefined);

/**
 * The first run (cold: the engine compiles, the mock builds its process index) is reported apart as
 * coldMs; ms is the median of `runs` runs after it.
 */
function measure(snapshot: Snapshot, command: string, runs: number): { hostCalls: number; bytesRead: number; ms: number; coldMs: number } {
  const script = loadScript(bundleCode(), snapshot);
  const times: number[] = [];
  let hostCalls = 0;
  let bytesRead = 0;
  let coldMs = 0;
  for (let i = 0; i <= runs; i++) {
    script.counters.reset();
    collect();
    const t0 = process.hrtime.bigint();
    const r = script.run(command);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i === 0) coldMs = Math.round(ms);
    else times.push(ms);
    if (r.error) throw new Error(`${command}: ${r.error}`);
    const c = script.counters.snapshot();
    hostCalls = c.total;
    bytesRead = c.bytesRead;
  }
  return { hostCalls, bytesRead, ms: Math.round(median(times)), coldMs };
}

function referenceCalls(snapshot: Snapshot): number {
  const script = loadScript(REFERENCE_SCRIPT, snapshot, { scriptName: 'reference' });
  script.counters.reset();
  const r = script.run('!referencewalk');
  if (r.error) throw new Error(`reference walk: ${r.error}`);
  return script.counters.snapshot().total;
}

const rows: Row[] = [];
function record(row: Row): void {
  row.hostCallsPerThread = row.threads ? Math.round((row.hostCalls / row.threads) * 100) / 100 : undefined;
  row.referenceRatio = row.referenceHostCalls ? Math.round((row.referenceHostCalls / row.hostCalls) * 10) / 10 : undefined;
  rows.push(row);
  console.error(`  ${row.command} ${row.layout} ${row.threads}: ${row.hostCalls} calls, ${row.ms} ms (cold ${row.coldMs} ms)`);
}

/** Host calls and bytes of one run (counts are deterministic: no timing, no reference walk). */
function countOnce(snapshot: Snapshot, command: string): { hostCalls: number; bytesRead: number } {
  const script = loadScript(bundleCode(), snapshot);
  script.counters.reset();
  const r = script.run(command);
  if (r.error) throw new Error(`${command}: ${r.error}`);
  const c = script.counters.snapshot();
  return { hostCalls: c.total, bytesRead: c.bytesRead };
}

/** One case, in this process: a system (or a ring) under one layout. Its rows go to stdout as JSON. */
function runCase(kind: string, size: number, layout: string): Row[] {
  if (kind === 'counts') {
    const snapshot = buildSnapshot(generateSystem(size).scenario as never, layout);
    return COMMANDS.map((command) => ({ command, layout, threads: size, ...countOnce(snapshot, command), ms: 0, referenceHostCalls: null }));
  }
  if (kind === 'ring-counts') {
    const snapshot = buildSnapshot(generateRing(size) as never, layout);
    return [{ command: `!ringdump (${size} entries)`, layout, threads: 0, ...countOnce(snapshot, '!ringdump (benchdrv!g_Ring, benchdrv!g_RingIndex)'), ms: 0, referenceHostCalls: null }];
  }
  if (kind === 'ring') {
    const snapshot = buildSnapshot(generateRing(size) as never, layout);
    return [{ command: `!ringdump (${size} entries)`, layout, threads: 0, ...measure(snapshot, '!ringdump (benchdrv!g_Ring, benchdrv!g_RingIndex)', RUNS), referenceHostCalls: null }];
  }
  const t0 = Date.now();
  const snapshot = buildSnapshot(generateSystem(size).scenario as never, layout);
  console.error(`${size} threads on ${layout}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // The commands first: the reference walk leaves a heap of typed objects behind it.
  const measured = COMMANDS.map((command) => ({ command, ...measure(snapshot, command, RUNS) }));
  const reference = referenceCalls(snapshot);
  return measured.map((m) => ({ layout, threads: size, ...m, referenceHostCalls: m.command === '!waitchain' ? reference : null }));
}

if (benchArgs.caseArgs) {
  const [kind, size, layout] = benchArgs.caseArgs;
  process.stdout.write(JSON.stringify(runCase(kind, Number(size), layout)));
  process.exit(0);
}

// Each case in a process of its own (same Node flags): a measurement never runs in the heap an
// earlier case left behind (a 100k-thread x86 system, a reference walk's typed objects).
const script = fileURLToPath(import.meta.url);
function inChild(kind: string, size: number, layout: string): void {
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--case', kind, String(size), layout], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench case ${kind} ${size} ${layout} failed (exit ${r.status})`);
  for (const row of JSON.parse(r.stdout) as Row[]) record(row);
}

if (benchArgs.counts) {
  // Refresh the deterministic columns of the committed rows in place (README table: npm run readme:perf).
  const out = resultsPath(benchArgs)!;
  const saved = JSON.parse(readFileSync(out, 'utf8')) as Row[];
  const fresh: Row[] = [];
  const collectChild = (kind: string, size: number, layout: string) => {
    const r = spawnSync(process.execPath, [...process.execArgv, script, '--case', kind, String(size), layout], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`bench case ${kind} ${size} ${layout} failed (exit ${r.status})`);
    fresh.push(...(JSON.parse(r.stdout) as Row[]));
  };
  for (const size of [...new Set(saved.filter((r) => r.threads > 0).map((r) => r.threads))]) for (const layout of LAYOUTS) collectChild('counts', size, layout);
  for (const row of saved.filter((r) => r.threads === 0)) collectChild('ring-counts', Number(/\((\d+) entries\)/.exec(row.command)![1]), row.layout);
  for (const row of saved) {
    const f = fresh.find((x) => x.command === row.command && x.layout === row.layout && x.threads === row.threads);
    if (!f) continue;
    if (f.hostCalls !== row.hostCalls) console.error(`  ${row.command} ${row.layout} ${row.threads}: ${row.hostCalls} -> ${f.hostCalls} host calls`);
    row.hostCalls = f.hostCalls;
    row.bytesRead = f.bytesRead;
    if (row.threads) row.hostCallsPerThread = Math.round((row.hostCalls / row.threads) * 100) / 100;
    if (row.referenceHostCalls) row.referenceRatio = Math.round((row.referenceHostCalls / row.hostCalls) * 10) / 10;
  }
  writeFileSync(out, JSON.stringify(saved, null, 2) + '\n');
  console.log(`updated host calls and bytes in ${out}`);
  process.exit(0);
}

for (const threads of SIZES) for (const layout of LAYOUTS) inChild('system', threads, layout);
// !ringdump: a 65,536-entry driver ring (and a 4,096-entry one).
for (const layout of LAYOUTS) for (const entries of quick ? [4096] : [4096, 65536]) inChild('ring', entries, layout);

// A quick run never replaces the committed full results (the README table is generated from them).
const out = resultsPath(benchArgs);
if (out) writeFileSync(out, JSON.stringify(rows, null, 2) + '\n');
const header = ['command', 'layout', 'threads', 'hostCalls', 'per thread', 'bytesRead', 'ms', 'cold ms', 'reference', 'ratio'];
const table = rows.map((r) => [r.command, r.layout, String(r.threads), String(r.hostCalls), r.hostCallsPerThread === undefined ? '' : String(r.hostCallsPerThread), String(r.bytesRead), String(r.ms), r.coldMs === undefined ? '' : String(r.coldMs), r.referenceHostCalls === null ? '' : String(r.referenceHostCalls), r.referenceRatio === undefined ? '' : `${r.referenceRatio}x`]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(header));
for (const t of table) console.log(line(t));
const scale = LAYOUTS.map((l) => {
  const at = (n: number) => rows.find((r) => r.command === '!waitchain' && r.layout === l && r.threads === n);
  const a = at(10000);
  const b = at(100000);
  return a && b ? `${l}: time(100k)/time(10k) = ${(b.ms / a.ms).toFixed(1)}` : '';
}).filter(Boolean);
if (scale.length) console.log(scale.join('; '));
console.log(out ? `wrote ${out}` : 'quick run: no file written (--out <file> to keep it)');
