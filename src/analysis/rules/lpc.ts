// Edges through legacy LPC (XP/2003) and ALPC (Vista+) messages. Issue 3.
import type { EdgeRule } from '../waitgraph';

export const lpcRule: EdgeRule = () => undefined;
export const alpcRule: EdgeRule = () => undefined;
