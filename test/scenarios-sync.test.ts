// mocks/scenarios/ holds copies of ../shared/scenarios (test data that must also work without ../shared).
// When ../shared is beside the repo (CI, developers), the copies must match it: a changed seed is noticed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const OURS = join(__dirname, '..', 'mocks', 'scenarios');
const SHARED = join(__dirname, '..', '..', 'shared', 'scenarios');

describe.runIf(existsSync(SHARED))('scenario copies', () => {
  const shared = readdirSync(SHARED).filter((f) => f.endsWith('.json'));

  it.each(shared)('%s matches ../shared/scenarios', (file) => {
    expect(existsSync(join(OURS, file)), `copy ${file} into mocks/scenarios/`).toBe(true);
    expect(JSON.parse(readFileSync(join(OURS, file), 'utf8'))).toEqual(JSON.parse(readFileSync(join(SHARED, file), 'utf8')));
  });
});
