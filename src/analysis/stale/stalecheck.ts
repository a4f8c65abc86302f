// !stalecheck's analysis: run the chosen rules over the shared wait model, in the declared order
// (src/analysis/stale/model.ts, RULE_IDS), most severe first.
import type { KernelReaders } from '../../kernel/readers';
import { messageOfError, type WarningSummary } from '../../core/warnings';
import { STALE_RULES } from './';
import { RULE_IDS, SEVERITY_ORDER, type Finding, type RuleId, type StaleOptions, type AnyStaleRule } from './model';
import { readWaitModel } from '../waits/waitModel';

export interface StaleReport {
  findings: Finding[];
  rulesRun: RuleId[];
  threadsScanned: number;
  /** Damage counted while reading (render/vocabulary.ts warningLines writes the words). */
  warnings: WarningSummary;
}

export function runStaleCheck(kernel: KernelReaders, rules: readonly RuleId[], options: StaleOptions): StaleReport {
  const k = kernel.k;
  const model = readWaitModel(kernel);
  const findings: Finding[] = [];
  for (const id of RULE_IDS) {
    if (rules.indexOf(id) < 0) continue;
    const rule: AnyStaleRule = STALE_RULES[id];
    try {
      findings.push(...rule.run({ model, options }));
    } catch (e) {
      // A rule that trips over damage it did not expect loses its findings, not the whole report.
      k.warnings.add('rule-stopped', { object: rule.id, value: messageOfError(e) });
    }
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || RULE_IDS.indexOf(a.rule) - RULE_IDS.indexOf(b.rule));
  return { findings, rulesRun: rules.slice(), threadsScanned: model.table.threads.length, warnings: k.warnings.summary() };
}
