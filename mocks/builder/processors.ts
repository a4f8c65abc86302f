// Processors (docs/kernel-structures.md §Processors): a _KPCR per processor with its embedded _KPRCB, nt!KiProcessorBlock,
// nt!KeNumberProcessors, idle threads (of an idle process that is not on PsActiveProcessHead).
import type { Ctx, ProcInfo, ThreadInfo } from './context';
import { fmt } from './hex';

const PCR = '_KPCR';
const PRCB = '_KPRCB';

interface CpuPlan { number: number; current?: bigint; irql?: number; idle: bigint }
const plans = new WeakMap<Ctx, CpuPlan[]>();

/** Planning (before threads are laid out): which processors exist, their idle threads (created when missing). */
export function planProcessors(ctx: Ctx): void {
  const given = new Map<number, { current?: bigint; irql?: number }>();
  for (const p of ctx.s.system.processors ?? []) {
    given.set(p.number, { current: ctx.addrOpt(p.currentThread), irql: p.irql ?? undefined });
  }
  for (const t of ctx.threads.values()) {
    if (t.state !== 'Running' || t.processor === undefined) continue;
    if (!given.has(t.processor)) {
      given.set(t.processor, { current: t.addr });
      ctx.note(`processor ${t.processor}: not in system.processors; added for running thread ${t.s.address}`);
    }
  }
  if (!given.size) given.set(0, {});
  const max = Math.max(...given.keys());
  for (let n = 0; n <= max; n++) if (!given.has(n)) { given.set(n, {}); ctx.note(`processor ${n}: not given; added (idle) to keep processor numbers contiguous`); }
  // idle threads: threads of a pid-0 process
  const idleProcs = [...ctx.processes.values()].filter((p) => p.idle);
  const idleThreads = [...ctx.threads.values()].filter((t) => ctx.processes.get(t.proc)?.idle);
  let idleProc: ProcInfo | undefined = idleProcs[0];
  const out: CpuPlan[] = [];
  for (const [number, g] of [...given.entries()].sort((a, b) => a[0] - b[0])) {
    let idle = idleThreads.find((t) => t.addr === g.current || (t.processor === number && t.state === 'Running'))
      ?? idleThreads.find((t) => t.processor === number);
    if (!idle) {
      if (!idleProc) idleProc = createIdleProcess(ctx);
      idle = createIdleThread(ctx, idleProc, number);
    }
    idleThreads.splice(idleThreads.indexOf(idle), 1);
    idle.processor = number;
    const current = g.current ?? idle.addr;
    out.push({ number, current, irql: g.irql, idle: idle.addr });
    if (!idle.state) idle.state = current === idle.addr ? 'Running' : 'Ready';
  }
  plans.set(ctx, out);
}

function createIdleProcess(ctx: Ctx): ProcInfo {
  const addr = ctx.poolObject(ctx.sw.size('_EPROCESS'), 'idle process');
  const p: ProcInfo = { s: { address: fmt(addr), name: 'Idle', pid: '0' }, index: -1, addr, pid: 0n, threads: [], idle: true, synthetic: true };
  ctx.processes.set(addr, p);
  ctx.mark(addr, '_EPROCESS');
  ctx.note(`idle process created at ${fmt(addr)} (not on PsActiveProcessHead)`);
  return p;
}

function createIdleThread(ctx: Ctx, p: ProcInfo, number: number): ThreadInfo {
  const addr = ctx.poolObject(ctx.sw.size('_ETHREAD'), `idle thread of processor ${number}`);
  const t: ThreadInfo = {
    s: { address: fmt(addr), process: fmt(p.addr), tid: '0', priority: 0, basePriority: 0 },
    index: -1, addr, proc: p.addr, implied: [], synthetic: true, processor: number,
    frames: [{ text: 'nt!KiIdleLoop', args: [], user: false, inserted: true }],
    kstack: { base: 0n, limit: 0n, current: 0n, resident: true, invented: true },
  };
  p.threads.push(addr);
  ctx.threads.set(addr, t);
  ctx.mark(addr, '_ETHREAD');
  ctx.note(`processor ${number}: idle thread created at ${fmt(addr)} (frame nt!KiIdleLoop)`);
  return t;
}

export function layoutProcessors(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const cpus = plans.get(ctx) ?? [];
  const block = ctx.globalAddr('nt', 'KiProcessorBlock');
  // The KPRCB is embedded in the KPCR (x86 PrcbData, x64 Prcb) where the layout has such a member; a layout
  // whose KPCR has none (Windows 11 24H2: _KPCR is 0x178 bytes, ending at PcrAlign1) gets a KPRCB of its own,
  // reached through CurrentPrcb (docs/scenario-extensions.md "Processors").
  const embeddedAt = sw.has(PCR, 'PrcbData') ? 'PrcbData' : sw.has(PCR, 'Prcb') && sw.req(PCR, 'Prcb').type === PRCB ? 'Prcb' : undefined;
  const prcbPtr = sw.has(PCR, 'PrcbData') ? 'Prcb' : 'CurrentPrcb';
  for (const c of cpus) {
    const pcr = ctx.arena('pool').alloc(sw.size(PCR), 0x1000, `_KPCR of processor ${c.number}`);
    const prcb = embeddedAt !== undefined
      ? pcr + BigInt(sw.off(PCR, embeddedAt))
      : ctx.arena('pool').alloc(sw.size(PRCB), 0x1000, `_KPRCB of processor ${c.number}`);
    sw.trySet(k, pcr, PCR, 'SelfPcr', pcr) || sw.trySet(k, pcr, PCR, 'Self', pcr);
    sw.trySet(k, pcr, PCR, 'NtTib.Self', pcr);
    sw.set(k, pcr, PCR, prcbPtr, prcb);
    const idleNow = c.current === c.idle;
    sw.set(k, pcr, PCR, 'Irql', c.irql ?? (idleNow ? 2 : 0));
    sw.trySet(k, pcr, PCR, 'Number', c.number);
    sw.trySet(k, pcr, PCR, 'MajorVersion', 1);
    sw.trySet(k, pcr, PCR, 'MinorVersion', 1);
    sw.set(k, prcb, PRCB, 'CurrentThread', c.current ?? c.idle);
    sw.set(k, prcb, PRCB, 'IdleThread', c.idle);
    sw.set(k, prcb, PRCB, 'Number', c.number);
    sw.trySet(k, prcb, PRCB, 'LegacyNumber', c.number);
    sw.trySet(k, prcb, PRCB, 'MajorVersion', 1);
    sw.trySet(k, prcb, PRCB, 'MinorVersion', 1);
    if (block !== undefined) ctx.writePtr(k, block + BigInt(c.number * ctx.ptr), prcb);
    const cur = c.current !== undefined ? ctx.threads.get(c.current) : undefined;
    if (c.current !== undefined && !cur) ctx.note(`processor ${c.number}: current thread ${fmt(c.current)} is not a scenario thread`);
    if (cur && cur.state !== 'Running') ctx.note(`processor ${c.number}: current thread ${cur.s.address} is in state ${cur.state}, not Running`);
  }
  const nproc = ctx.globalAddr('nt', 'KeNumberProcessors');
  if (nproc !== undefined) {
    const g = ctx.layout.globals.find((x) => x.name === 'KeNumberProcessors');
    k.writeUint(nproc, ctx.types.sizeOf(g?.type ?? 'ULONG'), BigInt(cpus.length));
  }
}

export function currentOfProcessor0(ctx: Ctx): bigint | undefined {
  return (plans.get(ctx) ?? []).find((c) => c.number === 0)?.current;
}

export function processorCount(ctx: Ctx): number {
  return Math.max(1, (plans.get(ctx) ?? []).length);
}
