import { describe, expect, it } from 'vitest';
import { makeNative } from '../../mocks/host/typedObjects';
import { host2 } from './fixtures';

const I = (host: any, v: bigint) => host.parseInt64(v.toString(16), 16);

function thread(arch: 'x64' | 'x86' = 'x64') {
  const h = host2(arch);
  const addr = h.a.processes[1].threads[0].ethread;
  return { ...h, addr, t: h.host.createTypedObject(I(h.host, addr), 'nt', '_ETHREAD') };
}

describe('typed objects (docs/jsprovider.md §Property lookup–§Arrays and iteration, §Enums and bit fields)', () => {
  it('§Numbers and Int64: integer fields: ≤4 bytes as numbers (signed types sign-extended), 8 bytes as Int64', () => {
    const { host, t } = thread();
    expect(t.State).toBe(5);
    expect(t.WaitTime).toBe(0x1234);
    expect(t.Priority).toBe(-2);
    expect(t.Counter).toBe(host.parseInt64('fedcba9876543210', 16));
  });

  it('§Property lookup: nested structs are typed objects; fields read through them', () => {
    const { t } = thread();
    expect(t.Cid.UniqueThread.address.asNumber()).toBe(0x1c0);
    expect(t.Cid.targetType.name).toBe('_CLIENT_ID');
  });

  it('§Pointers: pointer fields are pointer objects; fields resolve through pointers (auto-deref)', () => {
    const { host, t, a } = thread();
    expect(t.Process.targetType.typeKind).toBe('pointer');
    expect(t.Process.address).toBe(I(host, a.processes[1].eprocess));
    expect(t.Process.ImageFileName.targetType.name).toBe('unsigned char [15]');
    expect(t.Process.UniqueProcessId.address.asNumber()).toBe(0x1b4);
    expect(t.Self.Self.Self.State).toBe(5);
    expect(t.SelfRef.WaitTime).toBe(0x1234); // through a pointer to a pointer
  });

  it('§Pointers: dereference(), isNull, add(n) in units of the pointee', () => {
    const { host, t, addr } = thread();
    const e = t.Self.dereference();
    expect(e.address).toBe(I(host, addr));
    expect(e.targetType.name).toBe('_ETHREAD');
    expect(t.Null.isNull).toBe(true);
    expect(t.Self.isNull).toBe(false);
    expect(t.Self.add(1).address).toBe(I(host, addr + 0x100n));
    const p = host.createPointerObject(I(host, addr + 0x48n), 'nt', 'ULONG*');
    expect(p.dereference()).toBe(0x1234);
    expect(p.add(-1).add(1).address).toBe(p.address);
  });

  it('§Errors: dereferencing an unreadable pointer throws "Unable to read memory at Address 0x…"', () => {
    const { t, a } = thread();
    expect(() => t.Null.dereference()).toThrow(/^Unable to read memory at Address 0x0$/);
    expect(() => t.Wild.dereference()).toThrow(`Unable to read memory at Address 0x${(a.hole + 0x10n).toString(16)}`);
    // Reading a field through a null pointer fails at the field's address.
    expect(() => t.Null.Flags).toThrow('Unable to read memory at Address 0x90');
  });

  it('§Errors: reading a field of unreadable memory throws the same message', () => {
    const { host, a } = thread();
    const o = host.createTypedObject(I(host, a.hole), 'nt', '_ETHREAD'); // creating does not read
    expect(() => o.WaitTime).toThrow(`Unable to read memory at Address 0x${(a.hole + 0x48n).toString(16)}`);
  });

  it('§Arrays and iteration: arrays are indexable [i] and iterable; out of range is a RangeError', () => {
    const { t } = thread();
    expect(t.Name[0]).toBe('W'.charCodeAt(0));
    expect(Array.from(t.Name).slice(0, 6)).toEqual([...'Worker'].map((c) => c.charCodeAt(0)));
    expect(t.Matrix[1][2]).toBe(0x60);
    expect(Array.from(t.Matrix[0])).toEqual([0x10, 0x20, 0x30]);
    expect(() => t.Name[8]).toThrow(RangeError);
  });

  it('§Pointers: pointers index like C: ptr[i]', () => {
    const { host, addr } = thread();
    const p = host.createPointerObject(I(host, addr + 0x80n), 'nt', 'USHORT*');
    expect(p[0]).toBe(0x10);
    expect(p[5]).toBe(0x60);
  });

  it('§Enums and bit fields: bit fields read extracted (shifted and masked) [UNCONFIRMED: our choice]', () => {
    const { host, t } = thread();
    expect(t.MiscFlags).toBe(0b1011101);
    expect(t.AutoAlignment).toBe(1);
    expect(t.DisableBoost).toBe(0);
    expect(t.Spare).toBe(3);
    expect(t.SignedBits).toBe(-3); // LONG bit field: sign-extended
    expect(t.HighBits).toBe(host.Int64(0x12345)); // ULONG64 bit field: Int64 (type width rule)
  });

  it('§Enums and bit fields: enums: valueOf is the number, ToDisplayString the enumerator name [UNCONFIRMED: our choice]', () => {
    const { t } = thread();
    const r = t.WaitReason;
    expect(typeof r).toBe('object');
    expect(r == 6).toBe(true);
    expect(r + 0).toBe(6);
    expect(Number(r)).toBe(6);
    expect(r.ToDisplayString()).toBe('UserRequest');
    expect(`${r}`).toBe('UserRequest');
    expect(r.ToDisplayString('d')).toBe('6');
    expect(r.targetType.typeKind).toBe('enum');
    expect(t.Reasons[0].ToDisplayString()).toBe('WrQueue');
    expect(t.Reasons[1].ToDisplayString()).toBe('99'); // no enumerator
  });

  it('§Projected names: address, targetLocation, targetSize, targetType', () => {
    const { host, t, addr } = thread();
    expect(t.address).toBe(I(host, addr));
    expect(t.targetSize).toBe(host.Int64(0x100));
    expect(t.targetType.name).toBe('_ETHREAD');
    const loc = t.targetLocation;
    const moved = host.createTypedObject(loc.add(0x30), 'nt', '_LIST_ENTRY');
    expect(moved.address).toBe(I(host, addr + 0x30n));
    expect(host.createTypedObject(loc.add(0x40).subtract(0x40), 'nt', '_ETHREAD').State).toBe(5);
    expect(t.WaitReason.address).toBe(I(host, addr + 4n));
  });

  it('§API versions: .address throws on an object without an address', () => {
    const { host, t } = thread();
    // A pointer created from a value has no location of its own.
    const p = host.createPointerObject(t.address, 'nt', '_ETHREAD*');
    expect(() => p.targetLocation).toThrow('Object does not have a location');
    const n = p.add(0); // a pointer value: .address is its value, fine
    expect(n.address).toBe(t.address);
    // A value-only native object (no public API makes one from a snapshot; the state allows it).
    const { mock } = host2();
    const type = mock.env.types.resolve('nt', '_CLIENT_ID')!;
    const valueOnly = makeNative(mock.env, { type, process: undefined }) as any;
    expect(() => valueOnly.address).toThrow('Object does not have an address');
    expect(() => valueOnly.targetLocation).toThrow('Object does not have a location');
  });

  it('§Property lookup: projected names win over fields; getObjectValue reaches the field', () => {
    const { host, a } = thread();
    const p = host.createTypedObject(I(host, a.processes[1].eprocess), 'nt', '_EPROCESS');
    expect(p.address).toBe(I(host, a.processes[1].eprocess));
    expect(p.getObjectValue('address')).toBe(0xadd);
    expect(() => p.getObjectValue('nope')).toThrow("Object has no field 'nope'");
  });

  it('§Projected names: ToDisplayString: pointers hex, structs [Type: …], UNICODE_STRING text, string formats', () => {
    const { t, addr } = thread();
    expect(t.Self.ToDisplayString()).toBe('0x' + addr.toString(16));
    expect(String(t.Self)).toBe('0x' + addr.toString(16));
    expect(t.Cid.ToDisplayString()).toBe('[Type: _CLIENT_ID]');
    expect(t.Label.ToDisplayString()).toBe('"Hello"');
    expect(t.Label.ToDisplayString('sub')).toBe('Hello');
    expect(t.Label.Buffer.ToDisplayString('su')).toBe('"Hello"');
    expect(t.Name.ToDisplayString('sub')).toBe('Worker');
    expect(t.Process.ImageFileName.ToDisplayString('sb')).toBe('foo.exe');
  });

  it('§API versions: compareTo and equals on native objects (API 1.2)', () => {
    const { host, t, addr } = thread();
    const same = host.createTypedObject(I(host, addr), 'nt', '_ETHREAD');
    expect(t.equals(same)).toBe(true);
    expect(t.compareTo(same)).toBe(0);
    expect(t.compareTo(I(host, addr + 1n))).toBe(-1);
    expect(t.Self.equals(t)).toBe(true);
  });

  it('§Property lookup: unknown names are undefined; native objects are read-only', () => {
    const { t } = thread();
    expect(t.NoSuchField).toBeUndefined();
    expect('State' in t).toBe(true);
    expect(Object.keys(t)).toContain('ThreadListEntry');
    expect(() => { 'use strict'; t.State = 1; }).toThrow(TypeError);
  });

  it('§host members: createTypedObject/createPointerObject accept a type object', () => {
    const { host, addr } = thread();
    const type = host.getModuleType('nt', '_ETHREAD');
    expect(host.createTypedObject(I(host, addr), type).State).toBe(5);
    expect(host.createPointerObject(I(host, addr), type.createPointerTo()).State).toBe(5);
    expect(() => host.createPointerObject(I(host, addr), type)).toThrow(/not a pointer type/);
  });

  it('§host members: getModuleSymbol: struct globals as objects, scalars as values; null when unknown', () => {
    const { host, a } = thread();
    const head = host.getModuleSymbol('nt', 'PsActiveProcessHead');
    expect(head.targetType.name).toBe('_LIST_ENTRY');
    expect(head.Flink.address).toBe(I(host, a.processes[0].eprocess + 0x48n));
    expect(Array.from(host.getModuleSymbol('mydriver', 'g_History'))).toEqual([0x100, 0x101, 0x102, 0x103]);
    expect(host.getModuleSymbol('mydriver', 'g_Index')).toBe(3);
    expect(host.getModuleSymbol('nt', 'NoSuchSymbol')).toBeNull();
    expect(() => host.getModuleSymbol('nt', 'KiSwapContext')).toThrow(/pass a type name/);
    expect(host.getModuleSymbol('nt', 'KeNumberProcessors', 'ULONG')).toBe(0);
  });

  it('§host members: getModuleSymbolAddress → Int64, null when unknown', () => {
    const { host, a } = thread();
    expect(host.getModuleSymbolAddress('nt', 'PsActiveProcessHead')).toBe(I(host, a.psHead));
    expect(host.getModuleSymbolAddress('nt', 'psactiveprocesshead')).toBe(I(host, a.psHead));
    expect(host.getModuleSymbolAddress('nt', 'Nope')).toBeNull();
  });

  it('§host members: getModuleContainingSymbolInformation: bare name, no module (JsProvider.d.ts), Int64 address; within size', () => {
    const { host, a } = thread();
    const info = host.getModuleContainingSymbolInformation(I(host, a.ntBase + 0x2346n));
    expect(info.name).toBe('KeWaitForSingleObject');
    expect(info.module).toBeUndefined();
    expect(info.address).toBe(I(host, a.ntBase + 0x2000n));
    expect(info.type).toBeNull();
    expect(host.getModuleContainingSymbolInformation(I(host, a.ntBase + 0x1100n))).toBeNull(); // past KiSwapContext's size
    expect(host.getModuleContainingSymbolInformation(I(host, a.ntBase + 0x5000n)).name).toBe('KeDelayExecutionThread'); // no size: nearest
    expect(host.getModuleContainingSymbolInformation(0x1000)).toBeNull();
    expect(host.getModuleContainingSymbolInformation(I(host, a.g_Index)).type.name).toBe('unsigned long');
  });

  it('§Data model: counters: typedObject.field per member read, projected names by name', () => {
    const { mock, t } = thread();
    mock.counters.reset();
    void t.State;
    void t.Process.UniqueProcessId;
    void t.address;
    void t.Name[1];
    const c = mock.counters.snapshot();
    expect(c.byApi['typedObject.field']).toBe(4); // State, Process, UniqueProcessId, Name
    expect(c.byApi['typedObject.address']).toBe(1);
    expect(c.byApi['typedObject.index']).toBe(1);
    expect(c.bytesRead).toBe(1 + 8 + 8 + 2);
  });

  it('§Numbers and Int64: x86: pointers are 4 bytes, addresses still Int64', () => {
    const { host, t, a } = thread('x86');
    expect(t.Process.address).toBe(I(host, a.processes[1].eprocess));
    expect(t.Process.targetSize.asNumber()).toBe(4);
    expect(t.Cid.UniqueThread.address.asNumber()).toBe(0x1c0);
    expect(t.Label.ToDisplayString()).toBe('"Hello"');
  });
});
