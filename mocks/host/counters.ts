// Round-trip counters for the benchmark: one count per host call or per property access on a
// native or data-model object, i.e. each time the real debugger would cross from the script
// engine into the debugger engine (docs/jsprovider.md §Data model "Laziness and cost"). Internal work of the mock (walking
// kernel lists to build the process list, resolving types) is not counted: the real debugger
// does that natively, not through script round trips.

export interface CounterSnapshot {
  /** Count per API name, e.g. readMemoryValues, typedObject.field, dataModel.Processes. */
  byApi: Record<string, number>;
  /** Sum of all calls. */
  total: number;
  /** Target bytes the script caused to be read (readMemoryValues/readString/typed fields). */
  bytesRead: number;
}

/** Thrown once a run made more round trips than its step limit: the fuzzer's definition of a hang. */
export class StepLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`mock: step limit exceeded (${limit} host round trips)`);
    this.name = 'StepLimitExceeded';
  }
}

export class Counters {
  private calls = new Map<string, number>();
  private bytes = 0;
  private suspended = 0;
  private steps = 0;
  /** Round trips allowed since the last reset(); past it every call throws StepLimitExceeded. */
  stepLimit = Infinity;
  /** Set when the limit was hit (the script may have caught the error; the run still counts as a hang). */
  limitHit = false;

  count(api: string, n = 1): void {
    if (this.suspended) return;
    this.calls.set(api, (this.calls.get(api) ?? 0) + n);
    this.steps += n;
    if (this.steps > this.stepLimit) {
      this.limitHit = true;
      throw new StepLimitExceeded(this.stepLimit);
    }
  }

  addBytes(n: number): void {
    if (!this.suspended) this.bytes += n;
  }

  /** Runs `fn` without counting: debugger-side work that is no script round trip (dx evaluation). */
  uncounted<T>(fn: () => T): T {
    this.suspended++;
    try {
      return fn();
    } finally {
      this.suspended--;
    }
  }

  get(api: string): number {
    return this.calls.get(api) ?? 0;
  }

  snapshot(): CounterSnapshot {
    const byApi: Record<string, number> = {};
    let total = 0;
    for (const [k, v] of [...this.calls].sort((a, b) => a[0].localeCompare(b[0]))) {
      byApi[k] = v;
      total += v;
    }
    return { byApi, total, bytesRead: this.bytes };
  }

  reset(): void {
    this.calls.clear();
    this.bytes = 0;
    this.steps = 0;
    this.limitHit = false;
  }
}
