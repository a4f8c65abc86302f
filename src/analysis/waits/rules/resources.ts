// Edges through executive resources: a thread waiting on a resource's waiter object (the
// ExclusiveWaiters event / SharedWaiters semaphore, or on Win10+ the event of its own wait-chain
// entry) waits for every owner of that resource. The index of waiter objects is built once per run.
// A WrResource waiter the index does not know is recovered from its nt!ExpWaitForResource frame.
import type { Addr } from '../../../core/addr';
import type { ThreadInfo } from '../../../kernel/model';
import { cacheKey } from '../../../core/runCache';
import type { ResourceIndex, ResourceInfo, ResourceMode, ResourceReader } from '../../../kernel/resources';
import { ownerNotAThread, type EdgeRule, type RuleEnv, type WaitOutcome } from '../waitgraph';

/**
 * Objects resource waiters block on: the exclusive-waiters event, the shared-waiters semaphore, a wait-chain entry's
 * event (whose event type is unconfirmed, hence both kinds). Only a pre-filter: the index lookup decides.
 */
const WAITER_OBJECT_KINDS = /^(SynchronizationEvent|NotificationEvent|Semaphore|Unknown)$/;

export interface Resources {
  reader: ResourceReader | undefined;
  index: ResourceIndex | undefined;
}

const RESOURCES = cacheKey<Resources>('resources and their index');

/** The resource reader and index of this run (built on first use; shared with !stalecheck). */
export function resourcesOf(env: RuleEnv): Resources {
  return env.cache.get(RESOURCES, () => {
    const reader = env.kernel.resources;
    return { reader, index: reader && reader.buildIndex(env.dispatcher) };
  });
}

export const resourceRule: EdgeRule = (thread, wait, object, env) => {
  // ExpWaitForResource waits in kernel mode; anything else is not a resource wait.
  if (thread.waitMode !== 'KernelMode') return undefined;
  const wrResource = thread.waitReason === 'WrResource';
  if (!wrResource && object && !WAITER_OBJECT_KINDS.test(object.kind)) return undefined;
  const { reader, index } = resourcesOf(env);
  if (!reader || !index) return undefined;
  const link = index.byWaitObject.get(wait.object) || (wrResource ? index.byWaiterThread.get(thread.address) : undefined);
  if (link) return resourceOutcome(thread, wait.object, link.resource, link.mode, env);
  if (!wrResource) return undefined;
  return recoverFromStack(thread, wait.object, object ? object.kind : 'object', reader, index, env);
};

/** Dead ends name the object waited on (as terminals match them to the thread's waits); hops name the resource. */
function resourceOutcome(thread: ThreadInfo, waited: Addr, resource: ResourceInfo, mode: ResourceMode | undefined, env: RuleEnv, resourceFrom?: string): WaitOutcome {
  const { k, table } = env;
  const lock = resource.address;
  const outcome: WaitOutcome = {
    hops: [],
    deadEnds: [],
    objectKind: 'resource',
    lock,
    carriedWaiters: resource.exclusiveWaiters + resource.sharedWaiters,
  };
  for (const o of resource.owners) {
    const owner = table.threadByAddress.get(o.thread);
    let ownerPointer: Addr | undefined;
    if (o.ownerPointer) {
      if (!owner) {
        outcome.deadEnds.push({ object: waited, reason: { reason: 'resource-owner-pointer', lock, wanted: mode, value: o.value } });
        continue;
      }
      ownerPointer = o.value;
    } else if (!owner) {
      k.warnings.add('owner-not-a-thread', { object: 'resource', address: resource.address, member: `${o.mode} owner`, value: o.value });
      outcome.deadEnds.push(ownerNotAThread(waited, { reason: 'owner-not-a-thread', kind: 'resource', lock, owner: o.value, mode: o.mode, wanted: mode }));
      continue;
    }
    const itself = owner.address === thread.address || undefined;
    outcome.hops.push({ from: thread.address, kind: 'resource', object: lock, to: owner.address, mode: o.mode, ownerPointer, itself, resourceFrom });
  }
  if (!resource.owners.length) outcome.deadEnds.push({ object: waited, reason: { reason: 'resource-no-owner', lock, wanted: mode, resourceFrom } });
  if (resource.damage) outcome.deadEnds.push({ object: waited, reason: { reason: 'resource-damaged', lock, damage: resource.damage } });
  return outcome;
}

/**
 * A WrResource waiter whose wait object belongs to no listed resource: the resource is the first argument of its
 * nt!ExpWaitForResource* frame when the stack can be unwound (only these threads' stacks are asked for).
 */
function recoverFromStack(thread: ThreadInfo, waited: Addr, kind: string, reader: ResourceReader, index: ResourceIndex, env: RuleEnv): WaitOutcome {
  const { k } = env;
  const frames = env.stacks.frames(thread);
  const found = frames && env.kernel.resourceFromWaitFrame(thread, frames);
  const resource = found && (index.byAddress.get(found.resource) || reader.read(found.resource));
  if (found && resource) {
    k.warnings.add('resource-waiter-from-stack', { object: 'thread', address: thread.address, value: resource.address, name: found.frame });
    return resourceOutcome(thread, waited, resource, undefined, env, found.frame);
  }
  return {
    hops: [],
    deadEnds: [{ object: waited, reason: { reason: 'resource-wait-unmatched', objectKind: kind, object: waited, stackAvailable: !!frames } }],
    objectKind: kind,
  };
}

/**
 * Resources whose waiter counters exceed the waiters the dump shows (seed 002 busy system: 3591
 * waiters, none listed): their owners hold up threads no wait block names. Built from the same index.
 */
export function resourcesWithUnseenWaiters(env: RuleEnv, visibleWaiters: (lock: Addr) => number): { owner: Addr; lock: Addr; carried: number; mode: ResourceMode }[] {
  const { index } = resourcesOf(env);
  const out: { owner: Addr; lock: Addr; carried: number; mode: ResourceMode }[] = [];
  if (!index) return out;
  index.byAddress.forEach((r) => {
    const carried = r.exclusiveWaiters + r.sharedWaiters;
    if (carried <= visibleWaiters(r.address)) return;
    for (const o of r.owners) {
      if (!env.table.threadByAddress.has(o.thread)) continue;
      out.push({ owner: o.thread, lock: r.address, carried, mode: o.mode });
    }
  });
  return out;
}
