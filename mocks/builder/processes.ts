// Processes: _EPROCESS (+ object header, type Process) on nt!PsActiveProcessHead, both thread lists, PEB.
import type { Ctx, ProcInfo } from './context';
import { fmt } from './hex';
import { objectHeader, dispatcherHeader } from './objects';

/** A plausible non-zero FILETIME for ExitTime of processes marked `exiting` (invented; only "non-zero" matters). */
export const EXIT_FILETIME = 0x01d0000000000000n;

export function layoutProcesses(ctx: Ctx): void {
  const head = ctx.globalAddr('nt', 'PsActiveProcessHead');
  if (head === undefined) throw new Error(`layout ${ctx.layout.name} has no nt!PsActiveProcessHead global`);
  for (const p of ctx.processes.values()) layoutProcess(ctx, p, head);
}

export function layoutProcess(ctx: Ctx, p: ProcInfo, activeHead: bigint): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const E = '_EPROCESS';
  const a = p.addr;
  const what = p.synthetic ? `idle process ${fmt(a)}` : `processes[${p.index}] (${p.s.name} ${p.s.address})`;
  dispatcherHeader(ctx, a + BigInt(sw.off(E, 'Pcb.Header')), 'ProcessObject', sw.size('_KPROCESS'), 0);
  ctx.listInit(k, a + BigInt(sw.off(E, 'Pcb.ThreadListHead')));
  ctx.listInit(k, a + BigInt(sw.off(E, 'ThreadListHead')));
  sw.trySet(k, a, E, 'Pcb.ProfileListHead.Flink', a + BigInt(sw.off(E, 'Pcb.ProfileListHead')));
  sw.trySet(k, a, E, 'Pcb.ProfileListHead.Blink', a + BigInt(sw.off(E, 'Pcb.ProfileListHead')));
  // DirectoryTableBase: a distinct page-aligned fake value per process (nothing physical is modelled).
  const dtb = 0x10000000n + BigInt(p.index + 1) * 0x1000n;
  // An array on some builds (Server 2003 x64: ULONG64[2]); the first entry is the page directory.
  const dtbIsArray = sw.has(E, 'Pcb.DirectoryTableBase') && /\]$/.test(sw.req(E, 'Pcb.DirectoryTableBase').type);
  sw.trySet(k, a, E, dtbIsArray ? 'Pcb.DirectoryTableBase[0]' : 'Pcb.DirectoryTableBase', dtb);
  sw.set(k, a, E, 'UniqueProcessId', p.pid);
  const links = a + BigInt(sw.off(E, 'ActiveProcessLinks'));
  if (p.idle) {
    ctx.listInit(k, links);
    ctx.note(`${what}: the idle process (pid 0) is not on nt!PsActiveProcessHead, as on a real system`);
  } else ctx.listInsertTail(k, activeHead, links);
  // ImageFileName: the kernel keeps at most sizeof - 1 characters and a NUL.
  const img = sw.req(E, 'ImageFileName');
  const name = p.s.name ?? '';
  const n = Math.min(name.length, img.size - 1);
  const bytes = new Uint8Array(img.size);
  for (let i = 0; i < n; i++) bytes[i] = name.charCodeAt(i) & 0xff;
  k.write(a + BigInt(img.offset), bytes);
  if (p.s.parentPid) sw.trySet(k, a, E, 'InheritedFromUniqueProcessId', BigInt('0x' + p.s.parentPid));
  const live = p.threads.filter((t) => ctx.threads.get(t)?.state !== 'Terminated').length;
  sw.trySet(k, a, E, 'ActiveThreads', live);
  if (p.s.exiting) {
    const flagPaths = ['ProcessExiting', 'Flags.ProcessExiting', 'Flags2.ProcessExiting'];
    if (!flagPaths.some((f) => sw.trySet(k, a, E, f, 1))) {
      ctx.note(`${what}: exiting, but layout ${ctx.layout.name} has no _EPROCESS ProcessExiting flag; only ExitTime marks it`);
    }
    if (!sw.trySet(k, a, E, 'ExitTime.QuadPart', EXIT_FILETIME)) sw.trySet(k, a, E, 'ExitTime', EXIT_FILETIME);
    ctx.note(`${what}: exiting: ExitTime = ${fmt(EXIT_FILETIME)} (invented non-zero FILETIME), ExitStatus left 0`);
  } else {
    sw.trySet(k, a, E, 'ExitStatus', 0x103); // STATUS_PENDING while alive
  }
  if (p.s.handleCount !== undefined && p.s.handleCount !== null) {
    ctx.note(`${what}: handleCount ${p.s.handleCount} not laid out (no handle table is modelled)`);
  }
  if (p.s.sessionId !== undefined && p.s.sessionId !== null) sw.trySet(k, a, E, 'SessionId', p.s.sessionId);
  objectHeader(ctx, a, 'Process', what);
  // PEB in the process's user space (complete dumps)
  const arena = ctx.userArena(a);
  const us = ctx.userSpace(a);
  if (arena && us && !p.idle && !p.synthetic) {
    const P = '_PEB';
    const peb = arena.alloc(sw.size(P), 0x1000, `PEB of process ${fmt(a)}`);
    p.peb = peb;
    sw.trySet(k, a, E, 'Peb', peb);
    sw.trySet(us, peb, P, 'OSMajorVersion', ctx.layout.ntMajor);
    sw.trySet(us, peb, P, 'OSMinorVersion', ctx.layout.ntMinor);
    sw.trySet(us, peb, P, 'OSBuildNumber', ctx.layout.buildNumber & 0xffff);
    const ll = ctx.globalAddr('ntdll', 'LdrpLoaderLock');
    if (ll !== undefined) sw.trySet(us, peb, P, 'LoaderLock', ll);
    const fpl = ctx.globalAddr('ntdll', 'FastPebLock');
    if (fpl !== undefined) sw.trySet(us, peb, P, 'FastPebLock', fpl);
  }
}
