// !stalecheck: stale stack references, APCs into non-alertable waits, dispatch-level spins, orphaned
// owners, unserved messages, long waits, and what makes the dump itself inconsistent.
import { runStaleCheck } from '../analysis/stale/stalecheck';
import { RULE_IDS, type RuleId, type StaleOptions } from '../analysis/stale/model';
import { TargetUnsupported } from '../core/target';
import { KernelContext } from '../kernel/context';
import { KernelReaders } from '../kernel/readers';
import { renderStaleText } from '../render/staleText';
import { StaleModel } from '../render/staleModel';
import { describeArgument, print } from '../host/hostIo';
import { parseCount, tokenize, TokenStream, UsageError } from './options';
import { htmlOption, HTML_USAGE, writeHtmlReport, type HtmlOptions } from './htmlOption';
import { renderStaleHtml } from '../render/html/staleHtml';
import { runCommand } from './run';
import { checkRecordOptions, dxString, optionText, RECORD_USAGE, recordOption, withTarget, type RecordOptions } from './session';

export const STALECHECK_USAGE = `usage: !stalecheck                      every rule, most severe first
       !stalecheck "-r <rule,...>"     only these rules: ${RULE_IDS.join(', ')}
       !stalecheck "-t <seconds>"      long-wait threshold in decimal seconds (default 600; 0x for hex)
       !stalecheck "-?"                this help
       dx @$stalecheck()               the findings as data-model objects
recording (docs/snapshots.md):
${RECORD_USAGE}${HTML_USAGE}`;

interface StaleCheckArgs extends RecordOptions, HtmlOptions {
  rules: RuleId[];
  options: StaleOptions;
  help: boolean;
  /** The options without -record/-redact: how a recording replays this run. */
  replay: string[];
}

export function parseStaleCheckArgs(arg: unknown): StaleCheckArgs {
  const args: StaleCheckArgs = { rules: RULE_IDS.slice(), options: { longWaitSeconds: 600 }, help: false, redact: false, replay: [] };
  const a = describeArgument(arg);
  if (a.kind === 'none') return args;
  if (a.kind !== 'text') throw new UsageError('options go in one quoted string, e.g. !stalecheck "-r stale-iosb"');
  const tokens = new TokenStream(tokenize(a.text));
  let seenThreshold: number | undefined;
  let rules: RuleId[] | undefined;
  while (!tokens.done) {
    const t = tokens.next();
    if (recordOption(t, tokens, args) || htmlOption(t, tokens, args)) continue;
    if (t === '-?' || t === '-h' || t === '-help') args.help = true;
    else if (t === '-r') {
      const value = tokens.value('-r');
      const names = value.split(',').filter((n) => n !== '');
      for (const n of names) if (RULE_IDS.indexOf(n as RuleId) < 0) throw new UsageError(`unknown rule ${n}`);
      if (!names.length) throw new UsageError('-r needs at least one rule');
      // Several -r add up (-r a -r b = -r a,b).
      rules = (rules || []).concat(names.filter((n) => (rules || []).indexOf(n as RuleId) < 0) as RuleId[]);
      args.rules = rules;
      args.replay.push(t, value);
    } else if (t === '-t') {
      // Seconds are a duration: decimal (src/commands/options.ts, parseCount); a second -t is a contradiction.
      const v = tokens.value('-t');
      const seconds = parseCount('-t', v, 0, 'number of seconds');
      if (seenThreshold !== undefined && seenThreshold !== seconds) throw new UsageError(`-t given twice (${seenThreshold}, ${seconds} seconds): give one threshold`);
      seenThreshold = seconds;
      args.options.longWaitSeconds = seconds;
      args.replay.push(t, v);
    } else throw new UsageError(`unknown option ${t}`);
  }
  checkRecordOptions(args);
  return args;
}

export function stalecheckCommand(arg?: unknown): unknown {
  return runCommand('stalecheck', STALECHECK_USAGE, () => {
    const args = parseStaleCheckArgs(arg);
    if (args.help) {
      print(STALECHECK_USAGE);
      return undefined;
    }
    const command = args.replay.length ? `!stalecheck ${dxString(optionText(args.replay))}` : '!stalecheck';
    return withTarget('stalecheck', command, args, (target) => {
      if (!target.isKernel) throw new TargetUnsupported('this is a user-mode session: !stalecheck needs a kernel or complete memory dump, or a live kernel session');
      const k = new KernelContext(target);
      const report = runStaleCheck(new KernelReaders(k), args.rules, args.options);
      const text = renderStaleText(report, target.pointerSize);
      print(text);
      writeHtmlReport('stalecheck', args, () => renderStaleHtml(report, target.pointerSize, text));
      return new StaleModel(report, target);
    });
  });
}
