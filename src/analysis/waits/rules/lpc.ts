// Edges through legacy LPC (XP/2003) and ALPC (Vista+) messages: a client waiting for a reply -> the
// server thread working on its message, across processes (`!lpc message`, `!alpc /m` by hand).
//
// Both clients wait on a semaphore inside their OWN ETHREAD (LpcReplySemaphore / AlpcWaitSemaphore,
// docs/kernel-structures.md §Wait blocks), never an ordinary semaphore with an owner to look for. The wait object is
// recognised by address (thread + the member's offset, compared as Addr strings), so a thread waiting
// on ANOTHER thread's reply semaphore is not taken for a client.
//
// Waiter counts go to the server port when it is known (how many clients wait on one server), else to
// the client's own semaphore. A port's queue length is not carried as a waiter count: a queued message
// need not have a thread waiting for it (datagrams, asynchronous requests); the dead-end text says it.
import type { Addr } from '../../../core/addr';
import { messageBelongsTo, type AlpcMessageInfo } from '../../../kernel/alpc';
import {
  replyChainHead,
  type LpcIndex,
  type LpcPortInfo,
  type LpcThreadFacts,
} from '../../../kernel/lpc';
import type { DispatcherObject } from '../../../kernel/dispatcher';
import type { ProcessInfo, ThreadInfo } from '../../../kernel/model';
import { lpcMessageId, ownerNotAThread, type DeadEndReason, type EdgeRule, type LpcMessageId, type LpcPortFacts, type ProcessGone, type RuleEnv, type UnservedMessage, type WaitOutcome } from '../waitgraph';

const lpcIndex = (env: RuleEnv) => env.kernel.lpcIndex();
const lpcPorts = (env: RuleEnv) => env.kernel.lpcPorts;
const alpcReader = (env: RuleEnv) => env.kernel.alpc;

/** A thread's LPC/ALPC semaphore is a KSEMAPHORE; an unreadable or unrecognised header may still be one. */
function mayBeSemaphore(object: DispatcherObject | undefined): boolean {
  return !object || object.kind === 'Semaphore' || object.kind === 'Unknown';
}

/** Keyed-event waits use the same semaphore (KeyedWaitSemaphore is the same storage): not a message wait. */
const KEYED = 'WrKeyedEvent';

// ---------------------------------------------------------------------------------------------------
// Legacy LPC

export const lpcRule: EdgeRule = (thread, wait, object, env) => {
  if (!mayBeSemaphore(object)) return undefined;
  const f = env.kernel.lpcFacts(thread);
  if (!f || f.replySemaphore !== wait.object) return undefined;
  // WrLpcReply when the dump records it; seed dumps often show (Unknown), so the message id decides.
  if (thread.waitReason === KEYED || (!f.replyMessageId && thread.waitReason !== 'WrLpcReply')) return undefined;
  const k = env.k;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'lpc' };
  if (!f.replyMessageId) {
    outcome.deadEnds.push({ object: wait.object, reason: { reason: 'lpc-no-message-id' } });
    return outcome;
  }
  const id = lpcMessageId(f.replyMessageId);
  const index = lpcIndex(env);
  const port = serverPortOf(thread, f, index, env);
  if (port) outcome.lock = port.connectionPort;

  const servers = (index.servers.get(f.replyMessageId) || []).filter((s) => s.address !== thread.address);
  if (servers.length > 1) k.warnings.add('lpc-message-claimed-twice', { object: 'lpc', value: f.replyMessageId, others: servers.map((s) => s.address) });
  for (const s of servers) {
    outcome.hops.push({ from: thread.address, kind: 'lpc', messageId: id, to: s.address, serverProcess: s.process.name });
  }
  if (!servers.length) {
    outcome.deadEnds.push({ object: wait.object, reason: { reason: 'lpc-unserved', messageId: id, port: lpcPortFacts(port, f.replyMessageId, env) }, unserved: unservedLpc(id, f.replyMessageId, port, env) });
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
        const facts = owner && env.kernel.lpcFacts(owner);
        return facts && facts.replyChainFlink;
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

function lpcPortFacts(port: LpcPortInfo | undefined, messageId: number, env: RuleEnv): LpcPortFacts | undefined {
  if (!port) return undefined;
  const server = port.serverProcess ? env.table.processByAddress.get(port.serverProcess) : undefined;
  const facts: LpcPortFacts = { port: port.connectionPort, serverProcess: port.serverProcess, serverName: server && server.name };
  const q = lpcPorts(env).queue(port.connectionPort);
  if (q) facts.queue = { count: q.count, cut: q.cut, stillQueued: q.ids.has(messageId) };
  if (server) facts.serverGone = processGone(server);
  return facts;
}

function unservedLpc(id: LpcMessageId, messageId: number, port: LpcPortInfo | undefined, env: RuleEnv): UnservedMessage {
  const facts: UnservedMessage = { kind: 'lpc', message: id, id: messageId };
  if (!port) return facts;
  facts.port = port.connectionPort;
  facts.serverProcess = port.serverProcess;
  const q = lpcPorts(env).queue(port.connectionPort); // read once for the facts above
  if (q) {
    facts.queued = q.count;
    facts.queueCut = q.cut;
    if (q.ids.has(messageId)) facts.stillQueued = true;
    else if (!q.cut) facts.stillQueued = false;
  }
  return facts;
}

/** A server process that has stopped serving: exiting, or no threads left. */
function processGone(p: ProcessInfo): ProcessGone | undefined {
  const left = p.threads.filter((t) => !t.terminated).length;
  if (p.exiting || !left) return { name: p.name, exiting: !!p.exiting, threadsLeft: left };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// ALPC

export const alpcRule: EdgeRule = (thread, wait, object, env) => {
  // Most waits are not on the thread's own ALPC semaphore: rule them out before decoding anything.
  if (!mayBeSemaphore(object)) return undefined;
  const f = env.kernel.alpcFacts(thread);
  if (!f || f.waitSemaphore !== wait.object || thread.waitReason === KEYED) return undefined;
  const receiving = thread.waitReason === 'WrLpcReceive';
  if (!receiving && !f.message && thread.waitReason !== 'WrLpcReply') return undefined;
  const k = env.k;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'alpc' };
  const dead = (reason: DeadEndReason): WaitOutcome => {
    outcome.deadEnds.push({ object: wait.object, reason });
    return outcome;
  };
  if (receiving) return dead({ reason: 'alpc-receiving' });
  if (!f.message) return dead({ reason: 'alpc-no-message' });
  const message = f.message;
  if (!k.plausible(message)) return dead({ reason: 'alpc-bad-pointer', message });
  const reader = alpcReader(env);
  if (!reader.hasMessageType) return dead({ reason: 'alpc-no-message-type', message });
  const m = reader.message(message);
  if (!m) return dead({ reason: 'alpc-unreadable', message });
  if (!messageBelongsTo(m, thread.address, f.messageId)) {
    k.warnings.add('alpc-message-stale', { object: 'thread', address: thread.address, member: 'AlpcMessage', value: f.message, others: [m.waitingThread || '0'], expected: m.id });
    const otherWaiter = m.waitingThread && m.waitingThread !== thread.address ? m.waitingThread : undefined;
    const otherId = f.messageId && m.id !== f.messageId ? { id: m.id, own: f.messageId } : undefined;
    return dead({ reason: 'alpc-recycled', message, otherWaiter, otherId });
  }
  if (m.queuePort) outcome.lock = m.queuePort;
  if (m.serverThread) {
    const server = env.table.threadByAddress.get(m.serverThread);
    if (server && server.address !== thread.address) {
      outcome.hops.push({ from: thread.address, kind: 'alpc', object: m.address, to: server.address, messageId: m.id, serverProcess: server.process.name });
      return outcome;
    }
    if (!server) {
      k.warnings.add('owner-not-a-thread', { object: 'alpc', address: f.message, member: 'ServerThread', value: m.serverThread });
      outcome.deadEnds.push(ownerNotAThread(wait.object, { reason: 'owner-not-a-thread', kind: 'alpc', lock: message, owner: m.serverThread, messageId: m.id }, unservedAlpc(m, env, m.serverThread)));
      return outcome;
    }
  }
  outcome.deadEnds.push({ object: wait.object, reason: unservedAlpcReason(m, env), unserved: unservedAlpc(m, env) });
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

/** No thread has picked the message up: what the port it waits in says about its server. */
function unservedAlpcReason(m: AlpcMessageInfo, env: RuleEnv): DeadEndReason {
  const reason: Extract<DeadEndReason, { reason: 'alpc-unserved' }> = { reason: 'alpc-unserved', message: m.address, messageId: m.id, port: m.queuePort };
  const port = m.queuePort && alpcReader(env).port(m.queuePort);
  if (!port) return reason;
  const owner = port.ownerProcess ? env.table.processByAddress.get(port.ownerProcess) : undefined;
  reason.portFacts = {
    ownerProcess: port.ownerProcess,
    ownerName: owner && owner.name,
    queued: port.mainQueueLength,
    pending: port.pendingQueueLength,
    waitingServers: port.waitQueueLength,
    ownerGone: owner && processGone(owner),
  };
  return reason;
}
