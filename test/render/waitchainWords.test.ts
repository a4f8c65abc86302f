// The words of !waitchain's facts (src/render/waitchainWords.ts, src/render/vocabulary.ts): each typed
// fact the analysis returns reads as the reports have always printed it.
import { describe, expect, it } from 'vitest';
import type { Terminal } from '../../src/analysis/waits/terminals';
import type { DeadEndReason, Hop } from '../../src/analysis/waits/waitgraph';
import { lpcMessageId } from '../../src/analysis/waits/waitgraph';
import { hex4 } from '../../src/core/numbers';
import { formatTicks, lockStateText, messageIdText, threadId, threadLabel } from '../../src/render/vocabulary';
import { callText, deadEndText, hopDetail, hopObjectText, scopeErrorText, terminalText } from '../../src/render/waitchainWords';

const who = { processName: 'ProcessA.exe', pid: 0xabc, tid: 0x1f };

describe('thread labels and durations', () => {
  it('spells a thread one way in each of its three forms', () => {
    expect(threadLabel('87f0d790', who)).toBe('87f0d790 ProcessA.exe 0abc.001f');
    expect(threadLabel('87f0d790', who, 'verdict')).toBe('87f0d790 (ProcessA.exe 0abc.001f)');
    expect(threadLabel('87f0d790', who, 'short')).toBe('ProcessA.exe 0abc.001f');
    expect(threadLabel('87f0d790', undefined)).toBe('thread 87f0d790');
    expect(threadLabel('87f0d790', undefined, 'verdict')).toBe('87f0d790');
    expect(threadId(4, 0x10)).toBe('0004.0010');
    expect(hex4(0x12345)).toBe('12345');
  });

  it('writes tick counts as WinDbg does', () => {
    expect(formatTicks(711678, 156250)).toBe('0:03:05:19.968');
  });

  it('words lock words and message ids', () => {
    expect([lockStateText('held-exclusive'), lockStateText({ sharedBy: 1 }), lockStateText({ sharedBy: 3 }), lockStateText('unreadable')]).toEqual([
      'held exclusive', 'held shared by 1 thread', 'held shared by 3 threads', 'lock word unreadable',
    ]);
    expect(messageIdText(0x64a90f1)).toBe('064a90f1');
    expect(lpcMessageId(0x64a90f1)).toBe('064a90f1');
  });
});

describe('hops', () => {
  const at = { from: '87000000', to: '87001000' };
  it('names the object (an LPC hop by its message id) and words the evidence', () => {
    const lpc: Hop = { ...at, kind: 'lpc', messageId: lpcMessageId(0x7ade85), serverProcess: 'ProcessB.exe' };
    expect(hopObjectText(lpc, 4)).toBe('LPC message 007ade85');
    expect(hopDetail(lpc, 4)).toBe('served by ProcessB.exe');
    const process: Hop = { ...at, kind: 'process', object: '89000000', processName: 'ProcessC.EXE', exiting: true, threadsLeft: 1 };
    expect(hopDetail(process, 4)).toBe('ProcessC.EXE, exiting, 1 thread left');
    const resource: Hop = { ...at, kind: 'resource', object: '88000100', mode: 'exclusive', ownerPointer: '87001003', itself: true, resourceFrom: 'nt!ExpWaitForResource+0x2f' };
    expect(hopDetail(resource, 4)).toBe('exclusive owner (owner pointer 87001003, not a thread; actual thread 87001000), itself, resource from nt!ExpWaitForResource');
    const cs: Hop = { ...at, kind: 'critical-section', object: '7c980600', symbol: 'ntdll!LdrpLoaderLock', ownerTid: 0x3b3c, evidence: { by: 'frame', frame: 'ntdll!RtlEnterCriticalSection+0x10' } };
    expect(hopDetail(cs, 4)).toBe('ntdll!LdrpLoaderLock, owner tid 3b3c, section from ntdll!RtlEnterCriticalSection');
    const mutex: Hop = { ...at, kind: 'guarded-mutex', object: '88000200', recursive: true, countSaysFree: 1 };
    expect(`${hopObjectText(mutex, 4)} (${hopDetail(mutex, 4)})`).toBe('guarded mutex 88000200 (owner, itself (recursive acquire), Count 1 says free)');
  });
});

describe('dead ends', () => {
  it('builds the owner-is-no-thread sentence for every lock kind from one fact', () => {
    const base = { reason: 'owner-not-a-thread' as const, lock: '88000000', owner: '86000000' };
    const reasons: DeadEndReason[] = [
      { ...base, kind: 'mutant', abandoned: true },
      { ...base, kind: 'fast-mutex', waiters: undefined },
      { ...base, kind: 'resource', mode: 'shared', wanted: 'exclusive' },
      { ...base, kind: 'alpc', messageId: 0x1234 },
    ];
    expect(reasons.map((r) => deadEndText(r, 4))).toEqual([
      'mutant 88000000 owned by 86000000, which is not a thread of any listed process, abandoned',
      'fast mutex 88000000 (waiters: ?) owned by 86000000, which is not a thread of any listed process',
      'ERESOURCE 88000000 (exclusive waiter) shared owner 86000000, which is not a thread of any listed process',
      'ALPC message 88000000 (id 00001234) served by thread 86000000, which is not a thread of any listed process',
    ]);
  });

  it('words ownerless locks with their state and waiters', () => {
    expect(deadEndText({ reason: 'srw-lock-ownerless', lock: { address: '7ffd0000', symbol: 'app!g_Lock' }, state: 'held-exclusive', waiters: 2 }, 4)).toBe(
      'waits on SRW lock 7ffd0000 app!g_Lock (held exclusive, 2 waiters), owner not recorded',
    );
    expect(deadEndText({ reason: 'condition-variable', lockKind: 'srw-lock' }, 4)).toBe(
      'sleeps on condition variable at an address no wait block or frame records, slept on with a SRW lock; woken by whoever signals it',
    );
  });

  it('says what an unserved LPC request waits on, queue and server included', () => {
    const reason: DeadEndReason = {
      reason: 'lpc-unserved',
      messageId: lpcMessageId(0x1c),
      port: { port: 'e1000000', serverName: 'lsass.exe', queue: { count: 1, cut: false, stillQueued: true }, serverGone: { name: 'lsass.exe', exiting: true, threadsLeft: 2 } },
    };
    expect(deadEndText(reason, 4)).toBe('LPC message 0000001c to lsass.exe (port e1000000): no thread is serving it; still queued (1 message queued on the port); lsass.exe is exiting (2 threads left)');
  });
});

describe('chain ends', () => {
  it('words running, ready and waiting threads', () => {
    const running: Terminal = { state: 'running', running: { kind: 'on-processor', processor: 1, irql: 2, rivals: ['87000000'] } };
    expect(terminalText(running, 4)).toBe('running on processor 1 at IRQL 2; 87000000 also claims to be running on processor 1 (inconsistent dump)');
    expect(terminalText({ state: 'ready', priority: 9, processors: { kind: 'idle', processors: [0, 2] } }, 4)).toBe('ready (priority 9), while processors 0, 2 are idle');
    expect(terminalText({ state: 'ready', priority: 9, processors: { kind: 'all-busy', count: 1 } }, 4)).toBe('ready (priority 9), the only processor busy');
    const waiting: Terminal = {
      state: 'waiting',
      terminating: true,
      io: { remote: false, irps: [{ irp: '893a7470', majorFunction: 'IRP_MJ_DEVICE_CONTROL', device: '8a216f18' }], more: 2 },
      wait: { kind: 'objects', deadEnds: [], unexplained: [{ kind: 'SynchronizationEvent', object: '8a8d7438' }], waitReason: 'Executive', blockedIn: { frame: 'DriverA!Block+0x1b' } },
    };
    expect(terminalText(waiting, 4)).toBe(
      'terminating, waiting on SynchronizationEvent 8a8d7438, no known owner, blocked in DriverA!Block+0x1b; I/O pending: IRP 893a7470 IRP_MJ_DEVICE_CONTROL to an unreadable driver (device 8a216f18), and 2 more',
    );
    expect(callText({ frame: 'USER32!MessageBoxA+0x45', caller: 'app!Fail+0x10' })).toBe('USER32!MessageBoxA+0x45, called from app!Fail+0x10');
  });
});

describe('scope errors', () => {
  it('suggests what to type', () => {
    expect(scopeErrorText({ kind: 'not-a-thread', address: '4d2', decimal: { digits: '1234', meantHex: true } })).toBe(
      '4d2 is not a thread of any process in this dump; dx read 1234 as a decimal number: did you mean 0x1234? (type addresses as 0x1234, in quotes, or with a backtick)',
    );
    expect(scopeErrorText({ kind: 'no-process', match: { name: 'userinit' }, close: ['userinit.exe'] })).toBe(
      "no process matches 'userinit': did you mean -p userinit.exe? (names match whole, as !process 0 0 prints them; ImageFileName keeps 15 characters)",
    );
    expect(scopeErrorText({ kind: 'no-process', match: { pid: 0x1c } })).toBe('no process matches pid 1c');
  });
});
