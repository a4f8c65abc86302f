// Pure parts of the APC reader (src/kernel/apcs.ts): signed disable counts, special-APC delivery, the completion routine's name.
import { describe, expect, it } from 'vitest';
import { isIoCompletionSymbol, signedCount, specialApcDeliverable } from '../../src/kernel/apcs';

describe('APC disable counts', () => {
  it('reads XP\'s ULONG KernelApcDisable as the negative count the kernel keeps', () => {
    expect(signedCount(0xffffffff, 4)).toBe(-1);
    expect(signedCount(0xfffffffe, 4)).toBe(-2);
    expect(signedCount(0, 4)).toBe(0);
  });

  it('reads SHORT counts signed too', () => {
    expect(signedCount(0xffff, 2)).toBe(-1);
    expect(signedCount(1, 2)).toBe(1);
    expect(signedCount(undefined, 2)).toBeUndefined();
  });
});

describe('special kernel APC delivery into a wait', () => {
  it('is delivered when the thread waits at PASSIVE_LEVEL outside a guarded region, alertable or not', () => {
    expect(specialApcDeliverable({ kernelApcPending: true, kernelApcDisable: 0, specialApcDisable: 0, waitIrql: 0 })).toBe(true);
    // a critical region (KernelApcDisable) blocks normal kernel APCs only
    expect(specialApcDeliverable({ kernelApcPending: true, kernelApcDisable: -1, specialApcDisable: 0, waitIrql: 0 })).toBe(true);
    // XP has no SpecialApcDisable
    expect(specialApcDeliverable({ kernelApcPending: true, kernelApcDisable: 0, specialApcDisable: undefined, waitIrql: 0 })).toBe(true);
  });

  it('is blocked at APC_LEVEL (a held fast mutex) and in a guarded region', () => {
    expect(specialApcDeliverable({ kernelApcPending: true, kernelApcDisable: 0, specialApcDisable: 0, waitIrql: 1 })).toBe(false);
    expect(specialApcDeliverable({ kernelApcPending: true, kernelApcDisable: -1, specialApcDisable: -1, waitIrql: 0 })).toBe(false);
  });

  it('is unknown when WaitIrql is', () => {
    expect(specialApcDeliverable({ kernelApcPending: true, kernelApcDisable: 0, specialApcDisable: 0, waitIrql: undefined })).toBeUndefined();
  });
});

describe('the I/O completion routine', () => {
  it('is nt!IopCompleteRequest under any kernel module name', () => {
    expect(isIoCompletionSymbol('nt!IopCompleteRequest')).toBe(true);
    expect(isIoCompletionSymbol('ntkrnlpa!IopCompleteRequest')).toBe(true);
    expect(isIoCompletionSymbol('ntoskrnl!IopCompleteRequest')).toBe(true);
  });

  it('is not another APC routine, an offset into it, or a driver routine of the same name', () => {
    expect(isIoCompletionSymbol('nt!IopCompleteRequest+0x32f')).toBe(false);
    expect(isIoCompletionSymbol('nt!PspGetSetContextSpecialApc')).toBe(false);
    expect(isIoCompletionSymbol('nt!IopCompletePageWrite')).toBe(false);
    expect(isIoCompletionSymbol('mydrv!IopCompleteRequest')).toBe(false);
    expect(isIoCompletionSymbol(undefined)).toBe(false);
  });
});
