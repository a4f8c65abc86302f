import { describe, expect, it } from 'vitest';
import { StructView } from '../../src/core/struct';
import type { FieldLayout, TypeLayout } from '../../src/core/target';

function layout(size: number, fields: Record<string, FieldLayout>): TypeLayout {
  return { module: 'nt', name: '_TEST', size, field: (path: string) => fields[path] } as unknown as TypeLayout;
}

const int = (offset: number, size: number): FieldLayout => ({ offset, size, kind: 'int', signed: false, typeName: 'ULONG' });
const T = layout(16, { Low: int(0, 4), High: int(12, 4), Ptr: { offset: 8, size: 4, kind: 'pointer', signed: false, typeName: 'PVOID' } });
const whole = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0x38, 0xdc, 0xa9, 0x89, 7, 0, 0, 0]);

describe('StructView', () => {
  it('decodes members inside the bytes; a member past them is undefined, never garbage', () => {
    const v = new StructView(T, '1000', whole.subarray(0, 8), 4);
    expect(v.num('Low')).toBe(1);
    expect(v.num('High')).toBeUndefined();
    expect(v.ptr('Ptr')).toBeUndefined();
    expect(v.nonZero('High')).toBeUndefined();
  });

  it('a prefix view reads the rest once, on the first member past the prefix', () => {
    let reads = 0;
    const v = new StructView(T, '1000', whole.subarray(0, 8), 4, 0, () => {
      reads++;
      return whole;
    });
    expect(v.num('Low')).toBe(1);
    expect(reads).toBe(0);
    expect(v.ptr('Ptr')).toBe('89a9dc38');
    expect(v.num('High')).toBe(7);
    expect(reads).toBe(1);
  });

  it('an unreadable rest leaves the members past the prefix undefined, and is not retried', () => {
    let reads = 0;
    const v = new StructView(T, '1000', whole.subarray(0, 8), 4, 0, () => {
      reads++;
      return undefined;
    });
    expect(v.num('High')).toBeUndefined();
    expect(v.num('High')).toBeUndefined();
    expect(reads).toBe(1);
    expect(v.num('Low')).toBe(1);
  });
});
