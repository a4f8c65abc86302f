// Every edge rule, in the order they are tried on each wait block (first match wins).
// One module per object kind.
import { addressWaitRule } from './addressWaits';
import { criticalSectionRule } from './critsecs';
import { mutantRule, processObjectRule, threadObjectRule } from './dispatcher';
import { pushLockRule } from './pushLocks';
import { alpcRule, lpcRule } from './lpc';
import { fastMutexRule } from './mutexes';
import { resourceRule } from './resources';
import type { NamedEdgeRule } from '../waitgraph';

export const EDGE_RULES: readonly NamedEdgeRule[] = [
  { id: 'address-wait', rule: addressWaitRule },
  { id: 'lpc', rule: lpcRule },
  { id: 'alpc', rule: alpcRule },
  { id: 'resource', rule: resourceRule },
  { id: 'fast-mutex', rule: fastMutexRule },
  { id: 'push-lock', rule: pushLockRule },
  { id: 'critical-section', rule: criticalSectionRule },
  { id: 'mutant', rule: mutantRule },
  { id: 'process-object', rule: processObjectRule },
  { id: 'thread-object', rule: threadObjectRule },
];
