// The critical-section rule through the bundle on the mock host: what its dead ends and hop details
// say (the scenario expect blocks check edges and counts; these check the words a report prints).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnScenario } from '../../../mocks/harness/run';

const scenario = (name: string) => join(__dirname, '..', '..', 'scenarios', `${name}.json`);
const NEAR = scenario('critsec-near-misses');

interface Json {
  edges: { from: string; kind: string; object: string; to: string; detail: string }[];
  waiterCounts: Record<string, number>;
  threads: Record<string, { waitReason: string }>;
}

describe.each(['xpsp3-x86', 'win7sp1-x86'])('near misses on %s', (layout) => {
  const about = (thread: string) => runOnScenario(NEAR, layout, `!waitchain 0x${thread}`).output;

  it('a free section named by the frame argument: no edge, says it is free', () => {
    expect(about('87400000')).toContain('critical section 20421000 is free');
  });

  it('an owner TID that is no thread of the process (reused elsewhere): names the process', () => {
    expect(about('87404000')).toContain('critical section 20423000 owned by tid 0a10, which is not a thread of near.exe (exited?)');
  });

  it('CS frames without arguments: no guess, the locked sections of the process instead (!cs -l -o -s)', () => {
    const text = about('87405000');
    expect(text).toContain('critical section wait (ntdll!RtlpWaitForCriticalSection+0x132), no frame argument names the section');
    expect(text).toContain('locked with waiters in near.exe: 20422000 (owner tid 0608 = 87401000, 3 waiters)');
  });

  it('waiters without a CS frame stay plain event waits', () => {
    expect(about('87402000')).toContain('waiting on SynchronizationEvent 88401000, no known owner');
    expect(about('87403000')).toContain('waiting on SynchronizationEvent 88402000, no known owner');
  });

  it('counts an unidentified wait on its event, not as a critical section', () => {
    expect(runOnScenario(NEAR, layout, '!waitchain').output).not.toContain('critical-section 88403000');
  });
});

// Windows 10/11 waiters block in NtWaitForAlertByThreadId; the evidence that named the section is said (mocks/builder/waitVariants.ts).
const EVIDENCE_BY_VARIANT: [string, string][] = [
  ['probed', ', section from the wait address'],
  ['alert-object-lockcount', ', section from the wait address'],
  ['alert-object-none', ', section from ntdll!RtlpWaitOnCriticalSection'],
  ['alert-object-none-no-args', ', the only locked section of svc64.exe with waiters (no wait address or frame argument names it)'],
  ['cs-semaphore', ''],
];
describe.each(['win10-19041-x64', 'win11-24h2-x64'])('x64 home space on %s', (layout) => {
  it.each(EVIDENCE_BY_VARIANT)('names the section by its symbol and the owner by its TID (wait variant %s)', (waitVariant, evidence) => {
    const json = runOnScenario(scenario('critsec-x64-home-space'), layout, '!waitchain', { waitVariant }).json as Json;
    expect(json.edges).toContainEqual({ from: 'ffffb00000201000', kind: 'critical-section', object: '7ff612340040', to: 'ffffb00000202000', detail: `svc64!g_lock, owner tid 090c${evidence}` });
    const waiter = json.threads['ffffb00000201000'];
    expect(waiter.waitReason).toBe(waitVariant === 'cs-semaphore' ? 'UserRequest' : 'WrAlertByThreadId');
  });
});

describe('seed 002-userinit (XP): the section is RtlEnterCriticalSection\'s argument', () => {
  it('follows ipnathlp!gFwMain and ntdll!FastPebLock to their owners', () => {
    const json = runOnScenario('002-userinit-lpc-cs-mup-coupled-machines', 'xpsp3-x86', '!waitchain').json as Json;
    expect(json.edges).toContainEqual({ from: '89b452e8', kind: 'critical-section', object: '664a3fe0', to: '898aa600', detail: 'ipnathlp!gFwMain, owner tid 09e8' });
    expect(json.edges).toContainEqual({ from: '898aa600', kind: 'critical-section', object: '7c980600', to: '89cd9c10', detail: 'ntdll!FastPebLock, owner tid 04a8' });
    expect(json.waiterCounts['7c980600']).toBe(16);
    expect(json.waiterCounts['664a3fe0']).toBe(6);
  });
});
