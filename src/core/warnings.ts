// Damage found while reading, counted by kind so a report can end with one summary line
// ("12 objects unreadable, 1 list cycle cut") instead of failing at the first bad pointer.

import { warningCount } from '../render/vocabulary';

export class Warnings {
  private readonly counts = new Map<string, number>();
  private readonly details: string[] = [];

  /** `extra`: summary lines computed when the summary is asked for (the host facts). */
  constructor(private readonly extra?: () => string[]) {}

  /** kind: a plural noun phrase such as "objects unreadable"; detail: one line naming the address. */
  add(kind: string, detail?: string): void {
    this.counts.set(kind, (this.counts.get(kind) || 0) + 1);
    if (detail !== undefined && this.details.length < 200) this.details.push(detail);
  }

  get total(): number {
    let n = 0;
    this.counts.forEach((c) => (n += c));
    return n + (this.extra ? this.extra().length : 0);
  }

  summary(): string[] {
    const out: string[] = [];
    this.counts.forEach((c, kind) => out.push(warningCount(c, kind)));
    if (this.extra) out.push(...this.extra());
    return out;
  }

  list(): string[] {
    return this.details.slice();
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

/** The one summary warning per category that failed or fell back as a whole. */
export function hostWarnings(f: HostFacts | undefined): string[] {
  if (!f) return [];
  const out: string[] = [];
  if (f.stacksAsked > 0 && f.stacksFailed === f.stacksAsked) {
    out.push(`stacks unavailable for ${f.stacksAsked === 1 ? 'the one thread' : `all ${f.stacksAsked} threads`} asked (frame-based facts unknown: !waitchain "-selftest")`);
  }
  if (f.userProcessesTried > 0 && f.userProcessesFailed === f.userProcessesTried) {
    out.push(`user memory unreadable in ${f.userProcessesTried === 1 ? 'the one process' : `all ${f.userProcessesTried} processes`} tried (a kernel dump has none; else see !waitchain "-selftest")`);
  }
  const fell: string[] = [];
  const none: string[] = [];
  for (const type of Object.keys(f.enumSources).sort()) {
    const how = f.enumSources[type];
    if (how === 'dt') fell.push(`${type} from dt output`);
    else if (how === 'table') fell.push(`${type} from the built-in table`);
    else if (how === 'none') none.push(type);
  }
  if (fell.length) out.push(`enum names fell back (${fell.join(', ')})`);
  if (none.length) out.push(`enum names unknown (${none.join(', ')}): states, wait reasons or object types show as #<n>`);
  if (f.symbolsWithoutModule > 0) out.push(`${f.symbolsWithoutModule} symbols without a module name`);
  return out;
}
