// How long a thread has waited, in ticks (render/vocabulary.ts formatTicks writes it as WinDbg does).

export interface WaitAge {
  /** currentTick - WaitTime; undefined when the wait started "after" the dump (inconsistent live dump). */
  ticks: number | undefined;
  inconsistent: boolean;
}

export function waitAge(currentTick: number | undefined, waitTime: number): WaitAge {
  if (currentTick === undefined) return { ticks: undefined, inconsistent: false };
  if (waitTime > currentTick) return { ticks: undefined, inconsistent: true };
  return { ticks: currentTick - waitTime, inconsistent: false };
}
