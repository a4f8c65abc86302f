import { describe, expect, it } from 'vitest';
import { load } from './fixtures';

// What the script sees of `host` during root code and initializeScript (phase 1, docs/jsprovider.md §Phases).
const PROBE = `
"use strict";
var seen = {};
function probe(tag) {
  var r = {};
  r.keys = Object.keys(host).sort().join(',');
  r.int64 = host.Int64(5).add(1).asNumber();
  r.parse = host.parseInt64('0x10', 16).asNumber();
  r.memory = typeof host.memory;
  r.currentProcess = typeof host.currentProcess;
  r.namespace = typeof host.namespace;
  try { host.memory.readMemoryValues(0, 1); r.read = 'ok'; } catch (e) { r.read = e.constructor.name + ': ' + e.message; }
  try { host.getModuleType('nt', '_EPROCESS'); r.type = 'ok'; } catch (e) { r.type = e.constructor.name + ': ' + e.message; }
  try { host.createTypedObject(0, 'nt', '_EPROCESS'); r.create = 'ok'; } catch (e) { r.create = e.constructor.name + ': ' + e.message; }
  host.diagnostics.debugLog('log in ', tag, '\\n');
  seen[tag] = r;
}
probe('root');
function initializeScript() {
  probe('init');
  return [new host.apiVersionSupport(1, 9), new host.functionAlias(function () { probe('run'); return seen; }, 'probe')];
}`;

describe('phase rule (§Phases)', () => {
  const s = load(PROBE);
  const seen = s.run('!probe').value as Record<string, Record<string, unknown>>;

  it('§Phases: phase 1 exposes only Int64, parseInt64, diagnostics, metadata and the record constructors', () => {
    const expected = ['Int64', 'apiVersionSupport', 'diagnostics', 'functionAlias', 'indexedValue', 'metadata',
      'namedModelParent', 'namedModelRegistration', 'namespacePropertyParent', 'optionalRecord', 'parseInt64',
      'typeSignatureExtension', 'typeSignatureRegistration'].join(',');
    expect(seen.root.keys).toBe(expected);
    expect(seen.init.keys).toBe(expected);
    expect(seen.root.int64).toBe(6);
    expect(seen.init.parse).toBe(16);
  });

  it('§Phases: target members are absent in phase 1: using them is a TypeError (member undefined)', () => {
    for (const tag of ['root', 'init']) {
      expect(seen[tag].memory).toBe('undefined');
      expect(seen[tag].currentProcess).toBe('undefined');
      expect(seen[tag].namespace).toBe('undefined');
      expect(seen[tag].read).toBe("TypeError: Cannot read properties of undefined (reading 'readMemoryValues')");
      expect(seen[tag].type).toBe('TypeError: host.getModuleType is not a function');
      expect(seen[tag].create).toBe('TypeError: host.createTypedObject is not a function');
    }
  });

  it('§Phases: phase 2 starts after initializeScript returns', () => {
    expect(seen.run.memory).toBe('object');
    expect(seen.run.currentProcess).toBe('object');
    expect(seen.run.type).toBe('ok');
    expect(String(seen.run.read)).toMatch(/^Error: Unable to read target memory at '0x0'/);
  });

  it('§debugLog: debugLog works in phase 1 (root code and initializeScript)', () => {
    expect(s.mock.output.text()).toBe('log in run\n'); // run() cleared the load-time output
    const fresh = load(PROBE);
    expect(fresh.output()).toBe('log in root\nlog in init\n');
  });
});
