#!/usr/bin/env node
// @ts-check
// Freshness check: dist/waitchain.js is committed (users download it and .scriptload it), so it
// must be exactly what `npm run build` produces from the committed src/. This builds a fresh
// bundle into a temporary directory - running the same `rollup -c` as `npm run build`, with
// WAITCHAIN_OUT pointing elsewhere - and compares it byte for byte. dist/ is never written.
//
// usage: node scripts/check-dist.mjs        (exit 0 = fresh, 1 = stale or build failed)
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = 'dist/waitchain.js';
export const STALE_MESSAGE = `${DIST} is stale: run npm run build and commit it`;

/**
 * @typedef {object} DistCheck
 * @property {boolean} fresh true when the committed bundle equals a fresh build
 * @property {string} message one line for humans (exactly STALE_MESSAGE when stale)
 * @property {string} [detail] why it is stale: where the files first differ
 * @property {string} [freshCode] the freshly built bundle (absent if the build failed)
 * @property {string} [buildLog] rollup's output when the build failed
 */

/**
 * Builds the bundle to a temporary file and compares it with the committed one.
 * @param {{ root?: string }} [opts]
 * @returns {Promise<DistCheck>}
 */
export async function checkDist({ root = ROOT } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'waitchain-dist-'));
  const out = join(dir, 'waitchain.js');
  try {
    const rollupBin = join(dirname(createRequire(join(root, 'package.json')).resolve('rollup/package.json')), 'dist/bin/rollup');
    try {
      await run(process.execPath, [rollupBin, '-c', '--silent'], { cwd: root, env: { ...process.env, WAITCHAIN_OUT: out } });
    } catch (err) {
      const e = /** @type {Error & { stdout?: string, stderr?: string }} */ (err);
      return { fresh: false, message: `check-dist: fresh build failed, cannot compare ${DIST}`, buildLog: `${e.stdout ?? ''}${e.stderr ?? e.message}` };
    }
    const built = await readFile(out);
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
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
