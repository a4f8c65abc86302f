import { formatAddr } from '../../../core/addr';
// Edges through dispatcher objects that name a thread: a mutant's owner, a process object's
// remaining threads (the waiter waits for that process to exit), a thread object itself.
import type { EdgeRule, WaitOutcome } from '../waitgraph';

export const mutantRule: EdgeRule = (thread, wait, object, env) => {
  if (!object || object.kind !== 'Mutant') return undefined;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'mutant' };
  const abandoned = object.abandoned ? ', abandoned' : '';
  if (!object.owner) {
    outcome.deadEnds.push({ object: wait.object, text: `mutant ${formatAddr(wait.object, env.k.pointerSize)} has no owner${abandoned}` });
    return outcome;
  }
  const owner = env.table.threadByAddress.get(object.owner);
  if (!owner) {
    env.k.warnings.add('owner-not-a-thread', { object: 'mutant', address: wait.object, value: object.owner });
    outcome.deadEnds.push({
      object: wait.object,
      text: `mutant ${formatAddr(wait.object, env.k.pointerSize)} owned by ${formatAddr(object.owner, env.k.pointerSize)}, which is not a thread of any listed process${abandoned}`,
      ownerNotFound: { kind: 'mutant', lock: wait.object, owner: object.owner },
    });
    return outcome;
  }
  outcome.hops.push({ from: thread.address, kind: 'mutant', object: wait.object, to: owner.address, detail: `owner${abandoned}` });
  return outcome;
};

export const processObjectRule: EdgeRule = (thread, wait, object, env) => {
  const process = env.table.processByAddress.get(wait.object);
  if (!process && (!object || object.kind !== 'Process')) return undefined;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'process' };
  if (!process) {
    outcome.deadEnds.push({ object: wait.object, text: `process ${formatAddr(wait.object, env.k.pointerSize)}, not in the process list` });
    return outcome;
  }
  const remaining = process.threads.filter((t) => !t.terminated && t.address !== thread.address);
  const exiting = process.exiting ? ', exiting' : '';
  const left = `${remaining.length} thread${remaining.length === 1 ? '' : 's'} left`;
  if (!remaining.length) {
    outcome.deadEnds.push({ object: wait.object, text: `process ${formatAddr(wait.object, env.k.pointerSize)} (${process.name}${exiting}) with no threads left` });
    return outcome;
  }
  for (const t of remaining) {
    outcome.hops.push({ from: thread.address, kind: 'process', object: wait.object, to: t.address, detail: `${process.name}${exiting}, ${left}` });
  }
  return outcome;
};

export const threadObjectRule: EdgeRule = (thread, wait, object, env) => {
  const target = env.table.threadByAddress.get(wait.object);
  if (!target && (!object || object.kind !== 'Thread')) return undefined;
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'thread' };
  if (!target) {
    outcome.deadEnds.push({ object: wait.object, text: `thread ${formatAddr(wait.object, env.k.pointerSize)}, not in any process's thread list` });
    return outcome;
  }
  outcome.hops.push({ from: thread.address, kind: 'thread', object: wait.object, to: target.address, detail: 'until it exits' });
  return outcome;
};
