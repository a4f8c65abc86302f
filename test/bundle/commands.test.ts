// The command surface as a WinDbg user meets it: .scriptload registrations, !name and dx forms,
// usage and one-line errors for bad arguments, commands that have not landed, wrong targets.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import { bundleCode } from '../../mocks/harness/run';
import { loadScript } from '../../mocks/loader';
import type { Snapshot } from '../../mocks/format/snapshot';

const ID = '002-lpc-mutant-process-eresource-fastmutex';
const snapshot = (layout = 'win10-19041-x64') => buildSnapshot(loadScenario(ID), layout);

describe('.scriptload', () => {
  const script = loadScript(bundleCode(), snapshot());

  it('registers API 1.1 (the lowest whose semantics the script needs) and the three aliases from initializeScript', () => {
    expect(script.registrations.apiVersion).toMatchObject({ major: 1, minor: 1 });
    expect([...script.aliases.keys()].sort()).toEqual(['ringdump', 'stalecheck', 'waitchain']);
    expect(script.run('!ringdump "-?"').output).toMatch(/^usage: !ringdump/);
  });

  it('.scriptrun prints how to use it', () => {
    expect(script.invokeScript().output).toContain('!waitchain');
  });

  it.each([
    ['!stalecheck "-?"', /^usage: !stalecheck/],
    ['!stalecheck "-r nosuch"', /^stalecheck: unknown rule nosuch\nusage:/],
    ['!stalecheck "-t"', /^stalecheck: -t needs a value\nusage:/],
    ['!stalecheck "-t soon"', /^stalecheck: -t takes a decimal number of seconds \(0x for hex\), not 'soon'\nusage:/],
    ['!stalecheck 0x1234', /^stalecheck: options go in one quoted string/],
    ['!stalecheck "-r long-wait -t 60"', /\nSummary: \d+ findings .*\n$/],
  ])('%s', (cmd, pattern) => {
    const r = script.run(cmd);
    expect(r.error).toBeUndefined();
    expect(r.output).toMatch(pattern);
  });
});

describe('!waitchain arguments', () => {
  const script = loadScript(bundleCode(), snapshot());

  it('"-?" prints the usage', () => {
    const r = script.run('!waitchain "-?"');
    expect(r.output).toMatch(/^usage: !waitchain/);
    expect(r.value).toBeUndefined();
  });

  it.each([
    ['!waitchain "-x"', /^waitchain: unknown option -x\nusage:/],
    ['!waitchain "-p"', /^waitchain: -p needs a value\nusage:/],
    ['!waitchain "zz-not-hex"', /^waitchain: 'zz-not-hex' is not a thread address \(hex, as !thread prints it\)\nusage:/],
    ['!waitchain "-p nosuch.exe"', /^waitchain: no process matches 'nosuch.exe'/],
    ['!waitchain 0x1234', /^waitchain: 1234 is not a thread of any process in this dump/],
  ])('%s gives a one-line message', (cmd, pattern) => {
    const r = script.run(cmd);
    expect(r.error).toBeUndefined();
    expect(r.output).toMatch(pattern);
  });

  it('a dx syntax error is the debugger\'s, not the script\'s', () => {
    const r = script.run('!waitchain -p svchost.exe');
    expect(r.error).toMatch(/^Error: /);
    expect(r.output).toBe('');
  });

  it('accepts a thread address (bare or in the option string) and a process filter', () => {
    const x86 = loadScript(bundleCode(), snapshot('xpsp3-x86'));
    for (const cmd of ['!waitchain 0x866d63e8', '!waitchain "866d63e8"']) {
      const r = x86.run(cmd);
      expect(r.output).toMatch(/866d63e8 ProcessB.exe 1524.3984/);
      // forward to the root through the process object and the ERESOURCE, back to ProcessA's LPC client
      expect(r.output).toMatch(/86ba5638 ProcessC.EXE/);
      expect(r.output).toMatch(/87432520 ProcessA.exe/);
    }
    const onX64 = script.run(`!waitchain 0x${addressOf('866d63e8')}`);
    expect(onX64.output).toContain(`${addressOf('866d63e8').slice(0, 8)}\`${addressOf('866d63e8').slice(8)}`);
    for (const filter of ['"-p ProcessB.exe"', '"-p 1524"', '"-p 0n5412"']) {
      const byProcess = x86.run(`!waitchain ${filter}`);
      expect(byProcess.output, filter).toMatch(/^Scope: process ProcessB.exe \(pid 1524, [0-9a-f`]+\): \d+ threads?, .*\nROOT BLOCKER/);
      expect(byProcess.output, filter).toMatch(/ProcessB.exe/);
    }
  });

  it('dx @$waitchain() returns the data model object with the verdict as its display string', () => {
    const r = script.run('dx @$waitchain()');
    const value = r.value as { Verdict: string; Chains: unknown[]; Threads: { KernelObject: unknown }[]; toString(): string };
    expect(String(value)).toBe(value.Verdict);
    expect(value.Chains.length).toBeGreaterThan(0);
    expect(value.Threads[0].KernelObject).toBeTruthy();
  });

  it('"-dot" prints a Graphviz graph', () => {
    const r = script.run('!waitchain "-dot"');
    expect(r.output).toMatch(/^digraph waitchain \{/);
    expect(r.output).toMatch(/-> "o/);
  });
});

describe('wrong targets', () => {
  it('a user-mode session gets a clear message', () => {
    const user: Snapshot = JSON.parse(JSON.stringify({ ...snapshot(), memory: [] }));
    user.header = { ...user.header, targetKind: 'user' };
    const script = loadScript(bundleCode(), user);
    const r = script.run('!waitchain');
    expect(r.error).toBeUndefined();
    expect(r.output).toMatch(/^waitchain: .*(user-mode|kernel)/);
  });

  it('missing nt symbols get a clear message', () => {
    const s = snapshot();
    const noTypes: Snapshot = { ...s, types: { ...s.types, nt: [] } };
    const script = loadScript(bundleCode(), noTypes);
    const r = script.run('!waitchain');
    expect(r.error).toBeUndefined();
    expect(r.output).toMatch(/^waitchain: type nt!_\w+ not found: are the kernel symbols loaded/);
  });
});

/** x86 scenario addresses as they are laid out on the x64 layout. */
function addressOf(x86: string): string {
  return (0xffffa00000000000n + (BigInt('0x' + x86) - 0x80000000n) * 8n).toString(16);
}

describe('wrong targets, every command', () => {
  const userMode = (): Snapshot => {
    const s = snapshot();
    return { ...s, header: { ...s.header, targetKind: 'user' } };
  };
  const noSymbols = (): Snapshot => {
    const s = snapshot();
    return { ...s, types: { ...s.types, nt: [] } };
  };

  it.each(['!waitchain', '!stalecheck', '!ringdump "-devnode all"'])('%s in a user-mode session says what it needs', (cmd) => {
    const r = loadScript(bundleCode(), userMode()).run(cmd);
    expect(r.error).toBeUndefined();
    expect(r.output.split('\n')[0]).toMatch(/(user-mode|kernel)/);
  });

  it.each(['!waitchain', '!stalecheck', '!ringdump "-devnode all"'])('%s without nt symbols says what is missing', (cmd) => {
    const r = loadScript(bundleCode(), noSymbols()).run(cmd);
    expect(r.error).toBeUndefined();
    expect(r.output).toMatch(/(not found|symbols)/);
    expect(r.output).not.toMatch(/internal error/);
  });
});
