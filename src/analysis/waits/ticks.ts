// Waiting time as WinDbg prints it: "Ticks: 711678 (0:03:05:19.968)", milliseconds truncated.

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

/** d:hh:mm:ss.mmm for a tick count with the dump's increment (100 ns units). */
export function formatTicks(ticks: number, increment: number): string {
  const ms = Math.floor((ticks * increment) / 10000);
  const days = Math.floor(ms / 86400000);
  const hours = Math.floor(ms / 3600000) % 24;
  const minutes = Math.floor(ms / 60000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  const millis = ms % 1000;
  return `${days}:${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(millis, 3)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
