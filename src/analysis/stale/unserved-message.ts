// !stalecheck rule 'unserved-message': a client waits for the reply to an LPC/ALPC request that no
// server thread is working on (`!alpc /m` shows no ServerThread; `!lpc message` no server thread),
// with the depth of the port's queue, what the server process is doing, and how many clients of the
// dump wait in the same port. The LPC/ALPC edge rules found these (their dead ends carry the facts:
// message, port, queue lengths, server process); nothing is read again here.
import type { Addr } from '../../core/addr';
import type { ProcessInfo, ThreadInfo } from '../../kernel/model';
import type { UnservedMessage } from '../waits/waitgraph';
import { threadFacts, type FindingHeader, type ServerFacts, type StaleEnv, type StaleRule, type UnservedFacts } from './model';

type UnservedFinding = FindingHeader & UnservedFacts;

export const unservedMessageRule: StaleRule<'unserved-message'> = {
  id: 'unserved-message',
  run(env: StaleEnv): UnservedFinding[] {
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

function findingOf(client: ThreadInfo, m: UnservedMessage, perPort: Map<Addr, number>, env: StaleEnv): UnservedFinding {
  const { model } = env;
  const { clock, table } = model;
  const server = m.serverProcess ? table.processByAddress.get(m.serverProcess) : undefined;
  const serverFacts: ServerFacts = server
    ? { kind: 'listed', name: server.name, threadsLeft: liveThreads(server), dead: serverDead(server) }
    : m.serverProcess
      ? { kind: 'unlisted', address: m.serverProcess }
      : { kind: 'unknown' };
  const age = model.ageOf(client);
  return {
    rule: 'unserved-message',
    severity: serverFacts.kind === 'listed' && serverFacts.dead ? 'error' : 'warning',
    thread: client.address,
    // ALPC: the message address; LPC: the message id, 8 hex digits as `!lpc message` takes it.
    object: m.message,
    client: threadFacts(client),
    waitTicks: age.ticks,
    waitStartAfterNow: !!age.inconsistent,
    increment: clock.increment,
    message: m,
    server: serverFacts,
    portClients: m.port ? perPort.get(m.port) || 1 : 1,
  };
}

/** Why the server can never answer: it is exiting, or has no thread left; undefined when it can. */
function serverDead(p: ProcessInfo): 'exiting' | 'no-threads' | undefined {
  if (p.exiting) return 'exiting';
  // ActiveThreads confirms it when the thread list is merely incomplete.
  if (!liveThreads(p) && !p.activeThreads) return 'no-threads';
  return undefined;
}

function liveThreads(p: ProcessInfo): number {
  return p.threads.filter((t) => !t.terminated).length;
}
