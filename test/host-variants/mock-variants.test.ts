// The mock's host variants themselves (mocks/host/variants.ts): each changes exactly the behaviour it
// names, and the default is the documented one.
import { describe, expect, it } from 'vitest';
import { createMockHost } from '../../mocks/host';
import { HOST_VARIANTS, parseVariants, printfNoArgs, variantList } from '../../mocks/host/variants';
import { buildSystem } from '../mock/fixtures';

const make = (variants = '', arch: 'x86' | 'x64' = 'x64') =>
  createMockHost(buildSystem(arch), { phase: 2, apiVersion: { major: 1, minor: 1 }, variants: parseVariants(variants) }).host as any;

describe('host variants', () => {
  it('the registry names the variants the issue asks for, each with its evidence', () => {
    const names = HOST_VARIANTS.map((v) => v.name);
    for (const n of ['k-frames', 'no-frame-todisplaystring', 'no-enum-fields', 'no-process-context', 'debuglog-printf']) expect(names).toContain(n);
    for (const v of HOST_VARIANTS) expect(v.evidence.length).toBeGreaterThan(20);
    expect(variantList().join('\n')).toContain('evidence: ');
    expect(() => parseVariants('k-frames,nonsense')).toThrow(/unknown host variant 'nonsense'/);
  });

  it('frames: dx text by default, k text under k-frames, no ToDisplayString under no-frame-todisplaystring', () => {
    expect(make().currentThread.Stack.Frames[1].toString()).toBe('nt!KeWaitForSingleObject + 0x346');
    expect(make('k-frames').currentThread.Stack.Frames[1].toString()).toBe('nt!KeWaitForSingleObject+0x346');
    const bare = make('no-frame-todisplaystring').currentThread.Stack.Frames[1];
    expect(bare.ToDisplayString).toBeUndefined();
    expect(String(bare)).toBe('nt!KeWaitForSingleObject + 0x346');
  });

  it('enums: enumerators in fields by default, none under no-enum-fields; dt lists them either way', () => {
    const count = (h: any) => Object.keys(h.getModuleType('nt', '_KWAIT_REASON').fields).length;
    expect(count(make())).toBe(4);
    const h = make('no-enum-fields');
    expect(count(h)).toBe(0);
    const lines = Array.from(h.namespace.Debugger.Utility.Control.ExecuteCommand('dt nt!_KWAIT_REASON') as Iterable<string>);
    expect(lines).toContain('   UserRequest = 0n6');
    expect(Array.from(h.namespace.Debugger.Utility.Control.ExecuteCommand('dt nt!_NO_SUCH_ENUM') as Iterable<string>)).toEqual(['Symbol nt!_NO_SUCH_ENUM not found.']);
  });

  it('PointerSize is a JS number; symbol information has no module', () => {
    expect(make('', 'x86').currentSession.Attributes.Machine.PointerSize).toBe(4);
    expect(make().currentSession.Attributes.Machine.PointerSize).toBe(8);
  });

  it('a pointer dereferences itself for a name it has no field for: a NULL pointer throws there', () => {
    const h = make();
    const thread = h.currentThread.KernelObject;
    const nullPointer = h.createPointerObject(0, 'nt', '_ETHREAD*');
    expect(() => nullPointer.KernelObject).toThrow(/Unable to read|memory/i);
    expect(() => nullPointer.getLowPart).toThrow();
    const good = h.createPointerObject(thread.address, 'nt', '_ETHREAD*');
    expect(good.KernelObject).toBeUndefined();
  });

  it('debuglog-printf: "%%" prints "%", other conversions print garbage; default prints text as is', () => {
    expect(printfNoArgs('100%% done, %d left')).toBe('100% done, <printf garbage> left');
    const plain = createMockHost(buildSystem('x64'), { phase: 2 });
    (plain.host as any).diagnostics.debugLog('50% of ', 3, '\n');
    expect(plain.output.text()).toBe('50% of 3\n');
    const printf = createMockHost(buildSystem('x64'), { phase: 2, variants: parseVariants('debuglog-printf') });
    (printf.host as any).diagnostics.debugLog('50%% of %s\n');
    expect(printf.output.text()).toBe('50% of <printf garbage>\n');
  });
});
