// The !stalecheck report: one line per finding (most severe first), its evidence indented, the
// next command to run, and a summary line.
import { formatAddr } from '../core/addr';
import type { StaleReport } from '../analysis/stale/stalecheck';
import { findingWords } from './staleWords';
import { count, warningLines, warningsText } from './vocabulary';

export function renderStaleText(r: StaleReport, pointerSize: number): string {
  const out: string[] = [];
  if (!r.findings.length) out.push(`No findings (${r.rulesRun.join(', ')}) among ${count(r.threadsScanned, 'thread')}`);
  r.findings.forEach((f, i) => {
    const at: string[] = [];
    if (f.thread) at.push(`thread ${formatAddr(f.thread, pointerSize)}`);
    if (f.irp) at.push(`IRP ${formatAddr(f.irp, pointerSize)}`);
    const w = findingWords(f, pointerSize);
    out.push(`${i + 1}. [${f.severity}] ${f.rule}: ${w.summary}${at.length ? ` (${at.join(', ')})` : ''}`);
    for (const e of w.evidence) out.push(`     ${e}`);
    out.push(`     next: ${w.next}`);
  });
  const counts = (['error', 'warning', 'info'] as const).map((s) => count(r.findings.filter((f) => f.severity === s).length, s));
  out.push(`Summary: ${count(r.findings.length, 'finding')} (${counts.join(', ')}), ${count(r.threadsScanned, 'thread')} scanned, ${warningsText(warningLines(r.warnings))}`);
  return out.join('\n') + '\n';
}
