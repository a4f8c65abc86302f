// Pure IRP arithmetic and UNICODE_STRING decoding (src/kernel/irps.ts).
import { describe, expect, it } from 'vitest';
import {
  currentLocationIndex,
  decodeUnicodeString,
  majorFunctionName,
  stackLocationOffset,
  unicodeStringSpan,
} from '../../src/kernel/irps';

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
