// Pure parts of the chain-end descriptions (src/analysis/waits/terminals.ts).
import { describe, expect, it } from 'vitest';
import { isSleeping, outermostCall } from '../../../src/analysis/waits/terminals';

const frames = (...texts: string[]) => texts.map((text) => ({ text, instruction: '0', frameOffset: '0', stackOffset: '0' }));

describe('sleeping', () => {
  it('by wait reason, kernel or user side', () => {
    expect(isSleeping({ waitReason: 'DelayExecution', timedWait: false, waits: [] })).toBe(true);
    expect(isSleeping({ waitReason: 'WrDelayExecution', timedWait: true, waits: [] })).toBe(true);
  });

  it("when the only wait block is the thread's own timer", () => {
    expect(isSleeping({ waitReason: 'Executive', timedWait: true, waits: [] })).toBe(true);
  });

  it('not a timed wait on an object, nor a wait with no timer', () => {
    expect(isSleeping({ waitReason: 'Executive', timedWait: true, waits: [{ object: '88000000', waitKey: 0, waitType: 1 }] })).toBe(false);
    expect(isSleeping({ waitReason: 'Executive', timedWait: false, waits: [] })).toBe(false);
    expect(isSleeping({ waitReason: 'UserRequest', timedWait: false, waits: [] })).toBe(false);
  });
});

describe('outermost call of a GUI API', () => {
  const box = /!(\w*MessageBox\w*)\b/;

  it('names the API the program called and its caller', () => {
    const f = frames('win32k!xxxSleepThread+0x1be', 'USER32!SoftModalMessageBox+0x94b', 'USER32!MessageBoxA+0x45', 'app!Fail+0x10');
    expect(outermostCall(f, box)).toEqual({ frame: 'USER32!MessageBoxA+0x45', caller: 'app!Fail+0x10' });
  });

  it('names no caller when the stack ends there or the next frame is system-call glue', () => {
    expect(outermostCall(frames('USER32!SoftModalMessageBox+0x94b', 'USER32!MessageBoxA+0x45'), box)).toEqual({ frame: 'USER32!MessageBoxA+0x45' });
    expect(outermostCall(frames('win32k!xxxSendMessageTimeout+0x1f3', 'nt!KiFastCallEntry+0xfc'), /!(\w*SendMessage\w*)\b/)).toEqual({ frame: 'win32k!xxxSendMessageTimeout+0x1f3' });
  });

  it('is undefined when no frame matches', () => {
    expect(outermostCall(frames('nt!KiSwapContext+0x26', 'DriverA!Block+0x1b'), box)).toBeUndefined();
  });
});
