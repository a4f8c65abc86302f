import { describe, expect, it } from 'vitest';
import { host2, load } from './fixtures';

describe('diagnostics and Debugger.Utility (docs/jsprovider.md §debugLog, §Debugger.Utility)', () => {
  it('§debugLog: debugLog joins String(arg) with no separator and adds no newline', () => {
    const { host, mock } = host2();
    host.diagnostics.debugLog('a', 1, true, null, undefined, host.Int64(255));
    host.diagnostics.debugLog('b');
    expect(mock.output.text()).toBe('a1truenullundefined255b');
    mock.output.clear();
    expect(mock.output.text()).toBe('');
  });

  it('§debugLog: debugLog of a large Int64 uses toString (decimal), not valueOf', () => {
    const { host, mock } = host2();
    host.diagnostics.debugLog(host.parseInt64('ffffffffffffffff', 16));
    expect(mock.output.text()).toBe('18446744073709551615');
  });

  it('§Debugger.Utility: ExecuteCommand("ln <addr>") gives WinDbg ln lines; iterable with First()', () => {
    const { host, a } = host2();
    const exec = (c: string) => Array.from(host.namespace.Debugger.Utility.Control.ExecuteCommand(c) as Iterable<string>);
    const ip = (a.ntBase + 0x2346n).toString(16);
    expect(exec(`ln ${ip}`)).toEqual([
      '(fffff800`00002000)   nt!KeWaitForSingleObject+0x346   |  (fffff800`00003000)   nt!KeDelayExecutionThread']);
    expect(exec(`ln 0x${(a.ntBase + 0x2000n).toString(16)}`)).toEqual([
      '(fffff800`00002000)   nt!KeWaitForSingleObject   |  (fffff800`00003000)   nt!KeDelayExecutionThread',
      'Exact matches:', '    nt!KeWaitForSingleObject (<no parameter info>)']);
    expect(exec('ln fffff800`00001200')).toEqual(['(fffff800`00000000)   nt+0x1200']);
    expect(exec('ln 1000')).toEqual([]);
    expect(host.namespace.Debugger.Utility.Control.ExecuteCommand('.echo hi').First()).toBe('hi');
  });

  it('§Debugger.Utility: ExecuteCommand of anything else throws a clear "not supported by the mock" error', () => {
    const { host } = host2();
    expect(() => host.namespace.Debugger.Utility.Control.ExecuteCommand('!process 0 0')).toThrow(
      "mock: ExecuteCommand('!process 0 0') is not supported by the mock");
  });

  it('§Debugger.Utility: FileSystem: CreateFile/CreateTextWriter/WriteLine/Close/FileExists/TempDirectory into memory', () => {
    const s = load(`
      function save(path, text) {
        var fs = host.namespace.Debugger.Utility.FileSystem;
        var f = fs.CreateFile(path, 'CreateAlways');
        var w = fs.CreateTextWriter(f);
        w.WriteLine(text);
        w.WriteLine('second');
        f.Close();
        return [fs.FileExists(path), fs.FileExists('C:\\\\nope.txt'), fs.TempDirectory];
      }
      function initializeScript() { return [new host.apiVersionSupport(1, 9), new host.functionAlias(save, 'save')]; }`);
    const r = s.run('!save ("C:\\\\dumps\\\\x.json", "first")');
    expect(r.error).toBeUndefined();
    expect(Array.from(r.value as unknown[])).toEqual([true, false, 'C:\\Users\\mock\\AppData\\Local\\Temp']);
    expect(s.fileSystem.files()).toEqual({ 'C:\\dumps\\x.json': 'first\nsecond\n' });
    expect(s.fileSystem.read('c:\\DUMPS\\x.json')).toBe('first\nsecond\n');
  });

  it('§Debugger.Utility: Collections.FromListEntry iterates a LIST_ENTRY list as typed records', () => {
    const { host } = host2();
    const head = host.getModuleSymbol('nt', 'PsActiveProcessHead');
    const names = Array.from(host.namespace.Debugger.Utility.Collections.FromListEntry(head, 'nt!_EPROCESS', 'ActiveProcessLinks') as Iterable<any>)
      .map((p) => p.ImageFileName.ToDisplayString('sb'));
    expect(names).toEqual(['System', 'foo.exe', 'bar.exe']);
  });

  it('§Data model: counters: ExecuteCommand and FileSystem calls are counted', () => {
    const { host, mock } = host2();
    mock.counters.reset();
    host.namespace.Debugger.Utility.Control.ExecuteCommand('.echo x');
    host.namespace.Debugger.Utility.FileSystem.FileExists('x');
    const c = mock.counters.snapshot().byApi;
    expect(c.ExecuteCommand).toBe(1);
    expect(c['FileSystem.FileExists']).toBe(1);
  });
});
