import { describe, expect, it } from 'vitest';
import { moduleOfFrame, overThreshold, waitsForPoolWork } from '../../../src/analysis/stale/long-wait';
import type { FrameInfo } from '../../../src/core/target';

/** Frames as the unwinder gives them; only the text matters here. */
const frames = (...texts: string[]): FrameInfo[] => texts.map((text) => ({ text, instruction: '0', frameOffset: '0', stackOffset: '0' }));

describe('long-wait threshold', () => {
  it('is strictly longer than the threshold, in the dump\'s own tick length', () => {
    // 600 s = 38400 ticks of 15.625 ms
    expect(overThreshold(38400, 156250, 600)).toBe(false);
    expect(overThreshold(38401, 156250, 600)).toBe(true);
    // seed 002-x64-wow64-short-wait-control: 301 ticks of 15.5981 ms = 4.695 s
    expect(overThreshold(301, 155981, 600)).toBe(false);
    expect(overThreshold(301, 155981, 4)).toBe(true);
    expect(overThreshold(301, 155981, 5)).toBe(false);
  });

  it('-t 0 makes every wait with an age a long wait', () => {
    expect(overThreshold(1, 156250, 0)).toBe(true);
    expect(overThreshold(0, 156250, 0)).toBe(false);
  });
});

describe('thread-pool idle waits', () => {
  it('a worker inside the worker-factory wait, or an I/O completion port wait, waits for work', () => {
    expect(waitsForPoolWork(frames('nt!KiSwapContext+0x26', 'nt!KeRemoveQueueEx+0x3a0', 'nt!NtWaitForWorkViaWorkerFactory+0x1c4', 'ntdll!TppWorkerThread+0x2c9'))).toBe(true);
    expect(waitsForPoolWork(frames('nt!KiSwapThread+0x2e5', 'nt!KeRemoveQueue+0x299', 'nt!IoRemoveIoCompletion+0x23', 'nt!NtRemoveIoCompletion+0xd3', 'kernel32!GetQueuedCompletionStatus+0x29'))).toBe(true);
    expect(waitsForPoolWork(frames('ntdll_772b0000!ZwWaitForSingleObject+0x15', 'kernel32!WaitForSingleObjectEx+0xbe', 'mscorwks!CLREvent::WaitEx+0x117', 'mscorwks!ThreadpoolMgr::SafeWait+0x73'))).toBe(true);
  });

  it('a pool callback that blocks is not idle, though the pool frames are below it', () => {
    expect(waitsForPoolWork(frames('nt!KeWaitForSingleObject+0x346', 'ntdll!ZwWaitForSingleObject+0xc', 'SvcPlugin!OnWorkItem+0x30', 'ntdll!TppWorkpExecuteCallback+0x10f', 'ntdll!TppWorkerThread+0x572'))).toBe(false);
  });

  it('an APC that blocks inside an idle wait is what the thread waits in now', () => {
    expect(waitsForPoolWork(frames('nt!KeWaitForSingleObject+0x346', 'DriverA!ApcRoutine+0x20', 'nt!KiDeliverApc+0x1a3', 'nt!KeRemoveQueueEx+0x3a0', 'nt!NtWaitForWorkViaWorkerFactory+0x1c4'))).toBe(false);
  });
});

describe('blocking module of a frame', () => {
  it('is the part before ! or +', () => {
    expect(moduleOfFrame('DriverA!Block+0x1b')).toBe('DriverA');
    expect(moduleOfFrame('ModuleE+0x1a2b')).toBe('ModuleE');
    expect(moduleOfFrame('mscorwks!ThreadpoolMgr::SafeWait+0x73')).toBe('mscorwks');
  });

  it('a bare address is code in no module', () => {
    expect(moduleOfFrame('0xf6fb2044')).toBeUndefined();
    expect(moduleOfFrame('fffff880`01234567')).toBeUndefined();
  });
});
