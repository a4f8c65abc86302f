// !stalecheck rule 'apc-to-nonalertable-waiter'. Issue 4.
import type { StaleRule } from './model';

export const apcToNonAlertableWaiterRule: StaleRule = { id: 'apc-to-nonalertable-waiter', run: () => [] };
