// !stalecheck rule 'stale-iosb'. Issue 4.
import type { StaleRule } from './model';

export const staleIosbRule: StaleRule = { id: 'stale-iosb', run: () => [] };
