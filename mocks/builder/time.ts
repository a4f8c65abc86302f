// Time (docs/kernel-structures.md §Time): nt!KeTickCount (x86 _KSYSTEM_TIME), _KUSER_SHARED_DATA (kernel VA and the
// 0x7ffe0000 user alias in every process), nt!KeMaximumIncrement / KeTimeIncrement.
import type { Ctx } from './context';
import { parseHex } from './hex';

const KUSD = '_KUSER_SHARED_DATA';
export const KUSD_USER = 0x7ffe0000n;
export const DEFAULT_TICK_INCREMENT = 156250;

export function layoutTime(ctx: Ctx, processors: number): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const tick = BigInt(ctx.s.system.currentTick);
  const inc = ctx.s.system.tickIncrement ?? DEFAULT_TICK_INCREMENT;
  const lo = tick & 0xffffffffn;
  const hi = tick >> 32n;
  const multiplier = (BigInt(inc) << 24n) / 10000n;
  for (const g of ['KeMaximumIncrement', 'KeTimeIncrement']) {
    const a = ctx.globalAddr('nt', g);
    if (a !== undefined) k.writeUint(a, 4, BigInt(inc));
  }
  const ktc = ctx.globalAddr('nt', 'KeTickCount');
  if (ktc !== undefined) {
    sw.set(k, ktc, '_KSYSTEM_TIME', 'LowPart', lo);
    sw.set(k, ktc, '_KSYSTEM_TIME', 'High1Time', hi);
    sw.set(k, ktc, '_KSYSTEM_TIME', 'High2Time', hi);
  }
  const fixed = ctx.layout.fixedAddresses.KUSER_SHARED_DATA;
  if (!fixed || !ctx.types.has(KUSD)) { ctx.note(`layout ${ctx.layout.name}: no KUSER_SHARED_DATA`); return; }
  const kva = parseHex(fixed);
  const size = sw.size(KUSD);
  k.claim(kva, size, '_KUSER_SHARED_DATA');
  const write = (sp: typeof k, a: bigint): void => {
    sw.trySet(sp, a, KUSD, 'TickCountLow', lo);
    sw.trySet(sp, a, KUSD, 'TickCountLowDeprecated', lo);
    sw.trySet(sp, a, KUSD, 'TickCountMultiplier', multiplier);
    if (!sw.trySet(sp, a, KUSD, 'TickCountQuad', tick)) {
      sw.trySet(sp, a, KUSD, 'TickCount.LowPart', lo);
      sw.trySet(sp, a, KUSD, 'TickCount.High1Time', hi);
      sw.trySet(sp, a, KUSD, 'TickCount.High2Time', hi);
    } else sw.trySet(sp, a, KUSD, 'TickCount.High2Time', hi);
    sw.trySet(sp, a, KUSD, 'NtMajorVersion', ctx.layout.ntMajor);
    sw.trySet(sp, a, KUSD, 'NtMinorVersion', ctx.layout.ntMinor);
    sw.trySet(sp, a, KUSD, 'NtBuildNumber', ctx.layout.buildNumber);
    sw.trySet(sp, a, KUSD, 'ActiveProcessorCount', processors);
  };
  write(k, kva);
  for (const us of ctx.allUserSpaces()) {
    if (!us.isFree(KUSD_USER, size)) { ctx.note(`${us.name}: 0x7ffe0000 is taken; no user-mode KUSER_SHARED_DATA alias`); continue; }
    us.claim(KUSD_USER, size, '_KUSER_SHARED_DATA (user alias)');
    write(us, KUSD_USER);
  }
}
