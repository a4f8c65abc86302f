// !stalecheck: stale stack references, APCs into non-alertable waits, dispatch-level spins, orphaned
// owners, unserved messages, long waits, and what makes the dump itself inconsistent.
import { runStaleCheck } from '../analysis/stale/stalecheck';
import { RULE_IDS, type RuleId, type StaleOptions } from '../analysis/stale/model';
import { KernelContext } from '../kernel/context';
import { KernelReaders } from '../kernel/readers';
import { renderStaleText } from '../render/staleText';
import { StaleModel } from '../render/staleModel';
import { describeArgument, print } from '../host/hostIo';
import { parseCount, UsageError } from './options';
import { renderStaleHtml } from '../render/html/staleHtml';
import { withCommonOptions, type CommandDeclaration, type CommandSession } from './declaration';

export const STALECHECK_USAGE = withCommonOptions(`usage: !stalecheck                      every rule, most severe first
       !stalecheck "-r <rule,...>"     only these rules: ${RULE_IDS.join(', ')}
       !stalecheck "-t <seconds>"      long-wait threshold in decimal seconds (default 600; 0x for hex)
       !stalecheck "-?"                this help
       dx @$stalecheck()               the findings as data-model objects
`);

export interface StaleCheckOptions {
  rules: RuleId[];
  options: StaleOptions;
  /** Rules named by -r so far (several -r add up); undefined: every rule. */
  named?: RuleId[];
  /** The -t value so far: a second, different one is a contradiction. */
  threshold?: number;
}

function runStaleCheckCommand(args: StaleCheckOptions, session: CommandSession): unknown {
  const target = session.target;
  const k = new KernelContext(target);
  const report = runStaleCheck(new KernelReaders(k), args.rules, args.options);
  const text = renderStaleText(report, target.pointerSize);
  print(text);
  session.html(() => renderStaleHtml(report, target.pointerSize, text));
  return new StaleModel(report, target);
}

export const STALECHECK: CommandDeclaration<StaleCheckOptions> = {
  name: 'stalecheck',
  usage: STALECHECK_USAGE,
  requires: 'kernel',
  options: [
    {
      name: '-r',
      value: '<rule,...>',
      help: 'only these rules',
      apply(args, value) {
        const names = value.split(',').filter((n) => n !== '');
        for (const n of names) if (RULE_IDS.indexOf(n as RuleId) < 0) throw new UsageError(`unknown rule ${n}`);
        if (!names.length) throw new UsageError('-r needs at least one rule');
        // Several -r add up (-r a -r b = -r a,b).
        const before = args.named || [];
        args.named = before.concat(names.filter((n) => before.indexOf(n as RuleId) < 0) as RuleId[]);
        args.rules = args.named;
      },
    },
    {
      name: '-t',
      value: '<seconds>',
      help: 'long-wait threshold in decimal seconds',
      apply(args, value) {
        // Seconds are a duration: decimal (src/commands/options.ts, parseCount); a second -t is a contradiction.
        const seconds = parseCount('-t', value, 0, 'number of seconds');
        if (args.threshold !== undefined && args.threshold !== seconds) throw new UsageError(`-t given twice (${args.threshold}, ${seconds} seconds): give one threshold`);
        args.threshold = seconds;
        args.options.longWaitSeconds = seconds;
      },
    },
  ],
  defaults: () => ({ rules: RULE_IDS.slice(), options: { longWaitSeconds: 600 } }),
  dxArguments(args) {
    const a = describeArgument(args[0]);
    if (a.kind === 'none') return { text: '' };
    if (a.kind !== 'text') throw new UsageError('options go in one quoted string, e.g. !stalecheck "-r stale-iosb"');
    return { text: a.text };
  },
  run: runStaleCheckCommand,
};
