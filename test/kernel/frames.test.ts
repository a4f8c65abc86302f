// Frame arguments as kv reads them: x86 EBP frames ([ebp+8] is argument 1), x64 home space
// ([Child-SP+8] is slot 1), one read per frame, in the thread's own process.
import { describe, expect, it } from 'vitest';
import type { Addr } from '../../src/core/addr';
import type { FrameInfo, ProcessContext, Target } from '../../src/core/target';
import { KernelContext } from '../../src/kernel/context';
import { firstArgumentAddress, frameArguments, parseFrameText } from '../../src/kernel/frames';
import type { ProcessInfo, ThreadInfo } from '../../src/kernel/model';

const frame = (frameOffset: Addr, stackOffset: Addr): FrameInfo => ({ text: 'ntdll!RtlEnterCriticalSection+0x46', instruction: '77f01234', frameOffset, stackOffset });

/** A target whose memory is a set of little-endian pointer-sized cells, per process. */
function fakeTarget(pointerSize: 4 | 8, cells: { [pid: number]: { [address: string]: number } }) {
  const reads: { address: Addr; size: number; context?: ProcessContext }[] = [];
  const target = {
    pointerSize,
    isKernel: true,
    isLive: false,
    stats: { unreadableReads: 0 },
    read(address: Addr, size: number, context?: ProcessContext) {
      reads.push({ address, size, context });
      const memory = cells[context ? context.pid : -1];
      if (!memory) return undefined;
      const out: number[] = [];
      for (let i = 0; i < size; i += pointerSize) {
        const cell = (parseInt(address, 16) + i).toString(16);
        const value = memory[cell];
        if (value === undefined) return undefined;
        for (let b = 0; b < pointerSize; b++) out.push(b < 4 ? (value >>> (8 * b)) & 0xff : Math.floor(value / 2 ** (8 * b)) & 0xff);
      }
      return out;
    },
  };
  return { target: target as unknown as Target, reads };
}

function threadOf(pid: number): ThreadInfo {
  const process = { address: '86100000', pid, name: 'app.exe' } as ProcessInfo;
  return { address: '87100000', process, tid: 0x104 } as ThreadInfo;
}

describe('kv argument addressing', () => {
  it('x86: argument 1 is at FrameOffset + 8 (after the saved ebp and the return address)', () => {
    expect(firstArgumentAddress(frame('12ff40', '12ff30'), 4)).toBe('12ff48');
  });

  it('x64: argument 1 is the first home-space slot, StackOffset + 8 (above the return address)', () => {
    expect(firstArgumentAddress(frame('0', 'a1b2c3d0'), 8)).toBe('a1b2c3d8');
  });
});

describe('frameArguments', () => {
  it('reads the arguments in one read, in the thread process context (x86)', () => {
    const { target, reads } = fakeTarget(4, { 0x100: { '12ff48': 0x0032be30, '12ff4c': 0, '12ff50': 0x1020e944 } });
    const k = new KernelContext(target);
    expect(frameArguments(k, threadOf(0x100), frame('12ff40', '12ff30'), 3)).toEqual(['32be30', '0', '1020e944']);
    expect(reads).toEqual([{ address: '12ff48', size: 12, context: { pid: 0x100, address: '86100000' } }]);
  });

  it('reads the home space (x64)', () => {
    const { target, reads } = fakeTarget(8, { 0x900: { '7ffe0008': 0x7ff612340040, '7ffe0010': 1 } });
    const k = new KernelContext(target);
    expect(frameArguments(k, threadOf(0x900), frame('0', '7ffe0000'), 2)).toEqual(['7ff612340040', '1']);
    expect(reads.length).toBe(1);
    expect(reads[0].size).toBe(16);
  });

  it('is undefined when the stack memory is not in the dump (another process, or a kernel dump)', () => {
    const { target } = fakeTarget(4, { 0x200: { '12ff48': 0x0032be30 } });
    expect(frameArguments(new KernelContext(target), threadOf(0x100), frame('12ff40', '12ff30'))).toBeUndefined();
  });
});

describe('frame text, parsed once where it enters (both spellings, with or without suffixes)', () => {
  it.each([
    ['nt!KeWaitForSingleObject + 0x2ab', 'nt!KeWaitForSingleObject+0x2ab', 'nt', 'KeWaitForSingleObject', 0x2ab],
    ['nt!KeWaitForSingleObject+0x2ab', 'nt!KeWaitForSingleObject+0x2ab', 'nt', 'KeWaitForSingleObject', 0x2ab],
    ['nt!KiSwapContext + 0x7a [Switch To]', 'nt!KiSwapContext+0x7a', 'nt', 'KiSwapContext', 0x7a],
    ['ntdll!RtlEnterCriticalSection+0x46 [d:\\w7rtm\\minkernel\\ntdll\\resource.c @ 1234]', 'ntdll!RtlEnterCriticalSection+0x46', 'ntdll', 'RtlEnterCriticalSection', 0x46],
    ['3rdPartyAVDriver + 0x1394', '3rdPartyAVDriver+0x1394', '3rdPartyAVDriver', undefined, 0x1394],
    ['3rdPartyAVDriver+0x1394', '3rdPartyAVDriver+0x1394', '3rdPartyAVDriver', undefined, 0x1394],
    ['nt!KiSystemServiceCopyEnd', 'nt!KiSystemServiceCopyEnd', 'nt', 'KiSystemServiceCopyEnd', 0],
    ['ntdll!ThreadpoolMgr::SafeWait + 0x12', 'ntdll!ThreadpoolMgr::SafeWait+0x12', 'ntdll', 'ThreadpoolMgr::SafeWait', 0x12],
    ['0xfffff80312345678', '0xfffff80312345678', undefined, undefined, 0],
  ])('%s', (raw, text, module, fn, offset) => {
    const parsed = parseFrameText(raw);
    expect(parsed.text).toBe(text);
    expect(parsed.module).toBe(module);
    expect(parsed.function).toBe(fn);
    expect(parsed.offset).toBe(offset);
  });
});
