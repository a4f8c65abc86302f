// Seed expectations that need a later issue. Each runs as an expected failure (test/bundle/scenarios.test.ts):
// when one starts passing, vitest fails it and it must move out of this list.

export interface PendingExpectation {
  scenario: string;
  kind: string;
  /** Only these layouts (default: all). */
  layouts?: string[];
  issue: string;
  why: string;
  /** Unknowable only under this host variant (mocks/host/variants.ts); never pending without it. */
  hostVariant?: string;
  /** Under the variant, the report must say so: a pattern of the warning it prints. */
  warning?: RegExp;
}

/** Host variant no-process-context (mocks/host/variants.ts). */
const CONTEXT_IGNORED =
  'readMemoryValues ignores the process context: the critical section behind the wait is read in the space of the current process, where it is not mapped';

export const PENDING: PendingExpectation[] = [
  {
    scenario: '002-cs-high-contention-sleeping-owner',
    kind: 'rootBlockers',
    issue: 'host variant',
    hostVariant: 'no-process-context',
    why: CONTEXT_IGNORED,
    warning: /user memory unreadable in (all \d+ processes|the one process) tried/,
  },
  {
    scenario: '002-cs-high-contention-sleeping-owner',
    kind: 'waiterCounts',
    issue: 'host variant',
    hostVariant: 'no-process-context',
    why: CONTEXT_IGNORED,
    warning: /user memory unreadable in (all \d+ processes|the one process) tried/,
  },
  {
    scenario: '002-userinit-lpc-cs-mup-coupled-machines',
    kind: 'rootBlockers',
    issue: 'host variant',
    hostVariant: 'no-process-context',
    why: CONTEXT_IGNORED,
    warning: /user memory unreadable in (all \d+ processes|the one process) tried/,
  },
  {
    scenario: '002-userinit-lpc-cs-mup-coupled-machines',
    kind: 'chains',
    issue: 'host variant',
    hostVariant: 'no-process-context',
    why: CONTEXT_IGNORED,
    warning: /user memory unreadable in (all \d+ processes|the one process) tried/,
  },
  {
    scenario: '002-x64-taskmgr-lpc-cs-mutant-lpc-wow64',
    kind: 'chains',
    issue: 'host variant',
    hostVariant: 'no-process-context',
    why: CONTEXT_IGNORED,
    warning: /user memory unreadable in (all \d+ processes|the one process) tried/,
  },
];

export function isPending(scenario: string, kind: string, layout: string): PendingExpectation | undefined {
  return PENDING.find((p) => !p.hostVariant && p.scenario === scenario && p.kind === kind && (!p.layouts || p.layouts.indexOf(layout) >= 0));
}

/** An expectation a host variant makes unknowable (the report must print `warning` instead). */
export function unknowableUnder(scenario: string, kind: string, layout: string, variants: ReadonlySet<string>): PendingExpectation | undefined {
  return PENDING.find((p) => p.hostVariant !== undefined && variants.has(p.hostVariant) && p.scenario === scenario && p.kind === kind && (!p.layouts || p.layouts.indexOf(layout) >= 0));
}
