// Issue 8: record what a command reads (`-record <file>`, through src/record/recordingTarget.ts in
// the real bundle on the mock WinDbg), replay the snapshot on a fresh mock host, and get exactly the
// same output and --json result: for every scenario (seeds and ours) under every layout it allows,
// for !waitchain, !stalecheck and one !ringdump form where the scenario has rings. Also: a read
// outside the recorded ranges is unreadable memory (counted, never invented); -redact replays to the
// same conclusions with names hashed; the recording is bounded; its header says what it came from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import type { MemoryRange, Snapshot, SnapshotFile } from '../../mocks/format/snapshot';
import { snapshotFileProblems } from '../../mocks/format/validate';
import { bundleCode, layoutsOf, runOnSnapshot } from '../../mocks/harness/run';
import {
  decodeSnapshotJson,
  RECORD_NOTE,
  recordOnSnapshot,
  ringCommandOf,
  withoutRecordNote,
  withRecordOption,
} from '../../mocks/harness/record';
import { loadScript } from '../../mocks/loader';
import { snapshotTarget } from '../../mocks/snapshotTarget';
import { base64, mergeReads } from '../../src/record/recordedMemory';
import { TypeBook } from '../../src/record/recordedTypes';
import { RecordingTarget, WAITCHAIN_VERSION } from '../../src/record/recordingTarget';
import { nameHash, redactModuleName, redactProcessName } from '../../src/record/redact';
import type { FieldLayout, Target } from '../../src/core/target';
import { irqlReadable, lpcOnly, testLayoutsOf } from '../layoutMatrix';
import { describeRecordReplayMatrix, SCENARIOS, short } from './record-replay-matrix';

// The whole matrix (every scenario, layout and command) runs in three files, a third each
// (record-replay-matrix.ts): one worker holding all of it outgrows the default V8 heap on the full layout matrix.
describeRecordReplayMatrix(0, 3);

describe('normal runs', () => {
  it('make no file-system call and read the same as before recording existed', () => {
    const snapshot = buildSnapshot(loadScenario('002-lpc-mutant-process-eresource-fastmutex'), 'win10-19041-x64');
    const normal = runOnSnapshot(snapshot, '!waitchain');
    expect(Object.keys(normal.callsByApi).filter((k) => /FileSystem/.test(k))).toEqual([]);
    const recording = recordOnSnapshot(snapshot, '!waitchain');
    expect(Object.keys(recording.run.callsByApi)).toContain('FileSystem.CreateFile');
  });
});

describe('the snapshot a recording writes', () => {
  const id = '002-lpc-chain-mutant-lpc-deadlock-cycle';
  const recording = recordOnSnapshot(buildSnapshot(loadScenario(id), 'win10-19041-x64'), '!waitchain');
  const header = recording.json.header;

  it('has a header: OS build, arch, pointer size, dump kind, waitchain version, date, the command', () => {
    expect(header).toMatchObject({ arch: 'x64', pointerSize: 8, dumpKind: 'complete', targetKind: 'kernel', waitchainVersion: WAITCHAIN_VERSION });
    expect(header.osVersion).toBe('10.0.19041');
    expect(header.buildNumber).toBe(19041);
    expect(header.source).toContain(id);
    expect(Date.parse(header.date!)).not.toBeNaN();
    expect(header.recording).toMatchObject({ command: '!waitchain', redacted: false });
    expect(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version).toBe(WAITCHAIN_VERSION);
  });

  it('is compact: merged ranges, base64 and zero runs, a few lines', () => {
    const memory = recording.json.memory;
    expect(memory.every((m) => (m.base64 !== undefined) !== (m.zeros !== undefined) && m.hex === undefined)).toBe(true);
    expect(memory.some((m) => m.zeros !== undefined)).toBe(true);
    // Adjacent and overlapping reads were merged: fewer separate stretches of memory than reads.
    const decoded = decodeSnapshotJson(recording.json).memory;
    let stretches = 0;
    let end = -1n;
    for (const m of decoded) {
      const from = BigInt('0x' + m.address);
      if (from !== end) stretches++;
      end = from + BigInt(m.bytes!.length);
    }
    expect(stretches).toBeLessThan(recording.json.header.recording!.reads);
    expect(recording.text.split('\n').length).toBeLessThan(memory.length + 20);
    expect(recording.text).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('reads as the format the mock host takes, and the current thread replays', () => {
    const snapshot = decodeSnapshotJson(recording.json);
    expect(snapshot.current?.thread).toBeDefined();
    const cur = recordOnSnapshot(buildSnapshot(loadScenario(id), 'win10-19041-x64'), '!waitchain @$curthread');
    const replay = runOnSnapshot(decodeSnapshotJson(cur.json), '!waitchain @$curthread');
    expect(replay.output).toBe(withoutRecordNote(cur.run.output));
    expect(cur.json.header.recording!.command).toMatch(/^!waitchain "[0-9a-f]+"$/);
  });
});

describe('a read outside the recorded ranges', () => {
  const id = '002-lpc-chain-mutant-lpc-deadlock-cycle';
  const recording = recordOnSnapshot(buildSnapshot(loadScenario(id), 'xpsp3-x86'), '!waitchain');
  const thread = '87f0d790'; // AppA.exe's thread, in the middle of the chain

  it('fails in the replaying debugger as unreadable target memory', () => {
    const script = loadScript(bundleCode(), decodeSnapshotJson(recording.json));
    const memory = script.host.memory as { readMemoryValues(a: number, n: number): unknown };
    expect(() => memory.readMemoryValues(0x80000000, 4)).toThrow(/Unable to read target memory at '0x80000000'/);
    expect(() => memory.readMemoryValues(parseInt(thread, 16), 4)).not.toThrow();
  });

  it('is counted as unreadable by the analysis, never invented', () => {
    const cut = withoutBytes(decodeSnapshotJson(recording.json), thread, 0x10);
    const replay = runOnSnapshot(cut, '!waitchain');
    expect(replay.error).toBeUndefined();
    const json = replay.json as { warnings: string[]; threads: { address: string }[] };
    expect(json.warnings.join('\n')).toMatch(/unreadable/);
    expect(replay.output).toMatch(/\nSummary: .*unreadable/);
    expect(JSON.stringify(json)).not.toContain(`"${thread}"`);
  });
});

describe('-redact', () => {
  // Every scenario on one layout (x86 ones on an x64 layout too), !waitchain and !stalecheck.
  const cases = SCENARIOS.flatMap((id) => {
    const layouts = layoutsOf(id);
    const picked = [layouts[0], ...layouts.filter((l) => l !== layouts[0] && /x64/.test(l)).slice(0, 1)];
    return picked.flatMap((layout) => ['!waitchain', '!stalecheck'].map((command) => [short(id), id, layout, command]));
  });

  it.each(cases)('%s on %s, %s: the same conclusions, names hashed consistently', (_name, id, layout, command) => {
    const scenario = loadScenario(id);
    const snapshot = buildSnapshot(scenario, layout);
    const normal = runOnSnapshot(snapshot, command);
    const plain = recordOnSnapshot(snapshot, command);
    const redacted = recordOnSnapshot(snapshot, command, { redact: true });
    expect(redacted.run.output).toBe(plain.run.output.replace(/\n$/, ', redacted\n'));
    expect(redacted.json.header).toMatchObject({ source: 'redacted', recording: { redacted: true } });
    const replay = runOnSnapshot(decodeSnapshotJson(redacted.json), command);
    expect(replay.error).toBeUndefined();

    const names = hashedNames(scenario, normal, plain.json as unknown as Snapshot, redacted.json as unknown as Snapshot);
    // Addresses and everything else equal; only the names changed (orders that sort by name may differ).
    expect(canonical(replay.json)).toEqual(canonical(JSON.parse(names.apply(JSON.stringify(normal.json)))));
    expect(lines(replay.output)).toEqual(lines(names.apply(normal.output)));
    // The originals are nowhere in the file, nor in its memory.
    const text = redacted.text + '\n' + memoryText(decodeSnapshotJson(redacted.json));
    for (const original of names.originals) expect(text).not.toContain(original);
    // Zero-filled memory takes no more room (the redaction note aside).
    expect(redacted.text.length).toBeLessThanOrEqual(plain.text.length + 400);
  });

  it('records `-p <name>` with the hashed name, which selects the same chains in the replay', () => {
    const snapshot = buildSnapshot(loadScenario('002-lpc-chain-mutant-lpc-deadlock-cycle'), 'xpsp3-x86');
    const normal = runOnSnapshot(snapshot, '!waitchain "-p AppA.exe"');
    const redacted = recordOnSnapshot(snapshot, '!waitchain "-p AppA.exe"', { redact: true });
    const hashed = redactProcessName('AppA.exe');
    expect(redacted.json.header.recording!.command).toBe(`!waitchain "-p ${hashed}"`);
    const replay = runOnSnapshot(decodeSnapshotJson(redacted.json), redacted.json.header.recording!.command);
    const names = (text: string) => text.replace(/AppA\.exe/g, hashed).replace(/AppB\.exe/g, redactProcessName('AppB.exe')).replace(/AppC\.exe/g, redactProcessName('AppC.exe'));
    expect(replay.output).toBe(names(normal.output));
    expect(replay.output).toContain(hashed);
  });

  it('hashes stably: the same name, the same hash, in every spelling', () => {
    expect(nameHash('AppA.exe')).toBe(nameHash('appa.EXE'));
    expect(redactProcessName('AppA.exe')).toMatch(/^p[0-9a-f]{8}\.exe$/);
    expect(redactProcessName('svchost.exe')).toBe('svchost.exe');
    expect(redactProcessName('application.ex')).toMatch(/^p[0-9a-f]{8}\.ex$/);
    expect(redactProcessName('AVeryLongProcessName.exe').length).toBeLessThanOrEqual(15);
    expect(redactModuleName('DriverA', {})).toBe(redactModuleName('drivera.sys', {}));
    expect(redactModuleName('ntdll', {})).toBe('ntdll');
    expect(redactModuleName('mydriver', { mydriver: true })).toBe('mydriver');
  });
});

describe('option forms', () => {
  const snapshot = buildSnapshot(loadScenario('004-codemachine-circular-trace-buffers'), 'win7sp1-x86');

  it.each([
    ['!waitchain', '!waitchain "-record C:\\\\x.json"'],
    ['!waitchain "-p svchost.exe"', '!waitchain "-p svchost.exe -record C:\\\\x.json"'],
    ['!waitchain 87f0d790', '!waitchain (87f0d790, "-record C:\\\\x.json")'],
    ['!waitchain @$curthread', '!waitchain (@$curthread, "-record C:\\\\x.json")'],
    ['!ringdump (mydriver!g_History, 0xd)', '!ringdump (mydriver!g_History, 0xd, "-record C:\\\\x.json")'],
    ['!ringdump (mydriver!g_History, mydriver!g_Index, "-n 3")', '!ringdump (mydriver!g_History, mydriver!g_Index, "-n 3 -record C:\\\\x.json")'],
    ['dx @$waitchain()', 'dx @$waitchain("-record C:\\\\x.json")'],
    ['dx @$stalecheck("-t 60")', 'dx @$stalecheck("-t 60 -record C:\\\\x.json")'],
  ])('%s -> %s', (command, withOption) => {
    expect(withRecordOption(command, 'C:\\x.json')).toBe(withOption);
  });

  it('a typed dx ring argument (a global array) records its symbol and type and replays', () => {
    const command = '!ringdump (mydriver!g_History, 0xd)';
    const normal = runOnSnapshot(snapshot, command);
    const recording = recordOnSnapshot(snapshot, command);
    expect(recording.json.header.recording!.command).toBe('!ringdump (mydriver!g_History, 0xd)');
    const replay = runOnSnapshot(decodeSnapshotJson(recording.json), command);
    expect(replay.output).toBe(normal.output);
    expect(replay.json).toEqual(normal.json);
  });

  it('dx @$stalecheck with options records and replays', () => {
    const recording = recordOnSnapshot(snapshot, 'dx @$stalecheck("-t 60")');
    expect(recording.json.header.recording!.command).toBe('!stalecheck "-t 60"');
    const replay = runOnSnapshot(decodeSnapshotJson(recording.json), '!stalecheck "-t 60"');
    expect(replay.json).toEqual(recording.run.json);
  });

  it.each([
    ['!waitchain "-redact"', /^waitchain: -redact goes with -record <file>\nusage:/],
    ['!waitchain "-record"', /^waitchain: -record needs a value\nusage:/],
    ['!stalecheck "-redact"', /^stalecheck: -redact goes with -record <file>\nusage:/],
    ['!ringdump "mydriver!g_History -redact"', /^ringdump: -redact goes with -record <file>\nusage:/],
    ['!waitchain "-?"', /-record <file>[\s\S]*-redact/],
  ])('%s', (command, pattern) => {
    const script = loadScript(bundleCode(), snapshot);
    const r = script.run(command);
    expect(r.error).toBeUndefined();
    expect(r.output).toMatch(pattern);
    expect(Object.keys(script.fileSystem.files())).toEqual([]);
  });

  it('a file that cannot be written is said, and the command still prints its result', () => {
    const script = loadScript(bundleCode(), snapshot);
    script.fileSystem.write = () => {
      throw new Error('Access is denied.');
    };
    const r = script.run('!waitchain "-record C:\\\\locked\\\\x.json"');
    expect(r.error).toBeUndefined();
    expect(r.output).toMatch(/\nSummary: .*\nwaitchain: the recording could not be written to C:\\locked\\x\.json: (Error: )?Access is denied\.\n$/);
  });
});

describe('recording is bounded', () => {
  it('keeps reads up to the cap, then says in the file how many it left out', () => {
    const bytes = new Uint8Array(64).fill(7);
    const fake: Target = {
      pointerSize: 8, isKernel: false, isLive: false, stats: { unreadableReads: 0 },
      type: () => undefined, enumNames: () => undefined, symbolAddress: () => undefined,
      nearestSymbol: () => undefined, read: () => bytes, frames: () => undefined, native: () => undefined,
    };
    const recorder = new RecordingTarget(fake, { redact: false, memoryCap: 256 });
    for (let i = 0; i < 10; i++) expect(recorder.read((0x10000 + i * 0x100).toString(16), 64)).toBe(bytes);
    const s = recorder.snapshot({ command: '!waitchain', osVersion: '10.0', buildNumber: 0 });
    expect(s.header.recording).toMatchObject({ reads: 4, bytes: 256, capped: { reads: 6, bytes: 384 } });
    expect(s.notes.join('\n')).toMatch(/capped: .* 6 reads \(384 bytes\) .* unreadable/);
    expect(s.memory.length).toBe(4);
  });
});

describe('types a recording keeps', () => {
  const f = (offset: number, size: number, kind: FieldLayout['kind'], typeName: string, extra: Partial<FieldLayout> = {}): FieldLayout =>
    ({ offset, size, kind, signed: false, typeName, ...extra });

  it('a member path defines every type along it, with offsets relative to each', () => {
    const book = new TypeBook();
    book.recordPath('nt', '_IRP', 0xd0, ['Tail', 'Overlay', 'Thread'], [f(0x78, 0x30, 'struct', '<unnamed-tag>'), f(0x78, 0x28, 'struct', '<unnamed-tag>'), f(0x80, 8, 'pointer', '_ETHREAD *')]);
    const nt = book.toJson().nt;
    expect(nt.find((t) => t.name === '_IRP')!.fields).toEqual([{ name: 'Tail', offset: 0x78, type: '<unnamed-tag>' }]);
    // Two anonymous types of one name and different sizes stay apart.
    expect(nt.find((t) => t.name === '<unnamed-tag>')).toMatchObject({ size: 0x30, fields: [{ name: 'Overlay', offset: 0, type: '<unnamed-tag>#2' }] });
    expect(nt.find((t) => t.name === '<unnamed-tag>#2')).toMatchObject({ size: 0x28, fields: [{ name: 'Thread', offset: 8, type: '_ETHREAD *' }] });
    // A pointer's target is named (a placeholder), so the reference resolves.
    expect(nt.find((t) => t.name === '_ETHREAD')).toMatchObject({ kind: 'struct', size: 0 });
  });

  it('bit fields, arrays of arrays, enums, unknown integers, pointers to types the debugger did not know', () => {
    const book = new TypeBook();
    book.markMissing('nt', '_GONE');
    book.recordPath('nt', '_T', 0x40, ['Flags'], [f(4, 4, 'int', 'unsigned long', { bitPos: 3, bitLen: 2 })]);
    book.recordPath('nt', '_T', 0x40, ['Grid'], [f(8, 24, 'array', 'unsigned short [3][4]', { count: 3, elementSize: 8, elementKind: 'array', elementTypeName: 'unsigned short [4]' })]);
    book.recordPath('nt', '_T', 0x40, ['State'], [f(0x20, 1, 'enum', '_STATE')]);
    book.recordPath('nt', '_T', 0x40, ['Time'], [f(0x28, 8, 'int', 'double')]);
    book.recordPath('nt', '_T', 0x40, ['Gone'], [f(0x30, 8, 'pointer', '_GONE *')]);
    book.enumType('nt', '_STATE', 0, new Map([[0, 'Idle'], [2, 'Busy']]));
    const nt = book.toJson().nt;
    expect(nt.find((t) => t.name === '_T')!.fields).toEqual([
      { name: 'Flags', offset: 4, type: 'unsigned long', bitPos: 3, bitLen: 2 },
      { name: 'Grid', offset: 8, type: 'unsigned short[3][4]' },
      { name: 'State', offset: 0x20, type: '_STATE' },
      { name: 'Time', offset: 0x28, type: 'unsigned __int64' },
      { name: 'Gone', offset: 0x30, type: 'void *' },
    ]);
    expect(nt.find((t) => t.name === '_STATE')).toEqual({ name: '_STATE', kind: 'enum', size: 1, values: { Idle: 0, Busy: 2 }, baseType: 'UCHAR' });
    expect(nt.find((t) => t.name === '_GONE')).toBeUndefined();
    expect(book.notes.join('\n')).toMatch(/'double' recorded as 'unsigned __int64'/);
  });
});

describe('memory encoding', () => {
  it('base64 is RFC 4648', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 47, 100]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
      expect(base64(b)).toBe(Buffer.from(b).toString('base64'));
    }
  });

  it('merges adjacent and overlapping reads per address space, not across spaces', () => {
    const r = (address: string, size: number, space = '') => ({ address, size, space, bytes: new Uint8Array(size).fill(size) });
    const merged = mergeReads([r('1000', 8), r('1008', 8), r('1004', 2), r('2000', 4), r('1010', 4, '8a000000'), r('ffffffff', 2)]);
    expect(merged.map((m) => [m.space, m.address, m.bytes.length])).toEqual([
      ['', '1000', 16],
      ['', '2000', 4],
      ['', 'ffffffff', 2],
      ['8a000000', '1010', 4],
    ]);
  });
});

/** The snapshot without [address, address+size): as if the recording had never read it. */
function withoutBytes(snapshot: Snapshot, address: string, size: number): Snapshot {
  const start = BigInt('0x' + address);
  const end = start + BigInt(size);
  const memory: MemoryRange[] = [];
  for (const m of snapshot.memory) {
    const from = BigInt('0x' + m.address);
    const bytes = m.bytes!;
    const to = from + BigInt(bytes.length);
    if (to <= start || from >= end) {
      memory.push(m);
      continue;
    }
    if (from < start) memory.push({ ...m, bytes: bytes.subarray(0, Number(start - from)) });
    if (to > end) memory.push({ ...m, address: end.toString(16), bytes: bytes.subarray(Number(end - from)) });
  }
  return { ...snapshot, memory };
}

/** Every name -redact hashes in this run, and a function putting the hashes in the original's place. */
function hashedNames(scenario: object, normal: { output: string; json: unknown }, plain: Snapshot, redacted: Snapshot) {
  const seen = normal.output + JSON.stringify(normal.json);
  const token = (s: string) => new RegExp(`(?<![\\w.\\\\])${escape(s)}(?![\\w.])`, 'g');
  const processes: [string, string][] = [];
  const candidates = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (/^[\w.-]+\.(exe|com)$/i.test(v)) candidates.add(v);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(scenario);
  for (const name of candidates) {
    // EPROCESS.ImageFileName keeps 14 or 15 characters, depending on the build.
    for (const stored of new Set([name, name.slice(0, 15), name.slice(0, 14)])) {
      const hashed = redactProcessName(stored);
      if (hashed !== stored && token(stored).test(seen)) processes.push([stored, hashed]);
    }
  }
  const kept = new Set(redacted.modules.map((m) => m.name));
  const modules: [string, string][] = [];
  const moduleNames = new Set<string>(plain.modules.map((m) => m.name));
  for (const t of plain.threads) {
    for (const f of t.frames) {
      const m = /^([A-Za-z0-9_][\w.$-]*)(?=!|\+0x)/.exec(f.text); // a module may start with a digit (3rdPartyAVDriver)
      if (m && !/^[0-9a-f]+$/i.test(m[1])) moduleNames.add(m[1]);
    }
  }
  for (const name of moduleNames) {
    const hashed = redactModuleName(name, {});
    if (hashed !== name && !kept.has(name)) modules.push([name.replace(/\.(dll|sys|exe|drv)$/i, ''), hashed]);
  }
  processes.sort((a, b) => b[0].length - a[0].length);
  modules.sort((a, b) => b[0].length - a[0].length);
  return {
    originals: [...processes.filter(([p]) => p.length > 4).map(([p]) => p)],
    apply(text: string): string {
      let out = text;
      for (const [a, b] of processes) out = out.replace(token(a), b);
      for (const [a, b] of modules) {
        // A module in "mod!sym+0x..", "mod+0x..", and long-wait's "in mod" / "group mod" (a driver
        // object's name, \Driver\mod, is memory the analysis reads: kept).
        const e = escape(a);
        out = out.replace(new RegExp(`(?<![\\w.\\\\])${e}(?:\\.(?:dll|sys|exe|drv))?(?=[!+])|(?<=(?:in|group) )${e}(?![\\w.])`, 'g'), b);
      }
      return out;
    },
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Arrays as sorted multisets: findings that sort by a name may come in another order once it is hashed. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).map((x) => JSON.stringify(x)).sort();
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]));
  return v;
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/^(\s*)\d+\. /, '$1N. ')).sort();
}

function memoryText(s: Snapshot): string {
  return s.memory.map((m) => Buffer.from(m.bytes ?? new Uint8Array()).toString('latin1')).join('\n');
}

// One snapshot format (src/record/snapshotFormat.ts): what the recorder in the bundle writes is a
// SnapshotFile by its type, passes the format check member by member, and loads in the harness and
// in-process (the harness refuses a file that is not the format, naming what is wrong).
describe('the recorder writes the one snapshot format', () => {
  const cases: [string, string, string, boolean][] = [
    ['002-lpc-chain-mutant-lpc-deadlock-cycle', 'xpsp3-x86', '!waitchain', true],
    ['002-x64-taskmgr-lpc-cs-mutant-lpc-wow64', 'win10-19041-x64', '!waitchain', false],
    ['000-sftfs-stale-iosb-apc', 'win10-19041-x64', '!stalecheck', true],
    ['004-codemachine-circular-trace-buffers', 'win7sp1-x86', '!ringdump "mydriver!g_History mydriver!g_Index"', false],
  ];
  it.each(cases)('%s on %s, %s (redact %s)', (id, layout, command, redact) => {
    const snapshot = buildSnapshot(loadScenario(id), layout);
    const recording = recordOnSnapshot(snapshot, command, { redact });
    const file: SnapshotFile = recording.json; // the recorder's type is the format's (a compile-time check)
    expect(snapshotFileProblems(JSON.parse(recording.text))).toEqual([]);
    expect(file.header.recording).toMatchObject({ command, redacted: redact });
    // Both consumers: the mock WinDbg (the bundle replays it) and SnapshotTarget (src/ in-process).
    const replay = runOnSnapshot(decodeSnapshotJson(file), recording.json.header.recording.command);
    expect(replay.error).toBeUndefined();
    const recorded = withoutRecordNote(recording.run.output);
    // Redacted: the same report with hashed process names.
    if (redact) expect(replay.output.split('\n').length).toBe(recorded.split('\n').length);
    else expect(replay.output).toBe(recorded);
    const target = snapshotTarget(decodeSnapshotJson(file));
    expect(target.pointerSize).toBe(snapshot.header.pointerSize);
    expect(target.symbolAddress('nt', 'PsActiveProcessHead')).toBeDefined();
  });

  it('is declared once: the format module holds declarations and the format name, nothing else spells it', () => {
    const ROOT = join(__dirname, '..', '..');
    const code = readFileSync(join(ROOT, 'src/record/snapshotFormat.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const statements = code.split('\n').filter((l) => /^\S/.test(l) && !/^}/.test(l));
    expect(statements.filter((l) => !/^export (interface|type) /.test(l))).toEqual([`export const SNAPSHOT_FORMAT = 'waitchain-snapshot/1';`]);
    const files = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []);
    const spelled = ['src', 'mocks', 'scripts'].flatMap(files).filter((f) => readFileSync(join(ROOT, f), 'utf8').includes("'waitchain-snapshot/1'"));
    expect(spelled).toEqual(['src/record/snapshotFormat.ts']);
  });

  it('a file that departs from the format is refused with the path of what is wrong', () => {
    const recording = recordOnSnapshot(buildSnapshot(loadScenario('002-lpc-chain-mutant-lpc-deadlock-cycle'), 'xpsp3-x86'), '!waitchain');
    const broken = JSON.parse(recording.text);
    broken.types.nt[0].kind = 'class';
    broken.memory[0].zeros = 16; // beside its base64
    delete broken.header.dumpKind;
    expect(snapshotFileProblems(broken)).toEqual([
      'header.dumpKind: missing',
      'types.nt[0].kind: must be one of "struct", "union", "enum"',
      'memory[0]: needs exactly one of hex, base64, zeros (has base64, zeros)',
    ]);
    expect(() => decodeSnapshotJson(broken)).toThrow('snapshot: header.dumpKind: missing; types.nt[0].kind: must be one of "struct", "union", "enum" (and 1 more)');
  });
});
