// !stalecheck rule 'long-wait'. Issue 4.
import type { StaleRule } from './model';

export const longWaitRule: StaleRule = { id: 'long-wait', run: () => [] };
