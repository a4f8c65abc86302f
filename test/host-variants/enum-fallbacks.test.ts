// Enum names when the type's fields list no enumerators: dt's listing, else the values no build changed.
import { describe, expect, it } from 'vitest';
import { builtInEnum, enumFromDt, moduleNameOfImage } from '../../src/host/hostShapes';
import { hostWarnings } from '../../src/core/warnings';
import { hostWarningLine } from '../../src/render/vocabulary';

describe('enum fallbacks and module names', () => {
  it('parses dt output of an enum type ("   Waiting = 0n5"), ignoring other lines', () => {
    const names = enumFromDt(['   Initialized = 0n0', '   Ready = 0n1', '   Waiting = 0n5', 'Symbol nt!_X not found.', '   MaximumThreadState = 0n11']);
    expect([...names.entries()]).toEqual([[0, 'Initialized'], [1, 'Ready'], [5, 'Waiting'], [11, 'MaximumThreadState']]);
    expect(enumFromDt(['Symbol nt!_KOBJECTS not found.']).size).toBe(0);
  });

  it('has a built-in table only for values no build changed (no _KOBJECTS: renumbered in Windows 8.1)', () => {
    expect(builtInEnum('_KTHREAD_STATE')!.get(5)).toBe('Waiting');
    expect(builtInEnum('_KWAIT_REASON')!.get(17)).toBe('WrLpcReply');
    expect(builtInEnum('_KWAIT_REASON')!.has(21)).toBe(false);
    expect(builtInEnum('_MODE')!.get(0)).toBe('KernelMode');
    expect(builtInEnum('_KOBJECTS')).toBeUndefined();
  });

  it('names modules as the debugger does from the module list image names', () => {
    expect(moduleNameOfImage('\\SystemRoot\\system32\\ntoskrnl.exe')).toBe('nt');
    expect(moduleNameOfImage('\\SystemRoot\\system32\\drivers\\3rdPartyAVDriver.sys')).toBe('3rdPartyAVDriver');
    expect(moduleNameOfImage('C:\\Windows\\SYSTEM32\\ntdll.dll')).toBe('ntdll');
    expect(moduleNameOfImage('mydriver')).toBe('mydriver');
  });

  it('one summary warning per category that failed or fell back as a whole', () => {
    expect(hostWarnings({ stacksAsked: 3, stacksFailed: 3, userProcessesTried: 2, userProcessesFailed: 1, enumSources: { _KTHREAD_STATE: 'fields', _KOBJECTS: 'dt', _MODE: 'table', _KWAIT_REASON: 'none' }, symbolsWithoutModule: 2 }).map(hostWarningLine)).toEqual([
      'stacks unavailable for all 3 threads asked (frame-based facts unknown: !waitchain "-selftest")',
      'enum names fell back (_KOBJECTS from dt output, _MODE from the built-in table)',
      'enum names unknown (_KWAIT_REASON): states, wait reasons or object types show as #<n>',
      '2 symbols without a module name',
    ]);
    expect(hostWarnings({ stacksAsked: 3, stacksFailed: 2, userProcessesTried: 0, userProcessesFailed: 0, enumSources: { _KTHREAD_STATE: 'fields' }, symbolsWithoutModule: 0 })).toEqual([]);
  });
});

describe('-redact of unsymbolized module names', () => {
  it('hashes a module whose name starts with a digit, in both frame spellings; leaves addresses alone', async () => {
    const { nameHash, redactSymbolText } = await import('../../src/record/redact');
    const hashed = `m${nameHash('3rdPartyAVDriver')}+0x1394`;
    expect(redactSymbolText('3rdPartyAVDriver+0x1394', {})).toBe(hashed);
    expect(redactSymbolText('3rdPartyAVDriver + 0x1394', {})).toBe(`m${nameHash('3rdPartyAVDriver')} + 0x1394`);
    expect(redactSymbolText('nt!KeWaitForSingleObject+0x2ab', {})).toBe('nt!KeWaitForSingleObject+0x2ab');
    expect(redactSymbolText('fffff80312345678', {})).toBe('fffff80312345678');
  });
});
