// Damage found while reading, counted by kind so a report can end with one summary line
// ("12 objects unreadable, 1 list cycle cut") instead of failing at the first bad pointer.

import { warningCount } from '../render/vocabulary';

export class Warnings {
  private readonly counts = new Map<string, number>();
  private readonly details: string[] = [];

  /** kind: a plural noun phrase such as "objects unreadable"; detail: one line naming the address. */
  add(kind: string, detail?: string): void {
    this.counts.set(kind, (this.counts.get(kind) || 0) + 1);
    if (detail !== undefined && this.details.length < 200) this.details.push(detail);
  }

  get total(): number {
    let n = 0;
    this.counts.forEach((c) => (n += c));
    return n;
  }

  summary(): string[] {
    const out: string[] = [];
    this.counts.forEach((c, kind) => out.push(warningCount(c, kind)));
    return out;
  }

  list(): string[] {
    return this.details.slice();
  }
}

export function messageOfError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
