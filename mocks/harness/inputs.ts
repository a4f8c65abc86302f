// The harness's input files (scenarios, snapshots, output paths): every mistake in one becomes a
// HarnessInputError whose message is one line naming the file and what is wrong, which the CLI
// prints and exits 2 on (README "The offline harness": exit codes).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot, loadScenario, type BuildOptions, type Scenario } from '../builder';
import { SCENARIO_DIR } from '../builder/scenario';
import { SNAPSHOT_FORMAT, type Snapshot } from '../format/snapshot';
import { decodeSnapshotJson } from './record';

export class HarnessInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessInputError';
  }
}

const here = dirname(fileURLToPath(import.meta.url));
/** Where scenario ids are looked up, in order: the seed copies, then the project's own scenarios. */
export const SCENARIO_DIRS = [SCENARIO_DIR, resolve(here, '..', '..', 'test', 'scenarios')];

export interface ScenarioEntry {
  id: string;
  dir: string;
  path: string;
}

/** Every scenario usable by id (`--list-scenarios`), seeds first, each directory sorted. */
export function listScenarios(): ScenarioEntry[] {
  const out: ScenarioEntry[] = [];
  for (const dir of SCENARIO_DIRS) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) out.push({ id: f.replace(/\.json$/, ''), dir, path: join(dir, f) });
  }
  return out;
}

/** A scenario id or path, resolved to the file it names. */
export function resolveScenarioPath(idOrPath: string): string {
  if (existsSync(idOrPath)) return idOrPath;
  const name = idOrPath.endsWith('.json') ? idOrPath : `${idOrPath}.json`;
  for (const dir of SCENARIO_DIRS) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new HarnessInputError(`${idOrPath}: no such scenario file or id (ids: npm run harness -- --list-scenarios)`);
}

/** The file's parsed JSON, or an error saying why it has none (missing, a directory, empty, not JSON). */
function readJson(path: string, what: 'scenario' | 'snapshot'): unknown {
  if (!existsSync(path)) throw new HarnessInputError(`${path}: no such ${what} file`);
  if (statSync(path).isDirectory()) throw new HarnessInputError(`${path}: is a directory, not a ${what} file`);
  const text = readFileSync(path, 'utf8');
  if (!text.trim()) throw new HarnessInputError(`${path}: empty file, expected a ${what} (JSON)`);
  try {
    return JSON.parse(text);
  } catch (e) {
    // A truncated file is the common case (a partial copy, `head -c`): say so.
    const at = /at position (\d+)/.exec(oneLine(e));
    const truncated = /end of (JSON )?input|Unterminated/i.test(oneLine(e)) || (at !== null && Number(at[1]) >= text.trimEnd().length);
    throw new HarnessInputError(`${path}: not valid JSON${truncated ? ' (the file ends early: truncated?)' : ''}: ${oneLine(e)}`);
  }
}

const SCENARIO_FORMAT = 'waitchain-scenario/1';

function formatOf(json: unknown): string | undefined {
  return json && typeof json === 'object' && !Array.isArray(json) && typeof (json as { format?: unknown }).format === 'string' ? (json as { format: string }).format : undefined;
}

function describeTopLevel(json: unknown): string {
  if (json === null) return 'null';
  if (Array.isArray(json)) return 'a JSON array';
  if (typeof json !== 'object') return `a JSON ${typeof json}`;
  const f = formatOf(json);
  return f ? `an object of format '${f}'` : 'an object without a "format" field';
}

/** Loads and validates a scenario; every problem is one HarnessInputError line. */
export function loadScenarioInput(idOrPath: string): Scenario {
  const path = resolveScenarioPath(idOrPath);
  const json = readJson(path, 'scenario');
  const format = formatOf(json);
  if (format === SNAPSHOT_FORMAT) throw new HarnessInputError(`${path}: is a snapshot (${SNAPSHOT_FORMAT}), not a scenario: use --snapshot ${path}`);
  if (format !== SCENARIO_FORMAT) throw new HarnessInputError(`${path}: not a scenario: expected an object with "format": "${SCENARIO_FORMAT}", got ${describeTopLevel(json)}`);
  try {
    return loadScenario(path);
  } catch (e) {
    throw new HarnessInputError(`${path}: invalid scenario: ${firstProblems(e)}`);
  }
}

/** Lays a loaded scenario out under a layout; a scenario the builder cannot lay out is an input error. */
export function buildScenarioInput(scenario: Scenario, layout: string, options: BuildOptions = {}): Snapshot {
  try {
    return buildSnapshot(scenario, layout, options);
  } catch (e) {
    throw new HarnessInputError(`${scenario.__path || scenario.id}: cannot be laid out on ${layout}: ${firstProblems(e)}`);
  }
}

/** Reads a snapshot file (a recording or --save-snapshot output); every problem is one line. */
export function loadSnapshotInput(path: string): Snapshot {
  const json = readJson(path, 'snapshot');
  const format = formatOf(json);
  if (format === SCENARIO_FORMAT) throw new HarnessInputError(`${path}: is a scenario (${SCENARIO_FORMAT}), not a snapshot: use --scenario ${path}`);
  if (format !== SNAPSHOT_FORMAT) throw new HarnessInputError(`${path}: not a snapshot: expected an object with "format": "${SNAPSHOT_FORMAT}", got ${describeTopLevel(json)}`);
  try {
    return decodeSnapshotJson(json);
  } catch (e) {
    throw new HarnessInputError(`${path}: invalid snapshot: ${oneLine(e).replace(/^snapshot: /, '')}`);
  }
}

/** Writes an output file (--record, --save-snapshot); an unwritable path is one line. */
export function writeOutput(path: string, text: string, option: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : oneLine(e);
    throw new HarnessInputError(`${path}: cannot write the ${option} file: ${why}`);
  }
}

function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].trim();
}

/** A validation error listing many problems, as one line: the first two and how many more. */
function firstProblems(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const lines = m.split('\n').map((l) => l.trim()).filter(Boolean);
  // The builder's messages start with "scenario <path> (<id>): invalid:" — the path is already named.
  const problems = lines.length > 1 ? lines.slice(1) : [lines[0].replace(/^scenario [^:]*: (invalid: ?)?/, '')];
  const shown = problems.slice(0, 2).join('; ');
  return problems.length > 2 ? `${shown} (and ${problems.length - 2} more)` : shown;
}
