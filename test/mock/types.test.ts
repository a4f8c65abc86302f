import { describe, expect, it } from 'vitest';
import { createMockHost } from '../../mocks/host';
import { buildSystem, host2 } from './fixtures';

describe('type objects (docs/jsprovider.md §Type objects, §Enums and bit fields)', () => {
  it('§Type objects: getModuleType gives name, size (Int64), typeKind and fields with Int64 offsets', () => {
    const { host } = host2();
    const t = host.getModuleType('nt', '_EPROCESS');
    expect(t.name).toBe('_EPROCESS');
    expect(t.typeKind).toBe('udt');
    expect(t.size).toBe(host.Int64(0x100));
    expect(Object.getOwnPropertyNames(t.fields)).toContain('ActiveProcessLinks');
    const f = t.fields.ActiveProcessLinks;
    expect(f.name).toBe('ActiveProcessLinks');
    expect(f.locationKind).toBe('member');
    expect(f.offset).toBe(host.Int64(0x48));
    expect(f.type.name).toBe('_LIST_ENTRY');
    expect(f.type.fields.Blink.offset.asNumber()).toBe(8);
  });

  it('§Type objects: pointers, arrays and intrinsics: names, baseType, sizes', () => {
    const { host } = host2('x86');
    const e = host.getModuleType('nt', '_ETHREAD');
    const p = e.fields.Process.type;
    expect(p.typeKind).toBe('pointer');
    expect(p.name).toBe('_EPROCESS *');
    expect(p.size.asNumber()).toBe(4);
    expect(p.baseType.name).toBe('_EPROCESS');
    const a = e.fields.Name.type;
    expect(a.typeKind).toBe('array');
    expect(a.name).toBe('wchar_t [8]');
    expect(a.size.asNumber()).toBe(16);
    expect(a.baseType.name).toBe('wchar_t');
    expect(e.fields.Matrix.type.name).toBe('unsigned short [2][3]');
    expect(e.fields.Matrix.type.baseType.name).toBe('unsigned short [3]');
    const i = e.fields.WaitTime.type;
    expect(i.typeKind).toBe('intrinsic');
    expect(i.name).toBe('unsigned long');
    expect(i.baseType).toBeNull();
    expect(e.fields.Teb.type.name).toBe('void *');
  });

  it('§Type objects: bit fields: isBitField and bitFieldPositions { lsb, length }', () => {
    const { host } = host2();
    const f = host.getModuleType('nt', '_ETHREAD').fields;
    expect(f.Spare.type.isBitField).toBe(true);
    expect(f.Spare.type.bitFieldPositions).toEqual({ lsb: 2, length: 2 });
    expect(f.MiscFlags.type.isBitField).toBe(false);
  });

  it('§Enums and bit fields: enum types: fields are constants with a value [UNCONFIRMED: our representation]', () => {
    const { host } = host2();
    const t = host.getModuleType('nt', '_KWAIT_REASON');
    expect(t.typeKind).toBe('enum');
    expect(t.size.asNumber()).toBe(4);
    expect(t.baseType.name).toBe('long');
    expect(Object.getOwnPropertyNames(t.fields)).toEqual(['Executive', 'FreePage', 'UserRequest', 'WrQueue']);
    expect(t.fields.WrQueue).toMatchObject({ name: 'WrQueue', locationKind: 'constant', value: 15 });
  });

  it('§Type objects: createPointerTo and createArrayOf', () => {
    const { host } = host2();
    const t = host.getModuleType('nt', '_LIST_ENTRY');
    expect(t.createPointerTo().name).toBe('_LIST_ENTRY *');
    expect(t.createArrayOf(3).size.asNumber()).toBe(48);
    expect(t.createArrayOf({ lowerBound: 0, length: 2, stride: 16 }).name).toBe('_LIST_ENTRY [2]');
  });

  it('§host members: getModuleType: module names case-insensitive, with extension, nt alias; C spellings', () => {
    const { host } = host2(); // the kernel module is named ntkrnlmp.exe, types under "nt"
    expect(host.getModuleType('NT', '_EPROCESS').name).toBe('_EPROCESS');
    expect(host.getModuleType('ntkrnlmp', '_EPROCESS').name).toBe('_EPROCESS');
    expect(host.getModuleType('ntoskrnl.exe', '_EPROCESS').name).toBe('_EPROCESS');
    expect(host.getModuleType('nt', '_ETHREAD*').typeKind).toBe('pointer');
    expect(host.getModuleType('nt', 'unsigned long').size.asNumber()).toBe(4);
  });

  it('§API versions: getModuleType returns null for an unknown type or module (API ≥ 1.1)', () => {
    const { host } = host2();
    expect(host.getModuleType('nt', '_NOPE')).toBeNull();
    expect(host.getModuleType('nosuchmodule', '_EPROCESS')).toBeNull();
  });

  it('§API versions: before API 1.1 getModuleType and getModuleSymbol throw when not found', () => {
    const mock = createMockHost(buildSystem(), { phase: 2 }); // no apiVersionSupport → 1.0
    const host = mock.host as any;
    expect(() => host.getModuleType('nt', '_NOPE')).toThrow("Unable to find type 'nt!_NOPE'");
    expect(() => host.getModuleSymbol('nt', 'Nope')).toThrow("Unable to find symbol 'nt!Nope'");
    mock.setApiVersion(1, 1);
    expect(host.getModuleSymbol('nt', 'Nope')).toBeNull();
  });

  it('§Data model: counters: getModuleType calls and type-object property reads', () => {
    const { host, mock } = host2();
    mock.counters.reset();
    const t = host.getModuleType('nt', '_EPROCESS');
    void t.fields.Peb.offset;
    void t.size;
    const c = mock.counters.snapshot().byApi;
    expect(c.getModuleType).toBe(1);
    expect(c['typeObject.fields']).toBe(1);
    expect(c['typeObject.size']).toBe(1);
  });
});
