// !stalecheck "-html <path>": the summary in the text report's words and the findings as a table,
// each with its evidence and the command to run next.
import { formatAddr } from '../../core/addr';
import type { StaleReport } from '../../analysis/stale/stalecheck';
import { findingWords } from '../staleWords';
import { esc } from './escape';
import { command, htmlPage, table, type Cell } from './page';

const SEVERITY_ORDER: { [s: string]: number } = { error: 0, warning: 1, info: 2 };

export function renderStaleHtml(r: StaleReport, pointerSize: number, text: string): string {
  const at = (a: string | undefined) => (a ? formatAddr(a, pointerSize) : '');
  const headline = text.split('\n').filter((l) => l.indexOf('Summary: ') === 0 || l.indexOf('No findings') === 0);
  const rows: Cell[][] = r.findings.map((f, i) => {
    const w = findingWords(f, pointerSize);
    return [
      i + 1,
      { html: `<span class="sev-${esc(f.severity)}">${esc(f.severity)}</span>`, sort: SEVERITY_ORDER[f.severity] },
      f.rule,
      w.summary,
      at(f.thread),
      at(f.irp),
      at(f.object),
      { html: `<pre>${esc(w.evidence.join('\n'))}</pre>` },
      { html: command(w.next), sort: w.next },
    ];
  });
  const sections = [
    '<h2>Findings</h2>',
    r.findings.length ? table('findings', ['#', 'severity', 'rule', 'finding', 'thread', 'IRP', 'object', 'evidence', 'next'], rows) : '<p>No findings.</p>',
  ];
  return htmlPage({ title: '!stalecheck', headline, sections, text });
}
