// The command runner's parsing (src/commands/declaration.ts) as pure code: a declaration's options
// parsed from a dx argument list, the common options, -? and the replay line; and the three real
// declarations: their usage texts byte for byte as the commands printed them before the runner
// (test/commands/usage/*.txt), every declared option named in its usage.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMON_OPTIONS, optionUsage, parseCommand, replayLine, withCommonOptions, type CommandDeclaration } from '../../src/commands/declaration';
import { UsageError } from '../../src/commands/options';
import { RINGDUMP } from '../../src/commands/ringdump';
import { STALECHECK } from '../../src/commands/stalecheck';
import { WAITCHAIN } from '../../src/commands/waitchain';
import { redactProcessName } from '../../src/record/redact';

interface ToyOptions {
  verbose: boolean;
  count?: number;
  names: string[];
  finished: boolean;
}

const toyRuns: string[] = [];
const toy = (extra: Partial<CommandDeclaration<ToyOptions>> = {}): CommandDeclaration<ToyOptions> => ({
  name: 'toy',
  usage: 'usage: !toy\n',
  requires: 'any',
  options: [
    { name: '-v', help: 'verbose', apply: (o) => (o.verbose = true) },
    {
      name: '-n',
      value: '<N>',
      help: 'a count',
      apply(o, v) {
        if (!/^\d+$/.test(v)) throw new UsageError(`-n takes a number, not '${v}'`);
        o.count = Number(v);
      },
      redactedValue: (v) => `#${v}`,
    },
  ],
  modes: [{ option: '-mode', help: 'another run', requires: 'kernel', run: () => toyRuns.push('mode') }],
  defaults: () => ({ verbose: false, names: [], finished: false }),
  dxArguments: (args) => ({ text: args.filter((a) => typeof a === 'string').join(' ') }),
  positional: (o, t) => o.names.push(t),
  finish: (o) => {
    o.finished = true;
  },
  run: () => undefined,
  ...extra,
});

const parse = <P>(d: CommandDeclaration<P>, ...args: unknown[]) => parseCommand(d, args);
const usageError = <P>(d: CommandDeclaration<P>, ...args: unknown[]): string => {
  try {
    parseCommand(d, args);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('no usage error');
};

describe('parseCommand over a declaration', () => {
  it('applies flags, valued options and positionals in order; replays them without -record/-redact/-html', () => {
    const p = parse(toy(), 'a -v -n 5 -record C:\\x.json -redact "b c" -html out.html');
    expect(p.options).toEqual({ verbose: true, count: 5, names: ['a', 'b c'], finished: true });
    expect(p).toMatchObject({ help: false, record: 'C:\\x.json', redact: true, html: 'out.html' });
    expect(p.replay.map((t) => t.text)).toEqual(['a', '-v', '-n', '5', 'b c']);
  });

  it('defaults when there are no arguments', () => {
    const p = parse(toy());
    expect(p.options).toEqual({ verbose: false, names: [], finished: true });
    expect(p.replay).toEqual([]);
    expect(p.record).toBeUndefined();
  });

  it.each(['-?', '-h', '-help'])('%s asks for the usage and skips the cross-option checks', (t) => {
    const p = parse(toy(), `-v ${t}`);
    expect(p.help).toBe(true);
    expect(p.options.finished).toBe(false);
  });

  it.each([
    ['-x', 'unknown option -x'],
    ['-5', 'unknown option -5'],
    ['-n', '-n needs a value'],
    ['-n many', "-n takes a number, not 'many'"],
    ['-record', '-record needs a value'],
    ['-html', '-html needs a value'],
    ['-redact', '-redact goes with -record <file>'],
    // An argument error comes first even when -? is given: the tokens are read before help is looked at.
    ['-? -x', 'unknown option -x'],
    ['-? -redact', '-redact goes with -record <file>'],
  ])('%s: %s', (text, message) => {
    expect(usageError(toy(), text)).toBe(message);
  });

  it('without a positional handler every word is an unknown option', () => {
    expect(usageError(toy({ positional: undefined }), 'word')).toBe('unknown option word');
  });

  it('a negative number is a positional where the declaration says so', () => {
    expect(parse(toy({ negativeNumbersArePositional: true }), '-5').options.names).toEqual(['-5']);
    expect(usageError(toy({ negativeNumbersArePositional: true }), '-x')).toBe('unknown option -x');
  });

  it('a mode flag is found, replayed and not run while parsing', () => {
    const p = parse(toy(), '-mode -v');
    expect(p.mode && p.mode.option).toBe('-mode');
    expect(p.replay.map((t) => t.text)).toEqual(['-mode', '-v']);
    expect(toyRuns).toEqual([]);
  });

  it('replay tokens given by the dx arguments come first', () => {
    const d = toy({ dxArguments: () => ({ text: '-v', replay: ['87f0d790'] }) });
    expect(parse(d).replay.map((t) => t.text)).toEqual(['87f0d790', '-v']);
  });
});

describe('replayLine', () => {
  const tokens = (...texts: string[]) => texts.map((text) => ({ text }));

  it('is the bare command without arguments', () => {
    expect(replayLine('toy', [], [], false)).toBe('!toy');
  });

  it('quotes the options as one dx string (backslashes doubled, words with spaces re-quoted)', () => {
    expect(replayLine('toy', [], tokens('-n', '5', 'a b', 'C:\\x'), false)).toBe('!toy "-n 5 \\"a b\\" C:\\\\x"');
  });

  it('puts dx values in parentheses before the option string', () => {
    expect(replayLine('toy', ['mydriver!g_History', '0xd'], [], false)).toBe('!toy (mydriver!g_History, 0xd)');
    expect(replayLine('toy', ['mydriver!g_History'], tokens('-n', '3'), false)).toBe('!toy (mydriver!g_History, "-n 3")');
  });

  it('writes redacted values only when the recording is redacted', () => {
    const p = parse(toy(), '-n 5 -v');
    expect(replayLine('toy', [], p.replay, false)).toBe('!toy "-n 5 -v"');
    expect(replayLine('toy', [], p.replay, true)).toBe('!toy "-n #5 -v"');
  });
});

describe('usage texts', () => {
  const declarations = [WAITCHAIN, STALECHECK, RINGDUMP].map((d) => [d.name, d] as [string, CommandDeclaration<unknown>]);

  const printed = (name: string) => readFileSync(join(__dirname, 'usage', `${name}.txt`), 'utf8');

  it.each(declarations)('the !%s usage is byte for byte what the command printed before the runner', (name, d) => {
    expect(d.usage).toBe(printed(name));
  });

  it.each(declarations)('every option and mode of !%s is in its usage', (_name, d) => {
    const names = d.options.map((o) => o.name).concat((d.modes || []).map((m) => m.option), COMMON_OPTIONS.map((o) => o.name), ['-?']);
    for (const n of names) expect(d.usage, n).toMatch(new RegExp(`(^|[\\s"])${n.replace(/[?]/g, '\\?')}[\\s"]`, 'm'));
  });

  it.each(declarations)('each declared option of !%s is in its usage as declared: synopsis and help line', (_name, d) => {
    for (const o of d.options) {
      expect(d.usage, o.name).toContain(o.value === undefined ? o.name : `${o.name} ${o.value}`);
      expect(d.usage, o.name).toContain(o.help);
    }
    for (const m of d.modes || []) expect(d.usage, m.option).toContain(m.help);
  });

  it('the common options are generated in the columns the commands always printed', () => {
    expect(optionUsage(COMMON_OPTIONS)).toBe(
      '  -record <file>  also write what the command read to <file>, a snapshot the offline harness replays\n' +
        '                  (docs/snapshots.md); in a string, double the backslashes: "-record C:\\\\dumps\\\\hang1.json"\n' +
        '  -redact         with -record: zero what the analysis did not look at, hash process and module names\n' +
        '  -html <file>    also write the report as one self-contained HTML page (the wait graph drawn, tables)\n',
    );
    expect(withCommonOptions('usage: !x\n', 'common:')).toBe(`usage: !x\ncommon:\n${optionUsage(COMMON_OPTIONS)}`);
  });
});

describe('the real declarations parse as the commands always did', () => {
  it('!waitchain: threads from a dx value and the string, each once; -p exclusive with threads', () => {
    const p = parse(WAITCHAIN, 0x866d63e8, '866d63e8 87f0d790 -dot');
    expect(p.options.scope).toEqual({ kind: 'thread', thread: '866d63e8', more: ['87f0d790'] });
    expect(p.options.dot).toBe(true);
    expect(p.replay.map((t) => t.text)).toEqual(['866d63e8', '866d63e8', '87f0d790', '-dot']);
    expect(usageError(WAITCHAIN, '866d63e8 -p svchost.exe')).toBe('a thread and -p exclude each other: give threads, or one process');
    expect(usageError(WAITCHAIN, 0x866d63e8, 5)).toMatch(/^options go in one quoted string/);
  });

  it('!waitchain -p: a name is hashed in a redacted replay line, a pid is not', () => {
    const byName = parse(WAITCHAIN, '-p svchost.exe -record x.json -redact');
    expect(byName.options.scope).toEqual({ kind: 'process', match: { name: 'svchost.exe' } });
    expect(replayLine('waitchain', [], byName.replay, true)).toBe(`!waitchain "-p ${redactProcessName('svchost.exe')}"`);
    const byPid = parse(WAITCHAIN, '-p 0n1524 -record x.json -redact');
    expect(replayLine('waitchain', [], byPid.replay, true)).toBe('!waitchain "-p 0n1524"');
  });

  it('!waitchain: -? and -redact come before the cross-option check, as on every command', () => {
    // Before the runner, !waitchain checked "a thread and -p" first (ringdump already had this order).
    expect(parse(WAITCHAIN, '-? 866d63e8 -p x').help).toBe(true);
    expect(usageError(WAITCHAIN, '866d63e8 -p x -redact')).toBe('-redact goes with -record <file>');
  });

  it('!waitchain -selftest is a mode that needs a kernel target', () => {
    const p = parse(WAITCHAIN, '-selftest');
    expect(p.mode).toMatchObject({ option: '-selftest', requires: 'kernel' });
  });

  it('!stalecheck: several -r add up, a second different -t contradicts the first', () => {
    const p = parse(STALECHECK, '-r long-wait -r stale-iosb,long-wait -t 0x3c');
    expect(p.options.rules).toEqual(['long-wait', 'stale-iosb']);
    expect(p.options.options.longWaitSeconds).toBe(60);
    expect(usageError(STALECHECK, '-t 60 -t 61')).toBe('-t given twice (60, 61 seconds): give one threshold');
    expect(usageError(STALECHECK, '-r nosuch')).toBe('unknown rule nosuch');
  });

  it('!ringdump: ring and index by name, -array first, -devnode alone, negative index words', () => {
    const p = parse(RINGDUMP, 'mydriver!g_History mydriver!g_Index -post -n 0x10');
    expect(p.options.request).toMatchObject({ mode: 'post', ring: { kind: 'symbol', text: 'mydriver!g_History' }, index: { kind: 'symbol', text: 'mydriver!g_Index' }, selection: { newest: 16 } });
    expect(parse(RINGDUMP, '-array mydriver!g_Cache').options.request).toMatchObject({ plain: true, ring: { kind: 'symbol', text: 'mydriver!g_Cache' } });
    expect(parse(RINGDUMP, '-devnode all').options.request.devnode).toBe('all');
    expect(usageError(RINGDUMP, '-devnode all mydriver!g_History')).toBe('-devnode takes no ring or index of its own');
    expect(usageError(RINGDUMP, 'mydriver!g_History -5')).toBe("'-5' is not an index: a module!symbol or a number");
    expect(usageError(RINGDUMP, '')).toBe('name the ring (an array symbol), or -devnode');
    // -? needs no ring
    expect(parse(RINGDUMP, '-?').help).toBe(true);
  });

  it('!ringdump: dx numbers are the ring address, then the index value; replay values name them', () => {
    const args: unknown[] = [0x1000, 13, '-n 3'];
    const p = parseCommand(RINGDUMP, args);
    expect(p.options.request.ring).toEqual({ kind: 'address', address: '1000' });
    expect(p.options.request.index).toMatchObject({ kind: 'value', widthBits: 32 });
    expect(replayLine('ringdump', RINGDUMP.replayValues!(args, p.options), p.replay, false)).toBe('!ringdump (0x1000, 0xd, "-n 3")');
  });
});
