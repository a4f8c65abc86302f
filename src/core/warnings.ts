// Damage found while reading, counted by kind so a report can end with one summary line instead of
// failing at the first bad pointer. Facts only: each kind is one of WARNING_KINDS, each detail names
// the object (or list), its address and the bad value; src/render/vocabulary.ts holds every word.
import type { Addr } from './addr';

/**
 * Every warning category, once. The renderer's table (WARNING_WORDS, render/vocabulary.ts) is keyed by
 * this union, so a kind added here without words does not compile (and test/render/vocabulary.test.ts
 * checks each kind at run time).
 */
export const WARNING_KINDS = [
  'object-unreadable',
  'list-head-unreadable',
  'list-cut',
  'list-cycle-cut',
  'list-elements-recovered',
  'string-bad',
  'string-unreadable',
  'io-object-wrong-type',
  'irp-stack-count-bad',
  'wait-block-ring-cut',
  'wait-block-count-bad',
  'devnode-link-cut',
  'devnode-cycle-cut',
  'processors-unknown',
  'processor-count-implausible',
  'processor-irqls-unknown',
  'processor-block-entry-bad',
  'processor-control-region-inconsistent',
  'clock-value-assumed',
  'critical-section-list-cut',
  'critical-section-lock-count-impossible',
  'critical-section-found-by-elimination',
  'resource-lists-missing',
  'resource-not-valid',
  'owner-entry-not-thread',
  'resource-owner-table-unreadable',
  'resource-waiter-from-stack',
  'mutex-count-not-decoded',
  'owner-not-a-thread',
  'push-lock-owner-not-recorded',
  'lpc-message-claimed-twice',
  'alpc-message-stale',
  'rule-stopped',
] as const;

export type WarningKind = (typeof WARNING_KINDS)[number];

/** The lists a walk follows (kernel/lists.ts): the renderer names them ("IRP list of thread 87000000"). */
export type ListKind =
  | 'process-list'
  | 'thread-list'
  | 'irp-list'
  | 'kernel-apc-list'
  | 'mutant-list'
  | 'system-resources-list'
  | 'resource-wait-chain'
  | 'lpc-message-queue'
  | 'critical-section-list'
  | 'wait-block-ring'
  | 'device-tree';

/** One list: its kind and whose it is (a thread, a port, a process by name, a resource and waiter mode). */
export interface ListRef {
  list: ListKind;
  owner?: Addr;
  ownerName?: string;
  mode?: 'exclusive' | 'shared';
}

/** Why a fact holds, where the kind alone does not say it. */
export type WarningReason =
  | 'processor-block-missing'
  | 'processor-count-unknown'
  | 'processor-count-exceeds-block'
  | 'kpcr-lacks-kprcb'
  | 'increment-unreadable'
  | 'resource-types-missing'
  | 'system-resources-list-missing'
  | 'owner-table-pointer-bad'
  | 'owner-table-size-implausible'
  | 'os-version-unknown'
  | 'link-bad'
  | 'link-null'
  | 'entry-unreadable'
  | 'cycle'
  | 'cap'
  | 'odd-length'
  | 'length-above-maximum'
  | 'buffer-bad';

/** One warning as facts: what kind, about which object or list, where, and the bad value found. */
export interface WarningFact {
  kind: WarningKind;
  /** The object it is about, by the name its reader gives its type ('IRP', 'process', 'nt!KiProcessorBlock'). */
  object?: string;
  /** Or the list it is about. */
  list?: ListRef;
  /** The object's address, or the list element where the damage is. */
  address?: Addr;
  /** The member of the object involved ('StackCount', 'FileName', 'LockCount'). */
  member?: string;
  /** An index into the object (a processor number, an array slot). */
  index?: number;
  /** The bad value found: a link, a count, an owner, a type, an id; or an error's message. */
  value?: Addr | number | string;
  /** What the value should have been, or the bound it broke. */
  expected?: Addr | number;
  /** Other objects the fact names (the threads claiming one message, the waiter a message names). */
  others?: Addr[];
  /** A name that goes with the object: its process's image name, the frame it was found in. */
  name?: string;
  /** A part of the object rather than the whole: the rest past a prefix, a string's buffer, IRP stack locations. */
  part?: 'rest' | 'buffer' | 'stack-locations';
  reason?: WarningReason;
  /** list-elements-recovered: how many. */
  count?: number;
}

/** How many warnings of one kind, in the order kinds were first seen. */
export interface WarningTally {
  kind: WarningKind;
  count: number;
}

/** A category the debugger failed (or fell back on) as a whole: one summary line each. */
export type HostWarning =
  | { kind: 'stacks-unavailable'; asked: number }
  | { kind: 'user-memory-unreadable'; tried: number }
  | { kind: 'enum-names-fell-back'; types: { type: string; source: 'dt' | 'table' }[] }
  | { kind: 'enum-names-unknown'; types: string[] }
  | { kind: 'symbols-without-module'; count: number };

/** What a report's warning line is made of: the damage counted, then the host's failed categories. */
export interface WarningSummary {
  tally: WarningTally[];
  fromHost: HostWarning[];
}

/** Details kept per run; the counts go on past it. */
const MAX_DETAILS = 200;

export class Warnings {
  private readonly counts = new Map<WarningKind, number>();
  private readonly facts: WarningFact[] = [];

  /** `hostFacts`: what the target found out about the debugger, asked when the summary is. */
  constructor(private readonly hostFacts?: () => HostFacts | undefined) {}

  add(kind: WarningKind, fact?: Omit<WarningFact, 'kind'>): void {
    this.counts.set(kind, (this.counts.get(kind) || 0) + 1);
    if (fact !== undefined && this.facts.length < MAX_DETAILS) this.facts.push({ kind, ...fact });
  }

  tally(): WarningTally[] {
    const out: WarningTally[] = [];
    this.counts.forEach((count, kind) => out.push({ kind, count }));
    return out;
  }

  /** The damage counted so far and the host's failed categories (computed now: stacks asked late count). */
  summary(): WarningSummary {
    return { tally: this.tally(), fromHost: hostWarnings(this.hostFacts ? this.hostFacts() : undefined) };
  }

  /** The structured details, first MAX_DETAILS. */
  details(): WarningFact[] {
    return this.facts.slice();
  }
}

export function messageOfError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * What the target found out about the debugger while answering: which fallbacks it used and which
 * whole categories failed. A first run in a real WinDbg must not look like a clean one when the
 * debugger answered in a shape we did not expect ("0 waiting" on a deadlock).
 */
export interface HostFacts {
  /** Stacks asked for, and how many the debugger could not give (an exception, not an empty stack). */
  stacksAsked: number;
  stacksFailed: number;
  /** User-mode reads in a process context: processes tried, and those where every read failed. */
  userProcessesTried: number;
  userProcessesFailed: number;
  /** Enum types and how their enumerators were obtained: 'fields' | 'dt' | 'table' | 'none'. */
  enumSources: { [type: string]: string };
  /** Symbol answers whose module could not be named (neither in the answer nor in the module list). */
  symbolsWithoutModule: number;
}

/** The one warning per category that failed or fell back as a whole. */
export function hostWarnings(f: HostFacts | undefined): HostWarning[] {
  if (!f) return [];
  const out: HostWarning[] = [];
  if (f.stacksAsked > 0 && f.stacksFailed === f.stacksAsked) out.push({ kind: 'stacks-unavailable', asked: f.stacksAsked });
  if (f.userProcessesTried > 0 && f.userProcessesFailed === f.userProcessesTried) out.push({ kind: 'user-memory-unreadable', tried: f.userProcessesTried });
  const fell: { type: string; source: 'dt' | 'table' }[] = [];
  const none: string[] = [];
  for (const type of Object.keys(f.enumSources).sort()) {
    const how = f.enumSources[type];
    if (how === 'dt' || how === 'table') fell.push({ type, source: how });
    else if (how === 'none') none.push(type);
  }
  if (fell.length) out.push({ kind: 'enum-names-fell-back', types: fell });
  if (none.length) out.push({ kind: 'enum-names-unknown', types: none });
  if (f.symbolsWithoutModule > 0) out.push({ kind: 'symbols-without-module', count: f.symbolsWithoutModule });
  return out;
}
