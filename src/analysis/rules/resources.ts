// Edges through executive resources (waiter event/semaphore or Win10 wait chain -> owners). Issue 3.
import type { EdgeRule } from '../waitgraph';

export const resourceRule: EdgeRule = () => undefined;
