// Deliberate damage applied after layout (scenario `corruption`).
import type { Ctx } from './context';
import { fmt, isHex, parseHex } from './hex';
import { relocateX86 } from './relocate';

export function applyCorruption(ctx: Ctx): void {
  (ctx.s.corruption ?? []).forEach((c, i) => {
    const what = `corruption[${i}] (${c.kind})`;
    switch (c.kind) {
      case 'unreadable': {
        const a = ctx.addr(c.address);
        const rawSize = typeof c.size === 'number' ? BigInt(c.size) : parseHex(c.size);
        const end = ctx.relocated ? relocateX86(parseHex(c.address) + rawSize) : a + rawSize;
        const proc = c.process ? ctx.addr(c.process) : undefined;
        ctx.unreadable.push({ address: a, size: end - a, process: ctx.isKernel(a) ? undefined : proc });
        if (!ctx.isKernel(a) && proc === undefined) for (const p of ctx.users.keys()) ctx.unreadable.push({ address: a, size: end - a, process: p });
        break;
      }
      case 'pointer': {
        const { base, path } = splitAt(ctx, c.at, what);
        const st = ctx.structAt.get(base);
        if (!st) throw new Error(`${what}: nothing laid out at ${fmt(base)} (at "${c.at}")`);
        const v = typeof c.value === 'number' ? BigInt(c.value) : ctx.addr(c.value);
        ctx.sw.set(st.space, base, st.type, fieldPath(ctx, st.type, path, what), v);
        break;
      }
      case 'listCycle': {
        const { base, path } = splitAt(ctx, c.list, what);
        const st = ctx.structAt.get(base);
        if (!st) throw new Error(`${what}: nothing laid out at ${fmt(base)} (list "${c.list}")`);
        const head = base + BigInt(ctx.sw.off(st.type, fieldPath(ctx, st.type, path, what)));
        const sp = st.space;
        const p = ctx.ptr;
        const first = sp.readUint(head, p);
        if (first === head || first === 0n) { ctx.note(`${what}: list ${c.list} is empty; nothing to loop`); break; }
        let last = first;
        for (let n = 0; n < 100000; n++) {
          const next = sp.readUint(last, p);
          if (next === head || next === 0n || !sp.has(next, p)) break;
          last = next;
        }
        sp.writeUint(last, p, first); // the last entry points back to the first entry, never to the head
        break;
      }
      case 'truncate': {
        const a = ctx.addr(c.above);
        const cap = (sp: { ranges(): { address: bigint; bytes: Uint8Array }[] }): bigint => {
          let hi = a;
          for (const r of sp.ranges()) { const e = r.address + BigInt(r.bytes.length); if (e > hi) hi = e; }
          return hi;
        };
        if (ctx.isKernel(a)) {
          const hi = cap(ctx.kernel);
          if (hi > a) ctx.unreadable.push({ address: a, size: hi - a });
        } else {
          const khi = cap(ctx.kernel);
          const klo = ctx.x64 ? 0xffff800000000000n : 0x80000000n;
          if (khi > klo) ctx.unreadable.push({ address: klo, size: khi - klo });
          for (const [p, sp] of ctx.users) { const hi = cap(sp); if (hi > a) ctx.unreadable.push({ address: a, size: hi - a, process: p }); }
        }
        break;
      }
    }
  });
}

function splitAt(ctx: Ctx, at: string, what: string): { base: bigint; path: string } {
  const dot = at.indexOf('.');
  if (dot <= 0 || !isHex(at.slice(0, dot))) throw new Error(`${what}: expected "<address>.<Field>", got ${JSON.stringify(at)}`);
  return { base: ctx.addr(at.slice(0, dot)), path: at.slice(dot + 1) };
}

/** "WaitBlockList" on an _ETHREAD means Tcb.WaitBlockList; on an _EPROCESS, Pcb.*; on objects, Header.*. */
function fieldPath(ctx: Ctx, type: string, path: string, what: string): string {
  for (const p of [path, `Tcb.${path}`, `Pcb.${path}`, `Header.${path}`]) if (ctx.sw.has(type, p)) return p;
  throw new Error(`${what}: ${type} has no field ${path}`);
}
