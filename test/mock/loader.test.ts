import { describe, expect, it } from 'vitest';
import { ScriptLoadError } from '../../mocks/loader';
import { ALIAS_ECHO, buildSystem, load } from './fixtures';
import { loadScript } from '../../mocks/loader';

describe('loader (docs/jsprovider.md §Phases–§Registrations, §Function aliases, §Host limits, §Errors)', () => {
  it('§Host limits: the vm context has no console, require, process, timers; host is the only extra global', () => {
    const s = load(`
      function g() {
        return [typeof console, typeof require, typeof process, typeof setTimeout, typeof setInterval,
          typeof setImmediate, typeof queueMicrotask, typeof module, typeof Buffer, typeof globalThis.host];
      }
      function names() { return Object.getOwnPropertyNames(globalThis).sort().join(' '); }
      function initializeScript() { return [new host.apiVersionSupport(1, 9), new host.functionAlias(g, 'g'),
        new host.functionAlias(names, 'names')]; }`);
    expect(Array.from(s.run('!g').value as unknown[])).toEqual([
      'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined',
      'undefined', 'object']);
    // ECMAScript built-ins (+ WebAssembly), then `host`, then the script's own functions.
    const ES = ('AggregateError Array ArrayBuffer Atomics BigInt BigInt64Array BigUint64Array Boolean DataView Date ' +
      'Error EvalError FinalizationRegistry Float32Array Float64Array Function Infinity Int16Array Int32Array Int8Array ' +
      'Intl JSON Map Math NaN Number Object Promise Proxy RangeError ReferenceError Reflect RegExp Set SharedArrayBuffer ' +
      'String Symbol SyntaxError TypeError URIError Uint16Array Uint32Array Uint8Array Uint8ClampedArray WeakMap WeakRef ' +
      'WeakSet WebAssembly decodeURI decodeURIComponent encodeURI encodeURIComponent escape eval globalThis isFinite ' +
      'isNaN parseFloat parseInt undefined unescape').split(' ');
    const extra = (s.run('!names').value as string).split(' ').filter((n) => !ES.includes(n));
    expect(extra.sort()).toEqual(['g', 'host', 'initializeScript', 'names']);
  });

  it('§Host limits: each load gets a fresh context (no state shared between loads)', () => {
    const code = `var n = (typeof n === 'number' ? n : 0) + 1; globalThis.leak = (globalThis.leak || 0) + 1;
      function get() { return n * 10 + leak; }
      function initializeScript() { return [new host.functionAlias(get, 'get')]; }`;
    expect(load(code).run('!get').value).toBe(11);
    expect(load(code).run('!get').value).toBe(11);
  });

  it('§Registrations: registrations: apiVersionSupport, functionAlias names, other records, optionalRecord', () => {
    const s = load(`
      class Vis { get x() { return 1; } }
      function a() {} function b() {}
      function initializeScript() {
        return [new host.apiVersionSupport(1, 7), new host.functionAlias(a, 'alpha'), new host.functionAlias(b, 'beta'),
          new host.typeSignatureExtension(Vis, '_ETHREAD'),
          new host.optionalRecord(new host.namedModelParent(Vis, 'Debugger.Models.Process'))];
      }`);
    expect(s.registrations.apiVersion).toEqual({ major: 1, minor: 7 });
    expect([...s.aliases.keys()]).toEqual(['alpha', 'beta']);
    expect(s.registrations.others.map((r: any) => r.constructor.name)).toEqual(['typeSignatureExtension', 'namedModelParent']);
    expect((s.registrations.others[0] as any).typeSignature).toBe('_ETHREAD');
    expect(s.mock.env.apiVersion).toEqual({ major: 1, minor: 7 });
  });

  it('§Registrations: no apiVersionSupport → API 1.0 (getModuleType throws when not found, §API versions)', () => {
    const s = load(`function t() { return host.getModuleType('nt', '_NOPE'); }
      function initializeScript() { return [new host.functionAlias(t, 't')]; }`);
    expect(s.registrations.apiVersion).toBeUndefined();
    expect(s.run('!t').error).toMatch(/^Error: Unable to find type 'nt!_NOPE' \[at waitchain \(line 1 col \d+\)\]$/);
  });

  it('§Function aliases: run: arguments parsed as dx, output = debugLog text, value = return value', () => {
    const s = load(ALIAS_ECHO);
    let r = s.run('!echo');
    expect(Array.from(r.value as unknown[])).toEqual([]);
    r = s.run('!echo "-p x"');
    expect(Array.from(r.value as unknown[])).toEqual(['-p x']);
    r = s.run('!echo (mydriver!g_Index, 0x10, "s")');
    expect(Array.from(r.value as unknown[])).toEqual([3, 16, 's']);
    r = s.run('dx @$echo(1, 2)');
    expect(Array.from(r.value as unknown[])).toEqual([1, 2]);
    r = s.run('dx @$echo()');
    expect(Array.from(r.value as unknown[])).toEqual([]);
  });

  it('§Function aliases: no argument → the function is called with no arguments (undefined)', () => {
    const s = load(`function f(x) { host.diagnostics.debugLog(arguments.length, ' ', typeof x); }
      function initializeScript() { return [new host.apiVersionSupport(1, 9), new host.functionAlias(f, 'f')]; }`);
    const r = s.run('!f');
    expect(r.output).toBe('0 undefined');
    expect(r.value).toBeUndefined();
    expect(r.error).toBeUndefined();
  });

  it('§Function aliases: the output buffer is cleared per run', () => {
    const s = load(`function f(x) { host.diagnostics.debugLog('run ', x, '\\n'); }
      host.diagnostics.debugLog('loaded\\n');
      function initializeScript() { return [new host.apiVersionSupport(1, 9), new host.functionAlias(f, 'f')]; }`);
    expect(s.output()).toBe('loaded\n');
    expect(s.run('!f 1').output).toBe('run 1\n');
    expect(s.run('!f 2').output).toBe('run 2\n');
    expect(s.output()).toBe('run 2\n');
  });

  it('§Errors: errors print as "Error: <message> [at <script> (line L col C)]"', () => {
    const s = load(`"use strict";
function f() {
  host.diagnostics.debugLog('before\\n');
  return host.memory.readMemoryValues(0x1000, 1);
}
function g() { var big = host.parseInt64('ffffe00000001000', 16); return big + 1; }
function h() { throw 'plain'; }
function initializeScript() { return [new host.apiVersionSupport(1, 9), new host.functionAlias(f, 'f'),
  new host.functionAlias(g, 'g'), new host.functionAlias(h, 'h')]; }`);
    const r = s.run('!f');
    expect(r.output).toBe('before\n');
    expect(r.error).toBe("Error: Unable to read target memory at '0x1000' in method 'readMemoryValues' [at waitchain (line 4 col 22)]");
    expect(s.run('!g').error).toBe('Error: 64 bit value loses precision on conversion to number [at waitchain (line 6 col 78)]');
    expect(s.run('!h').error).toBe('Error: plain');
  });

  it('§Function aliases: argument errors are reported as dx errors and the function is not called', () => {
    const s = load(ALIAS_ECHO);
    expect(s.run('!echo 1 2')).toMatchObject({ output: '', value: undefined, error: "Error: Unexpected token at '2'" });
    expect(s.run('!echo mydriver!nope').error).toBe("Error: Couldn't resolve error at 'mydriver!nope'");
  });

  it('§Function aliases: unknown alias: "No export <name> found" (! form), dx resolve error (dx form)', () => {
    const s = load(ALIAS_ECHO);
    expect(s.run('!nosuch').error).toBe('No export nosuch found');
    expect(s.run('dx @$nosuch()').error).toBe("Error: Couldn't resolve error at '@$nosuch'");
  });

  it('§Script commands: invokeScript only on demand (.scriptrun); unload calls uninitializeScript and drops aliases', () => {
    const s = load(`var calls = [];
      function invokeScript() { calls.push('invoke'); host.diagnostics.debugLog('invoked'); return 7; }
      function uninitializeScript() { calls.push('uninit'); }
      function c() { return calls.join(','); }
      function initializeScript() { calls.push('init'); return [new host.apiVersionSupport(1, 9), new host.functionAlias(c, 'c')]; }`);
    expect(s.run('!c').value).toBe('init');
    expect(s.invokeScript()).toMatchObject({ output: 'invoked', value: 7 });
    expect(s.run('!c').value).toBe('init,invoke');
    s.unload();
    expect(s.run('!c').error).toBe('No export c found');
    expect(s.context.calls.join(',')).toBe('init,invoke,uninit');
  });

  it('§Script commands: load failures: syntax error, throwing root code, bad record', () => {
    expect(() => loadScript('function (', buildSystem())).toThrow(ScriptLoadError);
    expect(() => loadScript('function (', buildSystem())).toThrow(/^Error: Unable to execute JavaScript script 'waitchain.js': /);
    expect(() => loadScript('throw new Error("boom");', buildSystem())).toThrow(/boom \[at waitchain \(line 1 col 7\)\]/);
    expect(() => loadScript('function initializeScript() { return [{}]; }', buildSystem())).toThrow(/not a registration record/);
    expect(() => loadScript('function initializeScript() { return [new host.optionalRecord({})]; }', buildSystem())).not.toThrow();
  });

  it('§Phases: scripts declared with let/const/class at the root still expose initializeScript', () => {
    const s = loadScript(`const initializeScript = () => [new host.functionAlias(() => 5, 'five')];`, buildSystem());
    expect(s.run('!five').value).toBe(5);
  });

  it('§Phases: a realistic bundle shape: IIFE that assigns globals (rollup iife/classic output)', () => {
    const s = loadScript(`var waitchain = (function () {
        'use strict';
        function waitchain(opts) {
          var p = host.currentProcess;
          host.diagnostics.debugLog('current: ', p.Name, ' pid ', p.Id.toString(16), '\\n');
          return { pid: p.Id, opts: opts };
        }
        return { waitchain: waitchain };
      })();
      function initializeScript() { return [new host.apiVersionSupport(1, 9), new host.functionAlias(waitchain.waitchain, 'waitchain')]; }`,
    buildSystem('x86'));
    const r = s.run('!waitchain "-p x"');
    expect(r.output).toBe('current: foo.exe pid 1b4\n');
    expect(r.value).toMatchObject({ pid: 0x1b4, opts: '-p x' });
    expect(s.counters.snapshot().byApi.currentProcess).toBe(1);
  });
});

describe('hang detection (fuzzer support)', () => {
  const looping = `
    function initializeScript() { return [new host.apiVersionSupport(1, 7), new host.functionAlias(spin, 'spin'), new host.functionAlias(busy, 'busy')]; }
    function spin() { for (;;) { try { host.memory.readMemoryValues(0, 1, 1); } catch (e) { /* swallows the step-limit error too */ } } }
    function busy() { for (;;) {} }
    function invokeScript() {} function uninitializeScript() {}`;

  it('a command past its step limit is a hang even when the script swallows the error', () => {
    const s = loadScript(looping, buildSystem(), { stepLimit: 1000, timeoutMs: 2000 });
    const r = s.run('!spin');
    expect(r.hang).toBe('steps');
  });

  it('a command that loops without host calls is stopped by the time bound', () => {
    const s = loadScript(looping, buildSystem(), { timeoutMs: 200 });
    const r = s.run('!busy');
    expect(r.hang).toBe('timeout');
    expect(r.error).toMatch(/timed out/);
  });
});
