// Random damage for reliability testing (issue 7): every scenario under every layout, with corruptions
// of the kinds the scenario format names (unreadable ranges, smashed pointers, list cycles, truncation:
// docs/scenario-format.md §Corruption) plus garbage enum values, owners pointing at non-threads, wait
// blocks pointing at freed memory, and raw byte smashes. Each case is reproducible from its seed.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSnapshot, loadScenario, scenarioLayouts } from '../builder';
import type { Snapshot } from '../format/snapshot';
import { loadScript } from '../loader';
import { bundleCode } from './run';

const SCENARIO_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));
const OWN_DIR = fileURLToPath(new URL('../../test/scenarios/', import.meta.url));

export const FUZZ_COMMANDS = ['!waitchain', '!waitchain "-dot"', '!stalecheck', '!ringdump "-devnode all"'];
/** Host round trips one command may make on a small scenario before it counts as a hang. */
export const STEP_LIMIT = 200000;
const TIME_LIMIT_MS = 10000;

export function fuzzScenarios(): string[] {
  const seeds = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  const own = readdirSync(OWN_DIR).filter((f) => f.endsWith('.json')).map((f) => OWN_DIR + f);
  return [...seeds, ...own];
}

/** mulberry32: small, fast, good enough for choosing damage. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const THREAD_FIELDS = ['WaitBlockList', 'ThreadListEntry.Flink', 'ThreadListEntry.Blink', 'State', 'WaitReason', 'WaitTime', 'Cid.UniqueThread', 'StackBase', 'StackLimit', 'KernelStack', 'IrpList.Flink', 'WaitBlockCount', 'Process', 'ThreadsProcess', 'LpcReplyMessageId', 'LpcReceivedMessageId', 'AlpcMessage', 'ApcState.ApcListHead.Flink'];
const PROCESS_FIELDS = ['ActiveProcessLinks.Flink', 'ActiveProcessLinks.Blink', 'ThreadListHead.Flink', 'UniqueProcessId', 'ActiveThreads', 'Peb'];
const OBJECT_FIELDS = ['OwnerThread', 'Header.Type', 'Header.SignalState', 'Header.WaitListHead.Flink', 'Owner', 'Count'];
const RESOURCE_FIELDS = ['OwnerTable', 'OwnerEntry.OwnerThread', 'OwnerThreads', 'SystemResourcesList.Flink', 'ExclusiveWaiters', 'SharedWaiters', 'ActiveCount', 'Flag', 'NumberOfExclusiveWaiters'];

export interface FuzzCase {
  seed: number;
  scenario: string;
  layout: string;
  corruption: object[];
  smashes: { range: number; offset: number; bytes: number[] }[];
}

export interface FuzzFailure {
  seed: number;
  scenario: string;
  layout: string;
  command: string;
  kind: 'crash' | 'hang' | 'no-summary' | 'build';
  message: string;
}

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)];
}

function hex(n: number, digits = 8): string {
  return Math.floor(n).toString(16).padStart(digits, '0');
}

/** A value that is wrong in an interesting way: null, misaligned, non-canonical, freed, another object. */
function badValue(r: () => number, s: any, x64: boolean): string | number {
  const others: string[] = [...(s.threads || []).map((t: any) => t.address), ...(s.processes || []).map((p: any) => p.address), ...(s.objects || []).map((o: any) => o.address)];
  switch (Math.floor(r() * 7)) {
    case 0: return 0;
    case 1: return 0xff;
    case 2: return x64 ? '8000000000000000' : 'fffffff0';
    case 3: return pick(r, others.length ? others : ['80000000']); // an object of another type (owner pointing at a non-thread)
    case 4: return hex(0x80100000 + Math.floor(r() * 0x0fffff) * 8); // freed or never-mapped kernel memory
    case 5: return hex((Math.floor(r() * 0xffffffff) | 1) >>> 0); // misaligned garbage
    default: return Math.floor(r() * 0x7fffffff);
  }
}

export function makeCase(seed: number, scenarios: string[]): FuzzCase {
  const r = prng(seed);
  const scenario = scenarios[seed % scenarios.length];
  const s: any = loadScenario(scenario);
  const layouts = scenarioLayouts(s);
  // seed % layouts spreads any slice of consecutive seeds over every layout (21 generated builds).
  const layout = layouts[(seed + Math.floor(seed / scenarios.length)) % layouts.length];
  const x64 = layout.endsWith('x64');
  const corruption: object[] = [];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const k = r();
    const threads = s.threads || [];
    const processes = s.processes || [];
    const objects = [...(s.objects || []), ...(s.fastMutexes || [])];
    const resources = s.resources || [];
    if (k < 0.45) {
      const pool: [any[], string[]][] = [[threads, THREAD_FIELDS], [processes, PROCESS_FIELDS], [objects, OBJECT_FIELDS], [resources, RESOURCE_FIELDS]];
      const usable = pool.filter(([l]) => l.length);
      if (!usable.length) continue;
      const [list, fields] = pick(r, usable);
      corruption.push({ kind: 'pointer', at: `${pick(r, list).address}.${pick(r, fields)}`, value: badValue(r, s, x64) });
    } else if (k < 0.6) {
      const lists: string[] = [
        ...threads.map((t: any) => `${t.address}.ThreadListEntry`),
        ...processes.map((p: any) => `${p.address}.ActiveProcessLinks`),
        ...processes.map((p: any) => `${p.address}.ThreadListHead`),
        ...resources.map((x: any) => `${x.address}.SystemResourcesList`),
      ];
      if (lists.length) corruption.push({ kind: 'listCycle', list: pick(r, lists) });
    } else if (k < 0.85) {
      const targets: string[] = [...threads.map((t: any) => t.address), ...processes.map((p: any) => p.address), ...objects.map((o: any) => o.address), ...resources.map((x: any) => x.address)];
      if (targets.length) corruption.push({ kind: 'unreadable', address: pick(r, targets), size: 8 + Math.floor(r() * 0x400) });
    } else {
      const targets: string[] = [...threads.map((t: any) => t.address), ...processes.map((p: any) => p.address)];
      if (targets.length) corruption.push({ kind: 'truncate', above: pick(r, targets) });
    }
  }
  const smashes: FuzzCase['smashes'] = [];
  const m = Math.floor(r() * 3);
  for (let i = 0; i < m; i++) smashes.push({ range: Math.floor(r() * 1e9), offset: Math.floor(r() * 1e9), bytes: Array.from({ length: x64 ? 8 : 4 }, () => Math.floor(r() * 256)) });
  return { seed, scenario, layout, corruption, smashes };
}

function applySmashes(snapshot: Snapshot, smashes: FuzzCase['smashes']): void {
  const ranges = snapshot.memory.filter((m) => m.bytes && m.bytes.length >= 16);
  for (const sm of smashes) {
    if (!ranges.length) return;
    const range = ranges[sm.range % ranges.length];
    const bytes = range.bytes!;
    const at = (sm.offset % (bytes.length - 8)) & ~3;
    bytes.set(sm.bytes, at);
  }
}

/** Runs one case; returns its failures (empty when waitchain behaved). */
export function runCase(c: FuzzCase): FuzzFailure[] {
  const base = { seed: c.seed, scenario: c.scenario, layout: c.layout };
  let snapshot: Snapshot;
  try {
    const s: any = loadScenario(c.scenario);
    snapshot = buildSnapshot({ ...s, corruption: [...(s.corruption || []), ...c.corruption] }, c.layout);
  } catch (e) {
    return []; // the generator picked a field this layout does not have: not a product failure
  }
  applySmashes(snapshot, c.smashes);
  const failures: FuzzFailure[] = [];
  const script = loadScript(bundleCode(), snapshot, { stepLimit: STEP_LIMIT, timeoutMs: TIME_LIMIT_MS });
  for (const command of FUZZ_COMMANDS) {
    script.counters.reset();
    const r = script.run(command);
    if (r.hang) failures.push({ ...base, command, kind: 'hang', message: r.error || r.hang });
    else if (r.error) failures.push({ ...base, command, kind: 'crash', message: r.error });
    else if (/internal error/.test(r.output)) failures.push({ ...base, command, kind: 'crash', message: r.output.split('\n').find((l) => /internal error/.test(l))! });
    else if (command === '!waitchain' && !/^waitchain: /.test(r.output) && !/\nSummary: [^\n]*\n$/.test(r.output)) {
      failures.push({ ...base, command, kind: 'no-summary', message: r.output.slice(-200) });
    }
  }
  return failures;
}

// ---------------------------------------------------------------------------------------------------------
// Crash-dump cases (issue 14): a scenario written as a dump (mocks/dump/writer.ts), then damaged where a
// reader is most exposed — header fields, the physical-run descriptor, the bitmap, page-table entries,
// truncation — and opened with --dump's reader. Either one DumpError line (bad input said clearly) or a
// normal run of every command; anything else (another exception, a hang) is a failure.

export interface DumpFuzzCase {
  seed: number;
  scenario: string;
  layout: string;
  storage: 'runs' | 'bitmap';
  pae: boolean;
  damage: { kind: 'header' | 'runs' | 'bitmap' | 'page-table' | 'truncate' | 'page'; at: number; bytes: number[] }[];
}

const HEADER_FIELDS_64 = [0x10, 0x20, 0x28, 0x30, 0x34, 0x80, 0x88, 0x90, 0x98, 0xa0, 0xf98];
const HEADER_FIELDS_32 = [0x10, 0x18, 0x1c, 0x20, 0x24, 0x5c, 0x60, 0x64, 0x68, 0x6c, 0x70, 0xf88];

export function makeDumpCase(seed: number, scenarios: string[]): DumpFuzzCase {
  const r = prng(seed * 7919 + 1);
  const scenario = scenarios[seed % scenarios.length];
  const layouts = scenarioLayouts(loadScenario(scenario));
  const layout = layouts[Math.floor(r() * layouts.length)];
  const damage: DumpFuzzCase['damage'] = [];
  const kinds = ['header', 'runs', 'bitmap', 'page-table', 'page', 'truncate'] as const;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const kind = pick(r, kinds);
    const len = pick(r, [1, 2, 4, 8]);
    damage.push({ kind, at: Math.floor(r() * 1e9), bytes: Array.from({ length: len }, () => pick(r, [0, 0xff, 0x80, 0x01, Math.floor(r() * 256)])) });
  }
  return { seed, scenario, layout, storage: r() < 0.5 ? 'runs' : 'bitmap', pae: r() < 0.5, damage };
}

export async function runDumpCase(c: DumpFuzzCase, workDir: string): Promise<FuzzFailure[]> {
  const { writeDump } = await import('../dump/writer');
  const { openDump } = await import('../dump/open');
  const { DumpError } = await import('../dump/errors');
  const { mkdirSync, rmSync, writeFileSync } = await import('node:fs');
  const base = { seed: c.seed, scenario: c.scenario, layout: c.layout };
  let snapshot: Snapshot;
  try {
    snapshot = buildSnapshot(loadScenario(c.scenario), c.layout);
  } catch {
    return [];
  }
  const storage = snapshot.header.dumpKind === 'complete' ? c.storage : 'bitmap';
  const written = writeDump(snapshot, { storage, pae: c.pae });
  let bytes = written.bytes;
  const L = written.layout;
  for (const d of c.damage) {
    let at: number;
    if (d.kind === 'header') at = pick(prng(d.at), snapshot.header.arch === 'x64' ? HEADER_FIELDS_64 : HEADER_FIELDS_32) + (d.at % 4);
    else if (d.kind === 'runs') at = (snapshot.header.arch === 'x64' ? 0x88 : 0x64) + (d.at % 0x20);
    else if (d.kind === 'bitmap') at = L.bitmapOffset !== undefined ? L.bitmapOffset - 0x38 + (d.at % (0x38 + (L.bitmapBytes ?? 1))) : L.headerSize - 8 + (d.at % 8);
    else if (d.kind === 'page-table') at = L.pageTableOffsets[d.at % L.pageTableOffsets.length] + ((d.at >>> 4) % 0x1000 & ~7);
    else if (d.kind === 'page') at = L.firstPageOffset + (d.at % (bytes.length - L.firstPageOffset));
    else { bytes = bytes.subarray(0, d.at % bytes.length); continue; }
    if (at >= 0 && at + d.bytes.length <= bytes.length) bytes.set(d.bytes, at);
  }
  const dir = `${workDir}/case-${c.seed}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(written.tables)) writeFileSync(`${dir}/${name}`, text);
  const failures: FuzzFailure[] = [];
  let opened: ReturnType<typeof openDump>;
  try {
    opened = openDump({ name: `case-${c.seed}.dmp`, bytes }, dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    if (e instanceof DumpError && !/\n/.test(e.message)) return [];
    return [{ ...base, command: '--dump (open)', kind: 'crash', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }];
  }
  rmSync(dir, { recursive: true, force: true });
  const script = loadScript(bundleCode(), opened.snapshot, { stepLimit: STEP_LIMIT, timeoutMs: TIME_LIMIT_MS });
  for (const command of FUZZ_COMMANDS) {
    script.counters.reset();
    let r: ReturnType<typeof script.run>;
    try {
      r = script.run(command);
    } catch (e) {
      failures.push({ ...base, command, kind: 'crash', message: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (r.hang) failures.push({ ...base, command, kind: 'hang', message: r.error || r.hang });
    else if (r.error) failures.push({ ...base, command, kind: 'crash', message: r.error });
    else if (/internal error/.test(r.output)) failures.push({ ...base, command, kind: 'crash', message: r.output.split('\n').find((l) => /internal error/.test(l))! });
  }
  opened.close();
  return failures;
}
