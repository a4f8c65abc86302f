// Driver-defined types and globals (scenario `types` / `globals`).
// Offsets: as given when the scenario's arch is the layout's arch, C layout rules for the layout's arch when absent.
// An x86 scenario on an x64 layout is the driver built for x64: every offset and size is recomputed with x64 C rules.
import type { TypeDef, FieldDef } from '../format/typedef';
import type { Ctx } from './context';
import { alignUp, isHex, parseHex } from './hex';
import type { GlobalValue, ScenarioType } from './scenario';

export function driverTypeDefs(ctx: Ctx): Record<string, TypeDef[]> {
  const out: Record<string, TypeDef[]> = {};
  const list = ctx.s.types ?? [];
  if (!list.length) return out;
  const recompute = ctx.relocated;
  if (recompute) ctx.note('driver types: x86 scenario on an x64 layout: field offsets and sizes recomputed with x64 C layout rules');
  const defs = new Map<string, TypeDef>();
  const alignOf = (ref: string, mod: string): number => {
    const r = ref.trim();
    if (r.endsWith('*')) return ctx.ptr;
    const arr = /^(.*)\[(\d+)\]$/.exec(r);
    if (arr) return alignOf(arr[1]!, mod);
    const d = defs.get(`${mod}|${r}`);
    if (d) {
      if (d.kind === 'enum') return 4;
      return Math.max(1, ...(d.fields ?? []).map((f) => alignOf(f.type, mod)));
    }
    const layoutDef = ctx.types.find(r);
    if (layoutDef && layoutDef.kind !== 'enum') return Math.min(ctx.ptr, Math.max(1, ...(layoutDef.fields ?? []).map((f) => Math.min(ctx.types.sizeOf(f.type), ctx.ptr))));
    return Math.min(sizeOf(r, mod), ctx.ptr === 8 ? 8 : 8);
  };
  const sizeOf = (ref: string, mod: string): number => {
    const r = ref.trim();
    if (r.endsWith('*')) return ctx.ptr;
    const arr = /^(.*)\[(\d+)\]$/.exec(r);
    if (arr) return sizeOf(arr[1]!, mod) * Number(arr[2]);
    const d = defs.get(`${mod}|${r}`);
    if (d) return d.size;
    return ctx.types.sizeOf(r);
  };
  const build = (t: ScenarioType): TypeDef => {
    if (t.kind === 'enum') return { name: t.name, kind: 'enum', size: t.size ?? 4, values: { ...(t.values ?? {}) } };
    let off = 0;
    let maxAlign = 1;
    const fields: FieldDef[] = (t.fields ?? []).map((f) => {
      const al = alignOf(f.type, t.module);
      maxAlign = Math.max(maxAlign, al);
      const size = sizeOf(f.type, t.module);
      let o: number;
      if (t.kind === 'union') o = 0;
      else if (f.offset !== undefined && !recompute) o = f.offset;
      else o = Number(alignUp(BigInt(off), BigInt(al)));
      off = Math.max(off, o + size);
      return { name: f.name, offset: o, type: f.type };
    });
    const computed = Number(alignUp(BigInt(off), BigInt(maxAlign)));
    const size = t.size !== undefined && !recompute ? t.size : computed;
    return { name: t.name, kind: t.kind, size, fields };
  };
  // enums first, then structs in order (a struct may use an earlier one)
  for (const t of [...list.filter((x) => x.kind === 'enum'), ...list.filter((x) => x.kind !== 'enum')]) {
    const d = build(t);
    defs.set(`${t.module}|${t.name}`, d);
    (out[t.module] ??= []).push(d);
    ctx.types.addModule(t.module, [d]);
  }
  // copy referenced layout types (e.g. _LIST_ENTRY) into the driver module so its TypeRefs resolve there
  for (const [mod, ds] of Object.entries(out)) {
    const have = new Set(ds.map((d) => d.name));
    const queue = ds.flatMap((d) => (d.fields ?? []).map((f) => f.type));
    while (queue.length) {
      const ref = queue.pop()!.replace(/\[\d+\]$/, '').replace(/\*+$/, '').trim();
      if (have.has(ref)) continue;
      const ld = ctx.types.find(ref, 'nt');
      if (!ld) continue;
      have.add(ref);
      ds.push(ld);
      queue.push(...(ld.fields ?? []).map((f) => f.type));
    }
    ctx.types.addModule(mod, ds);
  }
  return out;
}

export function globalSize(ctx: Ctx, module: string, type: string): number {
  return ctx.types.sizeOf(type, module);
}

/** Allocates and writes the scenario's globals. */
export function layoutDriverGlobals(ctx: Ctx): void {
  const k = ctx.kernel;
  (ctx.s.globals ?? []).forEach((g, i) => {
    const what = `globals[${i}] (${g.module}!${g.name})`;
    const size = globalSize(ctx, g.module, g.type);
    const a = ctx.allocGlobal(g.module, g.name, g.type, size);
    const m = ctx.modules.get(g.module)!;
    const space = m.kernel ? k : undefined;
    if (!space) { ctx.note(`${what}: user-mode module globals are not written`); return; }
    if (g.value !== undefined && g.value !== null) writeValue(ctx, space, a, g.type, g.module, g.value, what);
  });
}

function writeValue(ctx: Ctx, sp: Parameters<Ctx['listInit']>[0], at: bigint, type: string, mod: string, v: GlobalValue, what: string): void {
  const t = type.trim();
  const arr = /^(.*)\[(\d+)\]$/.exec(t);
  if (arr) {
    if (!Array.isArray(v)) throw new Error(`${what}: array type ${t} needs a list value`);
    const el = arr[1]!;
    const n = Number(arr[2]);
    if (v.length > n) throw new Error(`${what}: ${v.length} values for ${t}`);
    const es = ctx.types.sizeOf(el, mod);
    v.forEach((x, j) => writeValue(ctx, sp, at + BigInt(j * es), el, mod, x, `${what}[${j}]`));
    return;
  }
  const def = t.endsWith('*') ? undefined : ctx.types.find(t, mod);
  if (def && def.kind !== 'enum' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [fname, fv] of Object.entries(v)) {
      const f = (def.fields ?? []).find((x) => x.name === fname);
      if (!f) throw new Error(`${what}: ${t} has no field ${fname}`);
      writeValue(ctx, sp, at + BigInt(f.offset), f.type, mod, fv, `${what}.${fname}`);
    }
    return;
  }
  const size = ctx.types.sizeOf(t, mod);
  let n: bigint;
  if (typeof v === 'number') n = BigInt(Math.trunc(v));
  else if (typeof v === 'boolean') n = v ? 1n : 0n;
  else if (typeof v === 'string') {
    if (def?.kind === 'enum' && def.values && v in def.values) n = BigInt(def.values[v]!);
    else if (isHex(v) && !v.includes('!')) n = parseHex(v) === 0n ? 0n : (size >= ctx.ptr ? ctx.addr(v) : parseHex(v));
    else n = ctx.code(v, true);
  } else if (v === null) n = 0n;
  else throw new Error(`${what}: cannot write ${JSON.stringify(v)} into ${t}`);
  if (size > 8) throw new Error(`${what}: scalar value for ${t} (${size} bytes)`);
  sp.writeUint(at, size, n);
}
