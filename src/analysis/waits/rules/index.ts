// Every edge rule, in the order they are tried on each wait block (first match wins).
// One module per object kind.
import { addressWaitRule } from './addressWaits';
import { criticalSectionRule } from './critsecs';
import { mutantRule, processObjectRule, threadObjectRule } from './dispatcher';
import { pushLockRule } from './pushLocks';
import { alpcRule, lpcRule } from './lpc';
import { fastMutexRule } from './mutexes';
import { resourceRule } from './resources';
import type { EdgeRule } from '../waitgraph';

export const EDGE_RULES: readonly EdgeRule[] = [
  addressWaitRule,
  lpcRule,
  alpcRule,
  resourceRule,
  fastMutexRule,
  pushLockRule,
  criticalSectionRule,
  mutantRule,
  processObjectRule,
  threadObjectRule,
];
