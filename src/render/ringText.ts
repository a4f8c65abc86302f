// The !ringdump text report: a header saying how the order was found (index semantics, wrapped or
// not, newest slot), then one line per entry oldest first (position, slot, sequence, fields), frame
// lists continued one frame per line, then warnings. A failure is one `ringdump: <what is wrong>` line (one error style for every command).
import { formatAddr } from '../core/addr';
import { u64ToDecimal, u64ToHex } from '../core/u64';
import type { RingEntry, RingReport, RingResult } from '../analysis/rings/ringdump';
import { fieldText, frames, isFrameList } from './ringFormat';
import { arrayText, devnodeStateText, indexNameText, ringNotesText, ringProblemText, ringWarningsText } from './ringWords';

export function renderRingText(result: RingResult, pointerSize: number): string {
  const out: string[] = [];
  result.reports.forEach((r, i) => {
    if (i > 0) out.push('');
    renderReport(out, r, pointerSize);
  });
  for (const n of ringNotesText(result, pointerSize)) out.push(n);
  return out.join('\n') + '\n';
}

function orderLine(r: RingReport, pointerSize: number): string {
  const name = indexNameText(r, pointerSize);
  const index = r.index ? `${name ? `${name} = ` : ''}0x${u64ToHex(r.index.value)} (${u64ToDecimal(r.index.value)})` : '';
  switch (r.order) {
    case 'pre':
      return `index ${index}, -pre: slot = ++index mod ${r.capacity}`;
    case 'post':
      return `index ${index}, -post: slot = index++ mod ${r.capacity}`;
    case 'seq':
      return `ordered by -seq ${r.seqField}`;
    case 'next':
      return `${index}: the next slot to write`;
    default:
      return '';
  }
}

function stateLine(r: RingReport): string {
  const n = r.total;
  if (r.order === 'slots') {
    const why = r.index || r.seqField || r.warnings.length ? '' : ' (no index: give the index variable, or -seq <field>, for time order)';
    return `slot order, ${n} slot${n === 1 ? '' : 's'}${why}`;
  }
  if (n === 0) return 'empty: nothing written yet';
  const newest = r.newestSlot !== undefined ? `; newest in slot ${r.newestSlot}` : '';
  return r.wrapped
    ? `wrapped: all ${r.capacity} slots hold entries, oldest first${newest}`
    : `not wrapped: ${n} of ${r.capacity} slots written, oldest first${newest}`;
}

function renderReport(out: string[], r: RingReport, pointerSize: number): void {
  if (!r.devnode) {
    renderRing(out, r, pointerSize);
    return;
  }
  const d = r.devnode;
  out.push(`devnode ${formatAddr(d.address, pointerSize)}  ${d.instancePath || '(no instance path)'}${d.serviceName ? `  (service ${d.serviceName})` : ''}`);
  out.push(`  State: ${devnodeStateText(d.state)}  PreviousState: ${devnodeStateText(d.previousState)}  (the current state is not in the history)`);
  const ring: string[] = [];
  renderRing(ring, r, pointerSize);
  for (const line of ring) out.push(`  ${line}`);
}

function renderRing(out: string[], r: RingReport, pointerSize: number): void {
  if (r.error) {
    out.push(`ringdump: ${ringProblemText(r.error, pointerSize)}`);
    return;
  }
  const where = r.address ? ` at ${formatAddr(r.address, pointerSize)}` : '';
  const what = r.devnode ? 'StateHistory' : arrayText(r.array, pointerSize);
  const order = orderLine(r, pointerSize);
  out.push(`${what}: ${r.elementType}[${r.capacity}]${where}${order ? `, ${order}` : ''}`);
  out.push(`  ${stateLine(r)}`);
  for (const w of ringWarningsText(r, pointerSize)) out.push(`  WARNING: ${w}`);
  if (!r.entries.length) {
    if (r.total) out.push('  no entry matches');
    return;
  }
  const posWidth = String(r.total - 1).length;
  const slotWidth = String(Math.max(0, r.capacity - 1)).length;
  const seqWidth = r.entries.reduce((w, e) => Math.max(w, e.sequence !== undefined ? e.sequence.length + 1 : 0), 0);
  for (const e of r.entries) renderEntry(out, r, e, pointerSize, posWidth, slotWidth, seqWidth);
  if (r.entries.length < r.total) out.push(`  ${r.entries.length} of ${r.total} entries shown`);
}

function renderEntry(out: string[], r: RingReport, e: RingEntry, pointerSize: number, posWidth: number, slotWidth: number, seqWidth: number): void {
  const seq = seqWidth ? ` ${(e.sequence !== undefined ? `#${e.sequence}` : '').padEnd(seqWidth)}` : '';
  const lead = `  ${String(e.position).padStart(posWidth)} [${String(e.slot).padStart(slotWidth)}]${seq} `;
  const newest = r.order !== 'slots' && e.slot === r.newestSlot && e.position === r.total - 1 ? '  <- newest' : '';
  if (e.unreadable) {
    out.push(`${lead} <unreadable>${newest}`);
    return;
  }
  const inline = e.fields.filter((f) => !isFrameList(f.value));
  const frameFields = e.fields.filter((f) => isFrameList(f.value));
  out.push(`${lead} ${inline.map((f) => fieldText(f, r.symbols, pointerSize)).join('  ')}${newest}`.replace(/\s+$/, ''));
  const indent = ' '.repeat(lead.length + 1);
  for (const f of frameFields) {
    const list = isFrameList(f.value) ? frames(f.value, r.symbols, pointerSize) : [];
    const head = `${f.path}: `;
    // an all-null capture (a slot written without a stack) prints nothing
    list.forEach((frame, i) => out.push(`${indent}${i === 0 ? head : ' '.repeat(head.length)}${frame}`));
  }
}
