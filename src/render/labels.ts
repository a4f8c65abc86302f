// Shared wording: how a thread, a hop and a waiting time read in every output.
import type { Addr } from '../core/addr';
import type { ThreadSummary, WaitChainReport } from '../analysis/waits/waitchain';
import { hopObjectKey, type Hop } from '../analysis/waits/waitgraph';
import { addrText, formatTicks, listWords, threadLabel } from './vocabulary';
import { hopDetail, hopObjectText, terminalText } from './waitchainWords';
import { getOrBuild } from '../core/runCache';

export class Labels {
  constructor(
    private readonly report: WaitChainReport,
    private readonly pointerSize: number,
  ) {}

  addr(a: Addr): string {
    return addrText(a, this.pointerSize);
  }

  thread(a: Addr): string {
    return threadLabel(this.addr(a), this.report.threads.get(a));
  }

  /** "Ticks: 711678 (0:03:05:19.968)" or why there is no figure. */
  age(s: ThreadSummary | undefined): string {
    if (!s || s.state !== 'Waiting') return s ? s.state : '';
    if (s.inconsistentWaitTime) return 'Wait Start after the current tick (inconsistent dump)';
    if (s.waitTicks === undefined) return 'Ticks: unknown';
    return `Ticks: ${s.waitTicks} (${formatTicks(s.waitTicks, this.report.clock.increment)})`;
  }

  /** Where a thread's chain ends ("running on processor 1"), as the analysis described it. */
  end(s: ThreadSummary): string {
    return s.terminal ? terminalText(s.terminal, this.pointerSize) : '';
  }

  /**
   * A thread's waiting time and where its chain ends: "Ticks: 711678 (...); waiting on ...". A thread
   * that is not waiting has no waiting time, and its end ("running on processor 1", "initialized")
   * already says its state: printed once, not as "Running; running on processor 1".
   */
  stateAndEnd(s: ThreadSummary): string {
    return s.state === 'Waiting' ? `${this.age(s)}; ${this.end(s)}` : this.end(s);
  }

  /** "mutant 85e9ba00": what a hop goes through, without the evidence. */
  hopObject(h: Hop): string {
    return hopObjectText(h, this.pointerSize);
  }

  /** The evidence of a hop alone: "owner", "served by ProcessB.exe". */
  hopDetail(h: Hop): string {
    return hopDetail(h, this.pointerSize);
  }

  /**
   * "mutant 85e9ba00 (owner)", "LPC message 007ade85 (served by ProcessB.exe)"; a lock several threads hold
   * names every owner: "ERESOURCE 88000100 (shared owner, shared by 87003000, 87004000 and 87005000)".
   * `withEvidence` false: the object and its owners only ("ERESOURCE 88000100 (shared by ...)").
   */
  hop(h: Hop, withEvidence = true): string {
    const evidence = withEvidence ? this.hopDetail(h) : '';
    const owners = SHARED_KINDS[h.kind] ? this.ownersOf(h) : [];
    const shared = owners.length > 1 ? `${evidence ? ', ' : ''}shared by ${listWords(owners.map((o) => this.addr(o)))}` : '';
    const detail = `${evidence}${shared}`;
    return `${this.hopObject(h)}${detail ? ` (${detail})` : ''}`;
  }

  private owners: Map<string, Addr[]> | undefined;

  /** Every thread the same waiter's hops through the same lock lead to (one hop per owner). */
  private ownersOf(h: Hop): Addr[] {
    if (!this.owners) {
      const owners = new Map<string, Addr[]>();
      const add = (x: Hop) => {
        const key = `${x.from}|${x.kind}|${hopObjectKey(x)}`;
        const list = getOrBuild(owners, key, () => []);
        if (list.indexOf(x.to) < 0) list.push(x.to);
      };
      this.report.edges.forEach(add);
      this.report.chains.forEach((c) => c.hops.forEach(add));
      this.report.deadlocks.forEach((d) => d.hops.forEach(add));
      this.owners = owners;
    }
    return this.owners.get(`${h.from}|${h.kind}|${hopObjectKey(h)}`) || [h.to];
  }
}

/** Locks that can have several owners at once. */
const SHARED_KINDS: Record<Hop['kind'], boolean> = {
  mutant: false,
  process: false,
  thread: false,
  resource: true,
  'fast-mutex': false,
  'guarded-mutex': false,
  'critical-section': false,
  lpc: false,
  alpc: false,
  'push-lock': true,
};
