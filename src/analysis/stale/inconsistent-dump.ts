// !stalecheck rule 'inconsistent-dump'. Issue 4.
import type { StaleRule } from './model';

export const inconsistentDumpRule: StaleRule = { id: 'inconsistent-dump', run: () => [] };
