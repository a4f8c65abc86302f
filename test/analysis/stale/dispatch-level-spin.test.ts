// Pure decisions of the dispatch-level-spin rule (src/analysis/stale/dispatch-level-spin.ts).
import { describe, expect, it } from 'vitest';
import { isSpinFrame, longKernelRun } from '../../../src/analysis/stale/dispatch-level-spin';

describe('dispatch-level spin', () => {
  it('knows the spin-acquire routines, not the try-acquire ones nor their callers', () => {
    for (const f of ['hal!KeAcquireInStackQueuedSpinLock+0x47', 'nt!KxWaitForLockOwnership+0x21', 'nt!KxWaitForSpinLockAndAcquire+0x1d', 'nt!KeAcquireSpinLockRaiseToDpc+0x30', 'nt!KiAcquireQueuedSpinLockCheckForFreeze+0x5b', 'nt!ExpWaitForSpinLockExclusiveAndAcquire+0x40', 'hal!KfAcquireSpinLock+0x12']) {
      expect(isSpinFrame(f)).toBe(true);
    }
    for (const f of ['nt!KeTryToAcquireSpinLockAtDpcLevel+0x10', 'nt!KeReleaseInStackQueuedSpinLock+0x20', 'MyDriver!RcvData+0x98', 'nt!KiIdleLoop+0x14']) {
      expect(isSpinFrame(f)).toBe(false);
    }
  });

  it('a long run is long and spent in kernel mode (seed 001: 40796 ticks, KernelTime 40794)', () => {
    expect(longKernelRun(40796, 40794, 156250)).toBe(true);
    expect(longKernelRun(40796, 1000, 156250)).toBe(false); // mostly user time or waits elsewhere
    expect(longKernelRun(100, 100, 156250)).toBe(false); // 1.5 s: a snapshot of a short spin
    expect(longKernelRun(undefined, 100, 156250)).toBe(false);
    expect(longKernelRun(0, 0, 156250)).toBe(false);
  });
});
