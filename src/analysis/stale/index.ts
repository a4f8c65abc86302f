// Every !stalecheck rule, one module per rule, keyed by its id: a rule id without a rule fails to compile.
import { apcToNonAlertableWaiterRule } from './apc-to-nonalertable-waiter';
import { dispatchLevelSpinRule } from './dispatch-level-spin';
import { inconsistentDumpRule } from './inconsistent-dump';
import { longWaitRule } from './long-wait';
import type { RuleId, StaleRule } from './model';
import { orphanedOwnerRule } from './orphaned-owner';
import { staleIosbRule } from './stale-iosb';
import { unservedMessageRule } from './unserved-message';

export const STALE_RULES: { readonly [R in RuleId]: StaleRule<R> } = {
  'stale-iosb': staleIosbRule,
  'apc-to-nonalertable-waiter': apcToNonAlertableWaiterRule,
  'dispatch-level-spin': dispatchLevelSpinRule,
  'orphaned-owner': orphanedOwnerRule,
  'unserved-message': unservedMessageRule,
  'long-wait': longWaitRule,
  'inconsistent-dump': inconsistentDumpRule,
};
