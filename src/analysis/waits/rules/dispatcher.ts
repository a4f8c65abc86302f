// Edges through dispatcher objects that name a thread: a mutant's owner, a process object's
// remaining threads (the waiter waits for that process to exit), a thread object itself.
import { ownerNotAThread, type EdgeRule, type WaitOutcome } from '../waitgraph';

export const mutantRule: EdgeRule = (thread, wait, object, env) => {
  if (!object || object.kind !== 'Mutant') return undefined;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'mutant' };
  const abandoned = object.abandoned || undefined;
  if (!object.owner) {
    outcome.deadEnds.push({ object: wait.object, reason: { reason: 'mutant-no-owner', lock: wait.object, abandoned } });
    return outcome;
  }
  const owner = env.table.threadByAddress.get(object.owner);
  if (!owner) {
    env.k.warnings.add('owner-not-a-thread', { object: 'mutant', address: wait.object, value: object.owner });
    outcome.deadEnds.push(ownerNotAThread(wait.object, { reason: 'owner-not-a-thread', kind: 'mutant', lock: wait.object, owner: object.owner, abandoned }));
    return outcome;
  }
  outcome.hops.push({ from: thread.address, kind: 'mutant', object: wait.object, to: owner.address, abandoned });
  return outcome;
};

export const processObjectRule: EdgeRule = (thread, wait, object, env) => {
  const process = env.table.processByAddress.get(wait.object);
  if (!process && (!object || object.kind !== 'Process')) return undefined;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'process' };
  if (!process) {
    outcome.deadEnds.push({ object: wait.object, reason: { reason: 'process-not-listed', process: wait.object } });
    return outcome;
  }
  const remaining = process.threads.filter((t) => !t.terminated && t.address !== thread.address);
  const exiting = !!process.exiting;
  if (!remaining.length) {
    outcome.deadEnds.push({ object: wait.object, reason: { reason: 'process-no-threads-left', process: wait.object, name: process.name, exiting } });
    return outcome;
  }
  for (const t of remaining) {
    outcome.hops.push({ from: thread.address, kind: 'process', object: wait.object, to: t.address, processName: process.name, exiting, threadsLeft: remaining.length });
  }
  return outcome;
};

export const threadObjectRule: EdgeRule = (thread, wait, object, env) => {
  const target = env.table.threadByAddress.get(wait.object);
  if (!target && (!object || object.kind !== 'Thread')) return undefined;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'thread' };
  if (!target) {
    outcome.deadEnds.push({ object: wait.object, reason: { reason: 'thread-not-listed', thread: wait.object } });
    return outcome;
  }
  outcome.hops.push({ from: thread.address, kind: 'thread', object: wait.object, to: target.address });
  return outcome;
};
