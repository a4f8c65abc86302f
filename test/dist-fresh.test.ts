// The committed dist/waitchain.js must be exactly what a fresh build of src/ produces
// (the same check as `npm run check:dist`; it builds into a temp dir and never writes dist/).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDist, STALE_MESSAGE, type DistCheck } from '../scripts/check-dist.mjs';

describe('dist/waitchain.js', () => {
  let result: DistCheck;
  beforeAll(async () => {
    result = await checkDist(); // one build (~2 s) shared by the tests below
  });

  it('equals a fresh build of src/', () => {
    expect(result.buildLog, 'fresh build failed').toBeUndefined();
    expect(result.fresh, `${result.message}${result.detail ? ` (${result.detail})` : ''}`).toBe(true);
    expect(result.message).not.toBe(STALE_MESSAGE);
  });

  it('starts with the banner and ends with the three global entry wrappers', () => {
    const { name, version } = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };
    const code = result.freshCode ?? '';
    expect(code.startsWith(`// ${name} ${version} - `)).toBe(true);
    expect(code).toContain('.scriptload <path>\\waitchain.js');
    expect(code).toContain('do not edit');
    expect(code.trimEnd().split('\n').slice(-3)).toEqual(
      ['initializeScript', 'invokeScript', 'uninitializeScript'].map(
        (n) => `function ${n}() { return __waitchain.${n}.apply(this, arguments); }`,
      ),
    );
  });
});
