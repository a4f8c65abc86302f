// !stalecheck's structured result: { findings: [{ rule, severity, summary, thread?, irp?, object?, evidence, next }], warnings }.
// summary, evidence and next are the words src/render/staleWords.ts writes from each finding's facts.
import type { StaleReport } from '../analysis/stale/stalecheck';
import { findingWords } from './staleWords';
import { warningLines } from './vocabulary';

export function staleJson(r: StaleReport, pointerSize: number): object {
  return {
    findings: r.findings.map((f) => {
      const w = findingWords(f, pointerSize);
      return { rule: f.rule, severity: f.severity, summary: w.summary, thread: f.thread, irp: f.irp, object: f.object, evidence: w.evidence, next: w.next };
    }),
    rulesRun: r.rulesRun,
    threadsScanned: r.threadsScanned,
    warnings: warningLines(r.warnings),
  };
}
