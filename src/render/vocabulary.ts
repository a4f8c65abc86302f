// The one vocabulary every output uses (text, DOT, JSON messages, the dx model): how each kind of
// waited object and hop is named, how counts agree with their noun, how threads and durations read.
// Internal kind ids ('critical-section', 'alpc') never reach a reader; "critical section",
// "ERESOURCE", "ALPC message" are spelled here and only here.
import { formatAddr, type Addr } from '../core/addr';
import { hex4 } from '../core/numbers';
import type { HopKind, LockWordState } from '../analysis/waits/waitgraph';

/** What a hop goes through, by hop kind: "mutant 85e9ba00", "LPC message 064a90f1". */
const HOP_NOUNS: Record<HopKind, string> = {
  mutant: 'mutant',
  process: 'process',
  thread: 'thread object',
  resource: 'ERESOURCE',
  'fast-mutex': 'fast mutex',
  'guarded-mutex': 'guarded mutex',
  'critical-section': 'critical section',
  lpc: 'LPC message',
  alpc: 'ALPC message',
  'srw-lock': 'SRW lock',
  'push-lock': 'push lock',
  'condition-variable': 'condition variable',
  'wait-on-address': 'address',
};

/** What the waiters of an object wait on, by waited-object kind: "2 threads wait on LPC port 95001d70". */
const WAITED_NOUNS: Record<HopKind, string> = {
  mutant: 'mutant',
  process: 'process',
  thread: 'thread object',
  resource: 'ERESOURCE',
  'fast-mutex': 'fast mutex',
  'guarded-mutex': 'guarded mutex',
  'critical-section': 'critical section',
  lpc: 'LPC port',
  alpc: 'ALPC port',
  'srw-lock': 'SRW lock',
  'push-lock': 'push lock',
  'condition-variable': 'condition variable',
  'wait-on-address': 'address',
};

/** The reader's name of a hop kind ("critical section"); an unknown kind is made readable, never shown raw. */
export function hopNoun(kind: HopKind | string): string {
  return (HOP_NOUNS as { [kind: string]: string })[kind] || readable(kind);
}

/** The reader's name of a waited object kind ("ALPC port" for the waiters of ALPC hops); dispatcher type names stay as they are. */
export function waitedNoun(kind: HopKind | string): string {
  return (WAITED_NOUNS as { [kind: string]: string })[kind] || readable(kind);
}

/** A process and thread id pair, "0abc.0def" (Cid). */
export function threadId(pid: number, tid: number): string {
  return `${hex4(pid)}.${hex4(tid)}`;
}

/** Who a thread is, when the report names it. */
export interface ThreadWho {
  processName: string;
  pid: number;
  tid: number;
}

/**
 * The one thread label, in its three forms: `line` "87f0d790 ProcessA.exe 0abc.0def" (a thread the report
 * does not name: "thread 87f0d790"); `verdict` "87f0d790 (ProcessA.exe 0abc.0def)"; `short` "ProcessA.exe 0abc.0def".
 * `address` is already formatted.
 */
export function threadLabel(address: string, who: ThreadWho | undefined, form: 'line' | 'verdict' | 'short' = 'line'): string {
  if (!who) return form === 'verdict' ? address : `thread ${address}`;
  const name = `${who.processName} ${threadId(who.pid, who.tid)}`;
  if (form === 'short') return name;
  return form === 'verdict' ? `${address} (${name})` : `${address} ${name}`;
}

/** A waiting time as WinDbg prints it after "Ticks: 711678": d:hh:mm:ss.mmm, milliseconds truncated (increment in 100 ns units). */
export function formatTicks(ticks: number, increment: number): string {
  const ms = Math.floor((ticks * increment) / 10000);
  const days = Math.floor(ms / 86400000);
  const hours = Math.floor(ms / 3600000) % 24;
  const minutes = Math.floor(ms / 60000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  const millis = ms % 1000;
  return `${days}:${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(millis, 3)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** An address at the target's pointer width ("ffffe001`2345a080", "87f0d790"). */
export function addrText(a: Addr, pointerSize: number): string {
  return formatAddr(a, pointerSize);
}

/** An LPC/ALPC message id as `!lpc message` takes it: 8 hex digits. */
export function messageIdText(id: number): string {
  return (id >>> 0).toString(16).padStart(8, '0');
}

/** A push lock's or SRW lock's word: "held exclusive", "held shared by 3 threads". */
export function lockStateText(state: LockWordState): string {
  if (typeof state === 'object') return `held shared by ${count(state.sharedBy, 'thread')}`;
  return LOCK_STATES[state];
}

const LOCK_STATES: Record<Exclude<LockWordState, object>, string> = {
  unreadable: 'lock word unreadable',
  unknown: 'state unknown',
  free: 'free',
  held: 'held',
  'held-exclusive': 'held exclusive',
  'held-shared-by-several': 'held shared by several threads',
  'held-exclusive-or-one-shared': 'held exclusive or by one shared owner',
};

/** "a", "a and b", "a, b and c". */
export function listWords(items: string[]): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A dispatcher type or other id as words: "critical-section" -> "critical section". Object type names (SynchronizationEvent) stay as they are. */
function readable(kind: string): string {
  return kind.replace(/-/g, ' ');
}

/** Nouns whose plural is not noun + "s". */
const IRREGULAR: { [singular: string]: string } = {
  process: 'processes',
  'device node': 'device nodes',
  'critical section': 'critical sections',
  ERESOURCE: 'ERESOURCEs',
  info: 'info',
  entry: 'entries',
  'fast mutex': 'fast mutexes',
  'guarded mutex': 'guarded mutexes',
  'SRW lock': 'SRW locks',
  'address': 'addresses',
};

export function pluralOf(noun: string): string {
  if (IRREGULAR[noun]) return IRREGULAR[noun];
  if (/(s|x|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

/** "1 thread", "2 threads", "1 process", "3 processes". */
export function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : pluralOf(noun)}`;
}

/**
 * Warning kinds are registered in their plural form ("objects unreadable", "list cycles cut",
 * src/core/warnings.ts): the singular each takes after "1" (test/render/vocabulary.test.ts checks every
 * kind src/ registers is here).
 */
const WARNING_SINGULAR: { [plural: string]: string } = {
  'I/O objects of the wrong type': 'I/O object of the wrong type',
  'LPC messages claimed by several threads': 'LPC message claimed by several threads',
  'bad IRP stack counts': 'bad IRP stack count',
  'bad processor block entries': 'bad processor block entry',
  'bad strings': 'bad string',
  'bad wait block counts': 'bad wait block count',
  'clock values assumed': 'clock value assumed',
  'critical section lists cut': 'critical section list cut',
  'critical sections found by elimination': 'critical section found by elimination',
  'critical sections with impossible lock counts': 'critical section with an impossible lock count',
  'devnode links cut at a bad pointer': 'devnode link cut at a bad pointer',
  'devnode tree cycles cut': 'devnode tree cycle cut',
  'list cycles cut': 'list cycle cut',
  'list elements recovered backwards': 'list element recovered backwards',
  'list heads unreadable': 'list head unreadable',
  'lists cut at a bad link': 'list cut at a bad link',
  'mutex counts not decoded': 'mutex count not decoded',
  'objects unreadable': 'object unreadable',
  'owner entries not threads': 'owner entry not a thread',
  'owners not found among threads': 'owner not found among threads',
  'processor control regions inconsistent': 'processor control region inconsistent',
  'processor counts implausible': 'processor count implausible',
  'processor IRQLs unknown': 'processor IRQL unknown',
  'push-lock owners not recorded by this build': 'push-lock owner not recorded by this build',
  'processors unknown': 'processor unknown',
  'resource lists missing': 'resource list missing',
  'resource owner tables unreadable': 'resource owner table unreadable',
  'resource waiters recovered from stacks': 'resource waiter recovered from stacks',
  'resources not valid': 'resource not valid',
  'rules stopped by bad data': 'rule stopped by bad data',
  'stale ALPC messages': 'stale ALPC message',
  'strings unreadable': 'string unreadable',
  'wait block rings cut': 'wait block ring cut',
  'warnings': 'warning',
};

/** "1 object unreadable", "2 objects unreadable": a warning count agreeing with its number. */
export function warningCount(n: number, pluralKind: string): string {
  if (n !== 1) return `${n} ${pluralKind}`;
  if (WARNING_SINGULAR[pluralKind]) return `1 ${WARNING_SINGULAR[pluralKind]}`;
  // An unlisted kind: singularise its first word when that is a plain plural ("frames skipped" -> "frame skipped").
  return `1 ${pluralKind.replace(/^(\w+?)s\b/, '$1')}`;
}

/** "0 warnings" or the warning counts, for summary lines. */
export function warningsText(summary: string[]): string {
  return summary.length ? summary.join(', ') : '0 warnings';
}

/** "is"/"are" after a count. */
export function verbFor(n: number, singular: string, plural: string): string {
  return n === 1 ? singular : plural;
}
