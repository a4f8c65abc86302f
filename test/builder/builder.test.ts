import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../mocks/format/snapshot';
import {
  buildSnapshot, loadScenario, relocateExpect, relocationFor, scenarioLayouts, snapshotToJson, validateScenario,
} from '../../mocks/builder/index';
import { SCENARIO_DIR, type Scenario } from '../../mocks/builder/scenario';
import { h, Reader } from './reader';
import { LAYOUTS } from '../../mocks/layouts';

const ids = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
const cache = new Map<string, Snapshot>();
function snap(id: string, layout: string): Snapshot {
  const key = `${id}@${layout}`;
  let s = cache.get(key);
  if (!s) { s = buildSnapshot(loadScenario(id), layout); cache.set(key, s); }
  return s;
}
const T = (r: Reader, s: Scenario, layout: string, a: string): bigint => h(relocationFor(s, layout)?.toTarget(a) ?? a);

function scenario(extra: Partial<Scenario> & Pick<Scenario, 'threads'>, arch: 'x86' | 'x64' = 'x86'): Scenario {
  return validateScenario({
    format: 'waitchain-scenario/1', id: 'inline', system: { arch, currentTick: 1000 },
    processes: [{ address: '86000000', name: 'App.exe', pid: '100' }],
    ...extra,
  });
}

/** Thread's first wait block object and the blocks' objects (ring or array). */
function waitObjects(r: Reader, thread: bigint): bigint[] {
  const first = r.get(thread, '_ETHREAD', 'Tcb.WaitBlockList');
  if (first === 0n) return [];
  const out: bigint[] = [];
  if (r.hasType('_KWAIT_BLOCK') && r.snap.types.nt!.find((t) => t.name === '_KWAIT_BLOCK')!.fields!.some((f) => f.name === 'NextWaitBlock')) {
    let b = first;
    do { out.push(r.get(b, '_KWAIT_BLOCK', 'Object')); b = r.get(b, '_KWAIT_BLOCK', 'NextWaitBlock'); } while (b !== first && out.length < 70);
  } else {
    const n = Number(r.get(thread, '_ETHREAD', 'Tcb.WaitBlockCount'));
    for (let i = 0; i < n; i++) out.push(r.get(first + BigInt(i * r.sizeOf('_KWAIT_BLOCK')), '_KWAIT_BLOCK', 'Object'));
  }
  return out;
}

describe('scenario builder: every fixture on every layout', () => {
  for (const id of ids) {
    const s = loadScenario(id);
    for (const layout of scenarioLayouts(s)) {
      it(`${id} on ${layout}`, () => {
        const sn = snap(id, layout);
        expect(sn.header.layout).toBe(layout);
        expect(sn.memory.length).toBeGreaterThan(0);
        const j = snapshotToJson(sn) as { memory: { hex?: string }[] };
        expect(typeof j.memory[0]!.hex).toBe('string');
        const r = new Reader(sn);
        // every scenario thread is a Thread object on its process's thread list
        for (const t of s.threads) {
          const a = T(r, s, layout, t.address);
          expect(r.get(a, '_ETHREAD', 'Tcb.Header.Type')).toBe(BigInt(r.enumValue('_KOBJECTS', 'ThreadObject')));
        }
        for (const p of s.processes) {
          const a = T(r, s, layout, p.address);
          expect(r.get(a, '_EPROCESS', 'Pcb.Header.Type')).toBe(BigInt(r.enumValue('_KOBJECTS', 'ProcessObject')));
        }
      });
    }
  }
});

describe('relocation', () => {
  it('round-trips kernel and user addresses and maps expect blocks', () => {
    const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
    const r = relocationFor(s, 'win10-19041-x64')!;
    expect(relocationFor(s, 'xpsp3-x86')).toBeNull();
    expect(r.toTarget('85b209d0')).toBe('ffffa0002d904e80');
    expect(r.toTarget('0032be30')).toBe('195f180');
    expect(r.toTarget('0')).toBe('0');
    expect(r.toTarget('0x80000000')).toBe('ffffa00000000000');
    for (const a of ['85b209d0', '80000000', 'ffffffff', '7ffe0000', '1', '0032be30']) {
      expect(r.toScenario(r.toTarget(a))).toBe(BigInt('0x' + a).toString(16));
    }
    expect(r.toScenario('ffffa00000000004')).toBeNull();
    expect(r.toScenario('fffff78000000000')).toBeNull();
    const e = relocateExpect(s.expect!, r) as { chains: string[][]; waiterCounts: Record<string, number>; rootBlockers: string[] };
    expect(e.chains[0]![0]).toBe(r.toTarget('87432520'));
    expect(e.waiterCounts[r.toTarget('85610d30')]).toBe(1);
    expect(relocateExpect({ ring: { array: '8b56f5d0.StateHistory' } }, r)).toEqual({ ring: { array: `${r.toTarget('8b56f5d0')}.StateHistory` } });
    const sn = snap('002-lpc-mutant-process-eresource-fastmutex', 'win10-19041-x64');
    expect(sn.header.relocation).toEqual({ kind: 'x86-to-x64', factor: 8, kernelBase: 'ffffa00000000000', userBase: '0' });
  });
});

describe('waits, mutants and processes', () => {
  for (const layout of ['xpsp3-x86', 'win7sp1-x86', 'win10-19041-x64', 'win11-24h2-x64']) {
    it(`002-lpc-mutant: mutant wait and owner on ${layout}`, () => {
      const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
      const r = new Reader(snap(s.id, layout));
      const A = (x: string): bigint => T(r, s, layout, x);
      expect(waitObjects(r, A('85b209d0'))).toEqual([A('85e9ba00')]);
      expect(r.get(A('85e9ba00'), '_KMUTANT', 'OwnerThread')).toBe(A('866d63e8'));
      expect(r.get(A('85e9ba00'), '_KMUTANT', 'Header.SignalState')).toBe(0n);
      // mutant on its owner's MutantListHead
      const owned = r.list(A('866d63e8') + r.off('_ETHREAD', 'Tcb.MutantListHead'));
      expect(owned).toEqual([A('85e9ba00') + r.off('_KMUTANT', 'MutantListEntry')]);
      // waiter reachable from the object: WaitListHead -> wait block -> Thread
      const blocks = r.list(A('85e9ba00') + r.off('_DISPATCHER_HEADER', 'WaitListHead'));
      expect(blocks.length).toBe(1);
      expect(r.get(blocks[0]! - r.off('_KWAIT_BLOCK', 'WaitListEntry'), '_KWAIT_BLOCK', 'Thread')).toBe(A('85b209d0'));
      // thread waiting on a process object points at the EPROCESS
      expect(waitObjects(r, A('866d63e8'))).toEqual([A('86b33b30')]);
      expect(r.get(A('866d63e8'), '_ETHREAD', 'Tcb.State')).toBe(BigInt(r.enumValue('_KTHREAD_STATE', 'Waiting')));
      // process list: all four processes on PsActiveProcessHead
      const head = r.symbol('nt', 'PsActiveProcessHead');
      const procs = r.list(head).map((e) => e - r.off('_EPROCESS', 'ActiveProcessLinks'));
      expect(procs.sort()).toEqual(s.processes.map((p) => A(p.address)).sort());
      // both thread lists of ProcessB hold its two threads
      const pb = A('87200880');
      expect(r.list(pb + r.off('_EPROCESS', 'ThreadListHead')).length).toBe(2);
      expect(r.list(pb + r.off('_EPROCESS', 'Pcb.ThreadListHead')).length).toBe(2);
      expect(r.get(A('866d63e8'), '_ETHREAD', 'Cid.UniqueThread')).toBe(0x3984n);
      expect(r.get(A('866d63e8'), '_ETHREAD', 'Tcb.WaitTime')).toBe(4755080n);
    });
  }

  it('wait blocks: ring on XP/Win7, array + WaitBlockCount on Win10', () => {
    const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
    const x = new Reader(snap(s.id, 'win7sp1-x86'));
    const b = x.get(h('85b209d0'), '_ETHREAD', 'Tcb.WaitBlockList');
    expect(b).toBe(h('85b209d0') + x.off('_ETHREAD', 'Tcb.WaitBlock'));
    expect(x.get(b, '_KWAIT_BLOCK', 'NextWaitBlock')).toBe(b);
    const w = new Reader(snap(s.id, 'win10-19041-x64'));
    const t = T(w, s, 'win10-19041-x64', '85b209d0');
    expect(w.get(t, '_ETHREAD', 'Tcb.WaitBlockCount')).toBe(1n);
    expect(w.get(t, '_ETHREAD', 'Tcb.WaitBlockList')).toBe(t + w.off('_ETHREAD', 'Tcb.WaitBlock'));
  });

  it('the process object type comes from the layout _KOBJECTS enum (ThreadedDpcObject is renumbered in 8.1)', () => {
    const xp = new Reader(snap('000-sftfs-stale-iosb-apc', 'win7sp1-x86'));
    const w10 = new Reader(snap('000-sftfs-stale-iosb-apc', 'win10-19041-x64'));
    expect(xp.enumValue('_KOBJECTS', 'ThreadedDpcObject')).not.toBe(w10.enumValue('_KOBJECTS', 'ThreadedDpcObject'));
    expect(xp.get(h('89b2e5a0'), '_EPROCESS', 'Pcb.Header.Type')).toBe(BigInt(xp.enumValue('_KOBJECTS', 'ProcessObject')));
  });

  it('timed waits add the thread timer block (WaitKey 0x102)', () => {
    const s = scenario({
      threads: [{ address: '86100000', process: '86000000', tid: '10', waits: [{ object: '86200000' }, { object: '86200100' }], timeout: true }],
      objects: [{ address: '86200000', type: 'SynchronizationEvent' }, { address: '86200100', type: 'Semaphore', count: 0, limit: 1 }],
    });
    for (const layout of ['xpsp3-x86', 'win10-19041-x64']) {
      const r = new Reader(buildSnapshot(s, layout));
      const t = T(r, s, layout, '86100000');
      const objs = waitObjects(r, t);
      expect(objs).toEqual([T(r, s, layout, '86200000'), T(r, s, layout, '86200100'), t + r.off('_ETHREAD', 'Tcb.Timer')]);
      const first = r.get(t, '_ETHREAD', 'Tcb.WaitBlockList');
      expect(r.get(first + BigInt(2 * r.sizeOf('_KWAIT_BLOCK')), '_KWAIT_BLOCK', 'WaitKey')).toBe(0x102n);
      expect(r.get(first + BigInt(1 * r.sizeOf('_KWAIT_BLOCK')), '_KWAIT_BLOCK', 'WaitKey')).toBe(1n);
    }
  });

  it('more than 3 wait objects use an allocated array', () => {
    const objs = ['86200000', '86200100', '86200200', '86200300', '86200400'];
    const s = scenario({
      threads: [{ address: '86100000', process: '86000000', waits: objs.map((o) => ({ object: o, waitType: 'WaitAll' as const })) }],
      objects: objs.map((o) => ({ address: o, type: 'NotificationEvent' })),
    });
    for (const layout of ['xpsp3-x86', 'win11-24h2-x64']) {
      const r = new Reader(buildSnapshot(s, layout));
      const t = T(r, s, layout, '86100000');
      expect(waitObjects(r, t)).toEqual(objs.map((o) => T(r, s, layout, o)));
      const first = r.get(t, '_ETHREAD', 'Tcb.WaitBlockList');
      expect(first < t || first >= t + BigInt(r.sizeOf('_ETHREAD'))).toBe(true);
      expect(r.get(first, '_KWAIT_BLOCK', 'WaitType')).toBe(BigInt(r.enumValue('_WAIT_TYPE', 'WaitAll')));
    }
  });
});

describe('critical sections', () => {
  const cs5 = (): Scenario => scenario({
    threads: [
      { address: '86100000', process: '86000000', tid: '44', state: 'Waiting' },
      { address: '86100800', process: '86000000', tid: '48' },
    ],
    criticalSections: [{ process: '86000000', address: '0032be30', owner: '86100800', recursionCount: 1, waiterCount: 5, waiters: ['86100000'], lockSemaphore: '624' }],
  });

  it('LockCount: XP raw counter vs inverted encoding from Vista on', () => {
    const s = cs5();
    const xp = new Reader(buildSnapshot(s, 'xpsp3-x86'));
    const w7 = new Reader(buildSnapshot(s, 'win7sp1-x86'));
    expect(xp.s(h('0032be30') + xp.off('_RTL_CRITICAL_SECTION', 'LockCount'), 4, '86000000')).toBe(5n);
    expect(w7.s(h('0032be30') + w7.off('_RTL_CRITICAL_SECTION', 'LockCount'), 4, '86000000')).toBe(-22n);
    expect(w7.get(h('0032be30'), '_RTL_CRITICAL_SECTION', 'OwningThread', '86000000')).toBe(0x48n);
    expect(w7.get(h('0032be30'), '_RTL_CRITICAL_SECTION', 'LockSemaphore', '86000000')).toBe(0x624n);
  });

  it('debug info is on the process copy of ntdll!RtlCriticalSectionList; the waiter can recover the CS from its stack', () => {
    const s = cs5();
    for (const layout of ['xpsp3-x86', 'win10-19041-x64']) {
      const sn = buildSnapshot(s, layout);
      const r = new Reader(sn);
      const proc = T(r, s, layout, '86000000').toString(16);
      const cs = T(r, s, layout, '0032be30');
      const head = r.symbol('ntdll', 'RtlCriticalSectionList');
      const entries = r.list(head, proc);
      expect(entries.length).toBe(1);
      const dbg = entries[0]! - r.off('_RTL_CRITICAL_SECTION_DEBUG', 'ProcessLocksList');
      expect(r.get(dbg, '_RTL_CRITICAL_SECTION_DEBUG', 'CriticalSection', proc)).toBe(cs);
      expect(r.get(cs, '_RTL_CRITICAL_SECTION', 'DebugInfo', proc)).toBe(dbg);
      const t = sn.threads.find((x) => x.address === T(r, s, layout, '86100000').toString(16))!;
      const f = t.frames.find((x) => /RtlpWait(For|On)CriticalSection/.test(x.text))!;
      const win10 = layout.startsWith('win10');
      expect(f.text).toBe(layout.startsWith('xp') ? 'ntdll!RtlpWaitForCriticalSection' : 'ntdll!RtlpWaitOnCriticalSection+0xfd');
      const arg0 = layout.endsWith('x64') ? r.p(h(f.stackOffset) + 8n, proc) : r.p(h(f.frameOffset) + 8n, proc);
      expect(arg0).toBe(cs);
      const tw = T(r, s, layout, '86100000');
      // Windows 10/11: NtWaitForAlertByThreadId, the wait block keeps the section's address (waitVariants.ts 'probed').
      expect(r.get(tw, '_ETHREAD', 'Tcb.WaitReason')).toBe(BigInt(r.enumValue('_KWAIT_REASON', win10 ? 'WrAlertByThreadId' : 'UserRequest')));
      expect(r.get(tw, '_ETHREAD', 'Tcb.WaitMode')).toBe(1n);
      if (win10) {
        expect(r.get(r.get(tw, '_ETHREAD', 'Tcb.WaitBlockList'), '_KWAIT_BLOCK', 'Object')).toBe(cs);
        expect(t.frames.map((x) => x.text.replace(/\+.*$/, '')).slice(0, 12)).toEqual([
          'nt!KiSwapContext', 'nt!KiSwapThread', 'nt!KiCommitThreadWait', 'nt!KeWaitForAlertByThreadId', 'nt!NtWaitForAlertByThreadId', 'nt!KiSystemServiceCopyEnd',
          'ntdll!NtWaitForAlertByThreadId', 'ntdll!RtlpWaitOnAddressWithTimeout', 'ntdll!RtlpWaitOnAddress', 'ntdll!RtlpWaitOnCriticalSection',
          'ntdll!RtlpEnterCriticalSectionContended', 'ntdll!RtlEnterCriticalSection',
        ]);
      }
      // TEB stack range covers the user frames
      const teb = r.get(tw, '_ETHREAD', 'Tcb.Teb');
      const base = r.get(teb, '_TEB', 'NtTib.StackBase', proc);
      const limit = r.get(teb, '_TEB', 'NtTib.StackLimit', proc);
      expect(h(f.stackOffset) >= limit && h(f.stackOffset) < base).toBe(true);
    }
  });

  it('wait variants: cs-semaphore keeps the event wait on Windows 10, alert-object-* change only KWAIT_BLOCK.Object', () => {
    const s = cs5();
    const layout = 'win10-19041-x64';
    const objectOf = (waitVariant: string) => {
      const sn = buildSnapshot(s, layout, { waitVariant });
      const r = new Reader(sn);
      const tw = T(r, s, layout, '86100000');
      return { r, reason: r.get(tw, '_ETHREAD', 'Tcb.WaitReason'), object: r.get(r.get(tw, '_ETHREAD', 'Tcb.WaitBlockList'), '_KWAIT_BLOCK', 'Object'), cs: T(r, s, layout, '0032be30') };
    };
    const old = objectOf('cs-semaphore');
    expect(old.reason).toBe(BigInt(old.r.enumValue('_KWAIT_REASON', 'UserRequest')));
    expect(old.object).not.toBe(old.cs);
    const lc = objectOf('alert-object-lockcount');
    expect(lc.reason).toBe(BigInt(lc.r.enumValue('_KWAIT_REASON', 'WrAlertByThreadId')));
    expect(lc.object).toBe(lc.cs + lc.r.off('_RTL_CRITICAL_SECTION', 'LockCount'));
    expect(objectOf('alert-object-none').object).toBe(0n);
    expect(() => buildSnapshot(s, layout, { waitVariant: 'no-such-variant' })).toThrow(/unknown wait variant/);
  });

  it('kernel dumps have no user memory', () => {
    const s = { ...cs5(), system: { arch: 'x86' as const, currentTick: 1, dumpKind: 'kernel' as const } };
    const sn = buildSnapshot(s, 'win7sp1-x86');
    expect(sn.memory.every((m) => m.process === undefined)).toBe(true);
  });
});

describe('LPC and ALPC', () => {
  it('XP: LPC ids on the ETHREADs, reply semaphore wait WrLpcReply', () => {
    const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
    const r = new Reader(snap(s.id, 'xpsp3-x86'));
    const client = h('87432520');
    expect(r.get(client, '_ETHREAD', 'LpcReplyMessageId')).toBe(0x7ade85n);
    expect(r.get(client, '_ETHREAD', 'Tcb.WaitReason')).toBe(BigInt(r.enumValue('_KWAIT_REASON', 'WrLpcReply')));
    expect(waitObjects(r, client)).toEqual([client + r.off('_ETHREAD', 'LpcReplySemaphore')]);
    const server = h('85b209d0');
    expect(r.get(server, '_ETHREAD', 'LpcReceivedMessageId')).toBe(0x7ade85n);
    expect(r.get(server, '_ETHREAD', 'LpcReceivedMsgIdValid')).toBe(1n);
    // the client's reply chain is on a port owned by the server process
    const port = r.get(client, '_ETHREAD', 'LpcWaitingOnPort');
    expect(r.get(port, '_LPCP_PORT_OBJECT', 'ServerProcess')).toBe(h('87200880'));
    expect(r.list(port + r.off('_LPCP_PORT_OBJECT', 'LpcReplyChainHead'))).toEqual([client + r.off('_ETHREAD', 'LpcReplyChain')]);
  });

  it('Win7: legacy LPC messages become ALPC messages', () => {
    const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
    const r = new Reader(snap(s.id, 'win7sp1-x86'));
    const client = h('87432520');
    const msg = r.get(client, '_ETHREAD', 'AlpcMessage');
    expect(msg).not.toBe(0n);
    expect(r.get(client, '_ETHREAD', 'AlpcMessageId')).toBe(0x7ade85n);
    expect(r.get(msg, '_KALPC_MESSAGE', 'PortMessage.MessageId')).toBe(0x7ade85n);
    expect(r.get(msg, '_KALPC_MESSAGE', 'WaitingThread')).toBe(client);
    expect(r.get(msg, '_KALPC_MESSAGE', 'ServerThread')).toBe(h('85b209d0'));
    const port = r.get(msg, '_KALPC_MESSAGE', 'PortQueue');
    expect(r.get(port, '_ALPC_PORT', 'OwnerProcess')).toBe(h('87200880'));
    // both ProcessB messages (007ade85 and the clientless 007a5051) are pending on that process's port
    expect(r.list(port + r.off('_ALPC_PORT', 'PendingQueue'))).toContain(msg + r.off('_KALPC_MESSAGE', 'Entry'));
    expect(r.get(port, '_ALPC_PORT', 'PendingQueueLength')).toBe(2n);
    expect(waitObjects(r, client)).toEqual([client + r.off('_ETHREAD', 'AlpcWaitSemaphore')]);
  });

  it('ALPC narrative: unserved messages on the main queue, MainQueueLength carries the stated length', () => {
    const s = loadScenario('002-alpc-serviceA-372-narrative');
    const r = new Reader(snap(s.id, 'win10-19041-x64'));
    const port = h('fffffa8003a55e30');
    expect(r.get(port, '_ALPC_PORT', 'MainQueueLength')).toBe(372n);
    expect(r.list(port + r.off('_ALPC_PORT', 'MainQueue'))).toEqual([h('fffff8a0012c4d50') + r.off('_KALPC_MESSAGE', 'Entry')]);
    expect(r.get(h('fffff8a0012c4d50'), '_KALPC_MESSAGE', 'ServerThread')).toBe(0n);
    expect(r.get(h('fffffa8003c4a060'), '_ETHREAD', 'AlpcMessage')).toBe(h('fffff8a0012c4d50'));
    const exiting = h('fffffa8004d21b30');
    expect(r.get(exiting, '_EPROCESS', 'ProcessExiting')).toBe(1n);
    expect(r.get(exiting, '_EPROCESS', 'ExitTime')).not.toBe(0n);
  });
});

describe('resources and fast mutexes', () => {
  it('XP: exclusive owner, waiter on the exclusive-waiters event (WrResource); fast mutex waiter on its Event', () => {
    const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
    const r = new Reader(snap(s.id, 'xpsp3-x86'));
    const res = h('85610d30');
    expect(r.get(res, '_ERESOURCE', 'Flag') & 0x80n).toBe(0x80n);
    expect(r.get(res, '_ERESOURCE', 'OwnerThreads[0].OwnerThread')).toBe(h('86ba5638'));
    expect(r.get(res, '_ERESOURCE', 'NumberOfExclusiveWaiters')).toBe(1n);
    expect(r.get(res, '_ERESOURCE', 'ContentionCount')).toBe(4n);
    const ev = r.get(res, '_ERESOURCE', 'ExclusiveWaiters');
    expect(waitObjects(r, h('85a6fdb0'))).toEqual([ev]);
    expect(r.list(r.symbol('nt', 'ExpSystemResourcesList'))).toEqual([res]);
    expect(waitObjects(r, h('86ba5638'))).toEqual([h('8944e3d4')]);
    expect(r.s(h('8944e3c8'), 4)).toBe(-1n); // XP fast mutex: owned with one waiter
  });

  it('Win10: waiter has a _KWAIT_CHAIN_ENTRY on its own kernel stack, chained from ExclusiveWaiters', () => {
    const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
    const layout = 'win10-19041-x64';
    const sn = snap(s.id, layout);
    const r = new Reader(sn);
    const A = (x: string): bigint => T(r, s, layout, x);
    const res = A('85610d30');
    const entry = r.get(res, '_ERESOURCE', 'ExclusiveWaiters');
    const waiter = A('85a6fdb0');
    expect(r.get(entry, '_KWAIT_CHAIN_ENTRY', 'Thread')).toBe(waiter);
    expect(r.get(entry, '_KWAIT_CHAIN_ENTRY', 'ListEntry.Flink')).toBe(0n);
    const cur = r.get(waiter, '_ETHREAD', 'Tcb.KernelStack');
    const base = r.get(waiter, '_ETHREAD', 'Tcb.StackBase');
    expect(entry >= cur && entry < base).toBe(true);
    expect(waitObjects(r, waiter)).toEqual([entry + r.off('_KWAIT_CHAIN_ENTRY', 'Event')]);
    expect(r.get(waiter, '_ETHREAD', 'Tcb.WaitReason')).toBe(BigInt(r.enumValue('_KWAIT_REASON', 'WrResource')));
    const f = sn.threads.find((t) => t.address === waiter.toString(16))!.frames.find((x) => x.text.startsWith('nt!ExpWaitForResource'))!;
    expect(r.p(h(f.stackOffset) + 8n)).toBe(res);
    // Vista+ fast mutex Count: locked with one waiter = 4
    expect(r.s(A('8944e3c8'), 4)).toBe(4n);
    expect(r.get(A('86ba5638'), '_ETHREAD', 'Tcb.WaitReason')).toBe(BigInt(r.enumValue('_KWAIT_REASON', 'WrFastMutex')));
  });
});

describe('frames, stacks, processors, time', () => {
  it('x86 EBP chain inside [KernelStack, StackBase)', () => {
    const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
    const sn = snap(s.id, 'xpsp3-x86');
    const r = new Reader(sn);
    const t = sn.threads.find((x) => x.address === '866d63e8')!;
    expect(t.frames.map((f) => f.text)).toEqual((s.threads[2]!.stack as string[]));
    const kf = t.frames.slice(0, 5);
    for (let i = 0; i < kf.length; i++) {
      const ebp = h(kf[i]!.frameOffset);
      expect(ebp >= h('ab458c60') && ebp < h('ab459000')).toBe(true);
      if (i + 1 < kf.length) {
        expect(r.p(ebp)).toBe(h(kf[i + 1]!.frameOffset));
        expect(r.p(ebp + 4n)).toBe(h(kf[i + 1]!.instructionOffset));
      }
    }
    // user frames on the user stack of the thread's process
    const uf = t.frames[5]!;
    expect(r.p(h(uf.frameOffset) + 4n, '87200880')).toBe(h(t.frames[6]!.instructionOffset));
    // KeWaitForSingleObject+0x346 = symbol + 0x346
    expect(h(t.frames[2]!.instructionOffset) - r.symbol('nt', 'KeWaitForSingleObject')).toBe(0x346n);
    // a non-resident stack: no frames and unreadable
    expect(sn.threads.find((x) => x.address === '87432520')!.frames).toEqual([]);
    expect(sn.unreadable!.some((u) => u.address === 'b6436000')).toBe(true);
  });

  it('processors: KiProcessorBlock -> KPRCB with CurrentThread, idle threads of an unlisted idle process', () => {
    const s = loadScenario('001-dispatch-level-spin-inqueued-lock');
    for (const layout of ['xpsp3-x86', 'win10-19041-x64']) {
      const r = new Reader(snap(s.id, layout));
      const block = r.symbol('nt', 'KiProcessorBlock');
      const p0 = r.p(block);
      const p1 = r.p(block + BigInt(r.ptr));
      expect(r.get(p0, '_KPRCB', 'CurrentThread')).toBe(T(r, s, layout, '830c07c0'));
      const idle1 = r.get(p1, '_KPRCB', 'IdleThread');
      expect(r.get(p1, '_KPRCB', 'CurrentThread')).toBe(idle1);
      const idleProc = r.get(idle1, '_ETHREAD', 'Tcb.ApcState.Process');
      const listed = r.list(r.symbol('nt', 'PsActiveProcessHead')).map((e) => e - r.off('_EPROCESS', 'ActiveProcessLinks'));
      expect(listed).not.toContain(idleProc);
      const np = r.symbol('nt', 'KeNumberProcessors');
      expect(r.u(np, 1)).toBe(2n);
      const t = T(r, s, layout, '830c07c0');
      expect(r.get(t, '_ETHREAD', 'Tcb.State')).toBe(2n);
      // in-stack queued spin lock: lock word = tail entry, waiter has LOCK_QUEUE_WAIT
      const lock = T(r, s, layout, '831dabf4');
      const tail = T(r, s, layout, 'a07be200');
      expect(r.p(lock)).toBe(tail);
      expect(r.get(tail, '_KLOCK_QUEUE_HANDLE', 'LockQueue.Lock')).toBe(lock | 1n);
      expect(r.get(T(r, s, layout, 'a07beb94'), '_KLOCK_QUEUE_HANDLE', 'LockQueue.Lock')).toBe(lock | 2n);
      expect(r.get(T(r, s, layout, 'a07beb94'), '_KLOCK_QUEUE_HANDLE', 'LockQueue.Next')).toBe(tail);
    }
  });

  it('ticks: KeTickCount (x86) and KUSER_SHARED_DATA', () => {
    const s = loadScenario('002-x64-wow64-short-wait-control');
    const r = new Reader(snap(s.id, 'win10-19041-x64'));
    const kusd = h('fffff78000000000');
    expect(r.get(kusd, '_KUSER_SHARED_DATA', 'TickCount.LowPart')).toBe(BigInt(s.system.currentTick));
    expect(r.u(r.symbol('nt', 'KeMaximumIncrement'), 4)).toBe(155981n);
    const x = new Reader(snap('002-lpc-mutant-process-eresource-fastmutex', 'xpsp3-x86'));
    expect(x.get(x.symbol('nt', 'KeTickCount'), '_KSYSTEM_TIME', 'LowPart')).toBe(4752980n);
  });
});

describe('objects, IRPs, devnodes, driver globals', () => {
  it('object headers: XP Type pointer; Win10 obfuscated TypeIndex', () => {
    const s = loadScenario('002-lpc-mutant-process-eresource-fastmutex');
    const xp = new Reader(snap(s.id, 'xpsp3-x86'));
    const hdr = h('85e9ba00') - xp.off('_OBJECT_HEADER', 'Body');
    const type = xp.get(hdr, '_OBJECT_HEADER', 'Type');
    expect(xp.unicode(type + xp.off('_OBJECT_TYPE', 'Name'))).toBe('Mutant');
    const layout = 'win10-19041-x64';
    const w = new Reader(snap(s.id, layout));
    const body = T(w, s, layout, '85e9ba00');
    const h2 = body - w.off('_OBJECT_HEADER', 'Body');
    const cookie = w.u(w.symbol('nt', 'ObHeaderCookie'), 1);
    const idx = w.get(h2, '_OBJECT_HEADER', 'TypeIndex') ^ cookie ^ ((h2 >> 8n) & 0xffn);
    const t2 = w.p(w.symbol('nt', 'ObTypeIndexTable') + idx * 8n);
    expect(w.unicode(t2 + w.off('_OBJECT_TYPE', 'Name'))).toBe('Mutant');
  });

  it('IRPs: stack locations in call order, current location, thread IRP list, device -> driver name', () => {
    const s = loadScenario('002-irp-anomaly-inconsistent-running');
    const r = new Reader(snap(s.id, 'xpsp3-x86'));
    const irp = h('8a3d3008');
    expect(r.get(irp, '_IRP', 'Type')).toBe(6n);
    expect(r.get(irp, '_IRP', 'StackCount')).toBe(5n);
    expect(r.get(irp, '_IRP', 'CurrentLocation')).toBe(1n);
    const cur = r.get(irp, '_IRP', 'Tail.Overlay.CurrentStackLocation');
    expect(cur).toBe(irp + BigInt(r.sizeOf('_IRP')));
    expect(r.get(cur, '_IO_STACK_LOCATION', 'MinorFunction')).toBe(52n);
    expect(r.get(cur, '_IO_STACK_LOCATION', 'Control') & 1n).toBe(1n);
    const dev = r.get(cur, '_IO_STACK_LOCATION', 'DeviceObject');
    expect(dev).toBe(h('8b1b8030'));
    const drv = r.get(dev, '_DEVICE_OBJECT', 'DriverObject');
    expect(r.unicode(drv + r.off('_DRIVER_OBJECT', 'DriverName'))).toBe('\\Driver\\Disk');
    const top = cur + BigInt(4 * r.sizeOf('_IO_STACK_LOCATION'));
    expect(r.get(top, '_IO_STACK_LOCATION', 'DeviceObject')).toBe(h('8b36b020'));
    const list = r.list(h('8b56cb10') + r.off('_ETHREAD', 'IrpList')).map((e) => e - r.off('_IRP', 'ThreadListEntry'));
    expect(list).toEqual(['8a3d3008', '8a3d4580', '8a403e00', '8a4047e0'].map(h));
    expect(r.get(h('8aa6ab28'), '_IRP', 'Tail.Overlay.Thread')).toBe(0n);
  });

  it('stale IOSB fixture: UserIosb and queued special kernel APC', () => {
    const s = loadScenario('000-sftfs-stale-iosb-apc');
    const r = new Reader(snap(s.id, 'win7sp1-x86'));
    expect(r.get(h('89d1a008'), '_IRP', 'UserIosb')).toBe(h('a9750cdc'));
    expect(r.get(h('89d1a008'), '_IRP', 'PendingReturned')).toBe(1n);
    const t = h('89c0a3d8');
    const apcs = r.list(t + r.off('_ETHREAD', 'Tcb.ApcState.ApcListHead[0]'));
    expect(apcs.length).toBe(1);
    const apc = apcs[0]! - r.off('_KAPC', 'ApcListEntry');
    expect(r.get(apc, '_KAPC', 'KernelRoutine')).toBe(r.symbol('nt', 'IopCompleteRequest'));
    expect(r.get(apc, '_KAPC', 'NormalRoutine')).toBe(0n);
    expect(r.get(t, '_ETHREAD', 'Tcb.ApcState.KernelApcPending')).toBe(1n);
    expect(r.get(t, '_ETHREAD', 'Tcb.Alertable')).toBe(0n);
  });

  it('devnode StateHistory in slot order with StateHistoryEntry', () => {
    const s = loadScenario('004-devnode-pnp-state-history-wrapped');
    for (const layout of ['xpsp3-x86', 'win10-19041-x64']) {
      const r = new Reader(snap(s.id, layout));
      const d = T(r, s, layout, '8b56f5d0');
      const hist = r.field('_DEVICE_NODE', 'StateHistory');
      const names = Object.fromEntries(Object.entries(r.snap.types.nt!.find((t) => t.name === '_PNP_DEVNODE_STATE')!.values!).map(([k, v]) => [v, k]));
      const slots = Array.from({ length: 20 }, (_, i) => names[Number(r.u(d + BigInt(hist.offset + 4 * i), 4))]);
      expect(slots).toEqual(s.devnodes![0]!.stateHistory);
      expect(r.get(d, '_DEVICE_NODE', 'StateHistoryEntry')).toBe(7n);
      const root = r.p(r.symbol('nt', 'IopRootDeviceNode'));
      expect(r.get(root, '_DEVICE_NODE', 'Child')).toBe(d);
      expect(r.unicode(d + r.off('_DEVICE_NODE', 'InstancePath'))).toBe(s.devnodes![0]!.instancePath);
    }
  });

  it('driver globals: typed ring buffer with symbolic and address values', () => {
    const s = loadScenario('004-codemachine-circular-trace-buffers');
    for (const layout of ['xpsp3-x86', 'win10-19041-x64']) {
      const r = new Reader(snap(s.id, layout));
      const hist = r.symbol('mydriver', 'g_History');
      const es = r.sizeOf('_MY_HISTORY');
      expect(es).toBe(r.ptr);
      expect(r.p(hist + BigInt(6 * es))).toBe(T(r, s, layout, '89f06008'));
      expect(r.u(r.symbol('mydriver', 'g_Index'), 4)).toBe(13n);
      const bt = r.symbol('mydriver', 'g_BackTraceHistory');
      const addr0 = r.p(bt + BigInt(r.sizeOf('_MY_BACKTRACE_ENTRY')) + r.off('_MY_BACKTRACE_ENTRY', 'Address'));
      expect(addr0 - r.symbol('mydriver', 'MyReferenceContext')).toBe(0x1en);
      const cache = r.symbol('mydriver', 'g_MyStructCache');
      expect(r.u(cache + r.off('_MY_STRUCT', 'State'), 4)).toBe(2n);
    }
  });
});

describe('validation and overlap detection', () => {
  it('names the offending field', () => {
    expect(() => validateScenario({ format: 'waitchain-scenario/1', id: 'x', system: { arch: 'x86', currentTick: 1 }, processes: [], threads: [{ address: 'zz', process: '1' }] }))
      .toThrow(/threads\[0\]\.address/);
    expect(() => validateScenario({ format: 'waitchain-scenario/1', id: 'x', system: { arch: 'x86' }, processes: [], threads: [] }))
      .toThrow(/system\.currentTick/);
  });

  it('normalises 0x and backtick spellings', () => {
    const s = scenario({ threads: [{ address: '0x86100000', process: '86000000' }], objects: [{ address: '86200`000', type: 'Gate' }] });
    expect(s.threads[0]!.address).toBe('86100000');
    expect(s.objects![0]!.address).toBe('86200000');
  });

  it('throws on overlapping structures, naming both', () => {
    const s = scenario({
      threads: [{ address: '86100000', process: '86000000' }, { address: '86100010', process: '86000000' }],
    });
    expect(() => buildSnapshot(s, 'xpsp3-x86')).toThrow(/threads\[1\].*overlaps threads\[0\]/);
    const o = scenario({ threads: [{ address: '86100000', process: '86000000' }], objects: [{ address: '86100040', type: 'NotificationEvent' }] });
    expect(() => buildSnapshot(o, 'win7sp1-x86')).toThrow(/objects\[0\].*overlaps threads\[0\]/);
  });
});

describe('corruption', () => {
  const base = (corruption: Scenario['corruption']): Scenario => scenario({
    threads: [
      { address: '86100000', process: '86000000', tid: '10', waits: [{ object: '86200000' }] },
      { address: '86100800', process: '86000000', tid: '14' },
      { address: '86101000', process: '86000000', tid: '18' },
    ],
    objects: [{ address: '86200000', type: 'NotificationEvent' }],
    corruption,
  });

  it('pointer: overwrites a field of the structure at that address (Tcb fields by their short name)', () => {
    const r = new Reader(buildSnapshot(base([{ kind: 'pointer', at: '86100000.WaitBlockList', value: 'deadbeef' }]), 'win7sp1-x86'));
    expect(r.get(h('86100000'), '_ETHREAD', 'Tcb.WaitBlockList')).toBe(h('deadbeef'));
  });

  it('listCycle: the list loops without returning to its head', () => {
    const r = new Reader(buildSnapshot(base([{ kind: 'listCycle', list: '86000000.ThreadListHead' }]), 'xpsp3-x86'));
    const head = h('86000000') + r.off('_EPROCESS', 'ThreadListHead');
    const first = r.p(head);
    let e = first;
    const seen = new Set<bigint>();
    for (let i = 0; i < 10; i++) { seen.add(e); e = r.p(e); expect(e).not.toBe(head); }
    expect(seen.size).toBe(3);
  });

  it('unreadable and truncate become snapshot.unreadable ranges', () => {
    const sn = buildSnapshot(base([{ kind: 'unreadable', address: '86100800', size: 16 }, { kind: 'truncate', above: '86200000' }]), 'xpsp3-x86');
    expect(sn.unreadable).toContainEqual({ address: '86100800', size: 16 });
    expect(sn.unreadable!.some((u) => u.address === '86200000' && u.size > 0)).toBe(true);
    const rel = buildSnapshot(base([{ kind: 'unreadable', address: '86100800', size: 16 }]), 'win10-19041-x64');
    expect(rel.unreadable).toContainEqual({ address: 'ffffa00030804000', size: 128 });
  });
});

describe('SRW locks, address waits and lock entries (issue 15)', () => {
  const srw = (): Scenario => loadScenario(join(__dirname, '..', 'scenarios', 'srw-pileup-driver-stuck.json'));
  it('Windows 10: the lock word says held + waiting; each waiter waits WrAlertByThreadId with the lock in its wait block', () => {
    const s = srw();
    const layout = 'win10-19041-x64';
    const r = new Reader(buildSnapshot(s, layout));
    const proc = T(r, s, layout, '86001000').toString(16);
    const lock = T(r, s, layout, '00408000');
    const word = r.p(lock, proc);
    expect(word & 0xfn).toBe(0x3n);
    expect(r.p(T(r, s, layout, '00408010'), proc)).toBe((2n << 4n) | 1n);
    const w = T(r, s, layout, '87001000');
    expect(r.get(w, '_ETHREAD', 'Tcb.WaitReason')).toBe(BigInt(r.enumValue('_KWAIT_REASON', 'WrAlertByThreadId')));
    expect(r.get(r.get(w, '_ETHREAD', 'Tcb.WaitBlockList'), '_KWAIT_BLOCK', 'Object')).toBe(lock);
  });

  it('Windows 7: WrKeyedEvent on the thread\'s own KeyedWaitSemaphore, KeyedWaitValue a stack wait block (not the lock)', () => {
    const s = srw();
    const layout = 'win7sp1-x86';
    const r = new Reader(buildSnapshot(s, layout));
    const w = T(r, s, layout, '87001000');
    expect(r.get(w, '_ETHREAD', 'Tcb.WaitReason')).toBe(BigInt(r.enumValue('_KWAIT_REASON', 'WrKeyedEvent')));
    const first = r.get(w, '_ETHREAD', 'Tcb.WaitBlockList');
    expect(r.get(first, '_KWAIT_BLOCK', 'Object')).toBe(w + r.off('_ETHREAD', 'KeyedWaitSemaphore'));
    const key = r.get(w, '_ETHREAD', 'KeyedWaitValue');
    expect(key).not.toBe(0n);
    expect(key).not.toBe(T(r, s, layout, '00408000'));
  });

  it('XP has no SRW locks: not laid out', () => {
    const sn = buildSnapshot({ ...srw(), system: { ...srw().system, layouts: undefined } } as Scenario, 'xpsp3-x86');
    expect((sn.notes || []).some((n) => /SRW locks do not exist on xpsp3-x86/.test(n))).toBe(true);
  });

  it('lock entries are laid out wherever the layout has them (probed: ETHREAD or KTHREAD array, entry order per build); 24H2 has none', () => {
    const s = loadScenario(join(__dirname, '..', 'scenarios', 'pushlock-autoboost-owners.json'));
    const withEntries = Object.keys(LAYOUTS).filter((name) => {
      const thread = (t: string) => LAYOUTS[name]!.types.nt.find((d) => d.name === t)?.fields?.find((f) => f.name === 'LockEntries');
      return [thread('_ETHREAD'), thread('_KTHREAD')].some((f) => f && /^_KLOCK_ENTRY\[\d+\]$/.test(f.type));
    });
    // The scenario allows exactly the layouts whose threads keep lock entries (8 to 11 21H2 in the real tables).
    expect([...(s.system.layouts ?? [])].sort()).toEqual([...withEntries].sort());
    expect(withEntries).toEqual(expect.arrayContaining(['win8-9200-x86', 'win81-9600-x64', 'win10-14393-x64', 'win10-19041-x64', 'win11-22000-x64']));
    for (const layout of withEntries) {
      const r = new Reader(buildSnapshot(s, layout));
      const path = r.hasType('_KLOCK_ENTRY') && (() => { try { r.field('_ETHREAD', 'LockEntries'); return 'LockEntries'; } catch { return 'Tcb.LockEntries'; } })();
      expect(path, layout).toBeTruthy();
      const entry = (t: string) => T(r, s, layout, t) + r.off('_ETHREAD', path as string);
      const has = (f: string) => { try { r.field('_KLOCK_ENTRY', f); return true; } catch { return false; } };
      const lockOf = (t: string) => r.get(entry(t), '_KLOCK_ENTRY', 'LockUnsafe') & ~3n;
      expect(lockOf('87001000'), layout).toBe(T(r, s, layout, '88000000'));
      expect(r.get(entry('87001000'), '_KLOCK_ENTRY', has('AcquiredBit') ? 'AcquiredBit' : 'AcquiredByte'), layout).toBe(1n);
      expect(lockOf('87000000'), layout).toBe(T(r, s, layout, '88000000'));
      const waiting = has('WaitingBit') ? 'WaitingBit' : has('WaitingByte') ? 'WaitingByte' : 'LockState.Waiting';
      expect(r.get(entry('87000000'), '_KLOCK_ENTRY', waiting), layout).toBe(1n);
      // 10 2004..Server 2022: KTHREAD.LockEntries points at the ETHREAD array.
      const tcb = (() => { try { return r.field('_ETHREAD', 'Tcb.LockEntries'); } catch { return undefined; } })();
      // Set for every thread (the kernel does it at thread initialisation), not only for lock owners.
      if (path === 'LockEntries' && tcb && tcb.type.endsWith('*')) {
        expect(r.get(T(r, s, layout, '87001000'), '_ETHREAD', 'Tcb.LockEntries'), layout).toBe(entry('87001000'));
        const other = loadScenario(join(__dirname, '..', 'scenarios', 'resource-shared-owners-chain.json'));
        const ro = new Reader(buildSnapshot({ ...other, system: { ...other.system, layouts: undefined } } as Scenario, layout));
        const t = T(ro, other, layout, '87003000');
        expect(ro.get(t, '_ETHREAD', 'Tcb.LockEntries'), layout).toBe(t + ro.off('_ETHREAD', 'LockEntries'));
      }
    }
    // 22000 reordered the entry (LockState first), 19041 has it at 0x20: both from the real tables.
    expect(LAYOUTS['win11-22000-x64']!.types.nt.find((d) => d.name === '_KLOCK_ENTRY')!.fields!.find((f) => f.name === 'LockUnsafe')!.offset).toBe(0);
    expect(LAYOUTS['win10-19041-x64']!.types.nt.find((d) => d.name === '_KLOCK_ENTRY')!.fields!.find((f) => f.name === 'LockUnsafe')!.offset).toBe(0x20);
    const none = buildSnapshot({ ...s, system: { ...s.system, layouts: undefined } } as Scenario, 'win11-24h2-x64');
    expect((none.notes || []).some((n) => /keeps no AutoBoost lock entries/.test(n))).toBe(true);
  });
});
