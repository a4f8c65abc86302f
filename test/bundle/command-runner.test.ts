// The one command runner (src/commands/run.ts) through the bundle, as a WinDbg user meets it: -? on
// every command and its dx form prints exactly its usage (test/commands/usage/*.txt, as the commands
// printed it before the runner), an unknown option is one line naming it followed by the usage, and
// the kernel-only check is the declaration's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import { bundleCode } from '../../mocks/harness/run';
import { recordOnSnapshot } from '../../mocks/harness/record';
import { loadScript } from '../../mocks/loader';
import type { Snapshot } from '../../mocks/format/snapshot';

const snapshot = (): Snapshot => buildSnapshot(loadScenario('002-lpc-mutant-process-eresource-fastmutex'), 'win10-19041-x64');
const usage = (name: string) => readFileSync(join(__dirname, '..', 'commands', 'usage', `${name}.txt`), 'utf8');
const COMMANDS = ['waitchain', 'stalecheck', 'ringdump'];

describe('the command runner in the bundle', () => {
  const script = loadScript(bundleCode(), snapshot());

  it.each(COMMANDS.flatMap((n) => [`!${n} "-?"`, `!${n} "-h"`, `!${n} "-help"`, `dx @$${n}("-?")`].map((c) => [c, n])))('%s prints exactly the usage', (command, name) => {
    const r = script.run(command);
    expect(r.error).toBeUndefined();
    expect(r.value).toBeUndefined();
    expect(r.output).toBe(usage(name));
  });

  it.each(COMMANDS)('!%s "-nosuch": one line naming the option, then the usage', (name) => {
    const r = script.run(`!${name} "-nosuch"`);
    expect(r.error).toBeUndefined();
    expect(r.value).toBeUndefined();
    expect(r.output).toBe(`${name}: unknown option -nosuch\n${usage(name)}`);
  });

  it.each(COMMANDS)('!%s "-redact" without -record: one line, then the usage', (name) => {
    expect(script.run(`!${name} "-redact"`).output).toBe(`${name}: -redact goes with -record <file>\n${usage(name)}`);
  });

  it('.scriptrun names every declared command', () => {
    expect(script.invokeScript().output).toBe('waitchain loaded: !waitchain, !stalecheck, !ringdump (add "-?" for help), or dx @$waitchain()\n');
  });

  it('kernel-only commands and modes refuse a user-mode session in one line; -? still answers there', () => {
    const s = snapshot();
    const user = loadScript(bundleCode(), { ...s, header: { ...s.header, targetKind: 'user' } });
    for (const [command, name] of [['!waitchain', 'waitchain'], ['!stalecheck', 'stalecheck'], ['!waitchain "-selftest"', 'waitchain']]) {
      const r = user.run(command);
      expect(r.output, command).toBe(`${name}: this is a user-mode session: !${name} needs a kernel or complete memory dump, or a live kernel session\n`);
    }
    expect(user.run('!stalecheck "-?"').output).toBe(usage('stalecheck'));
  });
});

describe('the recording header names the build the kernel layer reads (kernel/version.ts)', () => {
  // Windows 10 keeps the build in KUSER_SHARED_DATA.NtBuildNumber (the fallback to nt!NtBuildNumber:
  // test/kernel/buildNumber.test.ts; the mock lays out no such symbol for older builds).
  it.each([
    ['win10-19041-x64', '10.0.19041', 19041],
    ['win10-19041-x86', '10.0.19041', 19041],
    ['win11-22000-x64', '10.0.22000', 22000],
  ])('%s: %s', (layout, osVersion, buildNumber) => {
    const header = recordOnSnapshot(buildSnapshot(loadScenario('002-lpc-mutant-process-eresource-fastmutex'), layout), '!waitchain').json.header;
    expect(header.osVersion).toBe(osVersion);
    expect(header.buildNumber).toBe(buildNumber);
  });
});
