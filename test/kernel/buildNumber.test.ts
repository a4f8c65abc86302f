// kernel/version.ts readBuildNumber: the build a recording's header names (src/commands/session.ts asks
// the kernel layer for it). KUSER_SHARED_DATA.NtBuildNumber where the symbols have it (Windows 10 on),
// else nt!NtBuildNumber; the low 16 bits (the top nibble marks a free or checked build).
import { describe, expect, it } from 'vitest';
import type { Addr } from '../../src/core/addr';
import type { FieldLayout, Target, TypeLayout } from '../../src/core/target';
import { KernelContext } from '../../src/kernel/context';
import { readBuildNumber } from '../../src/kernel/version';

const SHARED_X64 = 'fffff78000000000';
const NT_BUILD_NUMBER = 'fffff80000123450';

/** A target with only what readBuildNumber may ask: the shared page's layout (or none), one symbol, memory. */
function target(options: { sharedField: boolean; memory: { [address: string]: number[] }; symbol?: boolean }): Target {
  const field: FieldLayout = { offset: 0x260, size: 4, kind: 'int', signed: false, typeName: 'ULONG' };
  const shared: TypeLayout = { module: 'nt', name: '_KUSER_SHARED_DATA', size: 0x720, field: (path) => (path === 'NtBuildNumber' ? field : undefined) };
  const t = {
    pointerSize: 8,
    isKernel: true,
    type: (_module: string, name: string) => (name === '_KUSER_SHARED_DATA' && options.sharedField ? shared : undefined),
    symbolAddress: (_module: string, name: string) => (name === 'NtBuildNumber' && options.symbol ? NT_BUILD_NUMBER : undefined),
    read: (address: Addr, size: number) => {
      const bytes = options.memory[address];
      return bytes && bytes.length >= size ? bytes.slice(0, size) : undefined;
    },
  };
  return t as unknown as Target;
}

const word = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const at = (base: string, offset: number) => (BigInt('0x' + base) + BigInt(offset)).toString(16);

describe('readBuildNumber', () => {
  it('reads KUSER_SHARED_DATA.NtBuildNumber, low 16 bits', () => {
    const k = new KernelContext(target({ sharedField: true, memory: { [at(SHARED_X64, 0x260)]: word(0xf0004a61) } }));
    expect(readBuildNumber(k)).toBe(19041);
  });

  it('falls back to nt!NtBuildNumber where the shared page has no such member (XP, 2003)', () => {
    const k = new KernelContext(target({ sharedField: false, symbol: true, memory: { [NT_BUILD_NUMBER]: word(0xf0000a28) } }));
    expect(readBuildNumber(k)).toBe(2600);
  });

  it('falls back to nt!NtBuildNumber where the shared member reads zero', () => {
    const k = new KernelContext(target({ sharedField: true, symbol: true, memory: { [at(SHARED_X64, 0x260)]: word(0), [NT_BUILD_NUMBER]: word(0xc0000ece) } }));
    expect(readBuildNumber(k)).toBe(3790);
  });

  it('is undefined when neither is readable', () => {
    expect(readBuildNumber(new KernelContext(target({ sharedField: true, symbol: true, memory: {} })))).toBeUndefined();
    expect(readBuildNumber(new KernelContext(target({ sharedField: false, memory: {} })))).toBeUndefined();
  });
});
