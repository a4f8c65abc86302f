#!/usr/bin/env node
// @ts-check
// Freshness check: dist/waitchain.js is committed (users download it and .scriptload it), so it
// must be exactly what `npm run build` produces from the committed src/. This builds a fresh
// bundle into a temporary directory - running the same `rollup -c` as `npm run build`, with
// WAITCHAIN_OUT pointing elsewhere - and compares it byte for byte. dist/ is never written.
//
// The vitest global setup (test/globalSetup.ts) calls ensureDistFresh() below before any test, so
// a bundle test never runs a dist/ older than src/: locally it rebuilds dist/ in place (and says so),
// under CI=true it fails, since CI must test exactly the committed file.
//
// usage: node scripts/check-dist.mjs        (exit 0 = fresh, 1 = stale or build failed)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = 'dist/waitchain.js';
export const STALE_MESSAGE = `${DIST} is stale: run npm run build and commit it`;

/** What `rollup -c` reads besides node_modules (files, or folders read whole). */
export const BUILD_INPUTS = ['src', 'typings', 'rollup.config.js', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/check-syntax.mjs'];
/** The build tools whose installed versions are part of the build's inputs. */
const BUILD_TOOLS = ['rollup', 'typescript', '@rollup/plugin-typescript', 'tslib'];

/**
 * @typedef {object} DistCheck
 * @property {boolean} fresh true when the committed bundle equals a fresh build
 * @property {string} message one line for humans (exactly STALE_MESSAGE when stale)
 * @property {string} [detail] why it is stale: where the files first differ
 * @property {string} [freshCode] the freshly built bundle (absent if the build failed)
 * @property {string} [buildLog] rollup's output when the build failed
 */

/**
 * Builds the bundle from `root` into a temporary file, as `npm run build` would build dist/.
 * @param {string} root
 * @returns {Promise<{ code: Buffer } | { buildLog: string }>}
 */
export async function buildFresh(root) {
  const dir = await mkdtemp(join(tmpdir(), 'waitchain-dist-'));
  const out = join(dir, 'waitchain.js');
  try {
    const rollupBin = join(dirname(createRequire(join(root, 'package.json')).resolve('rollup/package.json')), 'dist/bin/rollup');
    try {
      await run(process.execPath, [rollupBin, '-c', '--silent'], { cwd: root, env: { ...process.env, WAITCHAIN_OUT: out } });
    } catch (err) {
      const e = /** @type {Error & { stdout?: string, stderr?: string }} */ (err);
      return { buildLog: `${e.stdout ?? ''}${e.stderr ?? e.message}` };
    }
    return { code: await readFile(out) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Builds the bundle to a temporary file and compares it with the committed one.
 * @param {{ root?: string, build?: (root: string) => Promise<{ code: Buffer } | { buildLog: string }> }} [opts]
 * @returns {Promise<DistCheck>}
 */
export async function checkDist({ root = ROOT, build = buildFresh } = {}) {
  const result = await build(root);
  if ('buildLog' in result) return { fresh: false, message: `check-dist: fresh build failed, cannot compare ${DIST}`, buildLog: result.buildLog };
  const built = result.code;
  /** @type {Buffer} */
  let committed;
  try {
    committed = await readFile(join(root, DIST));
  } catch {
    return { fresh: false, message: STALE_MESSAGE, detail: `${DIST} does not exist`, freshCode: built.toString('utf8') };
  }
  if (built.equals(committed)) {
    return { fresh: true, message: `${DIST} is up to date (${built.length} bytes)`, freshCode: built.toString('utf8') };
  }
  const detail = firstDifference(committed.toString('utf8'), built.toString('utf8'));
  return { fresh: false, message: STALE_MESSAGE, detail, freshCode: built.toString('utf8') };
}

/** @param {string | Buffer} data */
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * One hash of everything the build reads: the contents of BUILD_INPUTS (folders file by file, with
 * their paths) and the installed build tools' versions. Contents, never modification times: after a
 * clone or a checkout every file's mtime is the checkout's, which says nothing about dist/.
 * @param {string} root
 */
export function buildInputsHash(root) {
  const hash = createHash('sha256');
  /** @param {string} path */
  const add = (path) => {
    const full = join(root, path);
    if (!existsSync(full)) {
      hash.update(`${path}\0absent\0`);
      return;
    }
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) add(join(path, name));
      return;
    }
    hash.update(`${relative(root, full)}\0`).update(readFileSync(full)).update('\0');
  };
  for (const input of BUILD_INPUTS) add(input);
  const require = createRequire(join(root, 'package.json'));
  for (const tool of BUILD_TOOLS) {
    let version = 'absent';
    try {
      version = JSON.parse(readFileSync(require.resolve(`${tool}/package.json`), 'utf8')).version;
    } catch {
      // not installed: the build fails and says so
    }
    hash.update(`${tool}@${version}\0`);
  }
  return hash.digest('hex');
}

/**
 * Where known-good builds are remembered: a file named by the build inputs' hash, holding the hash of
 * the bundle they build to. Content-addressed, so it may be shared by every checkout on the machine
 * (outside the repository: a clone never carries it, and node_modules may be shared).
 */
export const DEFAULT_CACHE_DIR = process.env.WAITCHAIN_BUILD_CACHE || join(tmpdir(), 'waitchain-build-cache');

/**
 * @param {string} cacheDir
 * @param {string} inputs
 * @param {Buffer} code
 */
function remember(cacheDir, inputs, code) {
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = join(cacheDir, `${inputs}.${process.pid}.tmp`);
    writeFileSync(tmp, sha256(code));
    renameSync(tmp, join(cacheDir, inputs));
  } catch {
    // no cache: the next run builds again, nothing worse
  }
}

/**
 * @typedef {object} FreshDist
 * @property {'cached' | 'fresh' | 'rebuilt'} action cached: these inputs are known to build exactly
 *   dist/waitchain.js (no build); fresh: built, equal; rebuilt: dist/ was stale and was rewritten
 * @property {string} message one line
 */

/**
 * Makes sure dist/waitchain.js is what src/ builds to, before tests load it. One rollup build at most
 * (a few seconds), none when these exact build inputs were seen to build exactly this dist/ before.
 * Stale: under CI, throws (one line: CI tests the committed file, so it must be fresh); otherwise
 * rewrites dist/ from the fresh build. A build that fails throws (its log after the first line).
 * @param {{ root?: string, ci?: boolean, cacheDir?: string, build?: (root: string) => Promise<{ code: Buffer } | { buildLog: string }> }} [opts]
 * @returns {Promise<FreshDist>}
 */
export async function ensureDistFresh({ root = ROOT, ci = /^(1|true)$/i.test(process.env.CI ?? ''), cacheDir = DEFAULT_CACHE_DIR, build = buildFresh } = {}) {
  const distPath = join(root, DIST);
  const inputs = buildInputsHash(root);
  const committed = existsSync(distPath) ? readFileSync(distPath) : undefined;
  try {
    if (committed && readFileSync(join(cacheDir, inputs), 'utf8') === sha256(committed)) {
      return { action: 'cached', message: `${DIST} is up to date (these sources were built before)` };
    }
  } catch {
    // not remembered: build
  }
  const result = await build(root);
  if ('buildLog' in result) {
    throw new Error(`dist-fresh: building src/ failed, so the bundle tests cannot run on it (npm run build shows why)\n${result.buildLog.trimEnd()}`);
  }
  if (committed && result.code.equals(committed)) {
    remember(cacheDir, inputs, result.code);
    return { action: 'fresh', message: `${DIST} is up to date (${result.code.length} bytes)` };
  }
  const detail = committed ? firstDifference(committed.toString('utf8'), result.code.toString('utf8')) : `${DIST} does not exist`;
  if (ci) throw new Error(`dist-fresh: ${STALE_MESSAGE} (${detail}); CI tests the committed bundle`);
  mkdirSync(dirname(distPath), { recursive: true });
  const tmp = `${distPath}.${process.pid}.tmp`;
  writeFileSync(tmp, result.code);
  renameSync(tmp, distPath);
  remember(cacheDir, inputs, result.code);
  return { action: 'rebuilt', message: `dist-fresh: ${DIST} was stale (${detail}): rebuilt from src/ before the tests; commit it` };
}

/**
 * Where two texts first differ, for the message ("first difference at line N").
 * @param {string} a committed
 * @param {string} b fresh
 */
function firstDifference(a, b) {
  if (a.replace(/\r\n/g, '\n') === b) return 'committed file has CRLF line endings; keep it LF';
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `first difference at line ${i + 1}`;
  }
  return 'files differ';
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').ExecFileOptions} options
 * @returns {Promise<void>}
 */
function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...options, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout, stderr }));
      else resolve();
    });
  });
}

async function main() {
  const result = await checkDist();
  if (result.fresh) {
    // The tests' freshness gate (ensureDistFresh) then needs no second build.
    if (result.freshCode !== undefined) remember(DEFAULT_CACHE_DIR, buildInputsHash(ROOT), Buffer.from(result.freshCode, 'utf8'));
    console.log(result.message);
    return 0;
  }
  if (result.buildLog) console.error(result.buildLog.trimEnd());
  if (result.detail) console.error(`check-dist: ${result.detail}`);
  console.error(result.message);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
