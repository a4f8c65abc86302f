// A command as a declaration: its name, options, usage and target requirement, and a run function
// over already-parsed options and an open session. The plumbing every command shares (tokens, -?,
// -record/-redact, -html, the kernel-only check, errors, the replay line) is parseCommand below and
// runDeclaredCommand in run.ts, written once.
import type { CommandTarget } from './session';
import { tokenize, TokenStream, UsageError } from './options';

/** What a command needs of the session before its run function is worth calling. */
export type TargetRequirement = 'kernel' | 'any';

export interface OptionDeclaration<P> {
  /** The option as typed: `-p`. */
  name: string;
  /** The value's placeholder (`<name|pid|addr>`); absent for a flag. */
  value?: string;
  /** One help line. The usage text stays the command's own, byte for byte; test/commands checks it shows this synopsis and line. */
  help: string;
  /** Stores the option in the parsed options (a flag gets its own name); throws UsageError on a bad value. */
  apply(parsed: P, value: string): void;
  /** The value as a redacted recording's replay line writes it (a process name hashed as the snapshot holds it). */
  redactedValue?(value: string): string;
}

/**
 * A mode: a flag that runs something else than the command's own report on the same options and
 * session (`!waitchain "-selftest"`).
 */
export interface ModeDeclaration {
  option: string;
  help: string;
  requires: TargetRequirement;
  run(session: CommandSession): unknown;
}

/** What the dx arguments of one call amount to: the option text, and replay tokens that come first. */
export interface DxInput {
  text: string;
  replay?: string[];
}

export interface CommandDeclaration<P> {
  /** The alias: `!name`, `dx @$name()`. */
  name: string;
  /** The whole usage text, printed for -? and after an argument error. */
  usage: string;
  requires: TargetRequirement;
  options: OptionDeclaration<P>[];
  modes?: ModeDeclaration[];
  /** The parsed options before any argument: the defaults. */
  defaults(): P;
  /**
   * Reads the dx arguments (a string of options, an address, a typed object) into `parsed` and
   * returns the option text to tokenise; no arguments at all is `{ text: '' }`.
   */
  dxArguments(args: unknown[], parsed: P): DxInput;
  /** A token that is no option (a thread, a ring symbol); absent: every such token is an unknown option. */
  positional?(parsed: P, token: string): void;
  /** `-5` is a positional (a negative index), not an option. */
  negativeNumbersArePositional?: boolean;
  /** Checks across options once all are read (skipped for -?). */
  finish?(parsed: P): void;
  /** dx values the replay line passes before the option string (after the run: typed objects are read by then). */
  replayValues?(args: unknown[], parsed: P): string[];
  run(parsed: P, session: CommandSession): unknown;
}

/** The open session a run function works on. */
export interface CommandSession {
  readonly target: CommandTarget;
  /** True when -html <file> was given: a command may skip text only the page would need. */
  readonly wantsHtml: boolean;
  /** Writes the HTML page when -html was given (a failure is one line; the command's output stands). */
  html(page: () => string): void;
}

/** One token of the replay line, with how a redacted recording writes it. */
export interface ReplayToken {
  text: string;
  redacted?(value: string): string;
}

export interface ParsedCommand<P> {
  options: P;
  help: boolean;
  record?: string;
  redact: boolean;
  html?: string;
  mode?: ModeDeclaration;
  /** The arguments without -record/-redact/-html: how a recording replays this run. */
  replay: ReplayToken[];
}

export const HELP_OPTIONS = ['-?', '-h', '-help'];

/** The options every command takes, in the order the usage texts list them. */
export const COMMON_OPTIONS: { name: string; value?: string; help: string[] }[] = [
  {
    name: '-record',
    value: '<file>',
    help: [
      'also write what the command read to <file>, a snapshot the offline harness replays',
      '(docs/snapshots.md); in a string, double the backslashes: "-record C:\\\\dumps\\\\hang1.json"',
    ],
  },
  { name: '-redact', help: ['with -record: zero what the analysis did not look at, hash process and module names'] },
  { name: '-html', value: '<file>', help: ['also write the report as one self-contained HTML page (the wait graph drawn, tables)'] },
];

/** Usage lines of options: the synopsis in 16 columns after two spaces, continuation lines under the help. */
export function optionUsage(options: { name: string; value?: string; help: string[] }[]): string {
  const pad = (s: string) => (s + '                ').slice(0, Math.max(16, s.length + 1));
  return options
    .map((o) => o.help.map((line, i) => `  ${pad(i === 0 ? (o.value ? `${o.name} ${o.value}` : o.name) : '')}${line}\n`).join(''))
    .join('');
}

/** A command's own usage text followed by the common options under `heading`. */
export function withCommonOptions(usage: string, heading = 'recording (docs/snapshots.md):'): string {
  return `${usage}${heading}\n${optionUsage(COMMON_OPTIONS)}`;
}

/**
 * The arguments of one call as the declaration reads them. Throws UsageError (the runner prints it
 * with the usage). Order: the tokens left to right (each option's own errors as they come), then
 * -redact without -record, then -? (nothing else is checked), then the declaration's finish.
 */
export function parseCommand<P>(declaration: CommandDeclaration<P>, args: unknown[]): ParsedCommand<P> {
  const options = declaration.defaults();
  const parsed: ParsedCommand<P> = { options, help: false, redact: false, replay: [] };
  const input = declaration.dxArguments(args, options);
  if (input.replay) for (const t of input.replay) parsed.replay.push({ text: t });
  const tokens = new TokenStream(tokenize(input.text));
  while (!tokens.done) {
    const t = tokens.next();
    if (t === '-record') parsed.record = tokens.value('-record');
    else if (t === '-redact') parsed.redact = true;
    else if (t === '-html') parsed.html = tokens.value('-html');
    else if (HELP_OPTIONS.indexOf(t) >= 0) parsed.help = true;
    else {
      const mode = (declaration.modes || []).filter((m) => m.option === t)[0];
      const option = declaration.options.filter((o) => o.name === t)[0];
      if (mode) {
        parsed.mode = mode;
        parsed.replay.push({ text: t });
      } else if (option) {
        const value = option.value === undefined ? t : tokens.value(t);
        option.apply(options, value);
        parsed.replay.push({ text: t });
        if (option.value !== undefined) parsed.replay.push({ text: value, redacted: option.redactedValue });
      } else if (isOptionToken(declaration, t) || !declaration.positional) throw new UsageError(`unknown option ${t}`);
      else {
        declaration.positional(options, t);
        parsed.replay.push({ text: t });
      }
    }
  }
  if (parsed.redact && parsed.record === undefined) throw new UsageError('-redact goes with -record <file>');
  if (parsed.help) return parsed;
  if (declaration.finish) declaration.finish(options);
  return parsed;
}

function isOptionToken<P>(declaration: CommandDeclaration<P>, token: string): boolean {
  if (!token.startsWith('-')) return false;
  return !(declaration.negativeNumbersArePositional && /^-\d/.test(token));
}

/** The command line a recording replays with: `!name`, dx values, the options as one dx string. */
export function replayLine(name: string, values: string[], replay: ReplayToken[], redact: boolean): string {
  const tokens = replay.map((t) => (redact && t.redacted ? t.redacted(t.text) : t.text));
  const text = tokens.length ? dxString(optionText(tokens)) : '';
  if (!values.length) return text ? `!${name} ${text}` : `!${name}`;
  return `!${name} (${values.concat(text ? [text] : []).join(', ')})`;
}

/** A dx string literal of `text`: how the recorded command line quotes its options. */
export function dxString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Options as one text again (tokens with spaces re-quoted). */
export function optionText(tokens: string[]): string {
  return tokens.map((t) => (/\s/.test(t) ? `"${t}"` : t)).join(' ');
}
