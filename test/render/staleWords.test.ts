// !stalecheck's words (src/render/staleWords.ts): every rule's facts render to a summary, evidence and a
// next command, in the words the bundle tests pin; a rule id without words does not compile.
import { describe, expect, it } from 'vitest';
import { RULE_IDS, type Finding, type FindingHeader, type RuleId, type ThreadFacts } from '../../src/analysis/stale/model';
import { findingWords, type FindingWriters } from '../../src/render/staleWords';

const thread = (address: string, more: Partial<ThreadFacts> = {}): ThreadFacts => ({
  address,
  processName: 'System',
  pid: 4,
  tid: 0x10,
  state: 'Waiting',
  waitReason: 'Executive',
  waitMode: 'KernelMode',
  alertable: false,
  terminated: false,
  waitObjects: ['89c0a3d8'],
  ...more,
});

type FindingOf<R extends RuleId> = FindingHeader & Extract<Finding, { rule: R }>;

/** One finding per rule: a rule id missing here fails to compile. */
const SAMPLES: { [R in RuleId]: FindingOf<R> } = {
  'stale-iosb': {
    rule: 'stale-iosb',
    severity: 'error',
    thread: '89c0a3d8',
    irp: '89d1a008',
    issuer: thread('89c0a3d8'),
    irpTarget: { kind: 'sent', majorFunction: 'IRP_MJ_WRITE', driverName: '\\FileSystem\\Ntfs' },
    pendingReturned: true,
    references: [
      {
        field: 'UserIosb',
        address: 'a9750cdc',
        kernelStack: true,
        reason: 'returned',
        severity: 'error',
        stackOwner: thread('89c0a3d8'),
        ownerIsIssuer: true,
        stackLimit: 'a974e000',
        stackBase: 'a9751000',
        userStack: false,
        sp: 'a9750d20',
        spSource: { kind: 'saved-kernel-stack' },
        frameState: 'returned',
        below: 0x44,
      },
    ],
  },
  'apc-to-nonalertable-waiter': {
    rule: 'apc-to-nonalertable-waiter',
    severity: 'warning',
    thread: '89c0a3d8',
    waiter: thread('89c0a3d8'),
    kernelApcPending: true,
    apcs: [{ address: '89d1a048', kernelRoutine: '80500000', routineName: 'nt!IopCompleteRequest', special: true, inserted: true }],
    match: { kind: 'candidates', count: 4 },
    irpCount: 4,
    irpsShown: [
      { address: '89d1a008', target: { kind: 'not-sent' }, userIosb: { address: 'a9750cdc', belowStackPointer: 0x44 } },
      { address: '89d1b008', target: { kind: 'completed-back' } },
      { address: '89d1c008', target: { kind: 'sent', majorFunction: 'IRP_MJ_READ', deviceObject: '89000000' } },
    ],
    waitIrql: 0,
    kernelApcDisable: 0,
    deliverable: undefined,
    corrupting: [],
  },
  'dispatch-level-spin': {
    rule: 'dispatch-level-spin',
    severity: 'error',
    thread: '89c0a3d8',
    spinner: '89c0a3d8',
    processor: 0,
    irql: 2,
    spinFrame: 'hal!KeAcquireInStackQueuedSpinLock+0x40',
    ticks: 1920,
    increment: 156250,
    kernelTime: 1900,
    long: true,
    lock: '8055b4c0',
    queued: {
      entry: 'a9750c00',
      source: { kind: 'own-stack', limit: 'a974e000', base: 'a9751000' },
      lockValue: '8055b4c1',
      flags: { kind: 'wait' },
      lock: '8055b4c0',
      tail: 'a9750c00',
      behind: 0,
      release: { kind: 'self', predecessor: 'a9750c40', predecessorLock: '8055b4c2', predecessorFlags: { kind: 'owner' } },
    },
    others: [],
    othersIdle: true,
    next: { kind: 'queue-entry', entry: 'a9750c00' },
  },
  'long-wait': {
    rule: 'long-wait',
    severity: 'warning',
    thread: '89c0a3d8',
    waiter: thread('89c0a3d8'),
    timedWait: true,
    ticks: 64000,
    increment: 156250,
    thresholdSeconds: 600,
    waitStart: 100,
    currentTick: 64100,
    group: { kind: 'no-stack', waitReason: 'WrLpcReply' },
    groupSize: 11,
    members: [{ address: '89c0b000', processName: 'a.exe', ticks: 64000 }],
    moreMembers: 2,
    stackNotResident: true,
    waitsOn: { state: 'other', name: 'Initialized' },
  },
  'orphaned-owner': {
    rule: 'orphaned-owner',
    severity: 'error',
    object: '88000100',
    lock: { kind: 'resource', address: '88000100', abandoned: false, guardedMutexType: '_KGUARDED_MUTEX', resource: { exclusive: true, activeCount: 1, exclusiveWaiters: 1, sharedWaiters: 0 } },
    orphans: [{ reason: { kind: 'not-a-thread', recorded: '87000000' }, recordedHolds: { kind: 'other', typeName: 'Event' } }],
    otherOwnersAlive: 1,
    waitersShown: [{ address: '89c0a3d8', processName: 'System' }],
    waiterCount: 1,
    carried: 1,
    shortThreadLists: { shown: [{ name: 'System', listed: 10, active: 12 }], more: 0 },
  },
  'unserved-message': {
    rule: 'unserved-message',
    severity: 'error',
    thread: '89c0a3d8',
    client: thread('89c0a3d8', { processName: 'ClientA.exe', waitReason: 'WrLpcReply' }),
    waitTicks: 64,
    waitStartAfterNow: false,
    increment: 156250,
    message: { kind: 'lpc', message: '007ade85', id: 0x7ade85, port: 'e1000000', queued: 1, stillQueued: true },
    server: { kind: 'listed', name: 'ServiceA.exe', threadsLeft: 1, dead: 'exiting' },
    portClients: 2,
  },
  'inconsistent-dump': {
    rule: 'inconsistent-dump',
    kind: 'waits-after-now',
    severity: 'info',
    thread: '89c0a3d8',
    currentTick: 1000,
    late: [{ thread: { address: '89c0a3d8', listed: { processName: 'System', pid: 4, tid: 0x10, state: 'Waiting' } }, waitStart: 1001, ahead: 1 }],
    count: 1,
  },
};

describe('!stalecheck words', () => {
  it('every rule id has words: a summary, evidence and a next command', () => {
    for (const id of RULE_IDS) {
      const w = findingWords(SAMPLES[id], 4);
      expect(w.summary, id).not.toBe('');
      expect(w.evidence.length, id).toBeGreaterThan(0);
      expect(w.next, id).toMatch(/^(!|dt |dp |\.process )/);
      for (const line of [w.summary, w.next, ...w.evidence]) expect(line, id).not.toMatch(/undefined|\[object Object\]/);
    }
  });

  it('stale-iosb: the seed 000 sentences', () => {
    const w = findingWords(SAMPLES['stale-iosb'], 4);
    expect(w.summary).toBe("IRP 89d1a008's IoStatusBlock lies in a returned frame of thread 89c0a3d8's kernel stack: its completion will write into dead stack");
    expect(w.evidence[0]).toBe('IRP 89d1a008 (IRP_MJ_WRITE to \\FileSystem\\Ntfs, PendingReturned) is on the IRP list of thread 89c0a3d8 (System), Waiting (Executive) on 89c0a3d8');
    expect(w.evidence[1]).toBe('UserIosb a9750cdc lies on the kernel stack of the issuing thread: [a974e000, a9751000), saved stack pointer (KernelStack) a9750d20');
    expect(w.evidence[2]).toBe('UserIosb is 0x44 bytes below the saved stack pointer: in a frame that has returned');
    expect(w.next).toBe('!irp 89d1a008');
  });

  it('apc-to-nonalertable-waiter: candidates, IRP targets, the cut list and unknown delivery', () => {
    const w = findingWords(SAMPLES['apc-to-nonalertable-waiter'], 8);
    expect(w.summary).toBe('I/O completion APC queued to thread 00000000`89c0a3d8 in a non-alertable wait, for one of 4 IRPs it is not waiting for');
    expect(w.evidence).toContain("the APC does not name its IRP; 4 IRPs on the thread's list are not waited for");
    expect(w.evidence.some((l) => l.startsWith('IRP 00000000`89d1a008 (not sent to a driver): UserIosb 00000000`a9750cdc (0x44 bytes below'))).toBe(true);
    expect(w.evidence.some((l) => l.startsWith('IRP 00000000`89d1c008 (IRP_MJ_READ to device 00000000`89000000)'))).toBe(true);
    expect(w.evidence).toContain('and 1 more IRPs');
    expect(w.evidence).toContain('WaitIrql 0, KernelApcDisable 0, SpecialApcDisable n/a: whether the kernel delivers it now is unknown');
  });

  it('dispatch-level-spin: a recursive acquisition', () => {
    const w = findingWords(SAMPLES['dispatch-level-spin'], 4);
    expect(w.summary).toBe('thread 89c0a3d8 spins for queued spin lock 8055b4c0, which it already holds itself (recursive acquisition): nothing can release it');
    expect(w.evidence[0]).toBe('running on processor 0 at IRQL 2 (DISPATCH_LEVEL) in hal!KeAcquireInStackQueuedSpinLock+0x40');
    expect(w.evidence).toContain('lock word 8055b4c0 = a9750c00: the tail of the queue is this entry');
    expect(w.evidence.some((l) => l.startsWith('its predecessor a9750c40 (Lock 8055b4c2: LOCK_QUEUE_OWNER, the holder)'))).toBe(true);
    expect(w.evidence).toContain('this is the only processor: nothing else runs to release the lock');
    expect(w.next).toBe('dt nt!_KSPIN_LOCK_QUEUE a9750c00');
  });

  it('long-wait: a group without stacks, plurals and the members cut', () => {
    const w = findingWords(SAMPLES['long-wait'], 4);
    expect(w.summary).toMatch(/^System 0004\.0010 has waited .* in a wait \(WrLpcReply\), kernel stack not resident \(group WrLpcReply, no stack: 11 long waits\)$/);
    expect(w.evidence[1]).toBe('Wait: Executive, KernelMode, not alertable, with a timeout');
    expect(w.evidence[3]).toBe('Blocking frame: none, kernel stack not resident');
    expect(w.evidence[4]).toMatch(/^Also in group WrLpcReply, no stack: 89c0b000 \(a\.exe, .*\), and 2 more$/);
    expect(findingWords({ ...SAMPLES['long-wait'], groupSize: 1, members: [], moreMembers: 0 }, 4).summary).toMatch(/: 1 long wait\)$/);
    const unknown = findingWords({ ...SAMPLES['long-wait'], group: { kind: 'unknown-code' }, frame: 'f6fb2044', groupSize: 1, members: [], moreMembers: 0 }, 4);
    expect(unknown.summary).toMatch(/ in unknown code \(group unknown code: 1 long wait\)$/);
    expect(unknown.evidence[4]).toBe('The only long wait in group unknown code');
  });

  it('orphaned-owner: an owner that is no thread, a lock that counts its waiters, short thread lists', () => {
    const w = findingWords(SAMPLES['orphaned-owner'], 4);
    expect(w.summary).toBe('ERESOURCE 88000100 is owned by 87000000, which is not a thread of any listed process; 1 waiter stuck');
    expect(w.evidence[0]).toBe('Lock: ERESOURCE 88000100, exclusive, ActiveCount 1, 1 exclusive and 0 shared waiters');
    expect(w.evidence).toContain('87000000 holds a Event now, no thread (freed and reused)');
    expect(w.evidence).toContain('1 other owner alive (shared owners can release only their own share)');
    expect(w.evidence).toContain('Caution: System lists 10 of its 12 threads: the owner may be among the threads not listed');
    expect(w.next).toBe('!locks 88000100');
    const guarded = { ...SAMPLES['orphaned-owner'], lock: { ...SAMPLES['orphaned-owner'].lock, kind: 'guarded-mutex' as const, resource: undefined, guardedMutexType: '_FAST_MUTEX' as const } };
    expect(findingWords(guarded, 4).next).toBe('dt nt!_FAST_MUTEX 88000100');
  });

  it('unserved-message: an exiting server', () => {
    const w = findingWords(SAMPLES['unserved-message'], 4);
    expect(w.summary).toBe("ClientA.exe waits for a reply to LPC message 007ade85 on ServiceA.exe's port e1000000, 1 queued: no server thread works on it (ServiceA.exe is exiting, 1 thread left)");
    expect(w.evidence).toContain('Port e1000000 of ServiceA.exe: 1 message queued (MsgQueue.ReceiveHead), this one still among them');
    expect(w.evidence).toContain('2 clients of this dump wait for replies on this port');
    expect(w.next).toBe('!lpc message 007ade85');
  });

  it('inconsistent-dump: each of its three kinds', () => {
    expect(findingWords(SAMPLES['inconsistent-dump'], 4).evidence).toEqual(['89c0a3d8 (System 0004.0010, Waiting): Wait Start 1001, 1 tick after the current tick 1000']);
    const conflicts = findingWords(
      {
        rule: 'inconsistent-dump',
        kind: 'running-conflicts',
        severity: 'info',
        conflicts: [
          { kind: 'processor-runs-other', processor: 0, current: { address: '80553d20' }, idle: true, rivals: [{ address: '89c0a3d8' }] },
          { kind: 'current-of-several', thread: { address: '89c0a3d8' }, processors: [0, 1] },
        ],
      },
      4,
    );
    expect(conflicts.summary).toMatch(/^threads and processors disagree about who is running \(2 conflicts\)/);
    expect(conflicts.evidence[0]).toBe('processor 0 runs its idle thread 80553d20, yet 89c0a3d8 (not a listed thread) claims to be Running on it');
    expect(conflicts.evidence[1]).toBe('89c0a3d8 (not a listed thread) is the current thread of processors 0 and 1 at once');
    const unlisted = findingWords({ rule: 'inconsistent-dump', kind: 'unlisted-current-threads', severity: 'info', processors: [{ number: 1, prcb: 'ffdff120', thread: '89c0a3d8', holds: { kind: 'unreadable' } }] }, 4);
    expect(unlisted.summary).toMatch(/^1 processor runs a thread that no listed process has/);
    expect(unlisted.next).toBe('!thread 89c0a3d8');
  });

  it('a rule id without words does not compile', () => {
    // @ts-expect-error 'inconsistent-dump' has no writer
    const missing: FindingWriters = {
      'stale-iosb': () => ({ summary: '', evidence: [], next: '' }),
      'apc-to-nonalertable-waiter': () => ({ summary: '', evidence: [], next: '' }),
      'dispatch-level-spin': () => ({ summary: '', evidence: [], next: '' }),
      'long-wait': () => ({ summary: '', evidence: [], next: '' }),
      'orphaned-owner': () => ({ summary: '', evidence: [], next: '' }),
      'unserved-message': () => ({ summary: '', evidence: [], next: '' }),
    };
    expect(Object.keys(missing)).not.toContain('inconsistent-dump');
  });
});
