// !stalecheck rule 'dispatch-level-spin'. Issue 4.
import type { StaleRule } from './model';

export const dispatchLevelSpinRule: StaleRule = { id: 'dispatch-level-spin', run: () => [] };
