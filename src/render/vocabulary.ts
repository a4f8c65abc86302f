// The one vocabulary every output uses (text, DOT, JSON messages, the dx model): how each kind of
// waited object and hop is named, how counts agree with their noun, how threads and durations read.
// Internal kind ids ('critical-section', 'alpc') never reach a reader; "critical section",
// "ERESOURCE", "ALPC message" are spelled here and only here.
import { formatAddr, hex8, type Addr } from '../core/addr';
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
  return hex8(id);
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

/** "0 warnings" or the warning counts, for summary lines. */
export function warningsText(summary: string[]): string {
  return summary.length ? summary.join(', ') : '0 warnings';
}

/** "is"/"are" after a count. */
export function verbFor(n: number, singular: string, plural: string): string {
  return n === 1 ? singular : plural;
}

// ---- Warnings: the words of each warning kind (src/core/warnings.ts), of the lists walked, and of the host's failed categories ----

import type { HostWarning, ListRef, WarningFact, WarningKind, WarningReason, WarningSummary, WarningTally } from '../core/warnings';

/** How a count of each warning kind reads: "1 object unreadable", "2 objects unreadable". Keyed by the union: a kind without words does not compile. */
const WARNING_WORDS: { [K in WarningKind]: { one: string; many: string } } = {
  'object-unreadable': { one: 'object unreadable', many: 'objects unreadable' },
  'list-head-unreadable': { one: 'list head unreadable', many: 'list heads unreadable' },
  'list-cut': { one: 'list cut at a bad link', many: 'lists cut at a bad link' },
  'list-cycle-cut': { one: 'list cycle cut', many: 'list cycles cut' },
  'list-elements-recovered': { one: 'list element recovered backwards', many: 'list elements recovered backwards' },
  'string-bad': { one: 'bad string', many: 'bad strings' },
  'string-unreadable': { one: 'string unreadable', many: 'strings unreadable' },
  'io-object-wrong-type': { one: 'I/O object of the wrong type', many: 'I/O objects of the wrong type' },
  'irp-stack-count-bad': { one: 'bad IRP stack count', many: 'bad IRP stack counts' },
  'wait-block-ring-cut': { one: 'wait block ring cut', many: 'wait block rings cut' },
  'wait-block-count-bad': { one: 'bad wait block count', many: 'bad wait block counts' },
  'devnode-link-cut': { one: 'devnode link cut at a bad pointer', many: 'devnode links cut at a bad pointer' },
  'devnode-cycle-cut': { one: 'devnode tree cycle cut', many: 'devnode tree cycles cut' },
  'processors-unknown': { one: 'processor unknown', many: 'processors unknown' },
  'processor-count-implausible': { one: 'processor count implausible', many: 'processor counts implausible' },
  'processor-irqls-unknown': { one: 'processor IRQL unknown', many: 'processor IRQLs unknown' },
  'processor-block-entry-bad': { one: 'bad processor block entry', many: 'bad processor block entries' },
  'processor-control-region-inconsistent': { one: 'processor control region inconsistent', many: 'processor control regions inconsistent' },
  'clock-value-assumed': { one: 'clock value assumed', many: 'clock values assumed' },
  'critical-section-list-cut': { one: 'critical section list cut', many: 'critical section lists cut' },
  'critical-section-lock-count-impossible': { one: 'critical section with an impossible lock count', many: 'critical sections with impossible lock counts' },
  'critical-section-found-by-elimination': { one: 'critical section found by elimination', many: 'critical sections found by elimination' },
  'resource-lists-missing': { one: 'resource list missing', many: 'resource lists missing' },
  'resource-not-valid': { one: 'resource not valid', many: 'resources not valid' },
  'owner-entry-not-thread': { one: 'owner entry not a thread', many: 'owner entries not threads' },
  'resource-owner-table-unreadable': { one: 'resource owner table unreadable', many: 'resource owner tables unreadable' },
  'resource-waiter-from-stack': { one: 'resource waiter recovered from stacks', many: 'resource waiters recovered from stacks' },
  'mutex-count-not-decoded': { one: 'mutex count not decoded', many: 'mutex counts not decoded' },
  'owner-not-a-thread': { one: 'owner not found among threads', many: 'owners not found among threads' },
  'push-lock-owner-not-recorded': { one: 'push-lock owner not recorded by this build', many: 'push-lock owners not recorded by this build' },
  'lpc-message-claimed-twice': { one: 'LPC message claimed by several threads', many: 'LPC messages claimed by several threads' },
  'alpc-message-stale': { one: 'stale ALPC message', many: 'stale ALPC messages' },
  'rule-stopped': { one: 'rule stopped by bad data', many: 'rules stopped by bad data' },
};

/** The words of a warning kind: its singular and plural count phrases. */
export function warningWords(kind: WarningKind): { one: string; many: string } | undefined {
  return WARNING_WORDS[kind];
}

/** "1 object unreadable", "2 objects unreadable": a warning count agreeing with its number. */
export function warningCount(t: WarningTally): string {
  const words = WARNING_WORDS[t.kind];
  return `${t.count} ${t.count === 1 ? words.one : words.many}`;
}

/** The summary lines of a report: one per kind counted, then one per host category that failed. */
export function warningLines(s: WarningSummary): string[] {
  return s.tally.map(warningCount).concat(s.fromHost.map(hostWarningLine));
}

/** One line per debugger category that failed or fell back as a whole. */
export function hostWarningLine(w: HostWarning): string {
  switch (w.kind) {
    case 'stacks-unavailable':
      return `stacks unavailable for ${w.asked === 1 ? 'the one thread' : `all ${w.asked} threads`} asked (frame-based facts unknown: !waitchain "-selftest")`;
    case 'user-memory-unreadable':
      return `user memory unreadable in ${w.tried === 1 ? 'the one process' : `all ${w.tried} processes`} tried (a kernel dump has none; else see !waitchain "-selftest")`;
    case 'enum-names-fell-back':
      return `enum names fell back (${w.types.map((t) => `${t.type} ${t.source === 'dt' ? 'from dt output' : 'from the built-in table'}`).join(', ')})`;
    case 'enum-names-unknown':
      return `enum names unknown (${w.types.join(', ')}): states, wait reasons or object types show as #<n>`;
    case 'symbols-without-module':
      return `${w.count} symbols without a module name`;
  }
}

/** A walked list by name: "IRP list of thread 87000000", "critical section list of App.exe". */
export function listName(l: ListRef): string {
  switch (l.list) {
    case 'process-list': return 'process list';
    case 'thread-list': return `thread list of ${l.ownerName}`;
    case 'irp-list': return `IRP list of thread ${l.owner}`;
    case 'kernel-apc-list': return `kernel APC list of thread ${l.owner}`;
    case 'mutant-list': return `mutant list of thread ${l.owner}`;
    case 'system-resources-list': return 'nt!ExpSystemResourcesList';
    case 'resource-wait-chain': return `ERESOURCE ${l.owner} ${l.mode} waiters`;
    case 'lpc-message-queue': return `message queue of LPC port ${l.owner}`;
    case 'critical-section-list': return `critical section list of ${l.ownerName}`;
    case 'wait-block-ring': return `wait block ring of thread ${l.owner}`;
    case 'device-tree': return 'device tree';
  }
}

/** Sentences that are the whole detail of a fact. */
const REASON_TEXT: { [R in WarningReason]?: string } = {
  'processor-block-missing': 'nt!KiProcessorBlock or _KPRCB not found: processors are not described',
  'processor-count-unknown': 'neither nt!KeNumberProcessors nor the length of nt!KiProcessorBlock is known',
  'kpcr-lacks-kprcb': 'this build\'s _KPCR does not embed the _KPRCB: the IRQL of each processor cannot be read (dispatch-level spins are judged from spin frames only)',
  'increment-unreadable': 'nt!KeMaximumIncrement unreadable: assuming 15.625 ms ticks',
  'resource-types-missing': '_ERESOURCE/_OWNER_ENTRY not in the symbols: executive resources are not followed',
  'system-resources-list-missing': 'nt!ExpSystemResourcesList not found: executive resources cannot be listed',
};

/** An object named by a hop kind ('resource', 'alpc') reads as the hop's noun; a reader's own type name ('IRP', 'device object') as given. */
function objectNoun(object: string): string {
  return object === 'thread' ? 'thread' : hopNoun(object);
}

/** What a detail is about: a list, or "IRP 87000000", "nt!KiProcessorBlock[2]", "critical section 0012f0c0 in App.exe". */
function subjectOf(f: WarningFact): string {
  if (f.list) return listName(f.list);
  const parts: string[] = [];
  if (f.object !== undefined) parts.push(f.index !== undefined ? `${objectNoun(f.object)}[${f.index}]` : objectNoun(f.object));
  else if (f.index !== undefined) parts.push(`#${f.index}`);
  if (f.address !== undefined) parts.push(f.address);
  if (f.name !== undefined && f.kind !== 'resource-waiter-from-stack') parts.push(`in ${f.name}`);
  return parts.join(' ');
}

/** A list walk's damage: the bad link, the unreadable entry, the cycle, the bound. */
function listDamage(f: WarningFact): string {
  switch (f.reason) {
    case 'entry-unreadable': return `entry ${f.address} is unreadable`;
    case 'link-null': return `null link after ${f.address}`;
    case 'cycle': return `cycle at ${f.value}`;
    case 'cap': return `more than ${f.expected} elements`;
    default: return `bad link ${f.value}`;
  }
}

/** A message id as `!lpc message` takes it: 8 hex digits. */
function messageId(id: Addr | number | string | undefined): string {
  return typeof id === 'number' ? `00000000${id.toString(16)}`.slice(-8) : String(id);
}

/** One detail line of a warning (the lines behind the summary's counts). */
export function warningDetailText(f: WarningFact): string {
  const subject = subjectOf(f);
  if (f.reason && REASON_TEXT[f.reason]) return REASON_TEXT[f.reason]!;
  switch (f.kind) {
    case 'object-unreadable':
      if (f.part === 'rest') return `the rest of ${f.object} at ${f.address} is unreadable`;
      if (f.part === 'buffer') return `${f.member} of ${subject}: buffer at ${f.value} is unreadable`;
      if (f.part === 'stack-locations') return `stack locations of ${subject} are unreadable`;
      return `${f.object} at ${f.address} is unreadable`;
    case 'list-head-unreadable':
      return `${subject} head ${f.address} is unreadable`;
    case 'list-cut':
    case 'list-cycle-cut':
    case 'critical-section-list-cut':
    case 'devnode-link-cut':
    case 'devnode-cycle-cut':
      return `${subject}: ${f.kind === 'devnode-cycle-cut' ? `${f.value} reached twice` : listDamage(f)}`;
    case 'list-elements-recovered':
      return `${subject}: ${f.count} element(s) reached through Blink after a cut`;
    case 'string-bad':
      return `${f.member} of ${subject}: ${f.reason === 'odd-length' ? `odd Length ${f.value}` : f.reason === 'length-above-maximum' ? `Length ${f.value} above MaximumLength ${f.expected}` : 'bad Buffer'}`;
    case 'string-unreadable':
      return `${f.member} of ${subject} at ${f.value} is unreadable`;
    case 'io-object-wrong-type':
      return `${subject}: Type ${f.value}, expected ${f.expected}`;
    case 'wait-block-ring-cut':
      return `${subject}: ${f.reason === 'cap' ? `does not close within ${f.expected} blocks` : listDamage(f)}`;
    case 'processor-count-implausible':
      return f.reason === 'processor-count-exceeds-block' ? `nt!KeNumberProcessors ${f.value} exceeds nt!KiProcessorBlock's ${f.expected} entries` : `nt!KeNumberProcessors = ${f.value}`;
    case 'processor-block-entry-bad':
      return `${subject} = ${f.value}`;
    case 'processor-control-region-inconsistent':
      return `processor ${f.index}: the _KPCR around _KPRCB ${f.address} does not point back at it`;
    case 'critical-section-found-by-elimination':
      return `${subject}: ${f.value}, the only locked section of ${f.name} with waiters`;
    case 'resource-not-valid':
      return `${f.address} does not look like an ERESOURCE`;
    case 'owner-entry-not-thread':
      return `${subject}: owner pointer ${f.value}`;
    case 'resource-owner-table-unreadable':
      return f.reason === 'owner-table-size-implausible' ? `${subject}: owner table size ${f.value} is not plausible` : `${subject}: owner table pointer ${f.value} is not valid`;
    case 'resource-waiter-from-stack':
      return `${subject}: ERESOURCE ${f.value} from ${f.name}`;
    case 'mutex-count-not-decoded':
      return `${subject}: OS version unknown, ${f.member} ${f.value} not decoded`;
    case 'owner-not-a-thread':
      return `${subject}: ${f.member ? `${f.member} ` : 'owner '}${f.value} is not a thread of any process`;
    case 'lpc-message-claimed-twice':
      return `${subject} ${messageId(f.value)}: ${(f.others || []).join(', ')}`;
    case 'alpc-message-stale':
      return `${subject}: ${f.member} ${f.value} names waiter ${(f.others || ['0'])[0]}, id ${messageId(f.expected)}`;
    case 'rule-stopped':
      return `${f.object}: ${f.value}`;
    default:
      return `${subject}: ${f.member ? `${f.member} ` : ''}${f.value}`;
  }
}
