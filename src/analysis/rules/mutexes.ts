// Edges through fast and guarded mutexes (their Event/Gate -> Owner). Issue 3.
import type { EdgeRule } from '../waitgraph';

export const fastMutexRule: EdgeRule = () => undefined;
