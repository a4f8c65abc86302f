import { describe, expect, it } from 'vitest';
import {
  fieldMatcher,
  orderByIndex,
  orderByNextSlot,
  orderBySequence,
  selectEntries,
  slotOrder,
} from '../../../src/analysis/rings/ring';
import {
  u64AddSmall,
  u64Compare,
  u64FromBytes,
  u64FromHex,
  u64FromNumber,
  u64Mask,
  u64Mod,
  u64Sub,
  u64ToDecimal,
  u64ToHex,
  type U64,
} from '../../../src/core/u64';
import { decodeElement, hasNoFields } from '../../../src/analysis/rings/ringFields';
import { memberAt } from '../../../src/core/members';
import type { TypeShape } from '../../../src/core/target';

const big = (v: bigint): U64 => ({ hi: Number((v >> 32n) & 0xffffffffn), lo: Number(v & 0xffffffffn) });
const toBig = (a: U64): bigint => (BigInt(a.hi) << 32n) | BigInt(a.lo);
const le = (v: bigint, size: number): number[] => Array.from({ length: size }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));

describe('U64 arithmetic on two halves', () => {
  const samples = [0n, 1n, 13n, 0xffffffffn, 0x100000000n, 0x100000003n, (1n << 53n) + 1n, 0xffff000000000007n, (1n << 64n) - 1n, 0x8000000000000000n];

  it('decodes little-endian integers of every width as the unsigned value of that width', () => {
    for (const v of samples) expect(toBig(u64FromBytes(le(v, 8), 0, 8))).toBe(v);
    expect(u64FromBytes([0xfe, 0xff, 0xff, 0xff], 0, 4)).toEqual({ hi: 0, lo: 0xfffffffe }); // LONG -2
    expect(u64FromBytes([0xff], 0, 1)).toEqual({ hi: 0, lo: 255 });
    expect(u64FromBytes([0x34, 0x12], 0, 2)).toEqual({ hi: 0, lo: 0x1234 });
  });

  it('takes negative numbers in two\'s complement of the width', () => {
    expect(u64FromNumber(-1, 32)).toEqual({ hi: 0, lo: 0xffffffff });
    expect(toBig(u64FromNumber(-1))).toBe((1n << 64n) - 1n);
    expect(toBig(u64FromNumber(-3))).toBe((1n << 64n) - 3n);
    expect(toBig(u64FromNumber(-4294967296))).toBe((1n << 64n) - (1n << 32n));
    expect(u64FromNumber(-2, 8)).toEqual({ hi: 0, lo: 0xfe });
    expect(toBig(u64FromNumber(2 ** 52 + 3))).toBe((1n << 52n) + 3n);
  });

  it('computes modulo, subtraction, addition, decimal and hex exactly', () => {
    for (const v of samples) {
      for (const n of [1, 3, 5, 6, 7, 8, 20, 1000, 1024, 99991, 2 ** 31 - 1, 2 ** 40 + 15]) {
        expect(u64Mod(big(v), n), `${v} % ${n}`).toBe(Number(v % BigInt(n)));
      }
      expect(u64ToDecimal(big(v))).toBe(v.toString(10));
      expect(u64ToHex(big(v))).toBe(v.toString(16));
      expect(u64FromHex(v.toString(16))).toEqual(big(v));
      expect(toBig(u64Sub(big(v), big(5n)))).toBe(BigInt.asUintN(64, v - 5n));
      expect(toBig(u64AddSmall(big(v), 2 ** 33 + 9))).toBe(BigInt.asUintN(64, v + 2n ** 33n + 9n));
    }
    expect(u64Compare(big(0x100000000n), big(0xffffffffn))).toBe(1);
    expect(u64Mask(big(0x123456789an), 16)).toEqual({ hi: 0, lo: 0x789a });
    expect(u64Mask(big(0xffff123456789an), 40)).toEqual({ hi: 0x12, lo: 0x3456789a });
  });
});

describe('ring order from an index', () => {
  it('-pre, wrapped: seed 004 g_History (g_Index 13, 8 slots): slots 6,7,0..5 = writes 6..13', () => {
    const o = orderByIndex(8, big(13n), 'pre');
    expect(o.slots).toEqual([6, 7, 0, 1, 2, 3, 4, 5]);
    expect(o.sequences).toEqual(['6', '7', '8', '9', '10', '11', '12', '13']);
    expect(o.newestSlot).toBe(5);
    expect(o.wrapped).toBe(true);
  });

  it('-pre, not wrapped: only the written slots, the first write in slot 1', () => {
    const o = orderByIndex(1024, big(5n), 'pre');
    expect(o.slots).toEqual([1, 2, 3, 4, 5]);
    expect(o.newestSlot).toBe(5);
    expect(o.wrapped).toBe(false);
    expect(orderByIndex(8, big(0n), 'pre').slots).toEqual([]);
    // index == N: slot 0 is write N, every slot written
    expect(orderByIndex(4, big(4n), 'pre').slots).toEqual([1, 2, 3, 0]);
  });

  it('-post: the first write in slot 0, the newest at (index - 1) % N', () => {
    expect(orderByIndex(4, big(6n), 'post')).toMatchObject({ slots: [2, 3, 0, 1], newestSlot: 1, wrapped: true, sequences: ['2', '3', '4', '5'] });
    expect(orderByIndex(8, big(3n), 'post')).toMatchObject({ slots: [0, 1, 2], newestSlot: 2, wrapped: false });
    expect(orderByIndex(8, big(0n), 'post').slots).toEqual([]);
  });

  it('64-bit counters past 2^53 keep exact slots and sequence numbers', () => {
    const v = 0xffff000000000007n;
    const o = orderByIndex(6, big(v), 'pre');
    expect(o.newestSlot).toBe(Number(v % 6n));
    expect(o.sequences![5]).toBe(v.toString());
    expect(o.sequences![0]).toBe((v - 5n).toString());
    const w = orderByIndex(5, big(0x100000003n), 'pre');
    expect(w.newestSlot).toBe(4);
    expect(w.slots).toEqual([0, 1, 2, 3, 4]);
    const m = orderByIndex(16, big((1n << 64n) - 3n), 'post');
    expect(m.newestSlot).toBe(12);
  });
});

describe('ring order from the next slot to write (devnode StateHistoryEntry)', () => {
  it('wrapped: starts at the next slot; not wrapped: slots 0..next-1', () => {
    expect(orderByNextSlot(20, 7, true)!.slots.slice(0, 3)).toEqual([7, 8, 9]);
    expect(orderByNextSlot(20, 7, true)!.newestSlot).toBe(6);
    expect(orderByNextSlot(20, 3, false)).toMatchObject({ slots: [0, 1, 2], newestSlot: 2, wrapped: false });
    expect(orderByNextSlot(20, 0, false)).toMatchObject({ slots: [], newestSlot: undefined });
    expect(orderByNextSlot(20, 0, true)!.slots[19]).toBe(19);
  });

  it('an index outside the ring is not an order', () => {
    expect(orderByNextSlot(20, 20, true)).toBeUndefined();
    expect(orderByNextSlot(20, -1, true)).toBeUndefined();
  });
});

describe('ring order from sequence numbers', () => {
  it('orders ascending when the counter did not wrap; unwritten slots are left out', () => {
    const o = orderBySequence(5, [big(27n), undefined, big(25n), big(26n), undefined], 32);
    expect(o.slots).toEqual([2, 3, 0]);
    expect(o.sequences).toEqual(['25', '26', '27']);
    expect(o.wrapped).toBe(false);
  });

  it('finds the wrap of a 16-bit counter (the largest circular gap)', () => {
    const seq = [1n, 2n, undefined, 0xfffdn, 0xfffen, 0xffffn, 0n, undefined].map((v) => (v === undefined ? undefined : big(v)));
    const o = orderBySequence(8, seq, 16);
    expect(o.slots).toEqual([3, 4, 5, 6, 0, 1]);
    expect(o.newestSlot).toBe(1);
  });

  it('finds the wrap of a 64-bit counter', () => {
    const top = (1n << 64n) - 1n;
    const o = orderBySequence(3, [big(0n), big(top), big(top - 1n)], 64);
    expect(o.slots).toEqual([2, 1, 0]);
    expect(o.wrapped).toBe(true);
  });
});

describe('selection and fields', () => {
  const entries = ['a MyRead', 'b MyWrite', 'c MyRead', 'd MyWrite', 'e MyRead'];
  it('-grep then -n keeps the newest matches', () => {
    expect(selectEntries(entries, { grep: 'myread' }, (e) => e)).toEqual(['a MyRead', 'c MyRead', 'e MyRead']);
    expect(selectEntries(entries, { grep: 'MyRead', newest: 2 }, (e) => e)).toEqual(['c MyRead', 'e MyRead']);
    expect(selectEntries(entries, { newest: 0 }, (e) => e)).toEqual([]);
    expect(selectEntries(entries, {}, (e) => e)).toEqual(entries);
    expect(slotOrder(3, (s) => s !== 1).slots).toEqual([0, 2]);
  });

  it('-f keeps a field and everything under it', () => {
    const m = fieldMatcher(['irp', 'Stack']);
    expect(['Irp', 'Irp.MajorFunction', 'Stack[0].Key', 'IrpCount', 'State'].filter(m.keep)).toEqual(['Irp', 'Irp.MajorFunction', 'Stack[0].Key']);
  });
});

describe('decoding an entry from its TypeShape', () => {
  const int = (name: string, size: number, signed = false): TypeShape => ({ module: 'm', name, kind: 'int', size, signed });
  const state: TypeShape = { module: 'm', name: '_MY_STATE', kind: 'enum', size: 4, signed: true, enumerators: [{ value: 0, name: 'NotQueued' }, { value: 2, name: 'InCompletionQueue' }] };
  const inner: TypeShape = { module: 'm', name: '_INNER', kind: 'struct', size: 8, signed: false, members: [{ name: 'MajorFunction', offset: 0, type: int('UCHAR', 1) }, { name: 'Status', offset: 4, type: int('LONG', 4, true) }] };
  const entry: TypeShape = {
    module: 'm',
    name: '_ENTRY',
    kind: 'struct',
    size: 40,
    signed: false,
    members: [
      { name: 'State', offset: 0, type: state },
      { name: 'Irp', offset: 4, type: inner },
      { name: 'Name', offset: 12, type: { module: 'm', name: 'char [8]', kind: 'array', size: 8, signed: false, count: 8, element: { ...int('char', 1, true), char: 'narrow' } } },
      { name: 'Frames', offset: 20, type: { module: 'm', name: 'void * [3]', kind: 'array', size: 12, signed: false, count: 3, element: { module: 'm', name: 'void *', kind: 'pointer', size: 4, signed: false } } },
      { name: 'Low', offset: 32, bitPos: 0, bitLen: 3, type: int('ULONG', 4) },
      { name: 'High', offset: 32, bitPos: 28, bitLen: 4, type: int('ULONG', 4) },
      { name: 'Busy', offset: 36, type: { ...int('bool', 1), bool: true } },
    ],
  };
  const bytes = new Array(40).fill(0);
  bytes[0] = 2;
  bytes[4] = 0x0e;
  [0x20, 0x01, 0x00, 0xc0].forEach((b, i) => (bytes[8 + i] = b));
  'Rd'.split('').forEach((c, i) => (bytes[12 + i] = c.charCodeAt(0)));
  [0x10, 0x20, 0x00, 0x80].forEach((b, i) => (bytes[20 + i] = b));
  bytes[32] = 0x05;
  bytes[35] = 0xa0;
  bytes[36] = 1;

  it('flattens nested structures, names enums, reads text, pointer lists, bit fields and bools', () => {
    const fields = decodeElement(entry, bytes, 0, 4);
    const byPath = Object.fromEntries(fields.map((f) => [f.path, f.value]));
    expect(Object.keys(byPath)).toEqual(['State', 'Irp.MajorFunction', 'Irp.Status', 'Name', 'Frames', 'Low', 'High', 'Busy']);
    expect(byPath.State).toEqual({ kind: 'enum', value: 2, name: 'InCompletionQueue' });
    expect(byPath['Irp.MajorFunction']).toMatchObject({ kind: 'int', value: { hi: 0, lo: 0x0e } });
    expect(byPath['Irp.Status']).toMatchObject({ kind: 'int', value: { hi: 0, lo: 0xc0000120 }, signed: true });
    expect(byPath.Name).toEqual({ kind: 'text', text: 'Rd' });
    expect(byPath.Frames).toMatchObject({ kind: 'list', items: [{ kind: 'pointer', address: '80002010' }, { kind: 'pointer', address: '0' }, { kind: 'pointer', address: '0' }] });
    expect(byPath.Low).toMatchObject({ kind: 'int', value: { hi: 0, lo: 5 } });
    expect(byPath.High).toMatchObject({ kind: 'int', value: { hi: 0, lo: 0xa } });
    expect(byPath.Busy).toEqual({ kind: 'bool', value: true });
  });

  it('a scalar element is one field; a structure without members is its bytes', () => {
    expect(decodeElement(state, [2, 0, 0, 0], 0, 4, 'State')).toEqual([{ path: 'State', value: { kind: 'enum', value: 2, name: 'InCompletionQueue' } }]);
    const opaque: TypeShape = { module: 'm', name: '_OPAQUE', kind: 'struct', size: 4, signed: false, members: [] };
    expect(hasNoFields(opaque)).toBe(true);
    expect(decodeElement(opaque, [1, 2, 3, 4], 0, 4)).toEqual([{ path: 'Bytes', value: { kind: 'bytes', hex: '01020304', truncated: false } }]);
  });

  it('finds members by path for -seq and member rings', () => {
    expect(memberAt(entry, 'Irp.Status')).toMatchObject({ offset: 8, type: { name: 'LONG' } });
    expect(memberAt(entry, 'frames[2]')).toMatchObject({ offset: 28, type: { kind: 'pointer' } });
    expect(memberAt(entry, 'High')).toMatchObject({ offset: 32, bitPos: 28, bitLen: 4 });
    expect(memberAt(entry, 'Nope')).toBeUndefined();
    expect(memberAt(entry, 'Frames[3]')).toBeUndefined();
  });
});
