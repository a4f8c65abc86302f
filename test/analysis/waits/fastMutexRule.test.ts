// The fast/guarded mutex edge rule (analysis/waits/rules/mutexes.ts) on one wait, in-process over a
// scenario (mocks/snapshotTarget.ts): a mutex wait leads to the owner; a wait that only looks like one
// (no acquire routine calling the wait) is not the rule's; an owner that is no thread is a dead end.
import { describe, expect, it } from 'vitest';
import { scenarioSnapshot, snapshotTarget } from '../../../mocks/snapshotTarget';
import { fastMutexRule } from '../../../src/analysis/waits/rules/mutexes';
import { readWaitModel } from '../../../src/analysis/waits/waitModel';
import { KernelContext } from '../../../src/kernel/context';
import { KernelReaders } from '../../../src/kernel/readers';

const ACQUIRE = ['nt!KiSwapContext+0x26', 'nt!KeWaitForSingleObject+0x346', 'nt!KiAcquireFastMutex+0x13', 'nt!ExAcquireFastMutex+0x20', 'DriverA+0x270d'];
const SCENARIO = {
  id: 'fast-mutex-rule',
  system: { arch: 'x86', currentTick: 3000000, dumpKind: 'kernel' },
  processes: [{ address: '86000000', name: 'svc.exe', pid: '0200' }],
  threads: [
    { address: '87000000', process: '86000000', tid: '0204', waitMode: 'KernelMode', waitTime: 2990000, stack: ACQUIRE },
    { address: '87001000', process: '86000000', tid: '0208', state: 'Running', processor: 0 },
    { address: '87002000', process: '86000000', tid: '020c', waitMode: 'KernelMode', waitTime: 2990000, stack: ACQUIRE },
    // The mutex's event, waited on from a driver frame: an event wait, not the mutex's.
    { address: '87003000', process: '86000000', tid: '0210', state: 'Waiting', waitReason: 'Executive', waitMode: 'KernelMode', waitTime: 2990000,
      waits: [{ object: '8800000c' }], stack: ['nt!KiSwapContext+0x26', 'nt!KeWaitForSingleObject+0x346', 'DriverD+0x310'] },
  ],
  fastMutexes: [
    { address: '88000000', kind: 'FastMutex', owner: '87001000', waiters: ['87000000'] },
    { address: '88000100', kind: 'FastMutex', owner: '8a000000', waiters: ['87002000'] },
  ],
};

describe.each(['xpsp3-x86', 'win7sp1-x86'])('fastMutexRule on %s', (layout) => {
  const { table, env } = readWaitModel(new KernelReaders(new KernelContext(snapshotTarget(scenarioSnapshot(SCENARIO, layout)))));
  const apply = (address: string) => {
    const thread = table.threadByAddress.get(address)!;
    return fastMutexRule(thread, thread.waits[0], env.dispatcher.read(thread.waits[0].object), env);
  };

  it('a waiter in ExAcquireFastMutex waits for the mutex owner', () => {
    expect(apply('87000000')!.hops).toEqual([expect.objectContaining({ from: '87000000', kind: 'fast-mutex', object: '88000000', to: '87001000' })]);
  });

  it('the same event waited on from a driver frame is not a mutex wait', () => {
    expect(env.dispatcher.read('8800000c')!.kind).toBe('SynchronizationEvent');
    expect(apply('87003000')).toBeUndefined();
  });

  it('an owner that is no thread of the dump is a dead end naming it', () => {
    const outcome = apply('87002000')!;
    expect(outcome.hops).toEqual([]);
    expect(outcome.deadEnds).toEqual([expect.objectContaining({ ownerNotFound: { kind: 'fast-mutex', lock: '88000100', owner: '8a000000' } })]);
  });
});
