import { describe, expect, it } from 'vitest';
import { waitAge } from '../../../src/analysis/waits/ticks';
import { formatTicks } from '../../../src/render/vocabulary';

describe('waiting time as WinDbg prints it', () => {
  it('matches the !thread examples of docs/kernel-structures.md §Time', () => {
    expect(formatTicks(197682, 156250)).toBe('0:00:51:28.781');
    expect(formatTicks(109779, 156001)).toBe('0:00:28:32.563');
  });

  it('prints days and truncates milliseconds', () => {
    // seed 002: Ticks 4:07:49:13.625 for the cycle members
    expect(formatTicks(172036228 - 148115996, 156250)).toBe('4:07:49:13.625');
    expect(formatTicks(1, 156250)).toBe('0:00:00:00.015');
  });

  it('reports a wait start after the current tick as inconsistent, not as a huge wait', () => {
    expect(waitAge(4752980, 4755080)).toEqual({ ticks: undefined, inconsistent: true });
    expect(waitAge(4752980, 4074148)).toEqual({ ticks: 678832, inconsistent: false });
  });
});
