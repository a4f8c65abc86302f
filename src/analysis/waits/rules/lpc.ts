// Edges through legacy LPC (XP/2003) and ALPC (Vista+) messages: a client waiting for a reply -> the
// server thread working on its message, across processes (`!lpc message`, `!alpc /m` by hand).
//
// Both clients wait on a semaphore inside their OWN ETHREAD (LpcReplySemaphore / AlpcWaitSemaphore,
// kernel-structures.md §1.6), never an ordinary semaphore with an owner to look for. The wait object is
// recognised by address (thread + the member's offset, compared as Addr strings), so a thread waiting
// on ANOTHER thread's reply semaphore is not taken for a client.
//
// Waiter counts go to the server port when it is known (how many clients wait on one server), else to
// the client's own semaphore. A port's queue length is not carried as a waiter count: a queued message
// need not have a thread waiting for it (datagrams, asynchronous requests); the dead-end text says it.
import { formatAddr, type Addr } from '../../../core/addr';
import { AlpcReader, alpcFacts, messageBelongsTo, type AlpcMessageInfo } from '../../../kernel/alpc';
import {
  buildLpcIndex,
  formatMessageId,
  LpcPortReader,
  lpcFacts,
  replyChainHead,
  type LpcIndex,
  type LpcPortInfo,
  type LpcThreadFacts,
} from '../../../kernel/lpc';
import type { DispatcherObject } from '../../../kernel/dispatcher';
import type { ProcessInfo, ThreadInfo } from '../../../kernel/model';
import type { EdgeRule, Hop, RuleEnv, UnservedMessage, WaitOutcome } from '../waitgraph';

const lpcIndex = (env: RuleEnv) => env.memo('lpc.index', () => buildLpcIndex(env.table.threads));
const lpcPorts = (env: RuleEnv) => env.memo('lpc.ports', () => new LpcPortReader(env.k));
const alpcReader = (env: RuleEnv) => env.memo('alpc.reader', () => new AlpcReader(env.k));

/** A thread's LPC/ALPC semaphore is a KSEMAPHORE; an unreadable or unrecognised header may still be one. */
function mayBeSemaphore(object: DispatcherObject | undefined): boolean {
  return !object || object.kind === 'Semaphore' || object.kind === 'Unknown';
}

/** Keyed-event waits use the same semaphore (KeyedWaitSemaphore is the same storage): not a message wait. */
const KEYED = 'WrKeyedEvent';

// ---------------------------------------------------------------------------------------------------
// Legacy LPC

export const lpcRule: EdgeRule = (thread, wait, object, env) => {
  if (!mayBeSemaphore(object) || thread.view.addressOf('LpcReplySemaphore') !== wait.object) return undefined;
  const f = lpcFacts(thread);
  if (!f) return undefined;
  // WrLpcReply when the dump records it; seed dumps often show (Unknown), so the message id decides.
  if (thread.waitReason === KEYED || (!f.replyMessageId && thread.waitReason !== 'WrLpcReply')) return undefined;
  const k = env.k;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'lpc' };
  if (!f.replyMessageId) {
    outcome.deadEnds.push({ object: wait.object, text: 'waiting for an LPC reply with no message id (LpcReplyMessageId is 0: reply being delivered, or damaged)' });
    return outcome;
  }
  const id = formatMessageId(f.replyMessageId);
  const index = lpcIndex(env);
  const port = serverPortOf(thread, f, index, env);
  if (port) outcome.lock = port.connectionPort;

  const servers = (index.servers.get(f.replyMessageId) || []).filter((s) => s.address !== thread.address);
  if (servers.length > 1) k.warnings.add('lpc-message-claimed-twice', { object: 'lpc', value: f.replyMessageId, others: servers.map((s) => s.address) });
  for (const s of servers) {
    outcome.hops.push({ from: thread.address, kind: 'lpc', object: id, to: s.address, detail: `served by ${s.process.name}` });
  }
  if (!servers.length) {
    outcome.deadEnds.push({ object: wait.object, text: unservedLpcText(id, port, f.replyMessageId, env), unserved: unservedLpc(id, f.replyMessageId, port, env) });
  }
  return outcome;
};

/**
 * The server's connection port, as `!lpc thread` finds it: LpcWaitingOnPort when tagged as a port,
 * else the port whose LpcReplyChainHead the client's reply chain leads to, else an untagged
 * LpcWaitingOnPort that reads as a connection port.
 */
function serverPortOf(thread: ThreadInfo, f: LpcThreadFacts, index: LpcIndex, env: RuleEnv): LpcPortInfo | undefined {
  const ports = lpcPorts(env);
  if (f.waitingOn.kind === 'port') {
    const p = ports.resolve(f.waitingOn.port, false);
    if (p) return p;
  }
  if (f.replyChain) {
    const head = replyChainHead(
      f.replyChain,
      f.replyChainFlink,
      (entry) => {
        const owner = index.chainOwners.get(entry);
        return owner && owner.view.ptr('LpcReplyChain.Flink');
      },
      (entry) => index.chainOwners.has(entry),
      (a): a is Addr => env.k.plausible(a),
      index.chainOwners.size,
    );
    const rundown = head && ports.portOfReplyChainHead(head);
    const p = rundown && ports.resolve(rundown, false);
    if (p) return p;
  }
  if (f.waitingOn.kind === 'untagged') return ports.resolve(f.waitingOn.pointer, true);
  return undefined;
}

function unservedLpcText(id: string, port: LpcPortInfo | undefined, messageId: number, env: RuleEnv): string {
  if (!port) return `LPC message ${id}: no thread is serving it (server port unknown: the client is on no port's reply chain)`;
  const k = env.k;
  const server = port.serverProcess ? env.table.processByAddress.get(port.serverProcess) : undefined;
  const to = server ? server.name : port.serverProcess ? `process ${formatAddr(port.serverProcess, k.pointerSize)} (not in the process list)` : 'an unknown server process';
  const parts = [`LPC message ${id} to ${to} (port ${formatAddr(port.connectionPort, k.pointerSize)}): no thread is serving it`];
  const q = lpcPorts(env).queue(port.connectionPort);
  if (q) {
    const n = `${q.cut ? 'at least ' : ''}${q.count} message${q.count === 1 ? '' : 's'} queued on the port`;
    if (q.ids.has(messageId)) parts.push(`still queued (${n})`);
    else if (!q.cut) parts.push(`taken off the queue but no thread claims it (${n})`);
    else parts.push(n);
  }
  if (server) {
    const exiting = processState(server);
    if (exiting) parts.push(exiting);
  }
  return parts.join('; ');
}

function unservedLpc(id: string, messageId: number, port: LpcPortInfo | undefined, env: RuleEnv): UnservedMessage {
  const facts: UnservedMessage = { kind: 'lpc', message: id, id: messageId };
  if (!port) return facts;
  facts.port = port.connectionPort;
  facts.serverProcess = port.serverProcess;
  const q = lpcPorts(env).queue(port.connectionPort); // read once by the text above
  if (q) {
    facts.queued = q.count;
    facts.queueCut = q.cut;
    if (q.ids.has(messageId)) facts.stillQueued = true;
    else if (!q.cut) facts.stillQueued = false;
  }
  return facts;
}

function processState(p: ProcessInfo): string | undefined {
  const left = p.threads.filter((t) => !t.terminated).length;
  if (p.exiting) return `${p.name} is exiting (${left} thread${left === 1 ? '' : 's'} left)`;
  if (!left) return `${p.name} has no threads left`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// ALPC

export const alpcRule: EdgeRule = (thread, wait, object, env) => {
  // Most waits are not on the thread's own ALPC semaphore: rule them out before decoding anything.
  if (!mayBeSemaphore(object) || thread.view.addressOf('AlpcWaitSemaphore') !== wait.object) return undefined;
  const f = alpcFacts(thread);
  if (!f || thread.waitReason === KEYED) return undefined;
  const receiving = thread.waitReason === 'WrLpcReceive';
  if (!receiving && !f.message && thread.waitReason !== 'WrLpcReply') return undefined;
  const k = env.k;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'alpc' };
  const dead = (text: string): WaitOutcome => {
    outcome.deadEnds.push({ object: wait.object, text });
    return outcome;
  };
  if (receiving) return dead('waiting to receive ALPC messages (an idle server thread)');
  if (!f.message) return dead('waiting for an ALPC reply with no message recorded (AlpcMessage is null)');
  const at = formatAddr(f.message, k.pointerSize);
  if (!k.plausible(f.message)) return dead(`waiting for an ALPC reply; AlpcMessage ${at} is not a valid pointer`);
  const reader = alpcReader(env);
  if (!reader.hasMessageType) return dead(`waiting for a reply to ALPC message ${at} (no _KALPC_MESSAGE in the symbols)`);
  const m = reader.message(f.message);
  if (!m) return dead(`waiting for a reply to ALPC message ${at}, which is unreadable`);
  const idText = formatMessageId(m.id);
  if (!messageBelongsTo(m, thread.address, f.messageId)) {
    k.warnings.add('alpc-message-stale', { object: 'thread', address: thread.address, member: 'AlpcMessage', value: f.message, others: [m.waitingThread || '0'], expected: m.id });
    const names: string[] = [];
    if (m.waitingThread && m.waitingThread !== thread.address) names.push(`waiter ${formatAddr(m.waitingThread, k.pointerSize)}`);
    if (f.messageId && m.id !== f.messageId) names.push(`id ${idText} (this thread waits for id ${formatMessageId(f.messageId)})`);
    return dead(`waiting for a reply to ALPC message ${at}, which now names ${names.join(' and ')}: recycled or damaged`);
  }
  if (m.queuePort) outcome.lock = m.queuePort;
  if (m.serverThread) {
    const server = env.table.threadByAddress.get(m.serverThread);
    if (server && server.address !== thread.address) {
      outcome.hops.push(alpcHop(thread, m, server, at, idText));
      return outcome;
    }
    if (!server) {
      k.warnings.add('owner-not-a-thread', { object: 'alpc', address: f.message, member: 'ServerThread', value: m.serverThread });
      outcome.deadEnds.push({
        object: wait.object,
        text: `ALPC message ${at} (id ${idText}) served by thread ${formatAddr(m.serverThread, k.pointerSize)}, which is not a thread of any listed process`,
        unserved: unservedAlpc(m, env, m.serverThread),
      });
      return outcome;
    }
  }
  outcome.deadEnds.push({ object: wait.object, text: unservedAlpcText(m, at, idText, env), unserved: unservedAlpc(m, env) });
  return outcome;
};

/** The facts of an unserved ALPC message; its port is the one the text read (cached). */
function unservedAlpc(m: AlpcMessageInfo, env: RuleEnv, lostServer?: Addr): UnservedMessage {
  const facts: UnservedMessage = { kind: 'alpc', message: m.address, id: m.id, port: m.queuePort, lostServer };
  const port = m.queuePort && alpcReader(env).port(m.queuePort);
  if (port) {
    facts.serverProcess = port.ownerProcess;
    facts.queued = port.mainQueueLength;
    facts.pending = port.pendingQueueLength;
    facts.waitingServers = port.waitQueueLength;
  }
  return facts;
}

function alpcHop(thread: ThreadInfo, m: AlpcMessageInfo, server: ThreadInfo, at: string, idText: string): Hop {
  return { from: thread.address, kind: 'alpc', object: m.address, to: server.address, detail: `id ${idText}, served by ${server.process.name}` };
}

/** No thread has picked the message up: what the port it waits in says about its server. */
function unservedAlpcText(m: AlpcMessageInfo, at: string, idText: string, env: RuleEnv): string {
  const k = env.k;
  if (!m.queuePort) return `ALPC message ${at} (id ${idText}) is on no port's queue and no thread is working on it`;
  const portText = formatAddr(m.queuePort, k.pointerSize);
  const port = alpcReader(env).port(m.queuePort);
  if (!port) return `ALPC message ${at} (id ${idText}) queued on port ${portText} (unreadable), no thread working on it`;
  const owner = port.ownerProcess ? env.table.processByAddress.get(port.ownerProcess) : undefined;
  const ownerName = owner ? owner.name : port.ownerProcess ? `process ${formatAddr(port.ownerProcess, k.pointerSize)}` : 'an unknown process';
  const n = port.mainQueueLength;
  const parts = [`${n} message${n === 1 ? '' : 's'} queued on ${ownerName}'s port ${portText}, no thread working on them`];
  if (port.pendingQueueLength) parts.push(`${port.pendingQueueLength} more received and not yet answered`);
  if (port.waitQueueLength) parts.push(`${port.waitQueueLength} server thread${port.waitQueueLength === 1 ? '' : 's'} waiting to receive`);
  if (owner) {
    const state = processState(owner);
    if (state) parts.push(state);
  }
  parts.push(`waiting for ALPC message ${at} (id ${idText})`);
  return parts.join('; ');
}
