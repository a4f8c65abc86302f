import { describe, expect, it } from 'vitest';
import { DxError, parseAliasCommand } from '../../mocks/host';
import { host2 } from './fixtures';

const parse = (text: string, arch: 'x64' | 'x86' = 'x64') => host2(arch).mock.parseArguments(text);

describe('alias arguments as dx expressions (docs/jsprovider.md §Function aliases)', () => {
  it('§Function aliases: no argument text → no arguments', () => {
    expect(parse('')).toEqual([]);
    expect(parse('()')).toEqual([]);
  });

  it('§Function aliases: small integers arrive as numbers: decimal, 0x, 0n, octal, negative', () => {
    expect(parse('42')).toEqual([42]);
    expect(parse('0x2a')).toEqual([42]);
    expect(parse('0n42')).toEqual([42]);
    expect(parse('052')).toEqual([42]);
    expect(parse('-42')).toEqual([-42]);
    expect(parse('0x7fffffff')).toEqual([0x7fffffff]);
  });

  it('§Function aliases: integers ≥ 0x80000000 arrive as Int64, incl. backtick-split 64-bit values', () => {
    const { mock } = host2();
    const host = mock.host as any;
    const [a] = mock.parseArguments('0x80000000');
    expect(a).toBe(host.Int64(0x80000000));
    const [b] = mock.parseArguments('ffffe001`2345a080');
    expect(b).toBe(host.parseInt64('ffffe0012345a080', 16));
    const [c] = mock.parseArguments('0xffffe001`2345a080');
    expect(c).toBe(b);
    const [d] = mock.parseArguments('0xffffffffffffffff') as any[];
    expect(d.toString(16)).toBe('ffffffffffffffff');
  });

  it('§Function aliases: quoted strings with dx/C escapes', () => {
    expect(parse('"C:\\\\dumps\\\\x.json"')).toEqual(['C:\\dumps\\x.json']);
    expect(parse('"say \\"hi\\"\\n"')).toEqual(['say "hi"\n']);
    expect(parse('"-p x"')).toEqual(['-p x']);
  });

  it('§Function aliases: module!symbol evaluates to the global as dx does (typed object or value)', () => {
    const { mock } = host2();
    const [hist, idx] = mock.parseArguments('(mydriver!g_History, mydriver!g_Index)');
    expect(mock.counters.snapshot().total).toBe(0); // dx evaluation is not a script round trip
    expect(mock.counters.snapshot().bytesRead).toBe(0);
    expect(Array.from(hist as Iterable<number>)).toEqual([0x100, 0x101, 0x102, 0x103]);
    expect((hist as any).targetType.name).toBe('unsigned long [4]');
    expect(idx).toBe(3);
    const [head] = mock.parseArguments('nt!PsActiveProcessHead');
    expect((head as any).targetType.name).toBe('_LIST_ENTRY');
    const [code] = mock.parseArguments('nt!KeWaitForSingleObject');
    expect((code as any).toString(16)).toBe('fffff80000002000');
  });

  it('§Function aliases: unknown module!symbol → dx error', () => {
    expect(() => parse('mydriver!g_Nope')).toThrow(new DxError("Couldn't resolve error at 'mydriver!g_Nope'"));
  });

  it('§Function aliases: @$curthread, @$curprocess, @$cursession are data-model objects; @reg the register', () => {
    const { mock } = host2();
    const [t, p, s] = mock.parseArguments('(@$curthread, @$curprocess, @$cursession)') as any[];
    expect(t.Id).toBe(0x1c0);
    expect(p.Name).toBe('foo.exe');
    expect(s.Processes.getValueAt(4).Name).toBe('System');
    expect((mock.parseArguments('@rsp')[0] as any).asNumber()).toBe(0x1000);
    expect(() => mock.parseArguments('@$nothing')).toThrow("Couldn't resolve error at '@$nothing'");
  });

  it('§Function aliases: several arguments only in parentheses with commas; a single one may be parenthesized', () => {
    expect(parse('(5, 7)')).toEqual([5, 7]);
    expect(parse('(5)')).toEqual([5]);
    expect(parse('((5))')).toEqual([5]);
    expect(parse('("a", -1, 0x10)')).toEqual(['a', -1, 16]);
  });

  it('§Function aliases: anything else is a dx syntax error (messages: ours, dx-like)', () => {
    expect(() => parse('1 2')).toThrow("Unexpected token at '2'");
    expect(() => parse('5, 7')).toThrow("Unexpected token at ', 7'");
    expect(() => parse('(5,')).toThrow('Unexpected end of expression');
    expect(() => parse('(5) + 1')).toThrow("Unexpected token at '+ 1'");
    expect(() => parse('"open')).toThrow('Unterminated string literal');
    expect(() => parse('-p')).toThrow("Couldn't resolve error at 'p'");
    expect(() => parse('deadbeef')).toThrow("Couldn't resolve error at 'deadbeef'");
    expect(() => parse('12ab')).toThrow("Unexpected token at '12ab'");
    expect(() => parse('0x1ffffffffffffffff')).toThrow('Integer literal is too large');
  });

  it('§Function aliases: command lines: !name args, !name(args), dx @$name(args)', () => {
    expect(parseAliasCommand('!waitchain "-p x"')).toEqual({ name: 'waitchain', argText: '"-p x"', form: 'bang' });
    expect(parseAliasCommand('!rs(0x2fb14780000, 1)')).toEqual({ name: 'rs', argText: '(0x2fb14780000, 1)', form: 'bang' });
    expect(parseAliasCommand('!waitchain')).toEqual({ name: 'waitchain', argText: '', form: 'bang' });
    expect(parseAliasCommand('dx @$waitchain()')).toEqual({ name: 'waitchain', argText: '()', form: 'dx' });
    expect(parseAliasCommand('dx @$waitchain("a", 1)')).toEqual({ name: 'waitchain', argText: '("a", 1)', form: 'dx' });
    expect(parseAliasCommand('k')).toBeUndefined();
  });
});
