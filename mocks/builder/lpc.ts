// LPC (layouts with _ETHREAD.LpcReplyMessageId, docs/kernel-structures.md §LPC) and ALPC (§ALPC).
// Legacy `lpcMessages` and `thread.lpc` become ALPC messages on layouts without the legacy fields.
import type { Ctx } from './context';
import { fmt, parseHex } from './hex';
import { dispatcherHeader, objectHeader } from './objects';
import { E, replySemaphore } from './threads';

interface Txn {
  id: bigint;
  client?: bigint;
  server?: bigint;
  port?: bigint;
  serverProcess?: bigint;
  address?: bigint;
  source: string;
}

export function legacyLpc(ctx: Ctx): boolean {
  return ctx.sw.has(E, 'LpcReplyMessageId');
}

/** lpcMessages plus thread.lpc ids that no lpcMessages entry covers. */
function transactions(ctx: Ctx): Txn[] {
  const out: Txn[] = [];
  (ctx.s.lpcMessages ?? []).forEach((m, i) => {
    out.push({
      id: parseHex(m.id), client: ctx.addrOpt(m.client), server: ctx.addrOpt(m.server), port: ctx.addrOpt(m.port),
      serverProcess: ctx.addrOpt(m.serverProcess), address: ctx.addrOpt(m.address), source: `lpcMessages[${i}]`,
    });
  });
  for (const t of ctx.threads.values()) {
    const l = t.s.lpc;
    if (!l) continue;
    if (l.replyMessageId) {
      const id = parseHex(l.replyMessageId);
      const m = out.find((x) => x.id === id);
      if (!m) out.push({ id, client: t.addr, source: `threads[${t.index}].lpc.replyMessageId` });
      else if (m.client === undefined) m.client = t.addr;
      else if (m.client !== t.addr) ctx.note(`threads[${t.index}]: lpc.replyMessageId ${l.replyMessageId} names another client than ${m.source}`);
    }
    if (l.receivedMessageId) {
      const id = parseHex(l.receivedMessageId);
      const m = out.find((x) => x.id === id);
      if (!m) out.push({ id, server: t.addr, source: `threads[${t.index}].lpc.receivedMessageId` });
      else if (m.server === undefined) m.server = t.addr;
      else if (m.server !== t.addr) ctx.note(`threads[${t.index}]: lpc.receivedMessageId ${l.receivedMessageId} names another server than ${m.source}`);
    }
  }
  return out;
}

function portFor(ctx: Ctx, m: Txn): { port?: bigint; serverProcess?: bigint } {
  let serverProcess = m.serverProcess;
  if (serverProcess === undefined && m.server !== undefined) serverProcess = ctx.threads.get(m.server)?.proc;
  return { port: m.port, serverProcess };
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy LPC

const LP = '_LPCP_PORT_OBJECT';
const LM = '_LPCP_MESSAGE';

export function planLpc(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const legacy = legacyLpc(ctx);
  const txns = transactions(ctx);
  if (!legacy) { planAlpc(ctx, txns); return; }
  const ports = new Map<bigint, bigint>(); // port address -> server process (or 0)
  const byProcess = new Map<bigint, bigint>();
  const ensurePort = (addr: bigint, serverProcess: bigint | undefined, what: string, name?: string | null): void => {
    if (ports.has(addr)) {
      if (serverProcess !== undefined && !ports.get(addr)) { sw.set(k, addr, LP, 'ServerProcess', serverProcess); ports.set(addr, serverProcess); }
      return;
    }
    ports.set(addr, serverProcess ?? 0n);
    sw.set(k, addr, LP, 'ConnectionPort', addr);
    if (serverProcess !== undefined) sw.set(k, addr, LP, 'ServerProcess', serverProcess);
    ctx.listInit(k, addr + BigInt(sw.off(LP, 'MsgQueue.ReceiveHead')));
    ctx.listInit(k, addr + BigInt(sw.off(LP, 'LpcReplyChainHead')));
    if (sw.has(LP, 'LpcDataInfoChainHead')) ctx.listInit(k, addr + BigInt(sw.off(LP, 'LpcDataInfoChainHead')));
    ctx.mark(addr, LP);
    objectHeader(ctx, addr, 'Port', what, name);
  };
  (ctx.s.lpcPorts ?? []).forEach((p, i) => ensurePort(ctx.addr(p.address), ctx.addrOpt(p.serverProcess), `lpcPorts[${i}] (${p.address})`, p.name));
  for (const m of txns) {
    const what = `${m.source} (id ${fmt(m.id)})`;
    const { serverProcess } = portFor(ctx, m);
    let port = m.port;
    if (port !== undefined) ensurePort(port, serverProcess, `port of ${what}`);
    else if (serverProcess !== undefined && (m.client !== undefined || m.server === undefined)) {
      port = byProcess.get(serverProcess);
      if (port === undefined) {
        port = ctx.poolObject(sw.size(LP), `LPC port of process ${fmt(serverProcess)}`);
        byProcess.set(serverProcess, port);
        ensurePort(port, serverProcess, `LPC connection port of process ${fmt(serverProcess)}`);
      }
    }
    if (m.client !== undefined) {
      const c = ctx.thread(m.client, what);
      if (c) {
        sw.set(k, c.addr, E, 'LpcReplyMessageId', m.id);
        if (port !== undefined) {
          sw.trySet(k, c.addr, E, 'LpcWaitingOnPort', port);
          ctx.listInsertTail(k, port + BigInt(sw.off(LP, 'LpcReplyChainHead')), c.addr + BigInt(sw.off(E, 'LpcReplyChain')));
        } else ctx.note(`${what}: no port known; the client's LpcReplyChain is not on any port`);
        const sem = replySemaphore(ctx, c.addr)!;
        c.implied.push({ objects: [{ address: sem, waitType: 'WaitAny' }], reason: 'WrLpcReply', source: `${what} (client)` });
      }
    }
    if (m.server !== undefined) {
      const s = ctx.thread(m.server, what);
      if (s) {
        // LpcReceivedMessageId shares storage with Win32StartAddress (real union): it overwrites it.
        sw.set(k, s.addr, E, 'LpcReceivedMessageId', m.id);
        sw.set(k, s.addr, E, 'LpcReceivedMsgIdValid', 1);
        if (s.s.win32StartAddress) ctx.note(`threads[${s.index}] ${s.s.address}: LpcReceivedMessageId overwrites Win32StartAddress (same storage on this layout)`);
      }
    } else if (port !== undefined && m.client !== undefined) {
      const msg = m.address ?? ctx.pool(sw.size(LM), `_LPCP_MESSAGE ${fmt(m.id)}`);
      sw.set(k, msg, LM, 'Request.MessageId', m.id);
      const ct = ctx.threads.get(m.client);
      if (ct) {
        sw.set(k, msg, LM, 'Request.ClientId.UniqueProcess', ctx.processes.get(ct.proc)!.pid);
        if (ct.s.tid) sw.set(k, msg, LM, 'Request.ClientId.UniqueThread', parseHex(ct.s.tid));
      }
      ctx.listInsertTail(k, port + BigInt(sw.off(LP, 'MsgQueue.ReceiveHead')), msg + BigInt(sw.off(LM, 'Entry')));
      ctx.mark(msg, LM);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ALPC

const AP = '_ALPC_PORT';
const AM = '_KALPC_MESSAGE';

function planAlpc(ctx: Ctx, txns: Txn[]): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const ports = new Map<bigint, { main: number; pending: number; declared?: number }>();
  const byProcess = new Map<bigint, bigint>();
  const ensurePort = (addr: bigint, owner: bigint | undefined, what: string, name?: string | null): void => {
    if (ports.has(addr)) {
      if (owner !== undefined && sw.get(k, addr, AP, 'OwnerProcess') === 0n) sw.set(k, addr, AP, 'OwnerProcess', owner);
      return;
    }
    ports.set(addr, { main: 0, pending: 0 });
    if (owner !== undefined) sw.set(k, addr, AP, 'OwnerProcess', owner);
    for (const q of ['MainQueue', 'PendingQueue', 'LargeMessageQueue', 'WaitQueue', 'CanceledQueue', 'DirectQueue', 'PortListEntry', 'ResourceListHead']) {
      if (sw.has(AP, q)) ctx.listInit(k, addr + BigInt(sw.off(AP, q)));
    }
    if (ctx.types.has('_ALPC_COMMUNICATION_INFO') && sw.has(AP, 'CommunicationInfo')) {
      const ci = ctx.pool(sw.size('_ALPC_COMMUNICATION_INFO'), `communication info of ALPC port ${fmt(addr)}`);
      sw.trySet(k, ci, '_ALPC_COMMUNICATION_INFO', 'ConnectionPort', addr);
      if (sw.has('_ALPC_COMMUNICATION_INFO', 'CommunicationList')) ctx.listInit(k, ci + BigInt(sw.off('_ALPC_COMMUNICATION_INFO', 'CommunicationList')));
      sw.set(k, addr, AP, 'CommunicationInfo', ci);
    }
    ctx.mark(addr, AP);
    objectHeader(ctx, addr, 'ALPC Port', what, name);
  };
  (ctx.s.alpcPorts ?? []).forEach((p, i) => {
    const a = ctx.addr(p.address);
    ensurePort(a, ctx.addrOpt(p.ownerProcess), `alpcPorts[${i}] (${p.address})`, p.name);
    if (p.queuedMessages !== undefined && p.queuedMessages !== null) ports.get(a)!.declared = p.queuedMessages;
  });
  (ctx.s.lpcPorts ?? []).forEach((p, i) => ensurePort(ctx.addr(p.address), ctx.addrOpt(p.serverProcess), `lpcPorts[${i}] (${p.address}) as ALPC port`, p.name));
  let nextId = 0x10000n;
  const usedIds = new Set(txns.map((t) => t.id));
  const newId = (): bigint => { while (usedIds.has(nextId)) nextId += 4n; usedIds.add(nextId); return nextId; };
  const message = (msg: bigint, id: bigint, client: bigint | undefined, server: bigint | undefined, port: bigint | undefined, what: string): void => {
    sw.set(k, msg, AM, 'PortMessage.MessageId', id);
    if (client !== undefined) sw.set(k, msg, AM, 'WaitingThread', client);
    if (server !== undefined) sw.set(k, msg, AM, 'ServerThread', server);
    if (port !== undefined) {
      sw.set(k, msg, AM, 'PortQueue', port);
      sw.trySet(k, msg, AM, 'ConnectionPort', port);
      const q = ports.get(port)!;
      const queue = server === undefined ? 'MainQueue' : 'PendingQueue';
      ctx.listInsertTail(k, port + BigInt(sw.off(AP, queue)), msg + BigInt(sw.off(AM, 'Entry')));
      if (server === undefined) q.main++; else q.pending++;
    } else ctx.note(`${what}: no port known; the ALPC message is on no queue`);
    const ct = client !== undefined ? ctx.threads.get(client) : undefined;
    if (ct) {
      sw.trySet(k, msg, AM, 'PortMessage.ClientId.UniqueProcess', ctx.processes.get(ct.proc)!.pid);
      if (ct.s.tid) sw.trySet(k, msg, AM, 'PortMessage.ClientId.UniqueThread', parseHex(ct.s.tid));
    }
    ctx.mark(msg, AM);
    if (ct) {
      sw.set(k, ct.addr, E, 'AlpcMessage', msg);
      sw.set(k, ct.addr, E, 'AlpcMessageId', id);
      ct.implied.push({ objects: [{ address: replySemaphore(ctx, ct.addr)!, waitType: 'WaitAny' }], reason: 'WrLpcReply', source: `${what} (client)` });
    } else if (client !== undefined) ctx.note(`${what}: client ${fmt(client)} is not a scenario thread`);
    const st = server !== undefined ? ctx.threads.get(server) : undefined;
    if (st) {
      // Modelled: a server thread working on a message also points at it through ETHREAD.AlpcMessage, unless it is
      // itself waiting for a reply (then AlpcMessage is its own outgoing message).
      const busy = txns.some((x) => x.client === st.addr) || (ctx.s.alpcMessages ?? []).some((x) => x.client && ctx.addr(x.client) === st.addr);
      if (!busy) sw.set(k, st.addr, E, 'AlpcMessage', msg);
    }
  };
  (ctx.s.alpcMessages ?? []).forEach((m, i) => {
    const what = `alpcMessages[${i}] (${m.address})`;
    const port = ctx.addr(m.port);
    ensurePort(port, undefined, `port of ${what}`);
    const id = m.id ? parseHex(m.id) : newId();
    if (!m.id) ctx.note(`${what}: message id not given; PortMessage.MessageId = AlpcMessageId = ${fmt(id)} (invented)`);
    message(ctx.addr(m.address), id, ctx.addrOpt(m.client), ctx.addrOpt(m.server), port, what);
  });
  for (const m of txns) {
    const what = `${m.source} (id ${fmt(m.id)}, as an ALPC message)`;
    const { serverProcess } = portFor(ctx, m);
    let port = m.port;
    if (port !== undefined) ensurePort(port, serverProcess, `port of ${what}`);
    else if (serverProcess !== undefined) {
      port = byProcess.get(serverProcess);
      if (port === undefined) {
        port = ctx.poolObject(sw.size(AP), `ALPC port of process ${fmt(serverProcess)}`);
        byProcess.set(serverProcess, port);
        ensurePort(port, serverProcess, `ALPC connection port of process ${fmt(serverProcess)}`);
      }
    }
    const msg = m.address ?? ctx.pool(sw.size(AM), `_KALPC_MESSAGE ${fmt(m.id)}`);
    message(msg, m.id, m.client, m.server, port, what);
  }
  // thread.alpcMessage pointing at messages not covered above
  for (const t of ctx.threads.values()) {
    if (!t.s.alpcMessage) continue;
    const msg = ctx.addr(t.s.alpcMessage);
    const covered = (ctx.s.alpcMessages ?? []).some((m) => ctx.addr(m.address) === msg);
    if (!covered) {
      ctx.note(`threads[${t.index}]: alpcMessage ${t.s.alpcMessage} is not in alpcMessages; AlpcMessage set, no message laid out`);
      sw.set(k, t.addr, E, 'AlpcMessage', msg);
    }
  }
  for (const [addr, q] of ports) {
    const main = q.declared !== undefined ? Math.max(q.declared, q.main) : q.main;
    if (q.declared !== undefined && q.declared < q.main) ctx.note(`ALPC port ${fmt(addr)}: queuedMessages ${q.declared} < listed queued messages ${q.main}`);
    sw.set(k, addr, AP, 'MainQueueLength', main);
    sw.set(k, addr, AP, 'PendingQueueLength', q.pending);
  }
}

export { dispatcherHeader };
