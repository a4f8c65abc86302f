// A seed scenario's expectations under host variants (mocks/host/variants.ts): every expectation is
// met, or the variant makes it unknowable (listed in test/pending.ts) and the report says so in a
// warning line; and !waitchain "-selftest" ends with "selftest: N checks, 0 failed".
import { buildSnapshot, loadScenario } from '../builder';
import type { Snapshot } from '../format/snapshot';
import type { VariantSet } from '../host/variants';
import { unknowableUnder } from '../../test/pending';
import { checkScenario, runOnSnapshot } from './run';

export interface VariantCheck {
  /** Unmet expectations that no variant excuses, and excused ones whose warning is missing. */
  failures: string[];
  /** Expectations the variants made unknowable, each with the warning the report printed. */
  unknowable: string[];
  /** Pending entries whose expectation is met after all (the list must shrink). */
  stale: string[];
  /** The last line of !waitchain "-selftest". */
  selftest: string;
}

export const SELFTEST_LINE = /^selftest: (\d+) checks, (\d+) failed(?:, (\d+) fell back)?$/;

export function checkUnderVariants(id: string, layout: string, variants: VariantSet, prebuilt?: Snapshot): VariantCheck {
  const snapshot = prebuilt ?? buildSnapshot(loadScenario(id), layout);
  const r = checkScenario(id, layout, { hostVariants: variants }, snapshot);
  const out: VariantCheck = { failures: r.errors.slice(), unknowable: [], stale: [], selftest: '' };
  const kinds = new Set([...Object.keys(r.unmet)]);
  const scenarioId = id.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  for (const kind of kinds) {
    const lines = r.unmet[kind as keyof typeof r.unmet] || [];
    const excuse = unknowableUnder(scenarioId, kind, layout, variants);
    if (!excuse) {
      out.failures.push(...lines.map((l) => `${kind}: ${l}`));
      continue;
    }
    const all = Object.values(r.outputs).join('\n');
    const warned = excuse.warning && excuse.warning.exec(all);
    if (!warned) out.failures.push(`${kind}: unknowable under ${excuse.hostVariant} (${excuse.why}) but no warning matching ${excuse.warning} was printed`);
    else out.unknowable.push(`${kind}: unknowable under ${excuse.hostVariant}, warned "${warned[0]}"`);
  }
  // An excuse for an expectation that holds anyway is stale.
  for (const variant of variants) {
    for (const kind of Object.keys((loadScenario(id) as { expect?: object }).expect || {})) {
      const excuse = unknowableUnder(scenarioId, kind, layout, new Set([variant]));
      if (excuse && !kinds.has(kind) && r.pending.indexOf(kind as never) < 0) out.stale.push(`${kind} under ${variant}`);
    }
  }
  const self = runOnSnapshot(snapshot, '!waitchain "-selftest"', null, variants);
  const last = self.output.trim().split('\n').pop() || '';
  out.selftest = last;
  if (self.error) out.failures.push(`-selftest: ${self.error}`);
  const m = SELFTEST_LINE.exec(last);
  if (!m) out.failures.push(`-selftest did not end with its summary line (got ${JSON.stringify(last)})`);
  else if (m[2] !== '0') out.failures.push(`-selftest: ${last}\n${self.output.split('\n').filter((l) => /^\s+FAIL/.test(l)).join('\n')}`);
  return out;
}
