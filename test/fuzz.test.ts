// A fixed, deterministic slice of the fuzzer (npm run fuzz runs the full 10,000+ cases): damaged
// dumps never make a command throw, hang, or end without its summary.
import { describe, expect, it } from 'vitest';
import { fuzzScenarios, makeCase, runCase } from '../mocks/harness/fuzz';

const SLICE = 120;

describe('fuzz slice', () => {
  const scenarios = fuzzScenarios();
  it(`${SLICE} seeded damage cases: no crash, no hang, summary always printed`, () => {
    const failures = [];
    for (let seed = 1; seed <= SLICE; seed++) failures.push(...runCase(makeCase(seed, scenarios)));
    expect(failures).toEqual([]);
  }, 120000);
});
