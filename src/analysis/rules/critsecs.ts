// Edges through user-mode critical sections (frame argument -> OwningThread). Issue 3.
import type { EdgeRule } from '../waitgraph';

export const criticalSectionRule: EdgeRule = () => undefined;
