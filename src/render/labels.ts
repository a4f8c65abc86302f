// Shared wording: how a thread, a hop and a waiting time read in every output.
import { formatAddr, type Addr } from '../core/addr';
import { formatTicks } from '../analysis/ticks';
import { hex4, type ThreadSummary, type WaitChainReport } from '../analysis/waitchain';
import type { Hop } from '../analysis/waitgraph';

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

  hop(h: Hop): string {
    switch (h.kind) {
      case 'mutant':
        return `mutant ${this.addr(h.object)} (${h.detail})`;
      case 'process':
        return `process ${this.addr(h.object)} (${h.detail})`;
      case 'thread':
        return `thread object ${this.addr(h.object)} (${h.detail})`;
      default:
        return `${h.kind} ${this.addr(h.object)}`;
    }
  }
}
