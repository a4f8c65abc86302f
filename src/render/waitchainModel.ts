// The object `dx @$waitchain()` returns: collections a user can click through in WinDbg, each
// thread node exposing its native _ETHREAD (created only when expanded). toString is the verdict,
// so the `!waitchain` echo line reads as the conclusion.
import { formatTicks, hopNoun, threadId } from './vocabulary';
import type { Addr } from '../core/addr';
import type { Target } from '../core/target';
import type { WaitChainReport } from '../analysis/waits/waitchain';
import { hopObjectKey, type Hop } from '../analysis/waits/waitgraph';
import { waitChainJson } from './waitchainJson';
import { hopDetail, terminalText, verdictText } from './waitchainWords';

class ThreadNode {
  readonly Address: string;

  // A report may hold 100k threads: each node's text is made when displayed, not when the model is built.
  constructor(
    private readonly __report: WaitChainReport,
    address: Addr,
    private readonly __target: Target,
  ) {
    this.Address = address;
  }

  get Process(): string {
    const s = this.__report.threads.get(this.Address);
    return s ? s.processName : '';
  }

  get Id(): string {
    const s = this.__report.threads.get(this.Address);
    return s ? threadId(s.pid, s.tid) : '';
  }

  get State(): string {
    const s = this.__report.threads.get(this.Address);
    return s ? (s.state === 'Waiting' ? `Waiting (${s.waitReason})` : s.state) : '';
  }

  get Waiting(): string {
    const s = this.__report.threads.get(this.Address);
    return s && s.waitTicks !== undefined ? formatTicks(s.waitTicks, this.__report.clock.increment) : '';
  }

  /**
   * What it is doing: as the report described it, else read when a user expands it (the interactive view
   * may show any of the report's threads; reading one may need its stack).
   */
  get Doing(): string {
    const s = this.__report.threads.get(this.Address);
    if (!s) return '';
    const end = s.terminal || this.__report.terminalOf(this.Address);
    return end ? terminalText(end, this.__report.pointerSize) : '';
  }

  /** The native object, for click-through. */
  get KernelObject(): unknown {
    return this.__target.native(this.Address, 'nt', '_ETHREAD');
  }

  toString(): string {
    return `${this.Address} ${this.Process} ${this.Id}`;
  }
}

/** The native type of the object a hop goes through, for click-through (LPC hops carry a message id, no object). */
const NATIVE_TYPE_OF_HOP: Partial<Record<Hop['kind'], string>> = {
  mutant: '_KMUTANT',
  process: '_EPROCESS',
  thread: '_ETHREAD',
  resource: '_ERESOURCE',
  'fast-mutex': '_FAST_MUTEX',
  'guarded-mutex': '_KGUARDED_MUTEX',
  alpc: '_KALPC_MESSAGE',
  'push-lock': '_EX_PUSH_LOCK',
};

class HopNode {
  readonly From: string;
  readonly Kind: Hop['kind'];
  readonly Object: string;
  readonly To: string;
  readonly Detail: string;
  constructor(
    h: Hop,
    private readonly __target: Target,
    __pointerSize: number,
  ) {
    this.From = h.from;
    this.Kind = h.kind;
    this.Object = hopObjectKey(h);
    this.To = h.to;
    this.Detail = hopDetail(h, __pointerSize);
  }

  /** The object the hop goes through, as a native object. */
  get KernelObject(): unknown {
    const type = NATIVE_TYPE_OF_HOP[this.Kind];
    return type ? this.__target.native(this.Object, 'nt', type) : undefined;
  }

  toString(): string {
    return `${this.From} -> ${hopNoun(this.Kind)} ${this.Object} -> ${this.To}`;
  }
}

export class WaitChainModel {
  readonly Verdict: string;
  readonly Deadlocks: { Threads: ThreadNode[]; Hops: HopNode[]; toString(): string }[];
  readonly RootBlockers: (ThreadNode & { Blocked: number })[];
  readonly Chains: { Path: ThreadNode[]; Hops: HopNode[]; toString(): string }[];
  readonly Threads: ThreadNode[];
  /** Threads waiting on a server that does not serve them (the UNSERVED verdict), longest first. */
  readonly Unserved: ThreadNode[];

  constructor(private readonly __report: WaitChainReport, target: Target) {
    const node = (a: Addr) => new ThreadNode(__report, a, target);
    this.Verdict = verdictText(__report);
    this.Deadlocks = __report.deadlocks.map((d) => ({
      Threads: d.threads.map(node),
      Hops: d.hops.map((h) => new HopNode(h, target, __report.pointerSize)),
      toString: () => d.threads.join(' -> '),
    }));
    this.RootBlockers = __report.rootBlockers.map((r) => Object.assign(node(r.thread), { Blocked: r.blocked.length }));
    this.Chains = __report.chains.map((c) => ({
      Path: c.path.map(node),
      Hops: c.hops.map((h) => new HopNode(h, target, __report.pointerSize)),
      toString: () => c.path.join(' -> '),
    }));
    const all: ThreadNode[] = [];
    __report.threads.forEach((_, a) => all.push(node(a)));
    this.Threads = all;
    this.Unserved = __report.unserved.map((u) => node(u.thread));
  }

  toString(): string {
    return this.Verdict;
  }

  /** The harness's --json (hidden from dx by the double underscore). */
  __toJSON(): object {
    return waitChainJson(this.__report);
  }
}
