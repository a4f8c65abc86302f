// buildWaitGraph runs each edge rule under its own try/catch (as !stalecheck runs its rules): a rule that
// throws on a thread loses its own edges for that thread and leaves a warning; the other rules' edges stay.
import { describe, expect, it } from 'vitest';
import { warningLines } from '../../../src/render/vocabulary';
import { Warnings } from '../../../src/core/warnings';
import type { ThreadInfo, WaitBlockInfo } from '../../../src/kernel/model';
import { buildWaitGraph, hopObjectKey, type NamedEdgeRule, type RuleEnv, type WaitOutcome } from '../../../src/analysis/waits/waitgraph';

function waitingThread(address: string, objects: string[]): ThreadInfo {
  const waits: WaitBlockInfo[] = objects.map((object) => ({ object, waitKey: 0, waitType: 1 }));
  return { address, state: 'Waiting', waitReason: 'Executive', waits } as unknown as ThreadInfo;
}

function envOf(warnings: Warnings): RuleEnv {
  return {
    k: { warnings, pointerSize: 4 },
    dispatcher: { read: () => undefined },
  } as unknown as RuleEnv;
}

/** A rule that sends every wait on `object` to thread `to`. */
function mutantTo(object: string, to: string): NamedEdgeRule['rule'] {
  return (thread, wait): WaitOutcome | undefined =>
    wait.object === object ? { hops: [{ from: thread.address, kind: 'thread', object, to }], deadEnds: [], objectKind: 'thread' } : undefined;
}

describe('edge rule isolation', () => {
  it('a throwing rule loses its edges for that thread, with a warning; the other rules keep theirs', () => {
    const warnings = new Warnings();
    const a = waitingThread('a0', ['o1', 'o2']);
    const b = waitingThread('b0', ['o2']);
    let calls = 0;
    const rules: NamedEdgeRule[] = [
      {
        id: 'mutant',
        rule: (thread, wait) => {
          if (thread.address === 'a0' && wait.object === 'o2') throw new Error('bad owner pointer');
          return mutantTo('o1', 'c0')(thread, wait, undefined, envOf(warnings)) || (wait.object === 'o2' ? { hops: [{ from: thread.address, kind: 'thread', object: 'o2', to: 'd0' }], deadEnds: [], objectKind: 'thread' } : undefined);
        },
      },
      { id: 'thread-object', rule: (thread, wait, o, env) => (calls++, mutantTo('o2', 'e0')(thread, wait, o, env)) },
    ];
    const graph = buildWaitGraph([a, b], rules, envOf(warnings));
    // a0: the first rule threw on o2, so its o1 edge goes too; the second rule still answers o2.
    expect((graph.out.get('a0') || []).map((h) => `${hopObjectKey(h)}>${h.to}`)).toEqual(['o2>e0']);
    // b0: untouched by a0's failure.
    expect((graph.out.get('b0') || []).map((h) => `${hopObjectKey(h)}>${h.to}`)).toEqual(['o2>d0']);
    expect(warningLines(warnings.summary())).toEqual(['1 rule stopped by bad data']);
    expect(warnings.details()).toEqual([{ kind: 'rule-stopped', object: 'mutant', address: 'a0', value: 'bad owner pointer' }]);
    expect(calls).toBeGreaterThan(0);
  });
});
