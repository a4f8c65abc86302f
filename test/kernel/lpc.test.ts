import { describe, expect, it } from 'vitest';
import { StructView } from '../../src/core/struct';
import type { FieldLayout, TypeLayout } from '../../src/core/target';
import { hex8 } from '../../src/core/addr';
import { buildLpcIndex, decodeWaitingOnPort, lpcFacts, LpcPortReader, replyChainHead } from '../../src/kernel/lpc';
import { entries, layOut, readSnapshot, smash, type InlineScenario } from './inProcess';
import type { ThreadInfo } from '../../src/kernel/model';

describe('LpcWaitingOnPort / LpcReplyMessage union (WRK lpcp.h tag bits)', () => {
  it('takes a value tagged with bit 0 as a port, attributes cleared', () => {
    expect(decodeWaitingOnPort('e1640799')).toEqual({ kind: 'port', port: 'e1640798' });
    expect(decodeWaitingOnPort('e164079b')).toEqual({ kind: 'port', port: 'e1640798' }); // + LPCP_NO_IMPERSONATION
    expect(decodeWaitingOnPort('ffffe00012345679')).toEqual({ kind: 'port', port: 'ffffe00012345678' });
  });

  it('leaves an untagged value undecided (a reply message, or an untagged port)', () => {
    expect(decodeWaitingOnPort('e1640798')).toEqual({ kind: 'untagged', pointer: 'e1640798' });
  });

  it('has nothing for null or tag bits alone', () => {
    expect(decodeWaitingOnPort(undefined)).toEqual({ kind: 'none' });
    expect(decodeWaitingOnPort('0')).toEqual({ kind: 'none' });
    expect(decodeWaitingOnPort('3')).toEqual({ kind: 'none' });
  });
});

describe('message ids', () => {
  it('print as 8 hex digits, as !lpc message takes them', () => {
    expect(hex8(0x5bbdf)).toBe('0005bbdf');
    expect(hex8(0xa7531ec4)).toBe('a7531ec4');
  });
});

describe('rundown-queue search (reply chain to the port list head)', () => {
  const plausible = (a: string | undefined): a is string => a !== undefined && a !== '0';
  // client c1 -> c2 -> head (port LpcReplyChainHead) -> c1
  const next: Record<string, string> = { c1: 'c2', c2: 'head', head: 'c1' };
  const owned = (e: string) => e === 'c1' || e === 'c2';

  it('follows other clients entries to the first entry no thread owns', () => {
    expect(replyChainHead('c1', next.c1, (e) => next[e], owned, plausible, 10)).toBe('head');
    expect(replyChainHead('c2', next.c2, (e) => next[e], owned, plausible, 10)).toBe('head');
  });

  it('finds nothing for an empty chain, a null link or a ring of threads without a head', () => {
    expect(replyChainHead('c1', 'c1', (e) => next[e], owned, plausible, 10)).toBeUndefined();
    expect(replyChainHead('c1', '0', (e) => next[e], owned, plausible, 10)).toBeUndefined();
    const ring: Record<string, string> = { c1: 'c2', c2: 'c1' };
    expect(replyChainHead('c1', ring.c1, (e) => ring[e], owned, plausible, 10)).toBeUndefined();
  });

  it('stops at the cap on a cycle that never comes back', () => {
    const loop: Record<string, string> = { c1: 'c2', c2: 'c3', c3: 'c2' };
    const all = (e: string) => e in loop;
    expect(replyChainHead('c1', loop.c1, (e) => loop[e], all, plausible, 5)).toBeUndefined();
  });
});

// A fake XP-like ETHREAD with just the LPC members (offsets invented; the code only goes through the layout).
const FIELDS: Record<string, FieldLayout> = {
  LpcReplyMessageId: { offset: 0x00, size: 4, kind: 'int', signed: false, typeName: 'ULONG' },
  LpcReceivedMessageId: { offset: 0x04, size: 4, kind: 'int', signed: false, typeName: 'ULONG' },
  LpcReceivedMsgIdValid: { offset: 0x08, size: 1, kind: 'int', signed: false, typeName: 'UCHAR', bitPos: 0, bitLen: 1 },
  LpcWaitingOnPort: { offset: 0x0c, size: 4, kind: 'pointer', signed: false, typeName: 'VOID*' },
  LpcReplySemaphore: { offset: 0x10, size: 0x14, kind: 'struct', signed: false, typeName: '_KSEMAPHORE' },
  LpcReplyChain: { offset: 0x24, size: 8, kind: 'struct', signed: false, typeName: '_LIST_ENTRY' },
  'LpcReplyChain.Flink': { offset: 0x24, size: 4, kind: 'pointer', signed: false, typeName: '_LIST_ENTRY*' },
};
const LAYOUT: TypeLayout = { module: 'nt', name: '_ETHREAD', size: 0x30, field: (p) => FIELDS[p] };

function thread(address: string, set: Record<string, number>): ThreadInfo {
  const bytes = new Uint8Array(0x30);
  for (const [name, value] of Object.entries(set)) {
    const f = FIELDS[name];
    if (f.bitPos !== undefined) bytes[f.offset] |= value << f.bitPos;
    else for (let i = 0; i < f.size && i < 4; i++) bytes[f.offset + i] = (value >>> (8 * i)) & 0xff;
  }
  return { address, view: new StructView(LAYOUT, address, bytes, 4) } as unknown as ThreadInfo;
}

describe('LPC facts of a thread', () => {
  it('reads LpcReceivedMessageId only while LpcReceivedMsgIdValid is set (shared storage with Win32StartAddress)', () => {
    expect(lpcFacts(thread('87000000', { LpcReceivedMessageId: 0x100, LpcReceivedMsgIdValid: 1 }))!.receivedMessageId).toBe(0x100);
    expect(lpcFacts(thread('87000000', { LpcReceivedMessageId: 0x100 }))!.receivedMessageId).toBeUndefined();
  });

  it('locates the reply semaphore inside the thread and decodes the port', () => {
    const f = lpcFacts(thread('87000000', { LpcReplyMessageId: 0x104, LpcWaitingOnPort: 0x89000001 }))!;
    expect(f.replyMessageId).toBe(0x104);
    expect(f.replySemaphore).toBe('87000010');
    expect(f.waitingOn).toEqual({ kind: 'port', port: '89000000' });
    expect(f.replyChain).toBe('87000024');
  });

  it('indexes servers by the id they validly received', () => {
    const a = thread('87000000', { LpcReceivedMessageId: 0x100, LpcReceivedMsgIdValid: 1 });
    const stale = thread('87001000', { LpcReceivedMessageId: 0x100 });
    const index = buildLpcIndex([a, stale]);
    expect(index.servers.get(0x100)).toEqual([a]);
    expect(index.chainOwners.get('87001024')).toBe(stale);
  });
});

describe('an LPC port\'s message queue with a smashed link (in-process over a laid-out scenario)', () => {
  const ids = ['00000200', '00000204', '00000208', '0000020c', '00000210'];
  const scenario: InlineScenario = {
    processes: [{ address: '86100000', name: 'svc.exe', pid: '500' }, { address: '86101000', name: 'app.exe', pid: '600' }],
    threads: [
      { address: '87100000', process: '86100000', tid: '504', state: 'Waiting', waitReason: 'UserRequest', waitMode: 'UserMode', waits: [{ object: '88100000' }] },
      ...ids.map((id, i) => ({ address: (0x87101000 + i * 0x1000).toString(16), process: '86101000', tid: (0x604 + 4 * i).toString(16), state: 'Waiting', waitMode: 'UserMode' as const, lpc: { replyMessageId: id } })),
    ],
    objects: [{ address: '88100000', type: 'NotificationEvent' }],
    lpcPorts: [{ address: '89100000', name: 'SvcPort', serverProcess: '86100000', kind: 'connection' }],
    lpcMessages: ids.map((id, i) => ({ id, client: (0x87101000 + i * 0x1000).toString(16), server: null, port: '89100000' })),
  };

  it.each(['xpsp3-x86', 'srv2003sp2-3790-x64'])('recovers the messages past the cut through Blink on %s (the count stays "at least")', (layout) => {
    const l = layOut(scenario, layout);
    const port = l.at('89100000');
    const listed = entries(l.reader, port + l.reader.off('_LPCP_PORT_OBJECT', 'MsgQueue.ReceiveHead'));
    expect(listed.length).toBe(5);
    smash(l.reader, listed[1], 3n); // the second message's Flink
    const run = readSnapshot(l.snapshot);
    const q = new LpcPortReader(run.k).queue(port.toString(16))!;
    expect(q.count).toBe(5);
    expect([...q.ids].map((id) => hex8(id)).sort()).toEqual(ids);
    expect(q.cut).toBe(true);
    expect(run.warnings()).toEqual(['1 list cut at a bad link', '1 list element recovered backwards']);
  });

  it('reads an intact queue whole, with no warning', () => {
    const l = layOut(scenario, 'xpsp3-x86');
    const run = readSnapshot(l.snapshot);
    const q = new LpcPortReader(run.k).queue('89100000')!;
    expect([q.count, q.cut, q.ids.size]).toEqual([5, false, 5]);
    expect(run.warnings()).toEqual([]);
  });
});
