import { describe, expect, it } from 'vitest';
import { findRoutine, isRoutine, normalFrame, normalModule, parseSymbol, undecorate } from '../../src/core/symbolName';

describe('symbol spellings (one normaliser for every frame rule)', () => {
  it('undecorates MSVC x86 names and leaves C++ names alone', () => {
    expect(undecorate('_RtlpWaitForCriticalSection@4')).toBe('RtlpWaitForCriticalSection');
    expect(undecorate('_RtlpWaitForCriticalSection')).toBe('RtlpWaitForCriticalSection');
    expect(undecorate('@ExfAcquirePushLockExclusive@4')).toBe('ExfAcquirePushLockExclusive');
    expect(undecorate('RPC_INTERFACE::DispatchToStub')).toBe('RPC_INTERFACE::DispatchToStub');
    expect(undecorate('__security_check_cookie')).toBe('__security_check_cookie');
  });

  it('names the kernel nt under every image name and drops extensions', () => {
    for (const m of ['nt', 'NT', 'ntoskrnl', 'ntkrnlmp', 'ntkrnlpa', 'ntkrpamp', 'ntoskrnl.exe']) expect(normalModule(m)).toBe('nt');
    expect(normalModule('KERNELBASE.dll')).toBe('kernelbase');
    expect(normalModule('ntdll')).toBe('ntdll');
  });

  it('parses offsets in every spelling', () => {
    expect(parseSymbol('nt!Foo+0x2ab')).toEqual({ module: 'nt', name: 'Foo', offset: 0x2ab });
    expect(parseSymbol('nt!Foo + 0x2ab')).toEqual({ module: 'nt', name: 'Foo', offset: 0x2ab });
    expect(parseSymbol('ntkrnlpa!_ExpWaitForResource@8+0xD5')).toEqual({ module: 'nt', name: 'ExpWaitForResource', offset: 0xd5 });
    expect(parseSymbol('DriverA+0x270d')).toEqual({ module: 'drivera', name: '', offset: 0x270d });
  });

  it('normalFrame keeps the display case and rewrites only what differs', () => {
    expect(normalFrame('ntkrnlpa!_ExpWaitForResource@8 + 0xD5')).toBe('nt!ExpWaitForResource+0xd5');
    expect(normalFrame('RPCRT4!RPC_INTERFACE::DispatchToStub+0x84')).toBe('RPCRT4!RPC_INTERFACE::DispatchToStub+0x84');
    expect(normalFrame('DriverA+0x270d')).toBe('DriverA+0x270d');
    expect(normalFrame('89b466c0')).toBe('89b466c0');
    expect(normalFrame('ntdll!KiFastSystemCallRet')).toBe('ntdll!KiFastSystemCallRet');
  });

  it('isRoutine compares module and name exactly (near misses fail)', () => {
    expect(isRoutine('ntdll!_RtlEnterCriticalSection@4+0x46', 'ntdll', ['RtlEnterCriticalSection'])).toBe(true);
    expect(isRoutine('mydll!_RtlEnterCriticalSection@4+0x46', 'ntdll', ['RtlEnterCriticalSection'])).toBe(false);
    expect(isRoutine('ntdll!RtlEnterCriticalSectionEx+0x46', 'ntdll', ['RtlEnterCriticalSection'])).toBe(false);
    expect(isRoutine('ntoskrnl!ExpWaitForResource', 'nt', ['ExpWaitForResource'])).toBe(true);
    expect(isRoutine('ntdll!RtlpWaitOnAddress+0x1', 'ntdll', ['RtlWaitOnAddress'])).toBe(false);
    const frames = [{ text: 'ntdll!NtWaitForAlertByThreadId+0x14' }, { text: 'ntdll!_RtlpWaitOnCriticalSection@4+0xfd' }];
    expect(findRoutine(frames, 'ntdll', ['RtlpWaitOnCriticalSection'])!.index).toBe(1);
  });
});
