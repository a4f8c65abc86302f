// The committed dist/waitchain.js must be exactly what a fresh build of src/ produces
// (the same check as `npm run check:dist`; it builds into a temp dir and never writes dist/).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkDist, ensureDistFresh, STALE_MESSAGE, type DistCheck } from '../scripts/check-dist.mjs';

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

// The tests' freshness gate (test/globalSetup.ts): a bundle test never runs a dist/ older than src/.
describe('ensureDistFresh (the vitest global setup)', () => {
  let root: string;
  let cacheDir: string;
  let builds: number;
  // A stand-in for rollup: the "bundle" is src/ concatenated, so an edit to src/ changes it.
  const build = async (r: string) => {
    builds++;
    return { code: Buffer.from(`bundle of ${readFileSync(join(r, 'src', 'index.ts'), 'utf8')}`) };
  };
  const distText = () => readFileSync(join(root, 'dist', 'waitchain.js'), 'utf8');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'waitchain-fresh-'));
    cacheDir = join(root, 'cache');
    builds = 0;
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'src', 'index.ts'), 'old');
    writeFileSync(join(root, 'dist', 'waitchain.js'), 'bundle of old');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a fresh dist/ is built once, then remembered: no second build for the same sources', async () => {
    expect((await ensureDistFresh({ root, cacheDir, ci: false, build })).action).toBe('fresh');
    expect((await ensureDistFresh({ root, cacheDir, ci: false, build })).action).toBe('cached');
    expect(builds).toBe(1);
  });

  it('locally, src/ edited after the last build: dist/ is rebuilt in place and the message says so', async () => {
    await ensureDistFresh({ root, cacheDir, ci: false, build });
    writeFileSync(join(root, 'src', 'index.ts'), 'new');
    const result = await ensureDistFresh({ root, cacheDir, ci: false, build });
    expect(result.action).toBe('rebuilt');
    expect(result.message).toMatch(/^dist-fresh: dist\/waitchain\.js was stale \(.*\): rebuilt from src\/ before the tests; commit it$/);
    expect(distText()).toBe('bundle of new');
    expect((await ensureDistFresh({ root, cacheDir, ci: false, build })).action).toBe('cached');
  });

  it('under CI a stale dist/ fails with one line and is left as committed', async () => {
    writeFileSync(join(root, 'src', 'index.ts'), 'new');
    const failure = ensureDistFresh({ root, cacheDir, ci: true, build });
    await expect(failure).rejects.toThrow(`dist-fresh: ${STALE_MESSAGE}`);
    await failure.catch((e: Error) => expect(e.message.split('\n')).toHaveLength(1));
    expect(distText()).toBe('bundle of old');
  });

  it('content decides, not modification times (a fresh clone has checkout mtimes everywhere)', async () => {
    await ensureDistFresh({ root, cacheDir, ci: true, build });
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'index.ts'), later, later);
    expect((await ensureDistFresh({ root, cacheDir, ci: true, build })).action).toBe('cached');
    // An edit that keeps the old mtime is still seen.
    const old = statSync(join(root, 'dist', 'waitchain.js')).mtime;
    writeFileSync(join(root, 'src', 'index.ts'), 'new');
    utimesSync(join(root, 'src', 'index.ts'), old, old);
    await expect(ensureDistFresh({ root, cacheDir, ci: true, build })).rejects.toThrow(STALE_MESSAGE);
  });

  it('a dist/ edited by hand is not taken for the remembered build', async () => {
    await ensureDistFresh({ root, cacheDir, ci: false, build });
    writeFileSync(join(root, 'dist', 'waitchain.js'), 'hand edit');
    expect((await ensureDistFresh({ root, cacheDir, ci: false, build })).action).toBe('rebuilt');
    expect(distText()).toBe('bundle of old');
  });

  it('a build that fails stops the run, naming the failure', async () => {
    await expect(ensureDistFresh({ root, cacheDir, ci: false, build: async () => ({ buildLog: 'src/index.ts(1,1): error TS1005' }) }))
      .rejects.toThrow(/^dist-fresh: building src\/ failed.*\nsrc\/index.ts\(1,1\): error TS1005$/);
  });
});
