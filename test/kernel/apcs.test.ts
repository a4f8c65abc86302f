// The APC reader (src/kernel/apcs.ts): signed disable counts, special-APC delivery, the completion routine's name, and the list walk.
import { describe, expect, it } from 'vitest';
import { isIoCompletionSymbol, readKernelApcs, signedCount, specialApcDeliverable } from '../../src/kernel/apcs';
import { entries, layOut, readSnapshot, smash, type InlineScenario } from './inProcess';

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

describe('a thread\'s kernel APC list with a smashed link (in-process over a laid-out scenario)', () => {
  const scenario: InlineScenario = {
    processes: [{ address: '86000000', name: 'App.exe', pid: '100' }],
    threads: [{
      address: '87000000', process: '86000000', tid: '104', state: 'Waiting', waitReason: 'Executive', waitMode: 'KernelMode', waits: [{ object: '88000000' }],
      apcs: [1, 2, 3, 4, 5].map((i) => ({ mode: 'Kernel' as const, routine: `DriverA!Apc${i}`, special: true })),
    }],
    objects: [{ address: '88000000', type: 'NotificationEvent' }],
  };

  it.each(['xpsp3-x86', 'win7sp1-x86', 'win10-19041-x64'])('recovers the APCs past the cut through Blink, in list order, on %s', (layout) => {
    const l = layOut(scenario, layout);
    const listed = entries(l.reader, l.at('87000000') + l.reader.off('_ETHREAD', 'Tcb.ApcState.ApcListHead[0]'));
    expect(listed.length).toBe(5);
    const apcs = listed.map((e) => (e - l.reader.off('_KAPC', 'ApcListEntry')).toString(16));
    smash(l.reader, listed[1], 3n); // the second APC's Flink
    const run = readSnapshot(l.snapshot);
    const t = run.table.threadByAddress.get(l.at('87000000').toString(16))!;
    expect(readKernelApcs(run.k, t).map((a) => a.address)).toEqual(apcs);
    expect(run.warnings()).toEqual(['1 list cut at a bad link', '1 list element recovered backwards']);
  });

  it('reads an intact list with no warning', () => {
    const l = layOut(scenario, 'win7sp1-x86');
    const run = readSnapshot(l.snapshot);
    expect(readKernelApcs(run.k, run.table.threadByAddress.get('87000000')!)).toHaveLength(5);
    expect(run.warnings()).toEqual([]);
  });
});
