// LPC/ALPC hops and dead ends through the real bundle under every layout: the hop details and the
// dead-end texts a kernel engineer reads (what `!lpc message` / `!alpc /m` would have told them).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutsOf, runOnScenario } from '../../mocks/harness/run';
import { irqlReadable, lpcOnly, testLayoutsOf } from '../layoutMatrix';

const OWN = (name: string) => join(__dirname, '..', 'scenarios', `${name}.json`);
const legacy = (layout: string) => lpcOnly(layout);

interface Json {
  edges: { from: string; kind: string; object: string; to: string; detail: string }[];
  rootBlockers: { thread: string; description?: string }[];
  warnings: string[];
}

describe.each(testLayoutsOf(OWN('lpc-chain-deadlock')))('lpc-chain-deadlock on %s', (layout) => {
  const run = runOnScenario(OWN('lpc-chain-deadlock'), layout, '!waitchain');
  const json = run.json as Json;

  it('hops from the client to the server thread of its message, named by id (LPC) or address and id (ALPC)', () => {
    const hop = json.edges.find((h) => h.from === '87000000' && h.to === '87001000');
    expect(hop).toBeDefined();
    if (legacy(layout)) expect(hop).toMatchObject({ kind: 'lpc', object: '00000100', detail: 'served by broker.exe' });
    else {
      expect(hop!.kind).toBe('alpc');
      expect(hop!.detail).toBe('id 00000100, served by broker.exe');
    }
  });

  it('says why the unserved client leads nowhere: server, port, queue', () => {
    const line = run.output.split('\n').find((l) => l.startsWith('Longest waiter: 87008000'));
    if (legacy(layout)) expect(line).toContain('LPC message 0000010c to server.exe (port 89002000): no thread is serving it; still queued (1 message queued on the port)');
    else expect(line).toContain("1 message queued on server.exe's port 89002000, no thread working on them; 2 more received and not yet answered");
  });

  it('reads nothing as damaged', () => {
    // A kernel dump has no user memory: that is said once (a host fact, not damage). 24H2: processor IRQLs
    // cannot be read (its _KPCR does not embed the _KPRCB), and the bundle says so.
    expect(json.warnings.filter((w: string) => !/^user memory unreadable in/.test(w) && !(!irqlReadable(layout) && /IRQLs? unknown/.test(w)))).toEqual([]);
  });
});

describe.each(testLayoutsOf(OWN('lpc-unserved-exiting-server')))('lpc-unserved-exiting-server on %s', (layout) => {
  const run = runOnScenario(OWN('lpc-unserved-exiting-server'), layout, '!waitchain');

  it('names the exiting server, its port and the three queued requests', () => {
    const line = run.output.split('\n').find((l) => l.startsWith('Longest waiter: 87101000'))!;
    if (legacy(layout)) expect(line).toContain('LPC message 00000200 to svc.exe (port 89100000): no thread is serving it; still queued (3 messages queued on the port)');
    else expect(line).toContain("3 messages queued on svc.exe's port 89100000, no thread working on them");
    expect(line).toContain('svc.exe is exiting (1 thread left)');
  });
});

describe('lpc-unserved-exiting-server, thread scope (x86 layouts: the address needs no relocation)', () => {
  it.each(['xpsp3-x86', 'win7sp1-x86'])('says the server port of message 20c is unknown on %s', (layout) => {
    const run = runOnScenario(OWN('lpc-unserved-exiting-server'), layout, '!waitchain 0x87104000');
    expect(run.output).toMatch(legacy(layout) ? /LPC message 0000020c: no thread is serving it \(server port unknown/ : /ALPC message \S+ \(id 0000020c\) is on no port's queue/);
  });
});

describe('lpc-xp-near-misses-damage on xpsp3-x86', () => {
  const id = OWN('lpc-xp-near-misses-damage');
  it('finds the port from a tagged LpcWaitingOnPort and cuts the cyclic queue with a warning', () => {
    const run = runOnScenario(id, 'xpsp3-x86', '!waitchain');
    expect(run.output).toContain('LPC message 0000030c to srv.exe (port 89201000): no thread is serving it; still queued (at least 1 message queued on the port)');
    expect((run.json as Json).warnings).toContain('1 list cycle cut');
  });

  it('does not take a stale LpcReceivedMessageId (valid bit clear) for a server', () => {
    const run = runOnScenario(id, 'xpsp3-x86', '!waitchain 0x87200000');
    expect(run.output).toContain('LPC message 00000300 to srv.exe (port 89200000): no thread is serving it; still queued');
  });

  it('treats a wait on another thread\'s reply semaphore as an ordinary semaphore wait', () => {
    const run = runOnScenario(id, 'xpsp3-x86', '!waitchain 0x87204000');
    expect(run.output).toMatch(/Semaphore 872001f4/);
    expect(run.output).not.toMatch(/LPC message 00000308/);
  });
});

describe.each(testLayoutsOf(OWN('alpc-x64-chain-queue-damage')))('alpc-x64-chain-queue-damage on %s', (layout) => {
  const id = OWN('alpc-x64-chain-queue-damage');
  const json = runOnScenario(id, layout, '!waitchain').json as Json;

  it('ends the chain at the client of a message nobody picked up, with the port queue', () => {
    const root = json.rootBlockers.find((r) => r.thread === 'fffffa8002200000');
    expect(root!.description).toContain("57 messages queued on ServiceA.exe's port fffffa80`03a00000, no thread working on them");
  });

  it('counts the damage it stepped over', () => {
    expect(json.warnings).toEqual(expect.arrayContaining(['1 stale ALPC message', '1 object unreadable', '1 owner not found among threads']));
  });

  it.each([
    ['0xfffffa8002301000', "which now names waiter fffffa80`02300000: recycled or damaged"],
    ['0xfffffa8002302000', 'waiting for a reply to ALPC message fffff8a0`00103000, which is unreadable'],
    ['0xfffffa8002303000', 'served by thread fffffa80`02fff000, which is not a thread of any listed process'],
  ])('explains the dead end of %s', (thread, text) => {
    expect(runOnScenario(id, layout, `!waitchain ${thread}`).output).toContain(text);
  });
});

describe.each(testLayoutsOf('002-alpc-serviceA-372-narrative'))('seed 002-alpc-serviceA-372-narrative on %s', (layout) => {
  it.each([
    ['0xfffffa8003c4a060', "372 messages queued on ServiceA.exe's port fffffa80`03a55e30, no thread working on them; ServiceA.exe has no threads left"],
    ['0xfffffa8003b9d870', "201 messages queued on ServiceC.exe's port fffffa80`03c2bd70, no thread working on them"],
  ])('%s waits on a queue nobody works on', (thread, text) => {
    expect(runOnScenario('002-alpc-serviceA-372-narrative', layout, `!waitchain ${thread}`).output).toContain(text);
  });
});
