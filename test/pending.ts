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
  { scenario: '002-app-lpc-spooler-messagebox-loaderlock', kind: 'chains', issue: 'issue 3', why: 'LPC hop (LpcReplyMessageId -> LpcReceivedMessageId / ALPC message ServerThread)' },
  { scenario: '002-app-lpc-spooler-messagebox-loaderlock', kind: 'rootBlockers', issue: 'issue 3', why: 'the root is reached through an LPC hop' },
  { scenario: '002-app-lpc-spooler-messagebox-loaderlock', kind: 'blockedFirst', issue: 'issue 3', why: 'the chain starts with an LPC hop' },
  { scenario: '002-cs-high-contention-sleeping-owner', kind: 'rootBlockers', issue: 'issue 3', why: 'critical-section hop (frame argument -> OwningThread)' },
  { scenario: '002-cs-high-contention-sleeping-owner', kind: 'waiterCounts', issue: 'issue 3', why: 'waiter count carried by the critical section LockCount' },
  { scenario: '002-lpc-chain-mutant-lpc-deadlock-cycle', kind: 'deadlocks', issue: 'issue 3', why: 'the cycle closes through an LPC hop' },
  { scenario: '002-lpc-chain-mutant-lpc-deadlock-cycle', kind: 'chains', issue: 'issue 3', why: 'four LPC hops lead into the cycle' },
  { scenario: '002-lpc-chain-mutant-lpc-deadlock-cycle', kind: 'blockedFirst', issue: 'issue 3', why: 'the chain is made of LPC hops' },
  { scenario: '002-lpc-mutant-process-eresource-fastmutex', kind: 'chains', issue: 'issue 3', why: 'LPC and ERESOURCE hops (mutant and process-object hops already work)' },
  { scenario: '002-lpc-mutant-process-eresource-fastmutex', kind: 'rootBlockers', issue: 'issue 3', why: 'the root is reached through an ERESOURCE hop' },
  { scenario: '002-lpc-mutant-process-eresource-fastmutex', kind: 'blockedFirst', issue: 'issue 3', why: 'the chain needs the ERESOURCE hop to reach 86ba5638' },
  { scenario: '002-lpc-mutant-process-eresource-fastmutex', kind: 'waiterCounts', issue: 'issue 3', why: 'ERESOURCE waiters (keyed from nt!ExpSystemResourcesList)' },
  { scenario: '002-lpc-mutant45-process-rundll32-factory', kind: 'chains', issue: 'issue 3', why: 'the chain starts with an LPC hop' },
  { scenario: '002-mistake8-mutant-owner-vs-older-driver-wait', kind: 'findings', issue: 'issue 4', why: '!stalecheck long-wait rule' },
  { scenario: '002-spiking-running-threads-truncated-hooked', kind: 'absentFindings', issue: 'issue 4', why: '!stalecheck (near miss: no dispatch-level-spin for PASSIVE_LEVEL spinners)' },
  { scenario: '002-userinit-lpc-cs-mup-coupled-machines', kind: 'chains', issue: 'issue 3', why: 'LPC and critical-section hops' },
  { scenario: '002-userinit-lpc-cs-mup-coupled-machines', kind: 'rootBlockers', issue: 'issue 3', why: 'the root is reached through critical-section hops' },
  { scenario: '002-userinit-lpc-cs-mup-coupled-machines', kind: 'findings', issue: 'issue 4', why: '!stalecheck long-wait rule' },
  { scenario: '002-x64-taskmgr-lpc-cs-mutant-lpc-wow64', kind: 'chains', issue: 'issue 3', why: 'LPC (as ALPC on Vista+ layouts) and critical-section hops' },
  { scenario: '002-x64-taskmgr-lpc-cs-mutant-lpc-wow64', kind: 'rootBlockers', issue: 'issue 3', why: 'the root is reached through an LPC hop' },
  { scenario: '002-x64-wow64-short-wait-control', kind: 'absentFindings', issue: 'issue 4', why: '!stalecheck (near miss: a short timed wait is not a long-wait)' },
  { scenario: '003-aspnet-monitor-chain-eresource-ntfs-filter', kind: 'absentFindings', issue: 'issue 4', why: '!stalecheck (near miss: an event in a live frame is not stale-iosb)' },
  { scenario: '004-codemachine-circular-trace-buffers', kind: 'ring', issue: 'issue 5', why: '!ringdump' },
  { scenario: '004-devnode-pnp-state-history-wrapped', kind: 'ring', issue: 'issue 5', why: '!ringdump -devnode' },
];

export function isPending(scenario: string, kind: string, layout: string): PendingExpectation | undefined {
  return PENDING.find((p) => p.scenario === scenario && p.kind === kind && (!p.layouts || p.layouts.indexOf(layout) >= 0));
}
