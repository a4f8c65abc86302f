// The !waitchain text report: verdict first, then deadlocks, then each root blocker's wait tree
// (largest first), then a summary line. Stays readable with thousands of waiters: leaves with the
// same hop fold into one line with a count, long child lists end with "and N more".
import { appendTo } from '../core/runCache';
import { hex4 } from '../core/numbers';
import type { Addr } from '../core/addr';
import { ROOTS_LISTED, type RootBlockerReport, type ScopeInfo, type WaitChainReport, type WaiterCount } from '../analysis/waits/waitchain';
import { hopObjectKey, type Hop } from '../analysis/waits/waitgraph';
import { Labels } from './labels';
import { count, pluralOf, waitedNoun, warningLines, warningsText } from './vocabulary';
import { deadEndText, verdictText } from './waitchainWords';

const MAX_CHILDREN = 12;
const FOLD_AT = 4;
export const MAX_ROOTS = ROOTS_LISTED;

export function renderWaitChainText(report: WaitChainReport, pointerSize: number): string {
  const L = new Labels(report, pointerSize);
  const verdict = verdictText(report);
  if (report.scopeError) return `${verdict}\n`;
  const out: string[] = report.scope ? [scopeLine(L, report.scope), verdict] : [verdict];
  if (report.scope) out.push(systemLine(report.scope));
  out.push('');
  for (const focus of report.focusAll || (report.focus ? [report.focus] : [])) {
    const s = report.threads.get(focus);
    out.push(`Thread ${L.thread(focus)}: ${s ? L.stateAndEnd(s) : ''}`);
  }
  if (report.focus) out.push('');

  if (report.deadlocks.length) {
    out.push('Deadlocks:');
    report.deadlocks.forEach((d, i) => {
      out.push(`  ${i + 1}. ${d.threads.length}-thread cycle`);
      d.hops.forEach((h) => out.push(`     ${L.thread(h.from)}  --${L.hop(h)}-->  ${L.thread(h.to)}`));
      if (d.alsoInvolved.length) out.push(`     also in the cycle's component: ${d.alsoInvolved.map((t) => L.thread(t)).join(', ')}`);
    });
    out.push('');
  }

  if (report.rootBlockers.length) {
    out.push('Root blockers (most blocked threads first):');
    report.rootBlockers.slice(0, MAX_ROOTS).forEach((root, i) => renderRoot(out, L, report, root, i + 1));
    if (report.rootBlockers.length > MAX_ROOTS) out.push(`  and ${report.rootBlockers.length - MAX_ROOTS} more root blockers`);
    out.push('');
  }

  if (report.unserved.length) {
    out.push('Waiting on a server that does not serve them (longest first):');
    report.unserved.slice(0, MAX_ROOTS).forEach((u, i) => {
      const s = report.threads.get(u.thread);
      out.push(`  ${i + 1}. ${L.thread(u.thread)}  ${s ? L.stateAndEnd(s) : ''}`);
    });
    if (report.unserved.length > MAX_ROOTS) out.push(`  and ${report.unserved.length - MAX_ROOTS} more`);
    out.push('');
  }

  if (report.ownerless.length) {
    out.push('Waits on locks that record no owner:');
    report.ownerless.slice(0, MAX_ROOTS).forEach((o) => {
      const shown = o.threads.slice(0, MAX_CHILDREN).map((t) => L.thread(t)).join(', ');
      const more = o.threads.length > MAX_CHILDREN ? ` and ${o.threads.length - MAX_CHILDREN} more` : '';
      out.push(`  ${deadEndText(o.reason, pointerSize)}`);
      out.push(`     ${o.threads.length === 1 ? 'waiter' : pluralOf('waiter')}: ${shown}${more}`);
    });
    if (report.ownerless.length > MAX_ROOTS) out.push(`  and ${report.ownerless.length - MAX_ROOTS} more`);
    out.push('');
  }

  if (report.longestWaiter) {
    const s = report.threads.get(report.longestWaiter);
    out.push(`Longest waiter: ${L.thread(report.longestWaiter)}  ${L.age(s)}${s ? `  ${L.end(s)}` : ''}`);
  }
  const busy = report.waiterCounts.filter((w) => w.count > 1).slice(0, 10);
  for (const w of busy) out.push(waiterLine(L, w, !!report.scope));
  if (report.scope) {
    const sc = report.scope;
    out.push(`Summary: ${count(sc.members, 'thread')} in this scope (${report.scanned} scanned), ${sc.waiting} waiting, ${sc.inChains} in chains, ${warningsText(warningLines(report.warnings))}`);
  } else out.push(`Summary: ${count(report.scanned, 'thread')} scanned, ${report.waiting} waiting, ${report.inChains} in chains, ${warningsText(warningLines(report.warnings))}`);
  return out.join('\n') + '\n';
}

/**
 * "16 threads wait on critical section 7c980600 (4 in this dump, 12 more counted by the lock)": the
 * waiters the dump lists apart from those only the lock's own count shows; a scoped report counts
 * its scope and names the system-wide count beside it.
 */
function waiterLine(L: Labels, w: WaiterCount, scoped: boolean): string {
  const what = `${waitedNoun(w.kind)} ${L.addr(w.object)}`;
  if (scoped) {
    const also = w.systemCount !== undefined ? ` (${w.systemCount} system-wide)` : '';
    return `${count(w.count, 'thread')} in this scope ${w.count === 1 ? 'waits' : 'wait'} on ${what}${also}`;
  }
  const hidden = w.count - w.listed;
  const split = hidden > 0 ? ` (${w.listed} in this dump, ${hidden} more counted by the lock)` : '';
  return `${count(w.count, 'thread')} ${w.count === 1 ? 'waits' : 'wait'} on ${what}${split}`;
}

/** The first line of a scoped report: what it is about and how many threads that is. */
function scopeLine(L: Labels, sc: ScopeInfo): string {
  if (sc.kind === 'thread') {
    const who = sc.threads.map((t) => L.thread(t)).join(', ');
    return `Scope: ${sc.threads.length === 1 ? 'thread' : 'threads'} ${who}, with ${sc.threads.length === 1 ? 'its chain' : 'their chains'} and waiters: ${count(sc.members, 'thread')}`;
  }
  const procs = sc.processes.map((p) => `${p.name} (pid ${hex4(p.pid)}, ${L.addr(p.address)})`).join(', ');
  return `Scope: ${sc.processes.length === 1 ? 'process' : `${sc.processes.length} processes:`} ${procs}: ${count(sc.members, 'thread')}, ${sc.waiting} waiting, ${sc.inChains} in chains`;
}

/** The system-wide picture, labelled, after a scoped verdict. */
function systemLine(sc: ScopeInfo): string {
  const parts = [count(sc.systemDeadlocks, 'deadlock'), count(sc.systemRootBlockers, 'root blocker'), count(sc.systemUnserved, 'unserved wait')];
  return `System-wide: ${parts.join(', ')} (!waitchain without arguments for all of them)`;
}

function renderRoot(out: string[], L: Labels, report: WaitChainReport, root: RootBlockerReport, n: number): void {
  const s = report.threads.get(root.thread);
  const head = root.cycle ? `deadlock of ${root.cycle.map((t) => L.thread(t)).join(', ')}` : `thread ${L.thread(root.thread)}`;
  out.push(`  ${n}. ${head}`);
  if (root.blocked.length) {
    out.push(`     blocks ${count(root.blocked.length, 'thread')} in ${count(root.processesAffected.length, 'process')}`);
  } else if (!root.holds.length) out.push('     no other thread waits on it');
  for (const held of root.holds) {
    out.push(`     holds ${waitedNoun(held.kind)} ${L.addr(held.lock)} with ${count(held.carried, 'waiter')} the dump does not show`);
  }
  if (s && !root.cycle) out.push(`     ${L.stateAndEnd(s)}`);
  const first = blockedFirst(report, root);
  if (first && first !== root.thread) out.push(`     blocked first: ${L.thread(first)}  ${L.age(report.threads.get(first))}`);
  const children = new Map<Addr, Hop[]>();
  for (const h of root.tree) {
    appendTo(children, h.to, h);
  }
  const starts = root.cycle || [root.thread];
  for (const start of starts) {
    out.push(`     ${L.thread(start)}`);
    renderChildren(out, L, report, children, start, '       ');
  }
}

/** The member of the root's tree (root included) that has waited longest, by consistent wait times. */
function blockedFirst(report: WaitChainReport, root: RootBlockerReport): Addr | undefined {
  let best: Addr | undefined;
  let ticks = -1;
  for (const t of [root.thread, ...(root.cycle || []), ...root.blocked]) {
    const s = report.threads.get(t);
    if (s && s.waitTicks !== undefined && s.waitTicks > ticks) {
      best = t;
      ticks = s.waitTicks;
    }
  }
  return best;
}

/** Depth-first with an explicit stack of pending lines and subtrees: trees can be thousands of levels deep. */
function renderChildren(out: string[], L: Labels, report: WaitChainReport, children: Map<Addr, Hop[]>, start: Addr, indent: string): void {
  type Item = { text: string } | { node: Addr; depth: number };
  const stack: Item[] = [{ node: start, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const { node, depth } = item;
    const pad = indent + '  '.repeat(Math.min(depth, 40));
    const leaves = new Map<string, Hop[]>();
    const inner: Hop[] = [];
    for (const h of children.get(node) || []) {
      if (children.has(h.from)) inner.push(h);
      else {
        const key = `${h.kind}:${hopObjectKey(h)}`;
        appendTo(leaves, key, h);
      }
    }
    const items: Item[] = [];
    for (const h of inner) items.push({ text: line(L, report, h, pad) }, { node: h.from, depth: depth + 1 });
    leaves.forEach((group) => {
      if (group.length >= FOLD_AT) {
        const names = group.slice(0, 3).map((h) => L.thread(h.from)).join(', ');
        items.push({ text: `${pad}<- ${group.length} threads wait on ${L.hop(group[0])}: ${names}, ...` });
      } else group.forEach((h) => items.push({ text: line(L, report, h, pad) }));
    });
    let lines = 0;
    const kept: Item[] = [];
    for (const it of items) {
      if ('text' in it) {
        if (lines === MAX_CHILDREN) break;
        lines++;
      }
      kept.push(it);
    }
    const hidden = items.filter((it) => 'text' in it).length - lines;
    if (hidden > 0) kept.push({ text: `${pad}and ${hidden} more` });
    for (let i = kept.length - 1; i >= 0; i--) stack.push(kept[i]);
  }
}

function line(L: Labels, report: WaitChainReport, h: Hop, pad: string): string {
  const s = report.threads.get(h.from);
  return `${pad}<- ${L.thread(h.from)} waits on ${L.hop(h)}${s ? `  ${L.age(s)}` : ''}`;
}
