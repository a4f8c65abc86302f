// Every !stalecheck rule, one module per rule.
import { apcToNonAlertableWaiterRule } from './apc-to-nonalertable-waiter';
import { dispatchLevelSpinRule } from './dispatch-level-spin';
import { inconsistentDumpRule } from './inconsistent-dump';
import { longWaitRule } from './long-wait';
import type { StaleRule } from './model';
import { orphanedOwnerRule } from './orphaned-owner';
import { staleIosbRule } from './stale-iosb';
import { unservedMessageRule } from './unserved-message';

export const STALE_RULES: readonly StaleRule[] = [
  staleIosbRule,
  apcToNonAlertableWaiterRule,
  dispatchLevelSpinRule,
  orphanedOwnerRule,
  unservedMessageRule,
  longWaitRule,
  inconsistentDumpRule,
];
