// One vocabulary in every report (issue 18 items 8-10): no internal kind id reaches a reader, every
// count agrees with its noun, and a root that is not waiting does not say its state twice. Runs
// every scenario (mocks/scenarios and test/scenarios) on its default layout.
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../../mocks/harness/inputs';
import { layoutsOf, runOnScenario } from '../../mocks/harness/run';

const COMMANDS = ['!waitchain', '!stalecheck', '!waitchain "-dot"'];

/** Internal hop/object kind ids as they appear in code ('critical-section', 'alpc'), followed by an address or id. */
const KIND_ID = /\b(critical-section|fast-mutex|guarded-mutex|resource|alpc|lpc) [0-9a-f]{6,}/;
/** "1 findings", "1 threads scanned", "among 1 waiting threads", "1 objects unreadable", ... */
const ONE_PLURAL = /(?<![\w.:#+-])1 (?:[a-z]+ )?(findings|threads|errors|warnings|device nodes|objects|list cycles|stale ALPC messages|owners|processes|waiters|lists|entries)\b/;
/** "Initialized; initialized", "Running; running on processor 1". */
const STATE_TWICE = /\b(Initialized|Ready|Running|Terminated|Standby|Transition|DeferredReady); \1/i;

const runs = listScenarios().flatMap((s) => COMMANDS.map((c) => ({ id: s.id, path: s.path, command: c })));

describe('report wording across every scenario', () => {
  it.each(runs)('$id $command', ({ path, command }) => {
    const layout = layoutsOf(path)[0];
    const out = runOnScenario(path, layout, command).output;
    const bad = out.split('\n').filter((l) => KIND_ID.test(l) || ONE_PLURAL.test(l) || STATE_TWICE.test(l));
    expect(bad).toEqual([]);
  });
});
