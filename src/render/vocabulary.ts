// The one vocabulary every output uses (text, DOT, JSON messages, the dx model, the analysis's
// sentences): how each kind of waited object and hop is named, how counts agree with their noun,
// how threads and durations read. Internal kind ids ('critical-section', 'alpc') never reach a
// reader; "critical section", "ERESOURCE", "ALPC message" are spelled here and only here.

/** What a hop goes through, by hop kind: "mutant 85e9ba00", "LPC message 064a90f1". */
const HOP_NOUNS: { [kind: string]: string } = {
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
const WAITED_NOUNS: { [kind: string]: string } = {
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
export function hopNoun(kind: string): string {
  return HOP_NOUNS[kind] || readable(kind);
}

/** The reader's name of a waited object kind ("ALPC port" for the waiters of ALPC hops). */
export function waitedNoun(kind: string): string {
  return WAITED_NOUNS[kind] || readable(kind);
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
