// The analysis result the renderers get is plain data (issue 16): no getter reads memory while a report
// is printed, so renderers may print in any order. The chain ends a report prints are described during
// analysis, and the warning summary is a value taken when the analysis ends.
import { describe, expect, it } from 'vitest';
import { bundleCode, layoutsOf } from '../../mocks/harness/run';
import { buildScenarioInput, resolveScenarioPath } from '../../mocks/harness/inputs';
import { loadScenario } from '../../mocks/builder';
import { loadScript } from '../../mocks/loader';

/** Paths of accessor properties anywhere in `value` (Maps and arrays followed). */
function getters(value: unknown, path = 'report', seen = new Set<unknown>()): string[] {
  if (!value || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  // The bundle runs in its own realm: its Maps are no `instanceof Map` here.
  if (Object.prototype.toString.call(value) === '[object Map]') {
    (value as Map<unknown, unknown>).forEach((v, k) => out.push(...getters(v, `${path}[${String(k)}]`, seen)));
    return out;
  }
  for (const key of Object.getOwnPropertyNames(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if (d.get) out.push(`${path}.${key}`);
    else out.push(...getters(d.value, `${path}.${key}`, seen));
  }
  return out;
}

const SCENARIOS = ['002-lpc-mutant-process-eresource-fastmutex', '002-cs-high-contention-sleeping-owner', '002-irp-anomaly-inconsistent-running'];

describe('!waitchain hands its renderers plain facts', () => {
  it.each(SCENARIOS)('%s: no getter in the report; every chain end the text prints is described', (id) => {
    const scenario = loadScenario(resolveScenarioPath(id));
    const layout = layoutsOf(scenario)[0];
    const script = loadScript(bundleCode(), buildScenarioInput(scenario, layout, {}));
    const r = script.run('!waitchain');
    const report = (r.value as { __report: { threads: Map<string, { terminal?: unknown }>; rootBlockers: { thread: string; cycle?: string[] }[]; warnings: unknown } }).__report;
    expect(getters(report)).toEqual([]);
    // The warning summary is facts (kinds and counts), taken when the analysis ended.
    const summary = report.warnings as { tally: unknown; fromHost: unknown };
    expect([Array.isArray(summary.tally), Array.isArray(summary.fromHost)]).toEqual([true, true]);
    for (const root of report.rootBlockers.slice(0, 20)) if (!root.cycle) expect(report.threads.get(root.thread)!.terminal, root.thread).toBeDefined();
  });
});
