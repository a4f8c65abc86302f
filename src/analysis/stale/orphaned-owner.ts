// !stalecheck rule 'orphaned-owner'. Issue 4.
import type { StaleRule } from './model';

export const orphanedOwnerRule: StaleRule = { id: 'orphaned-owner', run: () => [] };
