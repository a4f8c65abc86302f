// Kernel clock: the current tick count and the tick length, as !thread uses them for "Ticks: N (d:hh:mm:ss.ms)".
import { uint } from '../core/bytes';
import { SHARED_USER_DATA } from '../core/numbers';
import type { KernelContext } from './context';

const DEFAULT_INCREMENT = 156250;

export interface KernelClock {
  /** Low 32 bits of the interrupt tick count, as WaitTime is kept. */
  currentTick: number | undefined;
  /** KeMaximumIncrement, 100 ns units. */
  increment: number;
  incrementKnown: boolean;
}

export function readClock(k: KernelContext): KernelClock {
  let increment = DEFAULT_INCREMENT;
  let incrementKnown = false;
  const incAddr = k.symbol('KeMaximumIncrement');
  if (incAddr) {
    const b = k.target.read(incAddr, 4);
    if (b && uint(b, 0, 4) > 0) {
      increment = uint(b, 0, 4);
      incrementKnown = true;
    }
  }
  if (!incrementKnown) k.warnings.add('clock-value-assumed', { object: 'nt!KeMaximumIncrement', reason: 'increment-unreadable' });
  return { currentTick: readTick(k), increment, incrementKnown };
}

function readTick(k: KernelContext): number | undefined {
  const systemTime = k.type('_KSYSTEM_TIME');
  const tickSymbol = k.symbol('KeTickCount');
  if (tickSymbol && systemTime) {
    const v = k.readStruct(systemTime, tickSymbol, 'nt!KeTickCount');
    const low = v && v.num('LowPart');
    if (low !== undefined) return low;
  }
  // x64 kernels export no KeTickCount: the tick count is read in KUSER_SHARED_DATA (at its ABI-fixed address).
  const shared = k.type('_KUSER_SHARED_DATA');
  if (!shared) return undefined;
  const v = k.readStruct(shared, SHARED_USER_DATA[k.pointerSize], 'KUSER_SHARED_DATA');
  if (!v) return undefined;
  const fromQuad = v.num('TickCount.LowPart');
  if (fromQuad !== undefined) return fromQuad;
  return v.num('TickCountLow');
}
