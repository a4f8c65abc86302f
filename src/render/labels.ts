// Shared wording: how a thread, a hop and a waiting time read in every output.
import { formatAddr, type Addr } from '../core/addr';
import { formatTicks } from '../analysis/ticks';
import { hex4, type ThreadSummary, type WaitChainReport } from '../analysis/waitchain';
import type { Hop } from '../analysis/waitgraph';
import { hopNoun } from './vocabulary';

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

  /** "mutant 85e9ba00 (owner)", "LPC message 007ade85 (served by ProcessB.exe)". */
  hop(h: Hop): string {
    const what = hopNoun(h.kind);
    // LPC hops go through a message id, not an object address.
    const object = h.kind === 'lpc' ? h.object : this.addr(h.object);
    return `${what} ${object}${h.detail ? ` (${h.detail})` : ''}`;
  }
}

