// !waitchain "-selftest": one check a line, the exact summary line, and the typed-object cross-check
// failing when the layout the script is given does not fit the target.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import { bundleCode, runOnSnapshot } from '../../mocks/harness/run';
import { SELFTEST_LINE } from '../../mocks/harness/variantCheck';
import { parseVariants } from '../../mocks/host/variants';
import { loadScript } from '../../mocks/loader';

const SEED = '002-lpc-mutant-process-eresource-fastmutex';

describe.each(['xpsp3-x86', 'win10-19041-x64'])('-selftest on %s', (layout) => {
  const snapshot = buildSnapshot(loadScenario(SEED), layout);

  it('reports provider, pointer size, enums, a parsed frame, a symbol both ways, layouts and typed objects; 0 failed', () => {
    const run = runOnSnapshot(snapshot, '!waitchain "-selftest"');
    expect(run.error).toBeUndefined();
    const lines = run.output.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(SELFTEST_LINE);
    expect(lines[lines.length - 1]).toMatch(/^selftest: \d+ checks, 0 failed$/);
    expect(run.output).toMatch(/ok\s+pointer size: \d \(Attributes\.Machine\.PointerSize arrived as a number\)/);
    expect(run.output).toMatch(/ok\s+enum _KTHREAD_STATE: \d+ names from the type's fields/);
    expect(run.output).toMatch(/ok\s+frame: "nt!\w+ \+ 0x[0-9a-f]+" \(toString\(\)\) parsed as module nt, function \w+, offset 0x[0-9a-f]+/);
    expect(run.output).toMatch(/ok\s+symbol: nt!KeWaitForSingleObject -> [0-9a-f`]+ -> nt!KeWaitForSingleObject/);
    expect(run.output).toMatch(/ok\s+typed object thread [0-9a-f`]+ \(_ETHREAD\): \d+ members agree/);
    expect(run.output).toMatch(/ok\s+typed object process [0-9a-f`]+ \(_EPROCESS\): \d+ members agree/);
    expect(run.output).toMatch(/ok\s+typed object object [0-9a-f`]+ \(_KMUTANT\): \d+ members agree/);
  });

  it('dx @$waitchain("-selftest") prints the same', () => {
    const bang = runOnSnapshot(snapshot, '!waitchain "-selftest"');
    const dx = runOnSnapshot(snapshot, 'dx @$waitchain("-selftest")');
    expect(dx.output).toContain(bang.output.trim().split('\n').pop()!);
  });

  it('says "fell back" for enums read from dt output (no-enum-fields), still 0 failed', () => {
    const run = runOnSnapshot(snapshot, '!waitchain "-selftest"', null, parseVariants('no-enum-fields'));
    expect(run.output).toMatch(/fell back\s+enum _KTHREAD_STATE: \d+ names from `dt nt!_KTHREAD_STATE`/);
    expect(run.output.trim().split('\n').pop()).toMatch(/^selftest: \d+ checks, 0 failed, 4 fell back$/);
  });

  it('fails the typed-object cross-check when the layout puts _KTHREAD.State one byte off', () => {
    const script = loadScript(bundleCode(), snapshot, { fieldSkews: [{ type: '_KTHREAD', field: 'State', delta: 1 }] });
    const r = script.run('!waitchain "-selftest"');
    expect(r.error).toBeUndefined();
    const last = r.output.trim().split('\n').pop()!;
    const m = SELFTEST_LINE.exec(last);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(0);
    expect(r.output).toMatch(/FAIL\s+typed object thread [0-9a-f`]+ \(_ETHREAD\): Tcb\.State: raw \d+, typed \d+/);
    expect(r.output).toMatch(/FAIL\s+layout|FAIL\s+typed object/);
  });
});

describe('dx arguments that are NULL or unreadable pointers', () => {
  it('a NULL _ETHREAD* gives one clear line, not an internal error (pointers dereference on unknown names)', () => {
    const snapshot = buildSnapshot(loadScenario(SEED), 'win10-19041-x64');
    const script = loadScript(bundleCode(), snapshot);
    const host = script.host as any;
    const nullThread = host.createPointerObject(0, 'nt', '_ETHREAD*');
    const wild = host.createPointerObject(host.parseInt64('fffff80000000008', 16), 'nt', '_ETHREAD*');
    for (const arg of [nullThread, wild]) {
      script.mock.output.clear();
      (script.aliases.get('waitchain') as (a: unknown) => unknown)(arg);
      const out = script.output();
      expect(out).not.toContain('internal error');
      expect(out).toMatch(/is not a thread|unreadable/);
    }
  });
});
