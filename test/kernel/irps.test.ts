// Pure IRP arithmetic and UNICODE_STRING decoding (src/kernel/irps.ts), and the IRP list walk over a laid-out scenario.
import { describe, expect, it } from 'vitest';
import {
  currentLocationIndex,
  decodeUnicodeString,
  IrpReader,
  majorFunctionName,
  stackLocationOffset,
  unicodeStringSpan,
} from '../../src/kernel/irps';
import { entries, layOut, readSnapshot, smash, type InlineScenario } from './inProcess';

describe('current stack location', () => {
  it('is CurrentLocation while it lies within 1..StackCount', () => {
    expect(currentLocationIndex(11, 7)).toBe(7);
    expect(currentLocationIndex(1, 1)).toBe(1);
    expect(currentLocationIndex(5, 5)).toBe(5);
  });

  it('is none when the IRP is not yet sent or completed back to the top (CurrentLocation = StackCount + 1)', () => {
    expect(currentLocationIndex(1, 2)).toBeUndefined();
    expect(currentLocationIndex(10, 11)).toBeUndefined();
  });

  it('is none for a damaged CurrentLocation', () => {
    expect(currentLocationIndex(4, 0)).toBeUndefined();
    expect(currentLocationIndex(0, 0)).toBeUndefined();
    expect(currentLocationIndex(4, 200)).toBeUndefined();
  });

  it('stack locations follow the IRP, location 1 first', () => {
    // Win7 x86 "(0006,01d8)": 0x70 + 10 * 0x24
    expect(stackLocationOffset(0x70, 0x24, 1)).toBe(0x70);
    expect(stackLocationOffset(0x70, 0x24, 10)).toBe(0x70 + 9 * 0x24);
    expect(stackLocationOffset(0x70, 0x24, 11)).toBe(0x1d8);
    expect(stackLocationOffset(0xd0, 0x48, 3)).toBe(0xd0 + 2 * 0x48);
  });
});

describe('IRP_MJ names', () => {
  it('names the WDK major function codes', () => {
    expect(majorFunctionName(0x00)).toBe('IRP_MJ_CREATE');
    expect(majorFunctionName(0x04)).toBe('IRP_MJ_WRITE');
    expect(majorFunctionName(0x0e)).toBe('IRP_MJ_DEVICE_CONTROL');
    expect(majorFunctionName(0x0f)).toBe('IRP_MJ_INTERNAL_DEVICE_CONTROL');
    expect(majorFunctionName(0x1b)).toBe('IRP_MJ_PNP');
  });

  it('shows an unknown code as a number', () => {
    expect(majorFunctionName(0x1c)).toBe('IRP_MJ_0x1c');
    expect(majorFunctionName(0xff)).toBe('IRP_MJ_0xff');
  });
});

describe('UNICODE_STRING', () => {
  it('reads Length bytes (MaximumLength includes the terminator)', () => {
    expect(unicodeStringSpan(28, 30, true)).toEqual({ bytes: 28 });
    expect(unicodeStringSpan(28, undefined, true)).toEqual({ bytes: 28 });
  });

  it('an empty string needs no read, even without a buffer', () => {
    expect(unicodeStringSpan(0, 0, false)).toEqual({ bytes: 0 });
  });

  it('rejects an odd Length, a Length above MaximumLength and a bad Buffer', () => {
    expect(unicodeStringSpan(27, 30, true)).toHaveProperty('invalid');
    expect(unicodeStringSpan(32, 30, true)).toHaveProperty('invalid');
    expect(unicodeStringSpan(28, 30, false)).toHaveProperty('invalid');
  });

  it('decodes UTF-16LE up to Length', () => {
    const text = '\\Driver\\DriverB';
    const bytes: number[] = [];
    for (const c of text) bytes.push(c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8);
    bytes.push(0x41, 0, 0, 0); // beyond Length: not part of the string
    expect(decodeUnicodeString(bytes, text.length * 2)).toBe(text);
    expect(decodeUnicodeString(bytes, 4)).toBe('\\D');
  });

  it('decodes characters beyond Latin-1', () => {
    expect(decodeUnicodeString([0x1f, 0x04, 0x30, 0x04], 4)).toBe('Па');
  });
});

describe('a thread\'s IRP list with a smashed link (in-process over a laid-out scenario)', () => {
  const irps = ['89000000', '89001000', '89002000', '89003000', '89004000'];
  const scenario: InlineScenario = {
    processes: [{ address: '86000000', name: 'App.exe', pid: '100' }],
    threads: [{ address: '87000000', process: '86000000', tid: '104', state: 'Waiting', waitReason: 'Executive', waitMode: 'KernelMode', waits: [{ object: '88000000' }], irps }],
    objects: [{ address: '88000000', type: 'NotificationEvent' }],
    irps: irps.map((address) => ({ address, thread: '87000000', pending: true, stack: [{ major: 'IRP_MJ_READ', device: '8a000000', driver: '\\Driver\\DriverA' }] })),
  };

  it.each(['xpsp3-x86', 'win7sp1-x86', 'win10-19041-x64'])('recovers the IRPs past the cut through Blink, in list order, on %s', (layout) => {
    const l = layOut(scenario, layout);
    const thread = l.at('87000000');
    const listed = entries(l.reader, thread + l.reader.off('_ETHREAD', 'IrpList'));
    expect(listed.length).toBe(5);
    smash(l.reader, listed[1], 3n); // the second IRP's Flink: misaligned, not a pointer
    const run = readSnapshot(l.snapshot);
    const t = run.table.threadByAddress.get(l.at('87000000').toString(16))!;
    const found = new IrpReader(run.k).threadIrps(t).map((i) => l.back(i.address));
    expect(found).toEqual(irps);
    // one count per list walk that needed Blink (as for process and thread lists since issue 12)
    expect(run.warnings()).toEqual(['1 list cut at a bad link', '1 list element recovered backwards']);
  });

  it('reads an intact list with no warning', () => {
    const l = layOut(scenario, 'win7sp1-x86');
    const run = readSnapshot(l.snapshot);
    const t = run.table.threadByAddress.get('87000000')!;
    expect(new IrpReader(run.k).threadIrps(t).map((i) => i.address)).toEqual(irps);
    expect(run.warnings()).toEqual([]);
  });
});
