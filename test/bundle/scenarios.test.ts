// Every seed scenario, under every layout it allows, through the real bundle on the mock host:
// each expectation of a landed command must hold; the ones waiting for a later issue are listed in
// test/pending.ts and run as expected failures, so a pending one that starts passing is noticed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, layoutsOf, runOnScenario } from '../../mocks/harness/run';
import { COMMAND_OF, expectKinds } from '../../mocks/harness/expect';
import { loadScenario } from '../../mocks/builder';
import { isPending, PENDING } from '../pending';
import { testLayoutsOf } from '../layoutMatrix';

const SEEDS = readdirSync(join(__dirname, '..', '..', 'mocks', 'scenarios'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));
/** Scenarios written for this project (each edge kind, each layout difference, near misses), by path. */
const OWN_DIR = join(__dirname, '..', 'scenarios');
const OWN = readdirSync(OWN_DIR).filter((f) => f.endsWith('.json')).map((f) => join(OWN_DIR, f));
const SCENARIOS = [...SEEDS, ...OWN];


describe.each(SCENARIOS)('%s', (id) => {
  // ids of own scenarios are paths; pending entries name seeds by id
  const scenario = loadScenario(id) as { expect?: Record<string, unknown> };
  const kinds = expectKinds(scenario.expect);
  describe.each(testLayoutsOf(id))('%s', (layout) => {
    it('!waitchain runs to its summary line without an error', () => {
      const run = runOnScenario(id, layout, '!waitchain');
      expect(run.error).toBeUndefined();
      expect(run.output).toMatch(/\nSummary: \d+ threads? scanned, \d+ waiting, \d+ in chains, .*\n$/);
    });

    for (const kind of kinds) {
      const pending = isPending(id, kind, layout);
      const title = pending ? `expect.${kind} (pending: ${pending.issue}, ${pending.why})` : `expect.${kind}`;
      const check = () => {
        const r = checkScenario(id, layout);
        if (r.pending.indexOf(kind) >= 0) throw new Error(`!${COMMAND_OF[kind]} has not landed`);
        expect(r.errors).toEqual([]);
        expect(r.unmet[kind] || []).toEqual([]);
      };
      if (pending) it.fails(title, check);
      else it(title, check);
    }
  });
});

describe('pending list', () => {
  it('names only scenarios and expectations that exist', () => {
    for (const p of PENDING) {
      expect(SEEDS).toContain(p.scenario);
      expect(expectKinds(loadScenario(p.scenario).expect as Record<string, unknown>)).toContain(p.kind);
    }
  });
});
