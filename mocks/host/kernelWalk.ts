// The data model's processes and threads come from the kernel's own lists, as the real debugger
// derives them (docs/jsprovider.md §Data model): nt!PsActiveProcessHead → _EPROCESS.ActiveProcessLinks, and each process's
// _EPROCESS.ThreadListHead → _ETHREAD.ThreadListEntry (falling back to the KPROCESS/KTHREAD pair
// Pcb.ThreadListHead → Tcb.ThreadListEntry when a layout lists only those). pid from
// UniqueProcessId, name from ImageFileName, tid from Cid.UniqueThread; offsets from the
// snapshot's `nt` types. These reads are the debugger's own work: not counted.
// Corrupt lists must not hang: walks stop at the head, at a repeated entry, at unreadable memory,
// or after MAX_LIST_ENTRIES.
import { MemoryFault, readUnsigned } from './memory';
import type { Env } from './env';
import type { MType } from './types';

export const MAX_LIST_ENTRIES = 65536;

export interface ProcessRecord { eprocess: bigint; pid: number; name: string }
export interface ThreadRecord { ethread: bigint; tid: number; eprocess: bigint }

function mockError(msg: string): Error {
  return new Error(`mock: ${msg}`);
}

function ntType(env: Env, name: string): MType {
  const t = env.types.resolve('nt', name);
  if (!t) throw mockError(`type nt!${name} is not in the snapshot (needed to derive processes/threads)`);
  return t;
}

function offsetOf(env: Env, owner: MType, ...paths: string[]): number {
  for (const p of paths) {
    const r = env.types.fieldPath(owner, p);
    if (r) return r.offset;
  }
  throw mockError(`field ${owner.name}.${paths[0]} is not in the snapshot's nt types`);
}

function readPtr(env: Env, address: bigint): bigint {
  return readUnsigned(env.mem.read(address, env.pointerSize, undefined), 0, env.pointerSize);
}

/** Entries of a LIST_ENTRY list (the LIST_ENTRY addresses, head excluded). */
export function walkList(env: Env, head: bigint, process?: bigint): bigint[] {
  const out: bigint[] = [];
  const seen = new Set<bigint>();
  let entry: bigint;
  try {
    entry = readUnsigned(env.mem.read(head, env.pointerSize, process), 0, env.pointerSize);
    while (entry !== head && entry !== 0n && !seen.has(entry) && out.length < MAX_LIST_ENTRIES) {
      seen.add(entry);
      out.push(entry);
      entry = readUnsigned(env.mem.read(entry, env.pointerSize, process), 0, env.pointerSize);
    }
  } catch (e) {
    if (!(e instanceof MemoryFault)) throw e;
  }
  return out;
}

export function processInfo(env: Env, eprocess: bigint): ProcessRecord {
  const ep = ntType(env, '_EPROCESS');
  let pid = 0;
  let name = '';
  try {
    pid = Number(readPtr(env, eprocess + BigInt(offsetOf(env, ep, 'UniqueProcessId'))));
    const nameOff = BigInt(offsetOf(env, ep, 'ImageFileName'));
    const bytes = env.mem.read(eprocess + nameOff, 15, undefined);
    const end = bytes.indexOf(0);
    name = String.fromCharCode(...bytes.subarray(0, end < 0 ? bytes.length : end));
  } catch (e) {
    if (!(e instanceof MemoryFault)) throw e;
  }
  return { eprocess, pid, name };
}

/**
 * The mock target is read-only (writeMemoryValues throws), so the process and thread lists a host
 * derives from memory cannot change while it lives: derive them once per host, as the real debugger
 * caches its process list, instead of once per getValueAt.
 */
const walks = new WeakMap<Env, { processes?: ProcessRecord[]; byPid?: Map<number, ProcessRecord>; threads: Map<bigint, ThreadRecord[]> }>();

function walkCache(env: Env) {
  let c = walks.get(env);
  if (!c) {
    c = { threads: new Map() };
    walks.set(env, c);
  }
  return c;
}

export function walkProcesses(env: Env): ProcessRecord[] {
  const c = walkCache(env);
  if (!c.processes) c.processes = walkProcessesUncached(env);
  return c.processes;
}

/** getValueAt(pid): the first process of the list with that id (an index, not a scan per call). */
export function processByPid(env: Env, pid: number): ProcessRecord | undefined {
  const c = walkCache(env);
  if (!c.byPid) {
    c.byPid = new Map();
    for (const p of walkProcesses(env)) if (!c.byPid.has(p.pid)) c.byPid.set(p.pid, p);
  }
  return c.byPid.get(pid);
}

function walkProcessesUncached(env: Env): ProcessRecord[] {
  const head = env.modules.symbol('nt', 'PsActiveProcessHead');
  if (!head) throw mockError('nt!PsActiveProcessHead is not in the snapshot (needed to derive processes)');
  const links = BigInt(offsetOf(env, ntType(env, '_EPROCESS'), 'ActiveProcessLinks'));
  return walkList(env, head.address).map((entry) => processInfo(env, entry - links));
}

export function threadInfo(env: Env, ethread: bigint, eprocess: bigint): ThreadRecord {
  const et = ntType(env, '_ETHREAD');
  let tid = 0;
  try {
    tid = Number(readPtr(env, ethread + BigInt(offsetOf(env, et, 'Cid.UniqueThread'))));
  } catch (e) {
    if (!(e instanceof MemoryFault)) throw e;
  }
  return { ethread, tid, eprocess };
}

export function walkThreads(env: Env, eprocess: bigint): ThreadRecord[] {
  const c = walkCache(env);
  let hit = c.threads.get(eprocess);
  if (!hit) {
    hit = walkThreadsUncached(env, eprocess);
    c.threads.set(eprocess, hit);
  }
  return hit;
}

function walkThreadsUncached(env: Env, eprocess: bigint): ThreadRecord[] {
  const ep = ntType(env, '_EPROCESS');
  const et = ntType(env, '_ETHREAD');
  const direct = env.types.fieldPath(ep, 'ThreadListHead') && env.types.fieldPath(et, 'ThreadListEntry');
  const headOff = BigInt(offsetOf(env, ep, ...(direct ? ['ThreadListHead'] : ['Pcb.ThreadListHead'])));
  const entryOff = BigInt(offsetOf(env, et, ...(direct ? ['ThreadListEntry'] : ['Tcb.ThreadListEntry'])));
  return walkList(env, eprocess + headOff).map((entry) => threadInfo(env, entry - entryOff, eprocess));
}

/** The process owning a thread: the one whose thread list contains it; undefined when unknown
 * (including snapshots without the lists: the caller falls back to the current process). */
export function ownerOf(env: Env, ethread: bigint): bigint | undefined {
  try {
    for (const p of walkProcesses(env)) {
      if (walkThreads(env, p.eprocess).some((t) => t.ethread === ethread)) return p.eprocess;
    }
  } catch {
    // missing PsActiveProcessHead or list types: unknown owner
  }
  return undefined;
}
