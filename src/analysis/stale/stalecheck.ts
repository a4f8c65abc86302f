// !stalecheck's analysis: run the chosen rules over the shared wait model, most severe first.
import type { KernelContext } from '../../kernel/context';
import { messageOfError, type WarningSummary } from '../../core/warnings';
import { STALE_RULES } from './';
import { SEVERITY_ORDER, type Finding, type RuleId, type StaleOptions } from './model';
import { readWaitModel } from '../waits/waitModel';

export interface StaleReport {
  findings: Finding[];
  rulesRun: RuleId[];
  threadsScanned: number;
  /** Damage counted while reading (render/vocabulary.ts warningLines writes the words). */
  warnings: WarningSummary;
}

export function runStaleCheck(k: KernelContext, rules: readonly RuleId[], options: StaleOptions): StaleReport {
  const model = readWaitModel(k);
  const findings: Finding[] = [];
  for (const rule of STALE_RULES) {
    if (rules.indexOf(rule.id) < 0) continue;
    try {
      findings.push(...rule.run({ model, options }));
    } catch (e) {
      // A rule that trips over damage it did not expect loses its findings, not the whole report.
      k.warnings.add('rule-stopped', { object: rule.id, value: messageOfError(e) });
    }
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || RULE_RANK(a.rule) - RULE_RANK(b.rule));
  return { findings, rulesRun: rules.slice(), threadsScanned: model.table.threads.length, warnings: k.warnings.summary() };
}

function RULE_RANK(id: RuleId): number {
  return STALE_RULES.findIndex((r) => r.id === id);
}
