// The generated layouts (scripts/layouts.ts, mocks/layouts/spec.ts): equal to a fresh generation from the real
// symbol tables when ../shared is present, the promised set of builds, and the real facts the hand-written
// layouts got wrong (19041 vs 19041.1586 ALPC types, 22000's _KPRCB/_KPCR/_KUSER_SHARED_DATA, 24H2's types).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Layout, TypeDef } from '../mocks/format/typedef';
import { LAYOUTS, layoutNamed } from '../mocks/layouts';
import { generateAll } from '../mocks/layouts/generate';
import { BUILDS } from '../mocks/layouts/spec';
import { buildSnapshot, loadScenario, scenarioLayouts } from '../mocks/builder';
import { runOnScenario } from '../mocks/harness/run';

const SYMBOLS = join(__dirname, '..', '..', 'shared', 'symbols');
const ALL = Object.values(LAYOUTS);

function type(layout: Layout, name: string): TypeDef {
  const t = (layout.types.nt ?? []).find((x) => x.name === name);
  if (!t) throw new Error(`${layout.name}: no nt!${name}`);
  return t;
}
const size = (layout: string, name: string): number => type(layoutNamed(layout), name).size;
const offset = (layout: string, name: string, field: string): number | undefined =>
  type(layoutNamed(layout), name).fields?.find((f) => f.name === field)?.offset;

describe.skipIf(!existsSync(SYMBOLS))('generated layouts equal a fresh generation (needs ../shared/symbols)', () => {
  it('every file of mocks/layouts/ the generator writes is unchanged', () => {
    const files = generateAll(SYMBOLS);
    const differing = Object.entries(files)
      .filter(([relative, text]) => readFileSync(join(__dirname, '..', 'mocks', 'layouts', relative), 'utf8') !== text)
      .map(([relative]) => relative);
    expect(differing, 'run npm run layouts').toEqual([]);
    expect(Object.keys(files).length).toBe(BUILDS.length + 1);
  }, 300_000);
});

describe('the set of layouts', () => {
  it('has at least 18 layouts, at least 6 of them x86, named <family>-<build>-<arch>', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(18);
    expect(ALL.filter((l) => l.arch === 'x86').length).toBeGreaterThanOrEqual(6);
    for (const l of ALL) expect(l.name).toMatch(/^[a-z0-9.]+(-[a-z0-9.]+)?-(x86|x64)$/);
    for (const name of ['xpsp3-x86', 'win7sp1-x86', 'win10-19041-x64', 'win11-24h2-x64', 'srv2003sp2-3790-x86', 'srv2003sp2-3790-x64',
      'vistasp2-6002-x86', 'win7sp1-7601-x64', 'win81-9600-x86', 'win81-9600-x64', 'win10-14393-x64', 'win10-17763-x86',
      'win10-17763-x64', 'win10-18362-x64', 'win10-19041-x86', 'win10-19041.1586-x64', 'srv2022-20348-x64', 'win11-22000-x64']) {
      expect(LAYOUTS[name], name).toBeDefined();
    }
  });

  it('each layout names its source file in its provenance', () => {
    for (const l of ALL) {
      expect(l.source, l.name).toBeTruthy();
      expect(l.provenance[0], l.name).toContain(l.source!);
      expect(l.provenance.join('\n'), l.name).toMatch(/sha256 [0-9a-f]{16}/);
    }
  });

  it('ISF layouts carry the PDB GUID/age and real symbol RVAs for the nt globals', () => {
    const w = layoutNamed('win10-19041-x64');
    expect(w.provenance[0]).toContain('GUID 5278AFF86C341677D7D7835C85B7B844 age 1');
    for (const g of w.globals.filter((x) => x.module === 'nt')) expect(g.rva, g.name).toBeGreaterThan(0);
  });

  it('an enum the build\'s table lacks comes from the nearest build that has it, said in the provenance', () => {
    // Windows 7's x64 PDB has no _KTHREAD_STATE (shared/symbols/README.md).
    const w7 = layoutNamed('win7sp1-7601-x64');
    expect(w7.provenance.join('\n')).toMatch(/_KTHREAD_STATE from isf\/22597D0B40394E23936F6A24C6C52D5B-1\.json\.xz \(nearest build whose table has it\)/);
    expect(type(w7, '_KTHREAD_STATE').values!.Waiting).toBe(5);
  });
});

describe('real facts of the builds', () => {
  it('19041.1586 grew _ALPC_HANDLE_TABLE (0x18 -> 0x20) and _ALPC_COMMUNICATION_INFO (0x48 -> 0x50)', () => {
    expect(size('win10-19041-x64', '_ALPC_HANDLE_TABLE')).toBe(0x18);
    expect(size('win10-19041-x64', '_ALPC_COMMUNICATION_INFO')).toBe(0x48);
    expect(size('win10-19041.1586-x64', '_ALPC_HANDLE_TABLE')).toBe(0x20);
    expect(size('win10-19041.1586-x64', '_ALPC_COMMUNICATION_INFO')).toBe(0x50);
    // everything else the mock uses is the same
    expect(size('win10-19041.1586-x64', '_ETHREAD')).toBe(size('win10-19041-x64', '_ETHREAD'));
  });

  it('22000 has the larger _KPRCB (0xbf00; WaitListHead 0x7ec0, DispatcherReadyListHead 0x7f40), _KPCR 0xc080, _KUSER_SHARED_DATA 0x730', () => {
    expect(size('win11-22000-x64', '_KPRCB')).toBe(0xbf00);
    expect(offset('win11-22000-x64', '_KPRCB', 'WaitListHead')).toBe(0x7ec0);
    expect(offset('win11-22000-x64', '_KPRCB', 'DispatcherReadyListHead')).toBe(0x7f40);
    expect(size('win11-22000-x64', '_KPCR')).toBe(0xc080);
    expect(size('win11-22000-x64', '_KUSER_SHARED_DATA')).toBe(0x730);
    expect(size('win10-19041-x64', '_KPRCB')).toBe(0xaf00);
  });

  it('24H2 is regenerated from its own headers', () => {
    expect(size('win11-24h2-x64', '_KPRCB')).toBe(0xcf00);
    expect(offset('win11-24h2-x64', '_KPRCB', 'WaitListHead')).toBe(0x83c0);
    expect(size('win11-24h2-x64', '_KPCR')).toBe(0x178);
    expect(offset('win11-24h2-x64', '_KPCR', 'Prcb')).toBeUndefined();
    expect(size('win11-24h2-x64', '_KUSER_SHARED_DATA')).toBe(0xa80);
    expect(size('win11-24h2-x64', '_ALPC_HANDLE_TABLE')).toBe(0x20);
    expect(size('win11-24h2-x64', '_ALPC_COMMUNICATION_INFO')).toBe(0x50);
    expect(size('win11-24h2-x64', '_ETHREAD')).toBe(0x788);
    expect(size('win11-24h2-x64', '_EPROCESS')).toBe(0x840);
  });

  it('the Win10 ERESOURCE wait-chain entry changed shape: single list (14393), list (15063), list + Thread (17763+)', () => {
    const fields = (l: string) => type(layoutNamed(l), '_KWAIT_CHAIN_ENTRY').fields!.map((f) => `${f.name}:${f.type}@${f.offset}`);
    expect(fields('win10-14393-x64')).toEqual(['ListEntry:_SINGLE_LIST_ENTRY@0', 'Event:_KEVENT@8']);
    expect(fields('win10-15063-x64')).toEqual(['ListEntry:_LIST_ENTRY@0', 'Event:_KEVENT@16']);
    expect(fields('win10-17763-x64')).toEqual(['ListEntry:_LIST_ENTRY@0', 'Thread:_KTHREAD*@16', 'Event:_KEVENT@24']);
  });
});

describe('the builder on real layouts', () => {
  it('places nt globals at their real RVAs from the image base', () => {
    const snapshot = buildSnapshot(loadScenario('002-lpc-mutant-process-eresource-fastmutex'), 'win10-19041-x64');
    const nt = snapshot.modules.find((m) => m.name === 'nt')!;
    const head = nt.symbols!.find((s) => s.name === 'PsActiveProcessHead')!;
    const rva = layoutNamed('win10-19041-x64').globals.find((g) => g.name === 'PsActiveProcessHead')!.rva!;
    expect(BigInt(`0x${head.address}`) - BigInt(`0x${nt.base}`)).toBe(BigInt(rva));
  });

  it('a snapshot on win11-24h2-x64 carries the real 24H2 sizes', () => {
    const snapshot = buildSnapshot(loadScenario('002-lpc-mutant-process-eresource-fastmutex'), 'win11-24h2-x64');
    const sizes = Object.fromEntries(snapshot.types.nt.map((t) => [t.name, t.size]));
    expect(sizes).toMatchObject({
      _KPRCB: 0xcf00, _KPCR: 0x178, _KUSER_SHARED_DATA: 0xa80, _ALPC_HANDLE_TABLE: 0x20, _ALPC_COMMUNICATION_INFO: 0x50,
      _ETHREAD: 0x788, _EPROCESS: 0x840,
    });
  });

  it('a snapshot on win10-19041.1586-x64 carries the grown ALPC types', () => {
    const snapshot = buildSnapshot(loadScenario('002-alpc-serviceA-372-narrative'), 'win10-19041.1586-x64');
    const sizes = Object.fromEntries(snapshot.types.nt.map((t) => [t.name, t.size]));
    expect(sizes).toMatchObject({ _ALPC_HANDLE_TABLE: 0x20, _ALPC_COMMUNICATION_INFO: 0x50 });
  });

  it('on 24H2 (no KPRCB inside the KPCR) the bundle says processor IRQLs are unknown instead of judging them', () => {
    const run = runOnScenario(join(__dirname, 'scenarios', 'spin-dispatch-level.json'), 'win11-24h2-x64', '!stalecheck');
    expect(run.error).toBeUndefined();
    expect(run.output).toMatch(/processors? IRQLs? unknown/);
    // and on a build whose KPCR embeds the KPRCB, no such warning
    expect(runOnScenario(join(__dirname, 'scenarios', 'spin-dispatch-level.json'), 'win11-22000-x64', '!stalecheck').output).not.toMatch(/IRQLs? unknown/);
  });

  it('scenarios that cannot be laid out on a build say why, and are not run there', () => {
    const narrative = loadScenario('002-alpc-serviceA-372-narrative');
    expect(scenarioLayouts(narrative)).not.toContain('srv2003sp2-3790-x64');
    expect(scenarioLayouts(narrative)).toContain('vistasp2-6002-x64');
  });
});
