// The object `dx @$stalecheck()` returns: findings as data-model objects, the thread and IRP of each
// reachable as native objects for click-through.
import type { Target } from '../core/target';
import type { StaleReport } from '../analysis/stale/stalecheck';
import type { Finding } from '../analysis/stale/model';
import { staleJson } from './staleJson';
import { findingWords } from './staleWords';

class FindingNode {
  readonly Rule: string;
  readonly Severity: string;
  readonly Summary: string;
  readonly Evidence: string[];
  readonly Next: string;
  constructor(
    private readonly __finding: Finding,
    private readonly __target: Target,
  ) {
    const words = findingWords(__finding, __target.pointerSize);
    this.Rule = __finding.rule;
    this.Severity = __finding.severity;
    this.Summary = words.summary;
    this.Evidence = words.evidence;
    this.Next = words.next;
  }
  get Thread(): unknown {
    return this.__finding.thread ? this.__target.native(this.__finding.thread, 'nt', '_ETHREAD') : undefined;
  }
  get Irp(): unknown {
    return this.__finding.irp ? this.__target.native(this.__finding.irp, 'nt', '_IRP') : undefined;
  }
  toString(): string {
    return `[${this.Severity}] ${this.Rule}: ${this.Summary}`;
  }
}

export class StaleModel {
  readonly Findings: FindingNode[];
  constructor(
    private readonly __report: StaleReport,
    private readonly __target: Target,
  ) {
    this.Findings = __report.findings.map((f) => new FindingNode(f, __target));
  }
  toString(): string {
    return `${this.__report.findings.length} findings`;
  }
  __toJSON(): object {
    return staleJson(this.__report, this.__target.pointerSize);
  }
}
