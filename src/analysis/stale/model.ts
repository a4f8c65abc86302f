// !stalecheck findings: bugs no existing command detects, each explained with its evidence and
// the next command to run. Rule ids are stable: other tools match on them.
import type { Addr } from '../../core/addr';
import type { WaitModel } from '../waits/waitModel';

export type RuleId =
  | 'stale-iosb'
  | 'apc-to-nonalertable-waiter'
  | 'dispatch-level-spin'
  | 'long-wait'
  | 'orphaned-owner'
  | 'unserved-message'
  | 'inconsistent-dump';

export const RULE_IDS: readonly RuleId[] = [
  'stale-iosb',
  'apc-to-nonalertable-waiter',
  'dispatch-level-spin',
  'long-wait',
  'orphaned-owner',
  'unserved-message',
  'inconsistent-dump',
];

/** error: memory corruption or a hang in progress; warning: a likely cause; info: context to distrust or weigh. */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** One line: what is wrong. */
  summary: string;
  thread?: Addr;
  irp?: Addr;
  /** The lock, message, port or spin lock the finding is about. */
  object?: Addr;
  /** The facts it rests on, one per line, as a reader would check them. */
  evidence: string[];
  /** The WinDbg command to run next (e.g. "!irp 89d1a008", "!thread 89c0a3d8"). */
  next: string;
}

export interface StaleOptions {
  /** long-wait threshold in seconds (default 600). */
  longWaitSeconds: number;
}

export interface StaleEnv {
  model: WaitModel;
  options: StaleOptions;
}

/** A rule inspects the shared model and returns its findings; it never throws on bad data. */
export interface StaleRule {
  id: RuleId;
  run(env: StaleEnv): Finding[];
}
