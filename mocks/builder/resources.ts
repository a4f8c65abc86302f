// Executive resources (docs/kernel-structures.md §ERESOURCE): _ERESOURCE on nt!ExpSystemResourcesList, owners, waiters.
// Waiters up to 8.1 wait on the resource's ExclusiveWaiters event / SharedWaiters semaphore (WrResource).
// Layouts with _KWAIT_CHAIN_ENTRY (Win10+), modelled interpretation: each waiter has a _KWAIT_CHAIN_ENTRY on its own
// kernel stack (inside [KernelStack, StackBase), as a local of an nt!ExpWaitForResource frame whose first argument is the
// resource), chained NULL-terminated through ListEntry.Flink from ExclusiveWaiters/SharedWaiters, and waits on the
// entry's Event (WrResource).
import type { Ctx } from './context';
import { fmt } from './hex';
import { dispatcherHeader } from './objects';
import type { ScenarioResource } from './scenario';
import { findOrInsertKernelFrame } from './stacks';

const R = '_ERESOURCE';
const O = '_OWNER_ENTRY';
const CE = '_KWAIT_CHAIN_ENTRY';

interface ResPlan { r: ScenarioResource; index: number; addr: bigint; excl?: bigint; shared?: bigint; chainEx: { thread: bigint; entry: () => bigint }[]; chainSh: { thread: bigint; entry: () => bigint }[] }
const plans = new WeakMap<Ctx, ResPlan[]>();

export function usesWaitChains(ctx: Ctx): boolean {
  return ctx.types.has(CE);
}

/** Planning: waiter wait blocks (implied waits) and, on wait-chain layouts, the stack frames holding the entries. */
export function planResources(ctx: Ctx): void {
  const list: ResPlan[] = [];
  const chain = usesWaitChains(ctx);
  const k = ctx.kernel;
  (ctx.s.resources ?? []).forEach((r, index) => {
    const addr = ctx.addr(r.address);
    const p: ResPlan = { r, index, addr, chainEx: [], chainSh: [] };
    list.push(p);
    const what = `resources[${index}] (${r.address})`;
    const exW = (r.exclusiveWaiters ?? []).map((w) => ctx.addr(w));
    const shW = (r.sharedWaiters ?? []).map((w) => ctx.addr(w));
    const anyExcl = exW.length > 0 || (r.exclusiveWaiterCount ?? 0) > 0;
    const anyShared = shW.length > 0 || (r.sharedWaiterCount ?? 0) > 0;
    // existing nt!ExpWaitForResource frames of waiters get the resource as first argument on every layout
    for (const w of [...exW, ...shW]) {
      const t = ctx.thread(w, what);
      const f = t?.frames.find((x) => /^nt!ExpWaitForResource/i.test(x.text));
      if (f && !f.args.length) f.args = [addr];
    }
    if (!chain) {
      if (anyExcl) {
        p.excl = ctx.pool(ctx.sw.size('_KEVENT'), `${what} exclusive-waiters event`);
        dispatcherHeader(ctx, p.excl, 'EventSynchronizationObject', ctx.sw.size('_KEVENT'), 0);
      }
      if (anyShared) {
        p.shared = ctx.pool(ctx.sw.size('_KSEMAPHORE'), `${what} shared-waiters semaphore`);
        dispatcherHeader(ctx, p.shared, 'SemaphoreObject', ctx.sw.size('_KSEMAPHORE'), 0);
        ctx.sw.set(k, p.shared, '_KSEMAPHORE', 'Limit', 0x7fffffff);
      }
      for (const w of exW) ctx.thread(w, what)?.implied.push({ objects: [{ address: p.excl!, waitType: 'WaitAny' }], reason: 'WrResource', source: `${what}.exclusiveWaiters` });
      for (const w of shW) ctx.thread(w, what)?.implied.push({ objects: [{ address: p.shared!, waitType: 'WaitAny' }], reason: 'WrResource', source: `${what}.sharedWaiters` });
      return;
    }
    const add = (w: bigint, into: ResPlan['chainEx'], kind: string): void => {
      const t = ctx.thread(w, what);
      if (!t) return;
      const f = findOrInsertKernelFrame(t, /^nt!ExpWaitForResource/i, 'nt!ExpWaitForResource');
      if (f.inserted) ctx.note(`threads[${t.index}] ${t.s.address}: frame nt!ExpWaitForResource inserted (wait-chain resource waiter of ${r.address})`);
      f.args = [addr, ...f.args.slice(1)];
      f.localSize = ctx.sw.size(CE);
      const entry = (): bigint => {
        if (f.localAddr === undefined) throw new Error(`${what}: no stack slot for the _KWAIT_CHAIN_ENTRY of ${fmt(w)}`);
        return f.localAddr;
      };
      into.push({ thread: w, entry });
      t.implied.push({ objects: [], late: () => entry() + BigInt(ctx.sw.off(CE, 'Event')), reason: 'WrResource', source: `${what}.${kind}` });
    };
    for (const w of exW) add(w, p.chainEx, 'exclusiveWaiters');
    for (const w of shW) add(w, p.chainSh, 'sharedWaiters');
  });
  plans.set(ctx, list);
}

/** Lays out the resources (after the stacks, so that wait-chain entries have their addresses). */
export function layoutResources(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const head = ctx.globalAddr('nt', 'ExpSystemResourcesList');
  for (const p of plans.get(ctx) ?? []) {
    const { r, addr } = p;
    const what = `resources[${p.index}] (${r.address})`;
    if (head !== undefined) ctx.listInsertTail(k, head, addr + BigInt(sw.off(R, 'SystemResourcesList')));
    else ctx.note('layout has no nt!ExpSystemResourcesList: resources are not on a system list');
    const xp = sw.has(R, 'OwnerThreads');
    const entry = (i: number): bigint => addr + BigInt(sw.off(R, xp ? `OwnerThreads[${i}]` : 'OwnerEntry'));
    const setOwner = (at: bigint, thread: bigint, count: number): void => {
      sw.set(k, at, O, 'OwnerThread', thread);
      sw.set(k, at, O, 'OwnerCount', count);
    };
    const shared = (r.sharedOwners ?? []).map((x) => ctx.addr(x));
    if (r.exclusiveOwner) {
      if (shared.length) ctx.note(`${what}: both an exclusive owner and shared owners given; laid out as exclusively owned`);
      setOwner(entry(0), ctx.addr(r.exclusiveOwner), 1);
      if (!sw.trySet(k, addr, R, 'Flag', 0x80)) sw.set(k, addr, R, 'ReservedLowFlags', 0x80);
      sw.set(k, addr, R, 'ActiveCount', 1);
      sw.trySet(k, addr, R, 'ActiveEntries', 1);
    } else if (shared.length) {
      setOwner(entry(xp ? 1 : 0), shared[0]!, 1);
      if (shared.length > 1) {
        const esize = sw.size(O);
        const n = shared.length; // entries 1..n-1 hold owners; entry 0 carries TableSize
        const table = ctx.pool(esize * n, `${what} owner table`);
        sw.set(k, table, O, 'TableSize', n);
        shared.slice(1).forEach((t, i) => setOwner(table + BigInt((i + 1) * esize), t, 1));
        sw.set(k, addr, R, 'OwnerTable', table);
      }
      sw.set(k, addr, R, 'ActiveCount', shared.length);
      sw.trySet(k, addr, R, 'ActiveEntries', shared.length);
    }
    const exW = r.exclusiveWaiters ?? [];
    const shW = r.sharedWaiters ?? [];
    sw.set(k, addr, R, 'NumberOfExclusiveWaiters', Math.max(exW.length, r.exclusiveWaiterCount ?? 0));
    sw.set(k, addr, R, 'NumberOfSharedWaiters', Math.max(shW.length, r.sharedWaiterCount ?? 0));
    if (r.contentionCount !== undefined && r.contentionCount !== null) sw.set(k, addr, R, 'ContentionCount', r.contentionCount);
    if (!usesWaitChains(ctx)) {
      if (p.excl !== undefined) sw.set(k, addr, R, 'ExclusiveWaiters', p.excl);
      if (p.shared !== undefined) sw.set(k, addr, R, 'SharedWaiters', p.shared);
      continue;
    }
    // The entry's link and the head differ by build (probed): 14393 links through a _SINGLE_LIST_ENTRY and
    // heads SharedWaiters with an embedded _KWAIT_CHAIN; 15063 a _LIST_ENTRY without Thread; 17763+ adds Thread.
    const next = sw.has(CE, 'ListEntry.Flink') ? 'ListEntry.Flink' : 'ListEntry.Next';
    const chainTo = (field: string, items: ResPlan['chainEx']): void => {
      const head = sw.has(R, `${field}.Head.Next`) ? `${field}.Head.Next` : field;
      let prev: bigint | undefined;
      for (const it of items) {
        const e = it.entry();
        k.claim(e, sw.size(CE), `_KWAIT_CHAIN_ENTRY of thread ${fmt(it.thread)} for ${what}`);
        sw.set(k, e, CE, next, 0);
        sw.trySet(k, e, CE, 'ListEntry.Blink', prev ?? 0n);
        sw.trySet(k, e, CE, 'Thread', it.thread);
        const ev = e + BigInt(sw.off(CE, 'Event'));
        dispatcherHeader(ctx, ev, 'EventSynchronizationObject', sw.size('_KEVENT'), 0);
        if (prev === undefined) sw.set(k, addr, R, head, e);
        else sw.set(k, prev, CE, next, e);
        prev = e;
      }
    };
    chainTo('ExclusiveWaiters', p.chainEx);
    chainTo('SharedWaiters', p.chainSh);
  }
}
