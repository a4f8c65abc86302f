// Push-lock owners from AutoBoost lock entries on every layout whose threads keep them (issue 15): the builder
// lays the entries out where the generated layout has them (ETHREAD or KTHREAD array, per-build entry order and
// flag fields), and the bundle reads them by probing; a waiter's lock comes from its own waiting entry, not only
// from its acquire frame's argument (Windows 8 / 8.1 mark waiting in LockState's own bit 0).
import { describe, expect, it } from 'vitest';
import { runOnScenario } from '../../mocks/harness/run';
import { testLayoutsOf } from '../layoutMatrix';

describe.each(testLayoutsOf('pushlock-autoboost-owners'))('push-lock owners from lock entries on %s', (layout) => {
  it('each waiter names its owner from the entries; its lock comes from its own waiting entry', () => {
    const out = runOnScenario('pushlock-autoboost-owners', layout, '!waitchain').output;
    const hop = out.split('\n').find((l) => l.includes('<- 87000000') && l.includes('waits on push lock'));
    expect(hop, out).toBeDefined();
    expect(hop).toContain('waits on push lock 88000000 (held, AutoBoost lock entry)');
    // Read from the frame argument instead, the hop would say "lock from ExfAcquirePushLock...".
    expect(hop).not.toContain('lock from');
    expect(out).toContain('waits on push lock 88000100 (held, AutoBoost lock entry, shared by 87002000 and 87003000)');
    expect(out).toMatch(/push lock 88000200.* \(held\), owner not recorded: no thread's AutoBoost lock entries hold it/);
    expect(out).not.toContain('keep no AutoBoost lock entries');
  });
});

describe.each(testLayoutsOf('pushlock-no-lock-entries'))('no lock entries on %s', (layout) => {
  it('every waited push lock says owner not recorded, with the reason', () => {
    const out = runOnScenario('pushlock-no-lock-entries', layout, '!waitchain').output;
    expect(out).toContain("owner not recorded (this build's threads keep no AutoBoost lock entries)");
    expect(out).not.toContain('AutoBoost lock entry)');
  });
});
