// Locks whose own counters carry waiters the dump does not show make their owners root blockers
// ("counts the lock carries for waiters the dump does not show"): a critical section's LockCount
// (seed 002 high contention: 52) and an ERESOURCE's waiter counters (seed 002 busy system: 3591, owner READY).
import { describe, expect, it } from 'vitest';
import { runOnScenario } from '../../mocks/harness/run';
import { testLayoutsOf } from '../layoutMatrix';

interface Json {
  rootBlockers: { thread: string; holds?: { lock: string; kind: string; waiters: number }[] }[];
  waiterCounts: Record<string, number>;
}

describe.each([
  ['002-busy-system-eresource-ready-owner', '83b46db0', 'bae016a0', 'resource', 3591],
  ['002-cs-high-contention-sleeping-owner', '86396db0', '0032be30', 'critical-section', 52],
])('%s', (id, owner, lock, kind, waiters) => {
  it.each(testLayoutsOf(id))('%s: the owner is the root blocker, holding the lock with its counted waiters', (layout) => {
    const run = runOnScenario(id, layout, '!waitchain');
    const json = run.json as Json;
    expect(json.rootBlockers[0].thread).toBe(owner);
    const canonical = (a: string) => a.replace(/^0+(?=[0-9a-f])/, '');
    expect(json.rootBlockers[0].holds!.map((h) => ({ ...h, lock: canonical(h.lock) }))).toContainEqual({ lock: canonical(lock), kind, waiters });
    expect(json.waiterCounts[lock] ?? json.waiterCounts[canonical(lock)]).toBe(waiters);
    expect(run.output.split('\n')[0]).toMatch(new RegExp(`^ROOT BLOCKER: thread ${owner} .*holds .* with ${waiters} waiters$`));
  });
});
