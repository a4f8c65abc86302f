// Planning pass: scenario addresses (allocations avoid them), process/thread records, claims of every structure the
// scenario places at a given address (overlap check), module/symbol references, kernel/user split of stack frames.
import type { Ctx, FramePlan, ProcInfo, ThreadInfo } from './context';
import { isHex, parseHex } from './hex';
import { parseRef } from './modules';
import { defineSymbolAt, objectStruct } from './objects';
import type { ScenarioFrame } from './scenario';

const NON_ADDRESS_KEYS = new Set(['id', 'tid', 'pid', 'parentPid', 'replyMessageId', 'receivedMessageId', 'lockSemaphore',
  'ownerTid', 'format', 'title', 'source', 'name', 'type', 'kind', 'major', 'driver', 'file', 'routine', 'state', 'waitReason',
  'waitMode', 'instancePath', 'serviceName', 'previousState', 'frame', 'startAddress', 'win32StartAddress', 'completionRoutine',
  'module', 'symbol', 'at', 'list', 'commandLine', 'mode', 'waitType', 'expect', 'invented', 'layouts', 'size', 'stateHistory']);

/** Every address the scenario mentions (relocated), split into kernel and user. */
export function collectPoints(ctx: Ctx): void {
  const kernel: bigint[] = [];
  const user: bigint[] = [];
  const walk = (v: unknown, key: string): void => {
    if (NON_ADDRESS_KEYS.has(key)) return;
    if (typeof v === 'string') {
      if (!isHex(v) || v.length < 5) return;
      const raw = parseHex(v);
      if (raw < 0x10000n) return;
      const a = ctx.addr(v);
      (ctx.isKernel(a) ? kernel : user).push(a);
      return;
    }
    if (Array.isArray(v)) { for (const x of v) walk(x, key); return; }
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k === 'args' ? 'args' : k);
  };
  const { expect: _e, invented: _i, ...rest } = ctx.s;
  walk(rest, '');
  // symbols of `modules` are addresses too
  for (const m of ctx.s.modules ?? []) for (const v of Object.values(m.symbols ?? {})) { const a = ctx.addr(v); (ctx.isKernel(a) ? kernel : user).push(a); }
  ctx.kernel.addPoints(kernel);
  ctx.userPoints = [...new Set(user)];
}

const SYSCALL_ENTRY = /^nt!(KiFastCallEntry|KiSystemService\w*|KiSystemCall\w*|KiServiceExit\w*)(\+|$)/i;

function frameText(f: ScenarioFrame): string { return typeof f === 'string' ? f : f.frame; }

/** Builds ProcInfo/ThreadInfo records and the kernel/user split of every stack. */
export function planProcessesAndThreads(ctx: Ctx): void {
  const usedPids = new Set<bigint>();
  ctx.s.processes.forEach((p) => { if (p.pid) usedPids.add(parseHex(p.pid)); });
  let nextPid = 0x1000n;
  ctx.s.processes.forEach((p, index) => {
    const addr = ctx.addr(p.address);
    if (ctx.processes.has(addr)) throw new Error(`processes[${index}]: process ${p.address} listed twice`);
    let pid: bigint;
    if (p.pid) pid = parseHex(p.pid);
    else {
      while (usedPids.has(nextPid)) nextPid += 4n;
      pid = nextPid; usedPids.add(pid);
      ctx.note(`processes[${index}] (${p.name}): pid not given; assigned ${pid.toString(16)}`);
    }
    const idle = pid === 0n;
    const info: ProcInfo = { s: p, index, addr, pid, threads: [], idle };
    ctx.processes.set(addr, info);
  });
  ctx.s.threads.forEach((t, index) => {
    const addr = ctx.addr(t.address);
    if (ctx.threads.has(addr)) throw new Error(`threads[${index}]: thread ${t.address} listed twice`);
    const proc = ctx.addr(t.process);
    const p = ctx.processes.get(proc);
    if (!p) throw new Error(`threads[${index}].process: ${t.process} is not one of the scenario's processes`);
    p.threads.push(addr);
    const ks = t.kernelStack;
    const info: ThreadInfo = {
      s: t, index, addr, proc, frames: [], implied: [],
      kstack: ks
        ? { base: ctx.addr(ks.base), limit: ctx.addr(ks.limit), current: ctx.addr(ks.current), resident: ks.resident !== false, invented: false }
        : { base: 0n, limit: 0n, current: 0n, resident: true, invented: true },
      state: t.state ?? undefined,
      processor: t.processor ?? undefined,
    };
    if (ks && !(info.kstack.limit <= info.kstack.current && info.kstack.current <= info.kstack.base)) {
      ctx.note(`threads[${index}] ${t.address}: kernelStack.current is outside [limit, base] (kept as given)`);
    }
    // kernel/user split of the printed stack
    let user = false;
    (t.stack ?? []).forEach((f, i) => {
      const text = frameText(f);
      const mod = text.includes('!') ? text.slice(0, text.indexOf('!')).toLowerCase() : parseRef(text).module?.toLowerCase();
      if (!user) {
        if (mod === 'ntdll') user = true;
        else if (i > 0 && SYSCALL_ENTRY.test(frameText(t.stack![i - 1]!)) && mod !== 'nt' && mod !== 'hal') user = true;
      }
      const args = typeof f === 'string' ? [] : (f.args ?? []).map((a) => ctx.argValue(a));
      const plan: FramePlan = { text, args, user };
      info.frames.push(plan);
      if (!isHex(text) || text.includes('!') || text.includes('+')) ctx.modules.note(text, !user, user ? 1 : 1.5);
    });
    if (t.startAddress && !isHex(t.startAddress)) ctx.modules.note(t.startAddress, true, 0.5);
    if (t.win32StartAddress && !isHex(t.win32StartAddress)) ctx.modules.note(t.win32StartAddress, false, 0.5);
    for (const a of t.apcs ?? []) ctx.modules.note(a.routine, true, 1.5);
    ctx.threads.set(addr, info);
  });
  for (const r of ctx.s.irps ?? []) for (const e of r.stack ?? []) if (e.completionRoutine && !isHex(e.completionRoutine)) ctx.modules.note(e.completionRoutine, true, 1.5);
}

/** Claims every structure the scenario puts at a given address (throws on overlap, naming both). */
export function claimScenarioStructures(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const lpcLegacy = sw.has('_ETHREAD', 'LpcReplyMessageId');
  const claim = (space: typeof k, addr: bigint, type: string, label: string, size?: number): void => {
    space.claim(addr, size ?? sw.size(type), `${label} (${type})`);
    ctx.mark(addr, type, space);
  };
  for (const p of ctx.processes.values()) claim(k, p.addr, '_EPROCESS', `processes[${p.index}] ${p.s.address}`);
  for (const t of ctx.threads.values()) {
    const label = `threads[${t.index}] ${t.s.address}`;
    const idle = ctx.processes.get(t.proc)?.idle;
    if (idle && k.overlapping(t.addr, t.addr + BigInt(sw.size('_ETHREAD')))) {
      // Idle threads are used as bare KTHREADs; when the scenario packs them tighter than this layout's ETHREAD
      // (2003's KiInitialThread/idle process are 0x280 apart), only the _KTHREAD part is laid out.
      claim(k, t.addr, '_KTHREAD', label);
      t.kthreadOnly = true;
      ctx.note(`${label}: idle thread laid out as a bare _KTHREAD (the layout's _ETHREAD would overlap ${k.overlapping(t.addr, t.addr + BigInt(sw.size('_ETHREAD')))!.label})`);
      continue;
    }
    claim(k, t.addr, '_ETHREAD', label);
  }
  (ctx.s.objects ?? []).forEach((o, i) => claim(k, ctx.addr(o.address), objectStruct(ctx, o), `objects[${i}] ${o.address}`));
  (ctx.s.resources ?? []).forEach((r, i) => claim(k, ctx.addr(r.address), '_ERESOURCE', `resources[${i}] ${r.address}`));
  (ctx.s.fastMutexes ?? []).forEach((m, i) => claim(k, ctx.addr(m.address), mutexStruct(ctx, m.kind), `fastMutexes[${i}] ${m.address}`));
  (ctx.s.criticalSections ?? []).forEach((c, i) => {
    const sp = ctx.userSpace(ctx.addr(c.process));
    if (!sp) return;
    claim(sp, ctx.addr(c.address), '_RTL_CRITICAL_SECTION', `criticalSections[${i}] ${c.address}`);
  });
  const portType = lpcLegacy ? '_LPCP_PORT_OBJECT' : '_ALPC_PORT';
  const ports = new Set<bigint>();
  const claimPort = (addr: bigint, label: string): void => {
    if (ports.has(addr)) return;
    ports.add(addr);
    claim(k, addr, portType, label);
  };
  (ctx.s.lpcPorts ?? []).forEach((p, i) => claimPort(ctx.addr(p.address), `lpcPorts[${i}] ${p.address}`));
  (ctx.s.lpcMessages ?? []).forEach((m, i) => {
    if (m.port) claimPort(ctx.addr(m.port), `lpcMessages[${i}].port ${m.port}`);
    if (m.address) claim(k, ctx.addr(m.address), lpcLegacy ? '_LPCP_MESSAGE' : '_KALPC_MESSAGE', `lpcMessages[${i}] ${m.address}`);
  });
  if (!lpcLegacy) {
    (ctx.s.alpcPorts ?? []).forEach((p, i) => claimPort(ctx.addr(p.address), `alpcPorts[${i}] ${p.address}`));
    (ctx.s.alpcMessages ?? []).forEach((m, i) => {
      claim(k, ctx.addr(m.address), '_KALPC_MESSAGE', `alpcMessages[${i}] ${m.address}`);
      claimPort(ctx.addr(m.port), `alpcMessages[${i}].port ${m.port}`);
    });
  }
  const devices = new Set<bigint>();
  (ctx.s.irps ?? []).forEach((r, i) => {
    const n = irpStackCount(r.stack?.length ?? 0, r.currentLocation ?? undefined);
    claim(k, ctx.addr(r.address), '_IRP', `irps[${i}] ${r.address}`, sw.size('_IRP') + n * sw.size('_IO_STACK_LOCATION'));
    (r.stack ?? []).forEach((e, j) => {
      if (!e.device) return;
      const d = ctx.addr(e.device);
      if (devices.has(d)) return;
      devices.add(d);
      claim(k, d, '_DEVICE_OBJECT', `irps[${i}].stack[${j}].device ${e.device}`);
    });
  });
  (ctx.s.spinLocks ?? []).forEach((l, i) => {
    claim(k, ctx.addr(l.address), 'ULONG_PTR', `spinLocks[${i}] ${l.address}`, ctx.ptr);
    (l.queue ?? []).forEach((q, j) => claim(k, ctx.addr(q.entry), '_KLOCK_QUEUE_HANDLE', `spinLocks[${i}].queue[${j}] ${q.entry}`));
  });
  (ctx.s.pushLocks ?? []).forEach((l, i) => claim(k, ctx.addr(l.address), '_EX_PUSH_LOCK', `pushLocks[${i}] ${l.address}`));
  (ctx.s.devnodes ?? []).forEach((d, i) => claim(k, ctx.addr(d.address), '_DEVICE_NODE', `devnodes[${i}] ${d.address}`));
}

/**
 * IRP locations: the `stack` entries are in call order (first driver called first); the first called driver uses the
 * highest location, so entry j sits at location current + (n - 1 - j). current = currentLocation, else 1 (the last
 * entry); an IRP without entries gets one empty location and CurrentLocation 2 (none current).
 */
export function irpLocations(entries: number, currentLocation?: number): { stackCount: number; current: number } {
  if (entries === 0) {
    const current = currentLocation ?? 2;
    return { stackCount: Math.max(1, current - 1), current };
  }
  const current = currentLocation ?? 1;
  return { stackCount: Math.max(1, current + entries - 1), current };
}

export function irpStackCount(entries: number, currentLocation?: number): number {
  return irpLocations(entries, currentLocation).stackCount;
}

export function mutexStruct(ctx: Ctx, kind: 'FastMutex' | 'GuardedMutex'): string {
  if (kind === 'GuardedMutex' && ctx.types.has('_KGUARDED_MUTEX')) return '_KGUARDED_MUTEX';
  return '_FAST_MUTEX';
}

/** Symbols: modules[].symbols, `symbol` fields of objects/resources/mutexes/CS/locks, globals modules. */
export function collectSymbols(ctx: Ctx): void {
  for (const m of ctx.s.modules ?? []) {
    const base = m.base ? ctx.addr(m.base) : undefined;
    const mod = ctx.modules.declare(m.name, base !== undefined ? ctx.isKernel(base) : undefined, base !== undefined ? 3 : 0);
    if (base !== undefined) { mod.base = undefined; mod.givenBase = true; (mod as { pendingBase?: bigint }).pendingBase = base; }
    if (m.size !== undefined && m.size !== null) mod.givenSize = typeof m.size === 'number' ? BigInt(m.size) : parseHex(m.size);
    for (const [name, v] of Object.entries(m.symbols ?? {})) ctx.modules.fix(m.name, name, ctx.addr(v));
  }
  // given bases are applied now (placeOne keeps them)
  for (const mod of ctx.modules.mods.values()) {
    const pb = (mod as { pendingBase?: bigint }).pendingBase;
    if (pb !== undefined) mod.base = pb;
  }
  const sym = (s: string | null | undefined, addr: string, type: string): void => { if (s) defineSymbolAt(ctx, s, ctx.addr(addr), type); };
  for (const o of ctx.s.objects ?? []) sym(o.symbol, o.address, objectStruct(ctx, o));
  for (const r of ctx.s.resources ?? []) sym(r.symbol, r.address, '_ERESOURCE');
  for (const m of ctx.s.fastMutexes ?? []) sym(m.symbol, m.address, mutexStruct(ctx, m.kind));
  for (const c of ctx.s.criticalSections ?? []) sym(c.symbol, c.address, '_RTL_CRITICAL_SECTION');
  for (const l of ctx.s.spinLocks ?? []) sym(l.symbol, l.address, 'ULONG_PTR');
  for (const l of ctx.s.pushLocks ?? []) sym(l.symbol, l.address, '_EX_PUSH_LOCK');
  for (const l of ctx.s.srwLocks ?? []) sym(l.symbol, l.address, 'ULONG_PTR');
  for (const w of ctx.s.addressWaits ?? []) sym(w.symbol, w.address, 'ULONG_PTR');
  for (const g of ctx.s.globals ?? []) {
    ctx.modules.declare(g.module, true, 1.5);
    if (g.address) ctx.modules.fix(g.module, g.name, ctx.addr(g.address), g.type);
    const note = (v: unknown): void => {
      if (typeof v === 'string' && (v.includes('!') || (v.includes('+') && !isHex(v)))) ctx.modules.note(v, true, 1.5);
      else if (Array.isArray(v)) v.forEach(note);
      else if (v && typeof v === 'object') Object.values(v).forEach(note);
    };
    note(g.value);
  }
  for (const t of ctx.s.types ?? []) ctx.modules.declare(t.module, true, 1.5);
  // layout globals
  for (const g of ctx.layout.globals) ctx.modules.declare(g.module, g.module.toLowerCase() !== 'ntdll', 2);
  ctx.modules.declare('nt', true, 3);
  ctx.modules.declare('hal', true, 3);
  if (ctx.userMemory) ctx.modules.declare('ntdll', false, 3);
}
