// Every seed scenario under every host variant (mocks/host/variants.ts) and under all of them at
// once, on one x86 and one x64 layout: each expectation holds, or the variant makes it unknowable
// (test/pending.ts) and the report prints a warning saying so; -selftest ends with 0 failed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import type { Snapshot } from '../../mocks/format/snapshot';
import { layoutsOf } from '../../mocks/harness/run';
import { checkUnderVariants } from '../../mocks/harness/variantCheck';
import { HOST_VARIANTS, parseVariants } from '../../mocks/host/variants';
import { LAYOUTS } from '../../mocks/layouts';

const SEEDS = readdirSync(join(__dirname, '..', '..', 'mocks', 'scenarios'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

const SETS = [...HOST_VARIANTS.map((v) => v.name), HOST_VARIANTS.map((v) => v.name).join(',')];

/** One x86 and one x64 layout among those the scenario allows. */
function twoLayouts(id: string): string[] {
  const all = layoutsOf(id);
  const x86 = all.find((l) => LAYOUTS[l].pointerSize === 4);
  const x64 = all.find((l) => LAYOUTS[l].pointerSize === 8);
  return [x86, x64].filter((l): l is string => l !== undefined);
}

describe.each(SEEDS)('%s', (id) => {
  describe.each(twoLayouts(id))('%s', (layout) => {
    let snapshot: Snapshot | undefined;
    const built = () => (snapshot ??= buildSnapshot(loadScenario(id), layout));
    it.each(SETS)('host variant %s', (names) => {
      const r = checkUnderVariants(id, layout, parseVariants(names), built());
      expect(r.failures).toEqual([]);
      expect(r.stale).toEqual([]);
    });
  });
});

describe('every seed has an x86 and an x64 layout in the matrix', () => {
  it.each(SEEDS)('%s', (id) => {
    expect(twoLayouts(id).length).toBeGreaterThan(0);
  });
});
