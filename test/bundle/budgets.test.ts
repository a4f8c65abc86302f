// Host round-trip budgets per command on mid-size synthetic systems (bench/generate.ts). Counts are
// deterministic, so these are exact guards against a change that starts reading field by field or
// unwinding every stack; wall time is measured by `npm run bench`, never asserted here.
import { describe, expect, it } from 'vitest';
import { generateRing, generateSystem } from '../../bench/generate';
import { buildSnapshot } from '../../mocks/builder';
import { runOnSnapshot } from '../../mocks/harness/run';

const THREADS = 2000;

describe.each(['win7sp1-x86', 'win10-19041-x64'])('%s, %i-thread system', (layout) => {
  const snapshot = buildSnapshot(generateSystem(THREADS).scenario as never, layout);

  it.each([
    ['!waitchain', 2.5],
    ['!waitchain "-dot"', 2.5],
    ['!stalecheck', 5.5],
  ])('%s stays within %f host calls per thread', (command, perThread) => {
    const run = runOnSnapshot(snapshot, command);
    expect(run.error).toBeUndefined();
    expect(run.hostCalls / THREADS).toBeLessThanOrEqual(perThread);
    // Frames are the dearest round trips: !waitchain unwinds only the threads whose report needs them
    // (!stalecheck unwinds every long waiter, to name its blocking module).
    if (command.startsWith('!waitchain')) expect(run.callsByApi['dataModel.Frames'] || 0).toBeLessThan(THREADS / 10);
  });

  it('reads each thread, process and waited-on object once, and each wait-chain entry once (its event comes with it)', () => {
    const scenario = generateSystem(THREADS).scenario as { processes: unknown[]; objects: unknown[]; resources: { exclusiveWaiters: unknown[] }[] };
    const run = runOnSnapshot(snapshot, '!waitchain');
    const chainEntries = layout.startsWith('win10') ? scenario.resources.reduce((n, r) => n + r.exclusiveWaiters.length, 0) : 0;
    // Per process: its EPROCESS (the thread-list head comes with it) and one probe of its critical-section list.
    const expected = THREADS + 2 * scenario.processes.length + scenario.objects.length + chainEntries;
    expect(run.callsByApi.readMemoryValues).toBeLessThanOrEqual(expected + 60);
  });

  it('reads a thread only up to the last member the analyses decode', () => {
    const run = runOnSnapshot(snapshot, '!waitchain');
    // Whole ETHREADs were 740 (x86) / 2,353 (x64) bytes per thread here; through AlpcMessage they are 708 / 1,489.
    expect(run.bytesRead / THREADS).toBeLessThanOrEqual(layout.startsWith('win10') ? 1800 : 720);
  });

  it('learns type layouts in a few hundred symbol queries, once', () => {
    const run = runOnSnapshot(snapshot, '!waitchain');
    const typeQueries = Object.entries(run.callsByApi).filter(([api]) => api.startsWith('typeObject.')).reduce((n, [, c]) => n + c, 0);
    // One lookup per member path; a structure's size, a base type's size (known from its name) and a type's
    // name are asked for only when used.
    expect(typeQueries).toBeLessThanOrEqual(280);
    expect(run.callsByApi.currentSession).toBe(1);
  });

  it('a thread query reads far less than the whole-system report', () => {
    const whole = runOnSnapshot(snapshot, '!waitchain');
    const json = whole.json as { rootBlockers: { thread: string }[] };
    const one = runOnSnapshot(snapshot, `!waitchain "${json.rootBlockers[0].thread}"`);
    expect(one.error).toBeUndefined();
    expect(one.hostCalls).toBeLessThanOrEqual(whole.hostCalls);
  });
});

describe('!ringdump budget', () => {
  const command = '!ringdump (benchdrv!g_Ring, benchdrv!g_RingIndex)';

  it.each(['win7sp1-x86', 'win10-19041-x64'])('reads a 4,096-entry ring of pool pointers in a handful of reads, listing the modules instead of one lookup per pointer (%s)', (layout) => {
    const run = runOnSnapshot(buildSnapshot(generateRing(4096) as never, layout), command);
    expect(run.error).toBeUndefined();
    expect(run.callsByApi.readMemoryValues || 0).toBeLessThanOrEqual(8);
    expect(run.callsByApi.getModuleContainingSymbolInformation || 0).toBeLessThanOrEqual(4);
    expect(run.hostCalls).toBeLessThanOrEqual(200);
  });

  it.each(['win7sp1-x86', 'win10-19041-x64'])('still names every code pointer of a big ring, and only those are looked up (%s)', (layout) => {
    const run = runOnSnapshot(buildSnapshot(generateRing(512, 8) as never, layout), command);
    expect(run.error).toBeUndefined();
    const entries = (run.json as { entries: { slot: number; symbols?: { Information?: string } }[] }).entries;
    expect(entries).toHaveLength(512);
    const scale = layout.endsWith('x64') ? 8 : 1; // the x86 system relocated: offsets stretch by the relocation factor
    for (const e of entries) {
      const offset = (e.slot % 0x100) * scale;
      if (e.slot % 8 === 0) expect(e.symbols && e.symbols.Information).toBe(offset ? `benchdrv!BenchRead+0x${offset.toString(16)}` : 'benchdrv!BenchRead');
      else expect(e.symbols && e.symbols.Information).toBeUndefined();
    }
    expect(run.callsByApi.getModuleContainingSymbolInformation || 0).toBeLessThanOrEqual(64 + 4);
  });
});
