// Seed expectations that need a later issue. Each runs as an expected failure (test/bundle/scenarios.test.ts):
// when one starts passing, vitest fails it and it must move out of this list.

export interface PendingExpectation {
  scenario: string;
  kind: string;
  /** Only these layouts (default: all). */
  layouts?: string[];
  issue: string;
  why: string;
}

export const PENDING: PendingExpectation[] = [
];

export function isPending(scenario: string, kind: string, layout: string): PendingExpectation | undefined {
  return PENDING.find((p) => p.scenario === scenario && p.kind === kind && (!p.layouts || p.layouts.indexOf(layout) >= 0));
}
