// Recording and replaying through the harness (issue 8, docs/snapshots.md). A recording is made the
// way WinDbg makes one: the bundle runs the command with `-record <file>` on the mock host, the
// RecordingTarget (src/record/recordingTarget.ts) writes the snapshot through
// Debugger.Utility.FileSystem (in memory here), and the harness takes the file from there. A replay
// loads that snapshot into a fresh mock host: what was recorded reads back, anything else is
// unreadable memory, as in a dump that lacks it.
import { readFileSync } from 'node:fs';
import { buildSnapshot, loadScenario } from '../builder';
import type { MemoryRange, RecordedSnapshot, Snapshot } from '../format/snapshot';
import { snapshotFileProblems } from '../format/validate';
import { snapshotFromJson } from '../host/snapshotJson';
import { loadScript } from '../loader';
import { bundleCode, type CommandRun } from './run';
import { ringCommand, ringExpectations } from './ringExpect';

/** Where recordings go inside the mock's file system (a Windows path, as a user would give it). */
export const RECORDING_PATH = 'C:\\dumps\\recording.waitchain.json';

/** The line a command prints after its output when it recorded. */
export const RECORD_NOTE = /^(waitchain|stalecheck|ringdump): recorded to .*\n/m;

/** The JSON form of a recording, as the recorder writes it (memory as base64 / zero runs). */
export type RecordingJson = RecordedSnapshot;

export interface Recording {
  /** The recording run: its output (the command's, then the "recorded to" line) and result. */
  run: CommandRun;
  /** The file as written. */
  text: string;
  json: RecordingJson;
}

/**
 * The command line with `-record <path>` (and `-redact`) added where the command reads its options:
 * into the last string argument, else as a string argument of its own.
 */
export function withRecordOption(command: string, path = RECORDING_PATH, redact = false): string {
  return withCommandOption(command, `-record ${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}${redact ? ' -redact' : ''}`);
}

/** The command line with `option` (already escaped for a dx string) added where the command reads its options. */
export function withCommandOption(command: string, option: string): string {
  const dx = /^(dx\s+@\$\w+\s*)\(([\s\S]*)\)\s*$/.exec(command.trim());
  if (dx) return `${dx[1]}(${appendToArguments(dx[2], option)})`;
  const bang = /^(!\w+)\s*([\s\S]*)$/.exec(command.trim());
  if (!bang) throw new Error(`withRecordOption: '${command}' is not !name or dx @$name(...)`);
  const rest = bang[2].trim();
  if (!rest) return `${bang[1]} "${option}"`;
  if (rest.startsWith('(') && rest.endsWith(')')) return `${bang[1]} (${appendToArguments(rest.slice(1, -1), option)})`;
  const literal = lastLiteral(rest);
  if (literal && literal.start === 0 && literal.end === rest.length) return `${bang[1]} ${insertInto(rest, literal, option)}`;
  return `${bang[1]} (${rest}, "${option}")`;
}

function appendToArguments(args: string, option: string): string {
  const trimmed = args.trim();
  if (!trimmed) return `"${option}"`;
  const literal = lastLiteral(trimmed);
  if (literal && literal.end === trimmed.length) return insertInto(trimmed, literal, option);
  return `${trimmed}, "${option}"`;
}

function insertInto(text: string, literal: { start: number; end: number }, option: string): string {
  const inner = text.slice(literal.start + 1, literal.end - 1);
  return `${text.slice(0, literal.start)}"${inner}${inner.trim() ? ' ' : ''}${option}"${text.slice(literal.end)}`;
}

/** The last dx string literal of `text` ([start, end) including its quotes). */
function lastLiteral(text: string): { start: number; end: number } | undefined {
  let found: { start: number; end: number } | undefined;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '"') continue;
    const start = i;
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    found = { start, end: i + 1 };
  }
  return found;
}

/**
 * A snapshot file's JSON (a recording or the builder's) as the mock host takes it: checked against the
 * format (mocks/format/validate.ts), then base64 and zero runs become bytes.
 */
export function decodeSnapshotJson(json: unknown): Snapshot {
  const problems = snapshotFileProblems(json);
  if (problems.length) {
    throw new Error(`snapshot: ${problems.slice(0, 2).join('; ')}${problems.length > 2 ? ` (and ${problems.length - 2} more)` : ''}`);
  }
  const s = json as { memory?: unknown };
  if (s && Array.isArray(s.memory)) {
    const memory = (s.memory as MemoryRange[]).map((r, i) => {
      if (r.base64 !== undefined) {
        if (typeof r.base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(r.base64)) throw new Error(`snapshot: memory[${i}] has malformed base64`);
        const { base64, ...rest } = r;
        return { ...rest, bytes: new Uint8Array(Buffer.from(base64, 'base64')) };
      }
      if (r.zeros !== undefined) {
        if (!Number.isInteger(r.zeros) || r.zeros < 0) throw new Error(`snapshot: memory[${i}].zeros must be a byte count`);
        const { zeros, ...rest } = r;
        return { ...rest, bytes: new Uint8Array(zeros) };
      }
      return r;
    });
    return snapshotFromJson({ ...(json as object), memory });
  }
  return snapshotFromJson(json);
}

export function readSnapshotFile(path: string): Snapshot {
  return decodeSnapshotJson(JSON.parse(readFileSync(path, 'utf8')));
}

/** Runs `command` with -record on the snapshot (the bundle on the mock host) and takes the file it wrote. */
export function recordOnSnapshot(snapshot: Snapshot, command: string, options: { redact?: boolean } = {}): Recording {
  const script = loadScript(bundleCode(), snapshot);
  script.counters.reset();
  const line = withRecordOption(command, RECORDING_PATH, options.redact);
  const r = script.run(line);
  const counts = script.counters.snapshot();
  const value = r.value as { __toJSON?: () => unknown } | undefined;
  const run: CommandRun = {
    layout: snapshot.header.layout,
    command: line,
    output: r.output,
    json: value && typeof value.__toJSON === 'function' ? value.__toJSON() : undefined,
    error: r.error,
    hostCalls: counts.total,
    bytesRead: counts.bytesRead,
    callsByApi: counts.byApi,
  };
  const text = script.fileSystem.read(RECORDING_PATH);
  if (text === undefined) throw new Error(`${line}: no recording was written\n${r.output}${r.error ?? ''}`);
  return { run, text, json: JSON.parse(text) as RecordingJson };
}

export function recordOnScenario(scenarioIdOrPath: string, layout: string, command: string, options: { redact?: boolean } = {}): Recording {
  return recordOnSnapshot(buildSnapshot(loadScenario(scenarioIdOrPath), layout), command, options);
}

/** The output without the "recorded to" line. */
export function withoutRecordNote(output: string): string {
  return output.replace(RECORD_NOTE, '');
}

/**
 * One !ringdump command for a scenario that has rings, in the string form (a recording holds what
 * the script read; a dx-evaluated index is a number by then, see docs/snapshots.md): the command of
 * its first ring expectation, else its first global array and the global after it, else its devnodes.
 */
export function ringCommandOf(scenario: object): string | undefined {
  const s = scenario as {
    expect?: { ring?: unknown };
    globals?: { module: string; name: string; type: string }[];
    devnodes?: unknown[];
  };
  const first = ringExpectations(s.expect?.ring)[0];
  if (first) {
    const command = ringCommand(first);
    const pair = /^!ringdump \(([^,()]+), ([^,()]+)\)$/.exec(command);
    return pair ? `!ringdump "${pair[1]} ${pair[2]}"` : command;
  }
  const globals = s.globals || [];
  const array = globals.find((g) => /\[\d+\]$/.test(g.type) && !/^PVOID/.test(g.type));
  if (array) {
    const index = globals.find((g) => g.module === array.module && /index/i.test(g.name) && !/\[/.test(g.type));
    return index ? `!ringdump "${array.module}!${array.name} ${index.module}!${index.name}"` : `!ringdump "-array ${array.module}!${array.name}"`;
  }
  if (s.devnodes && s.devnodes.length) return '!ringdump "-devnode all"';
  return undefined;
}
