// !stalecheck's long-wait, orphaned-owner, unserved-message and inconsistent-dump rules through the
// real bundle: the -t option, and the fields and evidence a finding carries.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutsOf, runOnScenario } from '../../mocks/harness/run';

const own = (name: string) => join(__dirname, '..', 'scenarios', `${name}.json`);

interface Finding {
  rule: string;
  severity: string;
  summary: string;
  thread?: string;
  object?: string;
  evidence: string[];
  next: string;
}

function findings(id: string, layout: string, command = '!stalecheck'): Finding[] {
  const r = runOnScenario(id, layout, command);
  expect(r.error).toBeUndefined();
  return (r.json as { findings: Finding[] }).findings;
}

describe('long-wait', () => {
  const id = own('longwait-groups-idle-near-misses');
  it.each(layoutsOf(id))('-t moves the threshold (%s)', (layout) => {
    const at = (t: number) => findings(id, layout, `!stalecheck "-r long-wait -t ${t}"`).map((f) => f.thread);
    // 87010000 waited 300 ticks (4.687 s): past a 4 s threshold, not a 5 s one
    expect(at(4)).toContain('87010000');
    expect(at(5)).not.toContain('87010000');
    // idle waits stay idle whatever the threshold
    for (const idle of ['87012000', '87013000', '87014000', '87015000']) expect(at(0)).not.toContain(idle);
  });

  it('groups by blocking module and names the group in each finding', () => {
    const all = findings(id, 'win7sp1-x86', '!stalecheck "-r long-wait"');
    const driverX = all.filter((f) => /group DriverX: 2 long waits/.test(f.summary));
    expect(driverX.map((f) => f.thread)).toEqual(['87000000', '87001000']);
    const appDll = all.find((f) => f.thread === '87002000')!;
    expect(appDll.summary).toMatch(/in AppDll \(group AppDll: 1 long wait\)/);
    expect(appDll.evidence).toContain('Blocking frame: AppDll!WaitForConfig+0x86');
    expect(appDll.severity).toBe('warning');
    expect(appDll.next).toBe('!thread 87002000');
  });
});

describe('orphaned-owner', () => {
  const id = own('orphan-owners-near-misses');
  it.each(layoutsOf(id))('is an error with waiters, a warning without (%s)', (layout) => {
    const byObject = new Map(findings(id, layout, '!stalecheck "-r orphaned-owner"').map((f) => [f.object, f]));
    expect(byObject.get('88000100')!.severity).toBe('error');
    expect(byObject.get('88000200')!.severity).toBe('warning');
    expect(byObject.get('88001000')!.next).toBe('!locks 88001000');
    expect(byObject.get('88000000')!.next).toBe('dt nt!_KMUTANT 88000000');
    expect(byObject.get('20001000')!.next).toBe('.process /r /p 86000000; !cs 20001000');
  });
});

describe('unserved-message', () => {
  it('seed 002: queue lengths per port, an error for a server with no threads left', () => {
    const all = findings('002-alpc-serviceA-372-narrative', 'win10-19041-x64', '!stalecheck "-r unserved-message"');
    const c = all.find((f) => f.thread === 'fffffa8003c4a060')!;
    expect(c.severity).toBe('error');
    expect(c.object).toBe('fffff8a0012c4d50');
    expect(c.next).toBe('!alpc /m fffff8a0`012c4d50');
    expect(c.evidence.join('\n')).toMatch(/372 messages queued \(MainQueueLength\)/);
    const b = all.find((f) => f.thread === 'fffffa8003b9d870')!;
    expect(b.severity).toBe('warning');
    expect(b.evidence.join('\n')).toMatch(/201 messages queued/);
  });

  it('legacy LPC: the object is the message id, the next command !lpc message', () => {
    const all = findings(own('unserved-lpc-queues'), 'xpsp3-x86', '!stalecheck "-r unserved-message"');
    const f = all.find((x) => x.thread === '87002000')!;
    expect(f.object).toBe('00000108');
    expect(f.next).toBe('!lpc message 00000108');
    expect(f.severity).toBe('error');
  });
});

describe('inconsistent-dump', () => {
  it('seed 002-irp-anomaly: two threads on processor 0 and Wait Starts 190 ticks ahead', () => {
    for (const layout of layoutsOf('002-irp-anomaly-inconsistent-running')) {
      const all = findings('002-irp-anomaly-inconsistent-running', layout, '!stalecheck "-r inconsistent-dump"');
      expect(all.map((f) => f.severity)).toEqual(['info', 'info']);
      expect(all[0].thread).toBe('8b56cb10');
      expect(all[0].evidence[0]).toMatch(/^processor 0 runs its idle thread 8089d8c0, yet 8b56cb10 .* claims to be Running on it$/);
      expect(all[1].evidence).toHaveLength(3);
      expect(all[1].evidence.every((e) => / 190 ticks after the current tick 24437545$/.test(e))).toBe(true);
    }
  });
});
