// !ringdump "... -html <path>": each ring's header as the text report words it, and its decoded
// entries as a sortable table (one column per field; frame lists one frame per line).
import type { RingReport, RingResult } from '../../analysis/rings/ringdump';
import { formatAddr } from '../../core/addr';
import { isFrameList, frames, valueText } from '../ringFormat';
import { arrayText, ringNotesText, ringProblemText, ringWarningsText } from '../ringWords';
import { esc } from './escape';
import { htmlPage, table, type Cell } from './page';

export function renderRingHtml(result: RingResult, pointerSize: number, text: string): string {
  const sections = result.reports.map((r, i) => ringSection(r, i, pointerSize));
  const notes = ringNotesText(result, pointerSize);
  if (notes.length) sections.push(`<pre>${esc(notes.join('\n'))}</pre>`);
  const headline = [result.reports.length === 1 ? text.split('\n')[0] : `${result.reports.length} rings`];
  return htmlPage({ title: '!ringdump', headline, sections, text });
}

function ringSection(r: RingReport, i: number, pointerSize: number): string {
  const what = r.devnode ? `devnode ${formatAddr(r.devnode.address, pointerSize)} ${r.devnode.instancePath} StateHistory` : arrayText(r.array, pointerSize);
  const out = [`<h2>${esc(what)}${r.elementType ? esc(`: ${r.elementType}[${r.capacity}]`) : ''}${r.address ? esc(` at ${formatAddr(r.address, pointerSize)}`) : ''}</h2>`];
  if (r.error) return out.concat(`<p class="verdict">${esc(`ERROR: ${ringProblemText(r.error, pointerSize)}`)}</p>`).join('\n');
  for (const w of ringWarningsText(r, pointerSize)) out.push(`<p class="summary">${esc(`WARNING: ${w}`)}</p>`);
  const paths: string[] = [];
  for (const e of r.entries) for (const f of e.fields) if (paths.indexOf(f.path) < 0) paths.push(f.path);
  const seq = r.entries.some((e) => e.sequence !== undefined);
  const headers = ['position', 'slot'].concat(seq ? ['sequence'] : [], paths);
  const rows: Cell[][] = r.entries.map((e) => {
    const row: Cell[] = [e.position, e.slot];
    if (seq) row.push(e.sequence !== undefined ? { html: esc(e.sequence), sort: e.sequence } : '');
    for (const p of paths) {
      const f = e.unreadable ? undefined : e.fields.filter((x) => x.path === p)[0];
      if (!f) row.push(e.unreadable ? '<unreadable>' : '');
      else if (isFrameList(f.value)) row.push({ html: `<pre>${esc(frames(f.value, r.symbols, pointerSize).join('\n'))}</pre>` });
      else row.push(valueText(f.value, r.symbols, pointerSize));
    }
    return row;
  });
  out.push(`<p>${r.entries.length} of ${r.total} entries, oldest first (position 0 = oldest); click a header to sort.</p>`);
  out.push(table(`ring${i}`, headers, rows));
  return out.join('\n');
}
