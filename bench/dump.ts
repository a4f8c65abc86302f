// npm run bench:dump [-- --threads N]: the synthetic 10,000-thread system (bench/generate.ts) run from its
// snapshot, written as a complete dump (physical runs, DumpType 1), as a bitmap complete dump (5) and as a
// bitmap kernel dump (6) by mocks/dump/writer.ts, and read back through the --dump reader: open time,
// command time (cold and the median of 3 warm runs), host calls, bytes the reader took from the file and
// the page-cache bound. Writes bench/dump-results.json (issue 14).
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSnapshot } from '../mocks/builder';
import type { Snapshot } from '../mocks/format/snapshot';
import { openDump } from '../mocks/dump/open';
import { writeDumpFile } from '../mocks/dump/writer';
import { bundleCode } from '../mocks/harness/run';
import { loadScript } from '../mocks/loader';
import { generateSystem } from './generate';

const i = process.argv.indexOf('--threads');
const THREADS = i > 0 ? Number(process.argv[i + 1]) : 10000;
const LAYOUT = 'win10-19041-x64';
const COMMANDS = ['!waitchain', '!stalecheck'];
const collect = (globalThis as { gc?: () => void }).gc || (() => undefined);

interface Row {
  source: string; command: string; threads: number; layout: string;
  fileBytes?: number; writeMs?: number; openMs?: number; rssMB?: number; hostCalls: number; ms: number; coldMs: number;
  bytesFromFile?: number; cachedChunks?: number; maxCachedChunks?: number; outputEqualsSnapshot?: boolean;
}

function time(snapshot: Snapshot, command: string) {
  const script = loadScript(bundleCode(), snapshot);
  const times: number[] = [];
  let coldMs = 0, hostCalls = 0, output = '';
  for (let k = 0; k <= 3; k++) {
    script.counters.reset();
    collect();
    const t0 = process.hrtime.bigint();
    const r = script.run(command);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.error) throw new Error(`${command}: ${r.error}`);
    if (k === 0) coldMs = Math.round(ms); else times.push(ms);
    hostCalls = script.counters.snapshot().total;
    output = r.output;
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[1]), coldMs, hostCalls, output };
}

const rows: Row[] = [];
const work = mkdtempSync(join(tmpdir(), 'waitchain-benchdump-'));
try {
  const system = generateSystem(THREADS);
  const forms: Array<{ kind: 'complete' | 'kernel'; storage?: 'runs' | 'bitmap' }> = [
    { kind: 'complete' }, { kind: 'complete', storage: 'runs' }, { kind: 'complete', storage: 'bitmap' }, { kind: 'kernel' }, { kind: 'kernel', storage: 'bitmap' },
  ];
  const snapshots = new Map<string, Snapshot>();
  const outputs = new Map<string, string>();
  for (const form of forms) {
    let snapshot = snapshots.get(form.kind);
    if (!snapshot) {
      const scenario = { ...system.scenario, system: { ...(system.scenario.system as object), dumpKind: form.kind } };
      snapshot = buildSnapshot(scenario as never, LAYOUT);
      // Frames included: the writer lays them into stack memory and the reader unwinds them (mocks/dump/unwind.ts).
      snapshots.set(form.kind, snapshot);
    }
    if (!form.storage) {
      for (const command of COMMANDS) {
        const t = time(snapshot, command);
        outputs.set(`${form.kind} ${command}`, t.output);
        rows.push({ source: `snapshot (${form.kind})`, command, threads: THREADS, layout: LAYOUT, hostCalls: t.hostCalls, ms: t.ms, coldMs: t.coldMs });
      }
      continue;
    }
    const dir = join(work, `${form.kind}-${form.storage}`);
    mkdirSync(dir);
    const file = join(dir, 'memory.dmp');
    const w0 = Date.now();
    writeDumpFile(snapshot, { storage: form.storage }, file, dir);
    const writeMs = Date.now() - w0;
    collect();
    const t0 = process.hrtime.bigint();
    const dump = openDump(file, dir);
    const openMs = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
    for (const command of COMMANDS) {
      const t = time(dump.snapshot, command);
      const s = dump.reader!.stats;
      rows.push({
        source: `${form.kind === 'complete' ? 'complete' : 'kernel'} dump, ${form.storage === 'runs' ? 'physical runs (DumpType 1)' : `bitmap (DumpType ${form.kind === 'complete' ? 5 : 6})`}`,
        command, threads: THREADS, layout: LAYOUT, fileBytes: statSync(file).size, writeMs, openMs, rssMB: Math.round(process.memoryUsage().rss / 1048576), hostCalls: t.hostCalls, ms: t.ms, coldMs: t.coldMs,
        bytesFromFile: s.bytesFromDisk, cachedChunks: s.cachedChunks, maxCachedChunks: s.maxCachedChunks,
        outputEqualsSnapshot: t.output === outputs.get(`${form.kind} ${command}`),
      });
    }
    dump.close();
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
for (const r of rows) {
  console.log(`${r.source.padEnd(44)} ${r.command.padEnd(12)} ${String(r.ms).padStart(6)} ms (cold ${r.coldMs})  ${String(r.hostCalls).padStart(7)} host calls${r.openMs !== undefined ? `  written in ${r.writeMs} ms, open ${r.openMs} ms, file ${(r.fileBytes! / 1048576).toFixed(1)} MB, read ${(r.bytesFromFile! / 1048576).toFixed(1)} MB, cache ${r.cachedChunks}/${r.maxCachedChunks} chunks, same output: ${r.outputEqualsSnapshot}` : ''}`);
}
writeFileSync(new URL('./dump-results.json', import.meta.url), JSON.stringify(rows, null, 2) + '\n');
