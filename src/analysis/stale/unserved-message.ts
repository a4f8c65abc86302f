// !stalecheck rule 'unserved-message': a client waits for the reply to an LPC/ALPC request that no
// server thread is working on (`!alpc /m` shows no ServerThread; `!lpc message` no server thread),
// with the depth of the port's queue, what the server process is doing, and how many clients of the
// dump wait in the same port. The LPC/ALPC edge rules found these (their dead ends carry the facts:
// message, port, queue lengths, server process); nothing is read again here.
import { formatAddr, type Addr } from '../../core/addr';
import { formatMessageId } from '../../kernel/lpc';
import type { ProcessInfo, ThreadInfo } from '../../kernel/model';
import { formatTicks } from '../../render/vocabulary';
import { hex4 } from '../../core/numbers';
import type { UnservedMessage } from '../waits/waitgraph';
import type { Finding, StaleEnv, StaleRule } from './model';

export const unservedMessageRule: StaleRule = {
  id: 'unserved-message',
  run(env: StaleEnv): Finding[] {
    const { model } = env;
    const found: { client: ThreadInfo; facts: UnservedMessage }[] = [];
    model.graph.deadEnds.forEach((ends, thread) => {
      const client = model.table.threadByAddress.get(thread);
      if (!client) return;
      for (const d of ends) if (d.unserved) found.push({ client, facts: d.unserved });
    });
    // Clients per port, to say how many of the dump's threads wait in the same queue.
    const perPort = new Map<Addr, number>();
    for (const f of found) if (f.facts.port) perPort.set(f.facts.port, (perPort.get(f.facts.port) || 0) + 1);
    return found.map((f) => findingOf(f.client, f.facts, perPort, env));
  },
};

function findingOf(client: ThreadInfo, m: UnservedMessage, perPort: Map<Addr, number>, env: StaleEnv): Finding {
  const { model } = env;
  const { k, clock, table } = model;
  const at = (a: Addr) => formatAddr(a, k.pointerSize);
  const server = m.serverProcess ? table.processByAddress.get(m.serverProcess) : undefined;
  const serverName = server ? server.name : m.serverProcess ? `process ${at(m.serverProcess)} (not in the process list)` : 'an unknown server';
  const what = m.kind === 'alpc' ? `ALPC message ${at(m.message)} (id ${formatMessageId(m.id)})` : `LPC message ${m.message}`;
  const dead = server ? serverDead(server) : undefined;
  const queued = m.queued === undefined ? '' : `, ${m.queueCut ? 'at least ' : ''}${m.queued} queued`;
  const port = m.port ? ` on ${server ? `${server.name}'s ` : ''}port ${at(m.port)}${queued}` : ' (server port unknown)';

  const age = model.ageOf(client);
  const waited = age.ticks !== undefined ? `for ${formatTicks(age.ticks, clock.increment)}` : age.inconsistent ? '(Wait Start after the current tick)' : '';
  const evidence = [
    `Client: ${at(client.address)} ${client.process.name} ${hex4(client.process.pid)}.${hex4(client.tid)}, ${client.waitReason} ${waited}`.trim(),
    `Message: ${what}, ${m.lostServer ? `served by thread ${at(m.lostServer)}, which is not a thread of any listed process` : 'no server thread working on it'}`,
  ];
  if (m.port) evidence.push(`Port ${at(m.port)} of ${serverName}: ${queueText(m)}`);
  else evidence.push(`Port: unknown (the client is on no port's reply chain)`);
  const waiting = m.port ? perPort.get(m.port) || 1 : 1;
  if (waiting > 1) evidence.push(`${waiting} clients of this dump wait for replies on this port`);
  const left = server ? liveThreads(server) : 0;
  evidence.push(`Server: ${dead || (server ? `${server.name}, ${left} thread${left === 1 ? '' : 's'}, none working on this message` : serverName)}`);

  return {
    rule: 'unserved-message',
    severity: dead ? 'error' : 'warning',
    summary: `${client.process.name} waits for a reply to ${what}${port}: ${m.lostServer ? `its server thread ${at(m.lostServer)} is in no thread list` : 'no server thread works on it'}${dead ? ` (${dead})` : ''}`,
    thread: client.address,
    // ALPC: the message address; LPC: the message id, 8 hex digits as `!lpc message` takes it.
    object: m.message,
    evidence,
    next: m.kind === 'alpc' ? `!alpc /m ${at(m.message)}` : `!lpc message ${m.message}`,
  };
}

/** The queue depths as the port records them (ALPC) or as counted on it (LPC). */
function queueText(m: UnservedMessage): string {
  if (m.kind === 'alpc') {
    const parts = [`${m.queued === undefined ? '?' : m.queued} message${m.queued === 1 ? '' : 's'} queued (MainQueueLength)`];
    if (m.pending !== undefined) parts.push(`${m.pending} received and not answered (PendingQueueLength)`);
    if (m.waitingServers !== undefined) parts.push(`${m.waitingServers} server thread${m.waitingServers === 1 ? '' : 's'} waiting to receive (WaitQueueLength)`);
    return parts.join(', ');
  }
  if (m.queued === undefined) return 'message queue unreadable';
  const n = `${m.queueCut ? 'at least ' : ''}${m.queued} message${m.queued === 1 ? '' : 's'} queued (MsgQueue.ReceiveHead)`;
  if (m.stillQueued === true) return `${n}, this one still among them`;
  if (m.stillQueued === false) return `${n}; this one was taken off the queue but no thread claims it`;
  return n;
}

/** Why the server can never answer ("ServiceA.exe is exiting, 1 thread left"): it is exiting, or has no thread left. */
function serverDead(p: ProcessInfo): string | undefined {
  const left = liveThreads(p);
  if (p.exiting) return `${p.name} is exiting, ${left} thread${left === 1 ? '' : 's'} left`;
  // ActiveThreads confirms it when the thread list is merely incomplete.
  if (!left && !p.activeThreads) return `${p.name} has no threads left`;
  return undefined;
}

function liveThreads(p: ProcessInfo): number {
  return p.threads.filter((t) => !t.terminated).length;
}
