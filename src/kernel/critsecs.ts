// User-mode critical sections (ntdll's _RTL_CRITICAL_SECTION), read in the owning process's address
// space: lock state, owner TID and waiter count as `!cs` decodes them, and the process's list of
// sections (ntdll!RtlCriticalSectionList through _RTL_CRITICAL_SECTION_DEBUG.ProcessLocksList) as
// `!cs -l -o -s` walks it.
import { addrCompare, addrHigh, addrLow, isKernelAddress, type Addr } from '../core/addr';
import { ptr } from '../core/bytes';
import { cacheKey } from '../core/runCache';
import { StructView } from '../core/struct';
import type { TypeLayout } from '../core/target';
import type { ListRef } from '../core/warnings';
import type { KernelContext } from './context';
import { processContext } from './frames';
import { headLinks, readList } from './lists';
import type { ProcessInfo } from './model';
import { readOsVersion, type OsVersion } from './version';

/** More sections than this on one process's list is damage (or not worth a default run): the walk stops. */
export const MAX_SECTIONS_PER_PROCESS = 20000;
/** User space starts at 64 KB: lower "pointers" are flags and counts. */
const LOWEST_USER_ADDRESS = '10000';

/**
 * How LockCount is kept. The encoding changed in Windows Server 2003 SP1 without any change to the
 * structure, so it is chosen from the OS version (docs/kernel-structures.md §LockCount):
 * - 'raw' (NT 5.0/5.1, and 2003 RTM): -1 free; locked >= 0, = (RecursionCount - 1) + waiters.
 * - 'bits' (2003 SP1 and later): bit 0 clear = locked, bit 1 clear = a waiter was woken,
 *   waiters = ((-1) - LockCount) >> 2; -1 free.
 */
export type LockCountEncoding = 'raw' | 'bits';

/**
 * NT 5.2 is 2003 RTM (raw) as well as 2003 SP1+/XP x64 (bits); the version does not tell them apart,
 * so 5.2 is taken as 'bits' and decodeLockCount falls back to 'raw' for a non-negative LockCount there
 * (a value the bit encoding never produces).
 */
export function lockCountEncoding(version: OsVersion | undefined): LockCountEncoding | undefined {
  if (!version) return undefined;
  if (version.major < 5 || (version.major === 5 && version.minor <= 1)) return 'raw';
  return 'bits';
}

export interface LockState {
  locked: boolean;
  /** Threads waiting for the section, as the lock counts them. */
  waiters: number;
  /** 'bits' encoding only: a waiter was woken and has not taken the lock yet. */
  waiterWoken?: boolean;
  /** The encoding the value was decoded with. */
  encoding: LockCountEncoding;
  /** The value is impossible in that encoding (damaged, or the version guess was wrong). */
  inconsistent: boolean;
}

/**
 * Decodes LockCount (a LONG). `encoding` undefined (version unknown): the two encodings do not overlap
 * except at -1 (free in both), so the sign decides.
 */
export function decodeLockCount(lockCount: number, recursionCount: number, encoding: LockCountEncoding | undefined, ntMinorIs2003 = false): LockState {
  const lc = lockCount | 0;
  let enc: LockCountEncoding = encoding || (lc >= 0 ? 'raw' : 'bits');
  if (enc === 'bits' && ntMinorIs2003 && lc >= 0) enc = 'raw'; // Windows Server 2003 RTM
  if (enc === 'raw') {
    if (lc < 0) return { locked: false, waiters: 0, encoding: enc, inconsistent: lc !== -1 };
    const recursion = recursionCount > 0 ? recursionCount : 1;
    const waiters = lc - (recursion - 1);
    return { locked: true, waiters: waiters > 0 ? waiters : 0, encoding: enc, inconsistent: waiters < 0 || recursionCount <= 0 };
  }
  const waiters = ((-1 - lc) | 0) >> 2;
  const locked = (lc & 1) === 0;
  return {
    locked,
    waiters: waiters > 0 ? waiters : 0,
    waiterWoken: (lc & 2) === 0,
    encoding: enc,
    inconsistent: waiters < 0 || (locked && recursionCount <= 0),
  };
}

export interface CritSecTypes {
  section: TypeLayout;
  debug: TypeLayout | undefined;
}

const CRITSEC_TYPES = cacheKey<CritSecTypes | undefined>('critical section types');

/** ntdll's own types, else the kernel PDB's copies (the same layout); looked up once per run. */
export function critSecTypes(k: KernelContext): CritSecTypes | undefined {
  return k.cache.get(CRITSEC_TYPES, () => {
    for (const module of ['ntdll', 'nt']) {
      const section = k.type('_RTL_CRITICAL_SECTION', module);
      if (section && section.field('LockCount') && section.field('OwningThread')) return { section, debug: k.type('_RTL_CRITICAL_SECTION_DEBUG', module) };
    }
    return undefined;
  });
}

export interface CriticalSection {
  address: Addr;
  process: ProcessInfo;
  /** OwningThread holds a thread ID (Cid.UniqueThread), not a pointer; 0 when none is recorded. */
  ownerTid: number;
  recursionCount: number;
  lockCount: number;
  lockSemaphore: Addr;
  debugInfo: Addr;
  state: LockState;
  /** OwningThread does not fit a thread ID. */
  badOwner: boolean;
}

/** A plausible user-mode address of the target (not a count, not kernel space, pointer-aligned to 4). */
export function isUserPointer(k: KernelContext, a: Addr | undefined): a is Addr {
  return k.plausible(a, 4) && !isKernelAddress(a, k.pointerSize) && addrCompare(a, LOWEST_USER_ADDRESS) >= 0;
}

/**
 * One read of the section in its process's address space; undefined when unreadable. `probe`: the
 * address is only a candidate (a frame argument), so an unreadable one is not counted as damage.
 */
export function readCriticalSection(k: KernelContext, address: Addr, process: ProcessInfo, probe = false): CriticalSection | undefined {
  const types = critSecTypes(k);
  if (!types) return undefined;
  let v: StructView | undefined;
  if (probe) {
    const bytes = k.target.read(address, types.section.size, processContext(process));
    v = bytes && new StructView(types.section, address, bytes, k.pointerSize);
  } else {
    v = k.readStruct(types.section, address, 'critical section', processContext(process));
  }
  if (!v) return undefined;
  const owner = v.ptr('OwningThread') || '0';
  const recursionCount = (v.num('RecursionCount') || 0) | 0;
  const lockCount = (v.num('LockCount') || 0) | 0;
  const version = readOsVersion(k);
  const is2003 = !!version && version.major === 5 && version.minor === 2;
  return {
    address,
    process,
    ownerTid: addrHigh(owner) === 0 ? addrLow(owner) : 0,
    recursionCount,
    lockCount,
    lockSemaphore: v.ptr('LockSemaphore') || '0',
    debugInfo: v.ptr('DebugInfo') || '0',
    state: decodeLockCount(lockCount, recursionCount, lockCountEncoding(version), is2003),
    badOwner: addrHigh(owner) !== 0,
  };
}

/** The DebugInfo back-pointer check: the section's debug record points back at it (one read). */
export function debugInfoPointsBack(k: KernelContext, cs: CriticalSection): boolean {
  const types = critSecTypes(k);
  if (!types || !types.debug || !isUserPointer(k, cs.debugInfo)) return false;
  const v = k.readStruct(types.debug, cs.debugInfo, 'critical section debug info', processContext(cs.process));
  return !!v && v.ptr('CriticalSection') === cs.address;
}

export interface CritSecListEntry {
  address: Addr;
  /** DEBUG.ContentionCount: how often a thread had to wait (cumulative); undefined when the build has no such field. */
  contentionCount: number | undefined;
}

export interface CritSecList {
  /** Sections on ntdll!RtlCriticalSectionList in list order; undefined when the list cannot be read at all. */
  sections: CritSecListEntry[] | undefined;
  /** The walk was cut (bad link, cycle, cap). */
  cut: boolean;
}

/**
 * Walks the process's copy of ntdll!RtlCriticalSectionList (the head is an ntdll global, at the same
 * address in every process) through DEBUG.ProcessLocksList, one read per debug record, bounded.
 * Sections created without debug info are not on it.
 */
export function readCriticalSectionList(k: KernelContext, process: ProcessInfo): CritSecList {
  const types = critSecTypes(k);
  const head = k.symbol('RtlCriticalSectionList', 'ntdll');
  if (!types || !types.debug || !head) return { sections: undefined, cut: false };
  const debug = types.debug;
  if (!debug.field('ProcessLocksList') || !debug.field('CriticalSection')) return { sections: undefined, cut: false };
  const context = processContext(process);
  // No user space (System, Idle, a kernel dump): nothing to walk, and nothing to warn about.
  const headBytes = k.target.read(head, k.pointerSize, context);
  if (!headBytes) return { sections: undefined, cut: false };
  const list: ListRef = { list: 'critical-section-list', ownerName: process.name };
  const read = (entry: Addr) => {
    const v = k.readStruct(debug, k.containing(entry, debug, 'ProcessLocksList'), 'critical section debug info', context);
    if (!v) {
      k.warnings.add('critical-section-list-cut', { list, address: entry, reason: 'entry-unreadable' });
      return null;
    }
    const cs = v.ptr('CriticalSection');
    const item: CritSecListEntry | undefined = isUserPointer(k, cs) ? { address: cs, contentionCount: v.num('ContentionCount') } : undefined;
    return { item, links: headLinks(v, 'ProcessLocksList') || '0' };
  };
  // Sections past a smashed link are recovered backwards through Blink; the list still counts as cut (its elimination is not trusted).
  const walk = readList(k, head, list, read, {
    links: { flink: ptr(headBytes, 0, k.pointerSize) },
    cap: MAX_SECTIONS_PER_PROCESS,
    capIsDamage: true,
    plausible: (a) => isUserPointer(k, a),
    context,
    cutKind: 'critical-section-list-cut',
  });
  const sections: CritSecListEntry[] = [];
  for (const e of walk.items) if (e) sections.push(e);
  return { sections, cut: !walk.walk.closed };
}

/** True when the list holds the section. */
export function listHolds(list: CritSecList, address: Addr): boolean {
  return !!list.sections && list.sections.some((e) => e.address === address);
}

/**
 * The locked sections on the process's list, like `!cs -l -o -s`: list order, one read each.
 * `contendedOnly`: skip sections no thread ever waited for (DEBUG.ContentionCount 0), which cannot
 * have waiters now: most of a process's sections, so most of the reads.
 */
export function lockedSections(k: KernelContext, process: ProcessInfo, list: CritSecList, contendedOnly = false): CriticalSection[] {
  const out: CriticalSection[] = [];
  for (const e of list.sections || []) {
    if (contendedOnly && e.contentionCount === 0) continue;
    const cs = readCriticalSection(k, e.address, process);
    if (cs && cs.state.locked) out.push(cs);
  }
  return out;
}
