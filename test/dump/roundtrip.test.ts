// Issue 14: every seed scenario round-trips through the dump writer and the reader — complete
// (physical runs) and bitmap dumps, x86 (PAE and non-PAE page tables) and x64 — and the commands
// print exactly what they print with --scenario, stack frames included: the writer leaves each
// thread's frames in stack memory as a machine does (x86 EBP chains, x64 return addresses plus PE
// images with exception directories) and the reader recovers them from the dump alone
// (mocks/dump/stackWriter.ts, mocks/dump/unwind.ts).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario, scenarioLayouts } from '../../mocks/builder';
import type { Snapshot } from '../../mocks/format/snapshot';
import { openDump } from '../../mocks/dump/open';
import { writeDump } from '../../mocks/dump/writer';
import { runOnSnapshot } from '../../mocks/harness/run';

const SEEDS_DIR = join(__dirname, '..', '..', 'mocks', 'scenarios');
const SEEDS = readdirSync(SEEDS_DIR).filter((f) => f.endsWith('.json')).sort();
const work = mkdtempSync(join(tmpdir(), 'waitchain-dump-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeAndOpen(snapshot: Snapshot, storage: 'runs' | 'bitmap', pae: boolean, tag: string) {
  return writeAndOpenWithNotes(snapshot, storage, pae, tag).dump;
}

function writeAndOpenWithNotes(snapshot: Snapshot, storage: 'runs' | 'bitmap', pae: boolean, tag: string) {
  const written = writeDump(snapshot, { storage, pae });
  const dir = join(work, tag);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const [name, text] of Object.entries(written.tables)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'memory.dmp');
  writeFileSync(file, written.bytes);
  return { dump: openDump(file, dir), notes: written.notes };
}

/**
 * What a dump of this kind can hold: a kernel dump has no user-mode memory, so neither the user-mode
 * modules its loader lists name (the bundle then does not try user reads, and has no failed reads to
 * warn about).
 */
const asDumpHolds = (s: Snapshot): Snapshot => (s.header.dumpKind === 'kernel' ? { ...s, modules: s.modules.filter((m) => m.kernel) } : s);

const commandsOf = (id: string) => ['!waitchain', '!stalecheck', ...(/devnode/.test(id) ? ['!ringdump "-devnode all"'] : [])];

describe('dump writer -> reader round trip, every seed scenario', () => {
  it('a kernel snapshot has no physical-run form', () => {
    const kernelSeed = SEEDS.map((f) => buildSnapshot(loadScenario(join(SEEDS_DIR, f)), scenarioLayouts(loadScenario(join(SEEDS_DIR, f)))[0]))
      .find((s) => s.header.dumpKind === 'kernel');
    expect(kernelSeed).toBeDefined();
    expect(() => writeDump(kernelSeed!, { storage: 'runs' })).toThrow(/has no physical-run form/);
  });

  SEEDS.forEach((file, index) => {
    const id = file.replace(/\.json$/, '');
    const scenario = loadScenario(join(SEEDS_DIR, file));
    const layouts = scenarioLayouts(scenario);
    const x86 = layouts.find((l) => /x86$/.test(l));
    const x64 = layouts.find((l) => /x64$/.test(l));
    // Both storages of a complete snapshot (a kernel dump has only the bitmap form), both architectures;
    // x86 alternates PAE and non-PAE page tables.
    const complete = buildSnapshot(scenario, (x86 ?? x64)!).header.dumpKind === 'complete';
    const storages: Array<'runs' | 'bitmap'> = complete ? ['runs', 'bitmap'] : ['bitmap'];
    const plans: Array<{ layout: string; storage: 'runs' | 'bitmap'; pae: boolean }> = [];
    storages.forEach((storage, k) => {
      if (x86) plans.push({ layout: x86, storage, pae: (index + k) % 2 === 0 });
      if (x64) plans.push({ layout: x64, storage, pae: false });
    });
    // and a modern x64 build (its frames and locals differ from 2003's), bitmap only
    const modern = 'win10-19041-x64';
    if (x64 !== modern && layouts.includes(modern)) plans.push({ layout: modern, storage: 'bitmap', pae: false });
    for (const plan of plans) {
      it(`${id} on ${plan.layout} (${plan.storage}${plan.layout.endsWith('x86') ? (plan.pae ? ', PAE' : ', non-PAE') : ''})`, () => {
        const snapshot = buildSnapshot(scenario, plan.layout);
        const { dump, notes } = writeAndOpenWithNotes(snapshot, plan.storage, plan.pae, `${index}-${plan.layout}-${plan.storage}`);
        try {
          expect(dump.info.kind).toBe(snapshot.header.dumpKind === 'complete' ? 'complete' : 'kernel');
          expect(dump.info.dumpType).toBe(plan.storage === 'runs' ? 1 : snapshot.header.dumpKind === 'complete' ? 5 : 6);
          for (const command of commandsOf(id)) {
            const fromDump = runOnSnapshot(dump.snapshot, command);
            const fromScenario = runOnSnapshot(asDumpHolds(snapshot), command);
            expect(fromDump.error, command).toBeUndefined();
            expect(fromDump.output, command).toBe(fromScenario.output);
            expect(fromDump.json, command).toEqual(fromScenario.json);
          }
          // The frames themselves, recovered from memory only: name, instruction and frame pointer always;
          // x64 Child-SP too. An x86 frame-pointer walk gives a frame's ESP as the caller's EBP + 8, where the
          // builder records the lowest address of the frame's area (mocks/builder/stacks.ts): not compared.
          const recovered = new Map(dump.snapshot.threads.map((t) => [t.address, t.frames]));
          const x64 = snapshot.header.arch === 'x64';
          // The builder leaves every x64 frame a slot for its caller's return address and every system-service entry
          // room for its machine frame (mocks/builder/stacks.ts): the writer lays out every frame, none is cut.
          expect(notes.filter((n) => n.startsWith('stacks:')), 'writer notes').toEqual([]);
          for (const t of snapshot.threads) {
            // On the modern build nt's names come from the real symbol table, where an offset the scenario gives may run
            // past the real function (the reader then names the next symbol): there the frames' positions are compared.
            const shape = (f: (typeof t.frames)[number]) => (plan.layout === modern ? { ...f, text: '' } : x64 ? f : { ...f, stackOffset: '' });
            const got = (recovered.get(t.address) ?? []).map(shape);
            const want = t.frames.map(shape);
            expect(got, t.address).toEqual(want);
          }
          const without = snapshot.threads.filter((t) => !t.frames.length).length;
          if (without) expect(dump.info.warnings.some((w) => /^no stack frames for \d+ of \d+ threads: /.test(w))).toBe(true);
        } finally {
          dump.close();
        }
      });
    }
  });
});

describe('--record from a dump', () => {
  it('records what a command read from the dump; the snapshot replays to the same output', async () => {
    const { recordOnSnapshot, readSnapshotFile, withoutRecordNote } = await import('../../mocks/harness/record');
    const snapshot = buildSnapshot(loadScenario(join(SEEDS_DIR, '002-lpc-chain-mutant-lpc-deadlock-cycle.json')), 'win10-19041-x64');
    const dump = writeAndOpen(snapshot, 'runs', false, 'record');
    try {
      const recording = recordOnSnapshot(dump.snapshot, '!waitchain');
      expect(recording.run.error).toBeUndefined();
      const file = join(work, 'recording.json');
      writeFileSync(file, recording.text);
      const replay = runOnSnapshot(readSnapshotFile(file), '!waitchain');
      expect(replay.output).toBe(withoutRecordNote(recording.run.output));
      expect(replay.output).toBe(runOnSnapshot(dump.snapshot, '!waitchain').output);
    } finally {
      dump.close();
    }
  });
});
