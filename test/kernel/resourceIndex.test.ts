// The ERESOURCE index (kernel/resources.ts) on a scenario laid out in memory, in-process
// (mocks/snapshotTarget.ts): up to 8.1 waiters are found by the resource's own ExclusiveWaiters event
// and SharedWaiters semaphore; from Windows 10 by the wait-chain entries on the waiters' stacks.
import { describe, expect, it } from 'vitest';
import { scenarioSnapshot, snapshotTarget } from '../../mocks/snapshotTarget';
import { KernelContext } from '../../src/kernel/context';
import { ResourceReader } from '../../src/kernel/resources';

const SCENARIO = {
  id: 'resource-index',
  system: { arch: 'x86', currentTick: 1000000, dumpKind: 'kernel' },
  processes: [{ address: '86000000', name: 'app.exe', pid: '0100' }],
  threads: [
    { address: '87000000', process: '86000000', tid: '0104', waitMode: 'KernelMode', waitTime: 990000 },
    { address: '87001000', process: '86000000', tid: '0108', state: 'Running', processor: 0 },
    { address: '87002000', process: '86000000', tid: '010c', waitMode: 'KernelMode', waitTime: 995000 },
    { address: '87003000', process: '86000000', tid: '0110', state: 'Ready' },
    { address: '87004000', process: '86000000', tid: '0114', state: 'Ready' },
  ],
  resources: [
    { address: '88000000', exclusiveOwner: '87001000', exclusiveWaiters: ['87000000'], exclusiveWaiterCount: 5, contentionCount: 40 },
    { address: '88000100', sharedOwners: ['87003000', '87004000'], sharedWaiters: ['87002000'] },
    { address: '88000200' },
  ],
};

describe.each(['xpsp3-x86', 'win10-19041-x86'])('ResourceReader.buildIndex on %s', (layout) => {
  const k = new KernelContext(snapshotTarget(scenarioSnapshot(SCENARIO, layout)));
  const index = ResourceReader.create(k)!.buildIndex();

  it('lists held or waited-on resources with their owners and counters, and skips idle ones', () => {
    expect([...index.byAddress.keys()].sort()).toEqual(['88000000', '88000100']);
    expect(index.byAddress.get('88000000')).toMatchObject({
      exclusive: true, exclusiveWaiters: 5, contentionCount: 40,
      owners: [{ thread: '87001000', mode: 'exclusive', ownerPointer: false }],
    });
    const shared = index.byAddress.get('88000100')!;
    expect(shared.exclusive).toBe(false);
    expect(shared.owners.map((o) => `${o.thread} ${o.mode}`).sort()).toEqual(['87003000 shared', '87004000 shared']);
  });

  it('leads each waiter to its resource, in the mode it waits', () => {
    // By waiter thread where the build has wait-chain entries, else by the object the waiter waits on.
    const byThread = index.byWaiterThread.size > 0;
    expect(byThread).toBe(layout.startsWith('win10'));
    const links = new Set<string>();
    (byThread ? index.byWaiterThread : index.byWaitObject).forEach((link) => links.add(`${link.resource.address} ${link.mode}`));
    expect([...links].sort()).toEqual(['88000000 exclusive', '88000100 shared']);
    if (byThread) {
      expect(index.byWaiterThread.get('87000000')).toMatchObject({ mode: 'exclusive', resource: { address: '88000000' } });
      expect(index.byWaiterThread.get('87002000')).toMatchObject({ mode: 'shared', resource: { address: '88000100' } });
    }
  });
});
