// The ISF reader (mocks/symbols/isf.ts): parsing, .json and .json.xz loading, conversion into the layout
// notation, and (when ../shared is present) the real Windows 10 19041.804 kernel table.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isfToTypeDefs, isfTypeRefToC, loadIsf, parseIsf, pdbSignature, symbolRva, type IsfTable } from '../../mocks/symbols/isf';

/** A small table in the shape Volatility 3 writes (nested anonymous union, bit fields, enum, symbols). */
const SAMPLE: IsfTable = {
  metadata: { format: '6.1.0', producer: { name: 'volatility3', version: '2.7.0' }, windows: { pdb: { GUID: 'ABCDEF0123456789ABCDEF0123456789', age: 2, database: 'ntkrnlmp.pdb', machine_type: 34404 } } },
  base_types: {
    'unsigned char': { kind: 'char', size: 1, signed: false, endian: 'little' },
    'unsigned long': { kind: 'int', size: 4, signed: false, endian: 'little' },
    pointer: { kind: 'int', size: 8, signed: false, endian: 'little' },
    void: { kind: 'void', size: 0, signed: true, endian: 'little' },
    int: { kind: 'int', size: 4, signed: true, endian: 'little' },
  },
  user_types: {
    _LIST_ENTRY: { kind: 'struct', size: 16, fields: {
      Blink: { offset: 8, type: { kind: 'pointer', subtype: { kind: 'struct', name: '_LIST_ENTRY' } } },
      Flink: { offset: 0, type: { kind: 'pointer', subtype: { kind: 'struct', name: '_LIST_ENTRY' } } },
    } },
    _THING: { kind: 'struct', size: 0x40, fields: {
      State: { offset: 0x10, type: { kind: 'enum', name: '_STATE' } },
      Flags: { offset: 4, type: { kind: 'bitfield', bit_position: 3, bit_length: 2, type: { kind: 'base', name: 'unsigned long' } } },
      List: { offset: 0x18, type: { kind: 'array', count: 2, subtype: { kind: 'struct', name: '_LIST_ENTRY' } } },
      Tail: { offset: 0x38, type: { kind: 'union', name: '__anonymous_12ab' } },
      Routine: { offset: 0x8, type: { kind: 'pointer', subtype: { kind: 'function' } } },
    } },
    __anonymous_12ab: { kind: 'union', size: 8, fields: {
      Value: { offset: 0, type: { kind: 'base', name: 'unsigned long' } },
      Next: { offset: 0, type: { kind: 'pointer', subtype: { kind: 'struct', name: '_THING' } } },
    } },
  },
  enums: { _STATE: { base: 'int', size: 4, constants: { Idle: 0, Busy: 1 } } },
  symbols: { PsActiveProcessHead: { address: 0xc1f100 } },
};

const scratch = mkdtempSync(join(tmpdir(), 'isf-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('ISF reader', () => {
  it('parses a table and rejects what is not one', () => {
    expect(parseIsf(JSON.stringify(SAMPLE)).enums._STATE.constants.Busy).toBe(1);
    expect(() => parseIsf('{"metadata":{"format":"6.1.0"}}', 'x.json')).toThrow(/x.json: not an ISF table \(no 'base_types'\)/);
    expect(() => parseIsf('not json', 'y.json')).toThrow(/y.json: not JSON/);
  });

  it('loads .json and .json.xz files with the same content, PDB identity and sha256 of the stored bytes', () => {
    const plain = join(scratch, 'sample.json');
    writeFileSync(plain, JSON.stringify(SAMPLE));
    execFileSync('xz', ['-k', '-f', plain]);
    const a = loadIsf(plain);
    const b = loadIsf(`${plain}.xz`);
    expect(b.table).toEqual(a.table);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).not.toBe(a.sha256);
    expect(a.pdb).toEqual({ guid: 'ABCDEF0123456789ABCDEF0123456789', age: 2, database: 'ntkrnlmp.pdb', machineType: 34404 });
    expect(a.arch).toBe('x64');
    expect(a.pointerSize).toBe(8);
    expect(pdbSignature(a)).toBe('ABCDEF0123456789ABCDEF01234567892');
    expect(symbolRva(a.table, 'PsActiveProcessHead')).toBe(0xc1f100);
    expect(symbolRva(a.table, 'NoSuchSymbol')).toBeUndefined();
  });

  it('reports a corrupt .xz file in one line', () => {
    const bad = join(scratch, 'bad.json.xz');
    writeFileSync(bad, 'not xz');
    expect(() => loadIsf(bad)).toThrow(/bad.json.xz: xz -dc failed/);
  });

  it('spells type references as the layout notation does', () => {
    expect(isfTypeRefToC({ kind: 'pointer', subtype: { kind: 'pointer', subtype: { kind: 'struct', name: '_KSPIN_LOCK_QUEUE' } } })).toBe('_KSPIN_LOCK_QUEUE**');
    expect(isfTypeRefToC({ kind: 'array', count: 4, subtype: { kind: 'array', count: 2, subtype: { kind: 'base', name: 'unsigned char' } } })).toBe('UCHAR[4][2]');
    expect(isfTypeRefToC({ kind: 'base', name: 'unsigned long long' })).toBe('ULONG64');
    expect(isfTypeRefToC({ kind: 'pointer', subtype: { kind: 'function' } })).toBe('VOID*');
  });

  it('converts chosen types with what they embed, names anonymous members as dx does, keeps bit fields', () => {
    const { types, missing, provenance } = isfToTypeDefs(SAMPLE, { types: ['_THING', '_NOPE'] });
    const byName = new Map(types.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['_LIST_ENTRY', '_STATE', '_THING', '_THING::<Tail>']);
    expect(missing).toEqual(['_NOPE']);
    expect(provenance.join('\n')).toContain('_NOPE');
    const thing = byName.get('_THING')!;
    expect(thing.size).toBe(0x40);
    expect(thing.fields!.map((f) => f.name)).toEqual(['Flags', 'Routine', 'State', 'List', 'Tail']);
    expect(thing.fields![0]).toEqual({ name: 'Flags', offset: 4, type: 'ULONG', bitPos: 3, bitLen: 2 });
    expect(thing.fields!.find((f) => f.name === 'List')!.type).toBe('_LIST_ENTRY[2]');
    expect(byName.get('_THING::<Tail>')).toMatchObject({ kind: 'union', size: 8 });
    expect(byName.get('_STATE')).toEqual({ name: '_STATE', kind: 'enum', size: 4, values: { Idle: 0, Busy: 1 }, baseType: 'LONG' });
  });

  it('keeps only the chosen members when asked, with the real size', () => {
    const { types } = isfToTypeDefs(SAMPLE, { types: ['_THING'], fields: { _THING: ['State'] }, closure: false });
    expect(types).toEqual([{ name: '_THING', kind: 'struct', size: 0x40, fields: [{ name: 'State', offset: 0x10, type: '_STATE' }] }]);
  });
});

const REAL_19041 = join(__dirname, '../../../shared/symbols/isf/5278AFF86C341677D7D7835C85B7B844-1.json.xz');

describe.skipIf(!existsSync(REAL_19041))('ISF reader on the real 19041.804 kernel table (needs ../shared/symbols)', () => {
  const loaded = existsSync(REAL_19041) ? loadIsf(REAL_19041) : undefined;

  it('carries the PDB identity and the known sizes and offsets', () => {
    expect(loaded!.pdb?.guid).toBe('5278AFF86C341677D7D7835C85B7B844');
    expect(loaded!.pdb?.age).toBe(1);
    expect(loaded!.arch).toBe('x64');
    const { types } = isfToTypeDefs(loaded!, { types: ['_KTHREAD', '_IRP', '_KTHREAD_STATE', '_ALPC_HANDLE_TABLE'] });
    const byName = new Map(types.map((t) => [t.name, t]));
    expect(byName.get('_KTHREAD')!.size).toBe(0x430);
    expect(byName.get('_KTHREAD')!.fields!.find((f) => f.name === 'WaitBlock')).toEqual({ name: 'WaitBlock', offset: 0x140, type: '_KWAIT_BLOCK[4]' });
    expect(byName.get('_KWAIT_BLOCK')!.size).toBe(0x30);
    expect(byName.get('_IRP::<Tail>')!.kind).toBe('union');
    expect(byName.get('_KTHREAD_STATE')!.values!.Waiting).toBe(5);
    expect(byName.get('_ALPC_HANDLE_TABLE')!.size).toBe(0x18);
    expect(symbolRva(loaded!.table, 'PsActiveProcessHead')).toBeGreaterThan(0);
  });
});
