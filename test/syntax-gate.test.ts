// The ES2017 gate (scripts/check-syntax.mjs) must reject every construct WinDbg's engine or host
// lacks, each on its own, and must accept plain ES2017 and the real bundle.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../scripts/check-syntax.mjs';

// A minimal valid bundle: the three entry functions plus the namespace variable. Each snippet
// is placed inside the namespace IIFE, so it declares no globals of its own.
const ENTRY = 'function initializeScript() {}\nfunction invokeScript() {}\nfunction uninitializeScript() {}\n';
const inIife = (body: string) => `${ENTRY}var __waitchain = (function (exports) {\n'use strict';\n${body}\nreturn exports;\n})({});\n`;

describe('check-syntax rejects', () => {
  it.each([
    ['optional chaining', 'var a = {}; a?.b;', /not a valid ES2017/],
    ['optional call', 'var f; f?.();', /not a valid ES2017/],
    ['nullish coalescing', 'var a, b; var c = a ?? b;', /not a valid ES2017/],
    ['BigInt literal', 'var x = 10n;', /not a valid ES2017/],
    ['BigInt global', 'var x = BigInt(10);', /uses BigInt\(\.\.\.\) call, which is newer than ES2017/],
    ['object spread', 'var o = {}; var c = { ...o };', /not a valid ES2017/],
    ['object rest', 'var { a, ...r } = {};', /not a valid ES2017/],
    ['class field', 'class A { x = 1; }', /not a valid ES2017/],
    ['static class field', 'class A { static s = 1; }', /not a valid ES2017/],
    ['private name', 'class A { #p() {} }', /not a valid ES2017/],
    ['optional catch binding', 'try {} catch {}', /not a valid ES2017/],
    ['numeric separator', 'var n = 1_000;', /not a valid ES2017/],
    ['logical assignment', 'var a; a ||= 1;', /not a valid ES2017/],
    ['nullish assignment', 'var a; a ??= 1;', /not a valid ES2017/],
    ['for await', 'async function f() { for await (const x of []) {} }', /not a valid ES2017/],
    ['async generator', 'async function* g() {}', /not a valid ES2017/],
    ['regex named group', 'var r = /(?<year>\\d{4})/;', /not a valid ES2017/],
    ['regex s flag', 'var r = /a.b/s;', /not a valid ES2017/],
    ['regex lookbehind', 'var r = /(?<=a)b/;', /not a valid ES2017/],
    ['import declaration', 'import x from "x";', /not a valid ES2017/],
    ['export declaration', 'export { x };', /not a valid ES2017/],
    ['dynamic import', 'import("x");', /not a valid ES2017/],
    ['import.meta', 'var u = import.meta.url;', /not a valid ES2017/],
    ['require call', 'var fs = require("fs");', /uses require\(\.\.\.\) call/],
    ['globalThis', 'var g = globalThis;', /uses globalThis, which is newer than ES2017/],
    ['console', 'console.log("x");', /uses console, which does not exist in WinDbg/],
    ['setTimeout', 'setTimeout(function () {}, 0);', /uses setTimeout\(\.\.\.\) call, which is a timer/],
    ['setInterval', 'var t = setInterval(function () {}, 10);', /uses setInterval\(\.\.\.\) call/],
    ['setImmediate', 'setImmediate(function () {});', /uses setImmediate\(\.\.\.\) call/],
    ['queueMicrotask', 'queueMicrotask(function () {});', /uses queueMicrotask\(\.\.\.\) call/],
    ['Node process global', 'var e = process.env;', /uses process, which is a Node\/browser global/],
    ['newer static member', 'var o = Object.fromEntries([]);', /uses Object\.fromEntries, which is newer than ES2017/],
    ['assignment to an undeclared global', 'leaked = 1;', /assigns to undeclared global leaked/],
  ])('%s', (_name, snippet, message) => {
    const errors = checkSource(inIife(snippet));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(message);
  });

  it.each([
    ['const', 'const initializeScript = function () {};'],
    ['let', 'let initializeScript = function () {};'],
    ['class', 'class initializeScript {}'],
  ])('an entry function declared with %s', (kind, decl) => {
    const code = `${decl}\nfunction invokeScript() {}\nfunction uninitializeScript() {}\nvar __waitchain = {};\n`;
    expect(checkSource(code).join('\n')).toMatch(new RegExp(`entry function initializeScript is a top-level ${kind}`));
  });

  it('a missing entry function', () => {
    const code = 'function initializeScript() {}\nfunction invokeScript() {}\nvar __waitchain = {};\n';
    expect(checkSource(code)).toEqual(['<input>: no top-level declaration of entry function uninitializeScript']);
  });

  it('an entry function that exists only inside the IIFE', () => {
    const code = 'var __waitchain = (function () { function initializeScript() {} function invokeScript() {} function uninitializeScript() {} })();';
    expect(checkSource(code)).toHaveLength(3);
  });

  it.each([
    ['function', 'function helper() {}', /stray top-level global helper \(function\)/],
    ['var', 'var cache = {};', /stray top-level global cache \(var\)/],
    ['const', 'const LIMIT = 4;', /stray top-level global LIMIT \(const\)/],
    ['class', 'class Model {}', /stray top-level global Model \(class\)/],
    ['destructured var', 'var [a, b] = [1, 2];', /stray top-level global a[\s\S]*stray top-level global b/],
  ])('a stray top-level global (%s)', (_kind, decl, message) => {
    expect(checkSource(inIife('') + decl).join('\n')).toMatch(message);
  });

  it('reports file, line and column', () => {
    const errors = checkSource(inIife('var x = a?.b;'), { file: 'dist/waitchain.js' });
    expect(errors[0]).toMatch(/^dist\/waitchain\.js:6:\d+: not a valid ES2017 classic script/);
  });
});

describe('check-syntax accepts', () => {
  it('plain ES2017: async/await, **, classes, template literals, let/const, destructuring, generators', () => {
    const body = [
      'class Chain extends Array { constructor() { super(); this.n = 2 ** 10; } get size() { return this.length; } static of2() { return new Chain(); } }',
      'async function walk(p) { const v = await p; let { a, b: [c] } = v; return `${a}:${c}`; }',
      'function* gen() { yield* [1, 2]; }',
      'const m = new Map([[1, "a"]]); for (const [k, v] of m) { void k; void v; }',
      'const arr = [...[1, 2], 3]; const f = (x = 1, ...rest) => x + rest.length;',
      'var r = /a+b/gimuy; Object.entries({}); Object.values({}); "x".padStart(2); Array.prototype.includes.call([], 1);',
      'exports.walk = walk; exports.f = f; exports.gen = gen; exports.Chain = Chain; exports.arr = arr; exports.r = r;',
    ].join('\n');
    expect(checkSource(inIife(body))).toEqual([]);
  });

  it('locals that shadow forbidden global names', () => {
    const body = [
      'function list(process, console) { return [process.UniqueProcessId, console]; }',
      'var setTimeout = function () {}; setTimeout();',
      'try { list(); } catch (require) { require.message; }',
      'var o = { console: 1, process: 2, require() {} }; o.console; o.setTimeout;',
      'label: for (;;) { break label; }',
    ].join('\n');
    expect(checkSource(inIife(body))).toEqual([]);
  });

  it('host.* and well-known ES2017 globals', () => {
    expect(checkSource(inIife('host.diagnostics.debugLog(JSON.stringify([Math.max(1, 2), Number.MAX_SAFE_INTEGER, Symbol.iterator]));'))).toEqual([]);
  });

  it('extra globals listed with allowGlobals, and another namespace name', () => {
    const code = `${ENTRY}var ns = {};\nfunction extra() {}\n`;
    expect(checkSource(code, { namespace: 'ns', allowGlobals: ['extra'] })).toEqual([]);
    expect(checkSource(code).join('\n')).toMatch(/stray top-level global ns[\s\S]*stray top-level global extra/);
  });

  it('the real dist/waitchain.js (committed; build it with npm run build)', () => {
    const file = 'dist/waitchain.js';
    expect(checkSource(readFileSync(file, 'utf8'), { file })).toEqual([]);
  });
});
