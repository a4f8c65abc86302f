// !stalecheck's structured result: { findings: [{ rule, severity, thread?, irp?, object?, evidence }], warnings }.
import type { StaleReport } from '../analysis/stale/stalecheck';
import { warningLines } from './vocabulary';

export function staleJson(r: StaleReport): object {
  return {
    findings: r.findings.map((f) => ({ rule: f.rule, severity: f.severity, summary: f.summary, thread: f.thread, irp: f.irp, object: f.object, evidence: f.evidence, next: f.next })),
    rulesRun: r.rulesRun,
    threadsScanned: r.threadsScanned,
    warnings: warningLines(r.warnings),
  };
}
