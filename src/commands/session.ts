// The Target every command runs on, and `-record <file>` / `-redact` (the same on every command):
// without -record a command gets HostTarget itself; with it, a RecordingTarget around HostTarget
// that sees the same answers, and the snapshot is written when the command ends (even when it
// failed: a recording of a failing run is the best bug report).
import { addrAdd } from '../core/addr';
import { uint } from '../core/bytes';
import { SHARED_USER_DATA } from '../core/numbers';
import type { Target } from '../core/target';
import { KernelContext } from '../kernel/context';
import { readOsVersion } from '../kernel/version';
import { messageOf, print } from '../host/hostIo';
import { HostTarget, type NativeInfo } from '../host/hostTarget';
import { RecordingTarget, type RecordedSnapshot, type SessionFacts } from '../record/recordingTarget';
import { currentObjects, sessionName, writeTextFile } from '../host/snapshotFile';
import { UsageError, type TokenStream } from './options';

export const RECORD_USAGE = `  -record <file>  also write what the command read to <file>, a snapshot the offline harness replays
                  (docs/snapshots.md); in a string, double the backslashes: "-record C:\\\\dumps\\\\hang1.json"
  -redact         with -record: zero what the analysis did not look at, hash process and module names
`;

export interface RecordOptions {
  record?: string;
  redact: boolean;
}

/** Consumes `-record <file>` or `-redact`; false for any other token. */
export function recordOption(token: string, tokens: TokenStream, options: RecordOptions): boolean {
  if (token === '-record') {
    options.record = tokens.value('-record');
    return true;
  }
  if (token === '-redact') {
    options.redact = true;
    return true;
  }
  return false;
}

export function checkRecordOptions(options: RecordOptions): void {
  if (options.redact && options.record === undefined) throw new UsageError('-redact goes with -record <file>');
}

/** HostTarget plus what a command may ask of a dx argument. */
export type CommandTarget = Target & { nativeInfo(value: unknown): NativeInfo | undefined };

/**
 * Runs `body` on the session's target; with -record, on a recording one, then writes the snapshot
 * (`command` is the command line to replay it with, or makes it once the body has run) and says
 * where it went.
 */
export function withTarget<T>(name: string, command: string | (() => string), options: RecordOptions, body: (target: CommandTarget) => T): T {
  const session = new HostTarget();
  if (options.record === undefined) return body(session);
  const path = options.record;
  const recorder = new RecordingTarget(session, { redact: options.redact });
  try {
    const result = body(recorder);
    // The structured result (dx @$waitchain(), the harness's --json) describes some threads only
    // when asked: ask now, while recording, so a replay can answer it too.
    const json = result as unknown as { __toJSON?: () => unknown } | undefined;
    if (json && typeof json.__toJSON === 'function') {
      try {
        json.__toJSON();
      } catch (e) {
        // the result is the command's business: a failure here shows when it is used
      }
    }
    return result;
  } finally {
    saveRecording(name, path, recorder, session, typeof command === 'string' ? command : command());
  }
}

function saveRecording(name: string, path: string, recorder: RecordingTarget, session: Target, command: string): void {
  let snapshot: RecordedSnapshot;
  try {
    snapshot = recorder.snapshot(sessionFacts(session, command));
    writeTextFile(path, snapshotLines(snapshot));
  } catch (e) {
    print(`${name}: the recording could not be written to ${path}: ${messageOf(e)}\n`);
    return;
  }
  const r = snapshot.header.recording;
  const extra = (r.redacted ? ', redacted' : '') + (r.capped ? `, CAPPED (${r.capped.reads} reads not kept)` : '');
  print(`${name}: recorded to ${path}: ${r.reads} reads, ${r.bytes} bytes of memory, ${snapshot.threads.length} stacks${extra}\n`);
}

/** The snapshot as JSON text, a few lines long: one line per memory range, ASCII only. */
export function snapshotLines(s: RecordedSnapshot): string[] {
  const json = (v: unknown) => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4));
  const lines = ['{'];
  const keys: (keyof RecordedSnapshot)[] = ['format', 'header', 'current', 'notes', 'modules', 'types', 'threads'];
  for (const k of keys) if (s[k] !== undefined) lines.push(`${json(k)}: ${json(s[k])},`);
  lines.push('"memory": [');
  s.memory.forEach((m, i) => lines.push(json(m) + (i + 1 < s.memory.length ? ',' : '')));
  lines.push(']', '}');
  return lines;
}

/** What the header says about the session: read after the command, outside the recording. */
function sessionFacts(session: Target, command: string): SessionFacts {
  const facts: SessionFacts = { command, osVersion: 'unknown', buildNumber: 0, current: currentObjects(), date: new Date().toISOString() };
  const source = sessionName();
  if (source) facts.source = source;
  if (!session.isKernel) return facts;
  const k = new KernelContext(session);
  const version = readOsVersion(k);
  facts.buildNumber = buildNumber(k);
  if (version) facts.osVersion = `${version.major}.${version.minor}${facts.buildNumber ? '.' + facts.buildNumber : ''}`;
  return facts;
}

/** KUSER_SHARED_DATA.NtBuildNumber (Windows 10 on), else nt!NtBuildNumber; the low 16 bits are the build. */
function buildNumber(k: KernelContext): number {
  const shared = k.type('_KUSER_SHARED_DATA');
  const field = shared && shared.field('NtBuildNumber');
  if (shared && field) {
    const bytes = k.target.read(addrAdd(SHARED_USER_DATA[k.pointerSize], field.offset), 4);
    if (bytes && uint(bytes, 0, 4)) return uint(bytes, 0, 4) & 0xffff;
  }
  const symbol = k.symbol('NtBuildNumber');
  const bytes = symbol ? k.target.read(symbol, 4) : undefined;
  return bytes ? uint(bytes, 0, 4) & 0xffff : 0;
}

/** A dx string literal of `text`: how the recorded command line quotes its options. */
export function dxString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Options as one text again, without -record/-redact (tokens with spaces re-quoted). */
export function optionText(tokens: string[]): string {
  return tokens.map((t) => (/\s/.test(t) ? `"${t}"` : t)).join(' ');
}
