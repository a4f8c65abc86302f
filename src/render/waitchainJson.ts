// The structured result (`--json` in the harness, the data behind `dx @$waitchain()`):
// addresses as lower-case hex without 0x or backtick.
import type { ThreadSummary, WaitChainReport } from '../analysis/waits/waitchain';
import { hopObjectKey, type Hop } from '../analysis/waits/waitgraph';
import { deadEndText, hopDetail, scopeErrorText, terminalText, verdictText } from './waitchainWords';
import { warningLines } from './vocabulary';

export interface HopJson {
  from: string;
  kind: string;
  object: string;
  /** null: the lock records no owner (srw-lock, condition-variable, wait-on-address, push-lock without a lock entry). */
  to: string | null;
  detail: string;
}

export function waitChainJson(r: WaitChainReport): object {
  const hop = (h: Hop) => hopJson(h, r.pointerSize);
  const counts: { [object: string]: number } = {};
  for (const w of r.waiterCounts) counts[w.object] = w.count;
  const longest = r.longestWaiter ? r.threads.get(r.longestWaiter) : undefined;
  return {
    verdict: verdictText(r),
    deadlocks: r.deadlocks.map((d) => ({ threads: d.threads, hops: d.hops.map(hop), alsoInvolved: d.alsoInvolved })),
    rootBlockers: r.rootBlockers.map((root) => {
      const s = r.threads.get(root.thread);
      return {
        thread: root.thread,
        process: s ? s.process : undefined,
        processName: s ? s.processName : undefined,
        blocked: root.blocked.length,
        processesAffected: root.processesAffected,
        waitTicks: s ? s.waitTicks : undefined,
        cycle: root.cycle,
        holds: root.holds.map((h) => ({ lock: h.lock, kind: h.kind, waiters: h.carried })),
        description: s ? endText(r, s) : undefined,
      };
    }),
    chains: r.chains.map((c) => ({ path: c.path, root: c.root, hops: c.hops.map(hop), blockedFirst: c.blockedFirst })),
    // Waits on locks that record no owner are edges too, to no thread (`to: null`), so every wait kind is listed.
    edges: r.edges.map(hop).concat(ownerlessEdges(r)),
    // Present only when there are some (recorded expectations of older dumps stay as they were).
    ownerlessLocks: r.ownerless.length ? r.ownerless.map((o) => ({ kind: o.kind, lock: o.lock, process: o.process, threads: o.threads, description: deadEndText(o.reason, r.pointerSize) })) : undefined,
    threads: threadsJson(r),
    longestWaiter: r.longestWaiter,
    longestWaitTicks: longest ? longest.waitTicks : undefined,
    waiterCounts: counts,
    threadsScanned: r.scanned,
    waiting: r.waiting,
    inChains: r.inChains,
    currentTick: r.clock.currentTick,
    tickIncrement: r.clock.increment,
    warnings: warningLines(r.warnings),
    error: r.scopeError && scopeErrorText(r.scopeError),
    // Extensions (issue 18): waits on servers that do not serve, listed-vs-counted waiters, the scope.
    unserved: r.unserved.map((u) => ({ thread: u.thread, object: u.object, kind: u.message.kind, message: u.message.message, port: u.message.port, queued: u.message.queued })),
    waitersListed: listedCounts(r),
    scope: r.scope,
  };
}

/** Objects whose waiter count includes waiters only the lock counts: how many the dump lists. */
function listedCounts(r: WaitChainReport): { [object: string]: number } | undefined {
  const out: { [object: string]: number } = {};
  let any = false;
  for (const w of r.waiterCounts) {
    if (w.listed !== w.count) {
      out[w.object] = w.listed;
      any = true;
    }
  }
  return any ? out : undefined;
}

/**
 * Every thread the report names; what it is doing for the threads where a chain ends or that the report
 * singles out (a chain member's doing is its hop, in `edges`).
 */
function threadsJson(r: WaitChainReport): object {
  const ends = new Set<string>();
  r.rootBlockers.forEach((b) => [b.thread, ...(b.cycle || [])].forEach((t) => ends.add(t)));
  if (r.longestWaiter) ends.add(r.longestWaiter);
  if (r.focus) ends.add(r.focus);
  const out: { [address: string]: object } = {};
  r.threads.forEach((s, a) => {
    out[a] = { process: s.process, processName: s.processName, pid: s.pid, tid: s.tid, state: s.state, waitReason: s.waitReason, waitTicks: s.waitTicks, inconsistentWaitTime: s.inconsistentWaitTime, doing: ends.has(a) ? endText(r, s) : undefined };
  });
  return out;
}

/** Where a thread's chain ends; those the text report does not print are read on demand (WaitChainReport.terminalOf). */
function endText(r: WaitChainReport, s: ThreadSummary): string {
  const t = s.terminal || r.terminalOf(s.address);
  return t ? terminalText(t, r.pointerSize) : '';
}

function ownerlessEdges(r: WaitChainReport): HopJson[] {
  const out: HopJson[] = [];
  for (const o of r.ownerless) {
    const detail = deadEndText(o.reason, r.pointerSize);
    for (const t of o.threads) out.push({ from: t, kind: o.kind, object: o.lock || '0', to: null, detail });
  }
  return out;
}

/** `object`: the address, or an LPC hop's message id; `detail`: the evidence in words (render/waitchainWords.ts). */
function hopJson(h: Hop, pointerSize: number): HopJson {
  return { from: h.from, kind: h.kind, object: hopObjectKey(h), to: h.to, detail: hopDetail(h, pointerSize) };
}
