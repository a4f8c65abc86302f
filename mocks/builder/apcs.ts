// APCs queued to threads: _KAPC on Tcb.ApcState.ApcListHead[KernelMode|UserMode].
import type { Ctx } from './context';
import { E, tcb } from './threads';

const A = '_KAPC';

export function layoutApcs(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  for (const t of ctx.threads.values()) {
    (t.s.apcs ?? []).forEach((apc, i) => {
      const what = `threads[${t.index}].apcs[${i}]`;
      const a = ctx.pool(sw.size(A), `_KAPC ${what}`);
      const mode = apc.mode === 'User' ? 1 : 0;
      sw.set(k, a, A, 'Type', ctx.kobject('ApcObject'));
      sw.set(k, a, A, 'Size', sw.size(A));
      sw.set(k, a, A, 'Thread', t.addr);
      const routine = ctx.code(apc.routine, true);
      sw.set(k, a, A, 'KernelRoutine', routine);
      if (!apc.special) {
        // A non-special APC has a NormalRoutine; the scenario names only the routine !apc prints (KernelRoutine).
        sw.set(k, a, A, 'NormalRoutine', routine);
        ctx.note(`${what}: non-special APC: NormalRoutine set to the given routine (the format names one routine)`);
      }
      if (apc.argument) sw.set(k, a, A, 'SystemArgument1', ctx.addr(apc.argument));
      sw.set(k, a, A, 'ApcMode', ctx.enumV(['_MODE'], apc.mode === 'User' ? 'UserMode' : 'KernelMode', mode));
      sw.trySet(k, a, A, 'Inserted', 1);
      ctx.listInsertTail(k, t.addr + BigInt(sw.off(E, tcb(`ApcState.ApcListHead[${mode}]`))), a + BigInt(sw.off(A, 'ApcListEntry')));
      if (mode === 0) sw.set(k, t.addr, E, tcb('ApcState.KernelApcPending'), 1);
    });
  }
}
