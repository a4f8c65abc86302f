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
  { scenario: '000-sftfs-stale-iosb-apc', kind: 'findings', issue: 'issue 4', why: '!stalecheck stale-iosb and apc-to-nonalertable-waiter rules' },
  { scenario: '001-dispatch-level-spin-inqueued-lock', kind: 'findings', issue: 'issue 4', why: '!stalecheck dispatch-level-spin rule' },
  { scenario: '002-alpc-serviceA-372-narrative', kind: 'findings', issue: 'issue 4', why: '!stalecheck unserved-message rule' },
  { scenario: '002-mistake8-mutant-owner-vs-older-driver-wait', kind: 'findings', issue: 'issue 4', why: '!stalecheck long-wait rule' },
  { scenario: '002-userinit-lpc-cs-mup-coupled-machines', kind: 'findings', issue: 'issue 4', why: '!stalecheck long-wait rule' },
];

export function isPending(scenario: string, kind: string, layout: string): PendingExpectation | undefined {
  return PENDING.find((p) => p.scenario === scenario && p.kind === kind && (!p.layouts || p.layouts.indexOf(layout) >= 0));
}
