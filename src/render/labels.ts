// Shared wording: how a thread, a hop and a waiting time read in every output.
import { formatAddr, type Addr } from '../core/addr';
import { formatTicks } from '../analysis/waits/ticks';
import { type ThreadSummary, type WaitChainReport } from '../analysis/waits/waitchain';
import { hex4 } from '../core/numbers';
import type { Hop } from '../analysis/waits/waitgraph';
import { hopNoun } from './vocabulary';
import { getOrBuild } from '../core/runCache';

export class Labels {
  constructor(
    private readonly report: WaitChainReport,
    private readonly pointerSize: number,
  ) {}

  addr(a: Addr): string {
    return formatAddr(a, this.pointerSize);
  }

  thread(a: Addr): string {
    const s = this.report.threads.get(a);
    if (!s) return `thread ${this.addr(a)}`;
    return `${this.addr(a)} ${s.processName} ${hex4(s.pid)}.${hex4(s.tid)}`;
  }

  /** "Ticks: 711678 (0:03:05:19.968)" or why there is no figure. */
  age(s: ThreadSummary | undefined): string {
    if (!s || s.state !== 'Waiting') return s ? s.state : '';
    if (s.inconsistentWaitTime) return 'Wait Start after the current tick (inconsistent dump)';
    if (s.waitTicks === undefined) return 'Ticks: unknown';
    return `Ticks: ${s.waitTicks} (${formatTicks(s.waitTicks, this.report.clock.increment)})`;
  }

  /**
   * A thread's waiting time and where its chain ends: "Ticks: 711678 (...); waiting on ...". A thread
   * that is not waiting has no waiting time, and its end ("running on processor 1", "initialized")
   * already says its state: printed once, not as "Running; running on processor 1".
   */
  stateAndEnd(s: ThreadSummary): string {
    return s.state === 'Waiting' ? `${this.age(s)}; ${s.terminal}` : s.terminal;
  }

  /**
   * "mutant 85e9ba00 (owner)", "LPC message 007ade85 (served by ProcessB.exe)"; a lock several threads hold
   * names every owner: "ERESOURCE 88000100 (shared owner, shared by 87003000, 87004000 and 87005000)".
   */
  hop(h: Hop): string {
    const what = hopNoun(h.kind);
    // LPC hops go through a message id, not an object address.
    const object = h.kind === 'lpc' ? h.object : this.addr(h.object);
    const owners = SHARED_KINDS.test(h.kind) ? this.ownersOf(h) : [];
    const shared = owners.length > 1 ? `${h.detail ? ', ' : ''}shared by ${listWords(owners.map((o) => this.addr(o)))}` : '';
    const detail = `${h.detail}${shared}`;
    return `${what} ${object}${detail ? ` (${detail})` : ''}`;
  }

  private owners: Map<string, Addr[]> | undefined;

  /** Every thread the same waiter's hops through the same lock lead to (one hop per owner). */
  private ownersOf(h: Hop): Addr[] {
    if (!this.owners) {
      const owners = new Map<string, Addr[]>();
      const add = (x: Hop) => {
        const key = `${x.from}|${x.kind}|${x.object}`;
        const list = getOrBuild(owners, key, () => []);
        if (list.indexOf(x.to) < 0) list.push(x.to);
      };
      this.report.edges.forEach(add);
      this.report.chains.forEach((c) => c.hops.forEach(add));
      this.report.deadlocks.forEach((d) => d.hops.forEach(add));
      this.owners = owners;
    }
    return this.owners.get(`${h.from}|${h.kind}|${h.object}`) || [h.to];
  }
}

/** Locks that can have several owners at once. */
const SHARED_KINDS = /^(resource|push-lock|srw-lock)$/;

/** "a", "a and b", "a, b and c". */
function listWords(items: string[]): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

