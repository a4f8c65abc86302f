// The layout's globals (nt, ntdll): storage in their module's data; list heads start empty, critical sections free.
import type { Ctx } from './context';

export function allocateLayoutGlobals(ctx: Ctx): void {
  for (const g of ctx.layout.globals) {
    const size = ctx.types.sizeOf(g.type);
    const a = ctx.allocGlobal(g.module, g.name, g.type, size);
    const user = g.module.toLowerCase() === 'ntdll';
    const spaces = user ? ctx.allUserSpaces() : [ctx.kernel];
    for (const sp of spaces) {
      if (g.type === '_LIST_ENTRY') ctx.listInit(sp, a);
      else if (g.type === '_RTL_CRITICAL_SECTION' && !isScenarioCs(ctx, a)) {
        ctx.sw.set(sp, a, '_RTL_CRITICAL_SECTION', 'LockCount', -1);
      }
    }
    if (g.type === '_RTL_CRITICAL_SECTION' && !isScenarioCs(ctx, a)) ctx.note(`${g.module}!${g.name}: not in the scenario; laid out as a free critical section (LockCount -1, no debug info)`);
  }
}

function isScenarioCs(ctx: Ctx, a: bigint): boolean {
  return (ctx.s.criticalSections ?? []).some((c) => ctx.addr(c.address) === a);
}
