// The kernel seam: the one object analysis asks for kernel facts. Each reader is built once per run
// (in the KernelContext's RunCache) on first use, so a rule never constructs a reader and a reader's
// caches (objects decoded by address) serve every rule. analysis/ imports this module as a type only:
// the commands build it over their KernelContext.
import { isKernelAddress, isNull, type Addr } from '../core/addr';
import { ptr } from '../core/bytes';
import { cacheKey, type RunCache } from '../core/runCache';
import type { FrameInfo, TypeShape } from '../core/target';
import { AlpcReader, alpcFacts, type AlpcThreadFacts } from './alpc';
import { apcControls, hasKernelApcs, readKernelApcs, RoutineNames, type ApcControls, type ApcInfo } from './apcs';
import type { KernelContext } from './context';
import {
  critSecTypes,
  debugInfoPointsBack,
  isUserPointer,
  lockedSections,
  readCriticalSection,
  readCriticalSectionList,
  type CriticalSection,
  type CritSecList,
  type CritSecTypes,
} from './critsecs';
import { readAllDevnodes, readDevnode, type DevnodeInfo } from './devnodes';
import { DispatcherReader } from './dispatcher';
import { frameArguments, KV_ARGUMENTS, processContext } from './frames';
import { IrpReader } from './irps';
import { LockEntryReader, readPushLock, type PushLockWord } from './lockEntries';
import { buildLpcIndex, LpcPortReader, lpcFacts, type LpcIndex, type LpcThreadFacts } from './lpc';
import type { ProcessInfo, ThreadInfo } from './model';
import { MutexReader } from './mutexes';
import { readProcesses, type ProcessTable } from './processes';
import { readProcessors, type ProcessorTable } from './processors';
import { QueuedLockReader } from './queuedSpinLocks';
import { ResourceReader, resourceFromWaitFrame } from './resources';
import { locateRing, readIndex, readRing, type ArrayRequest, type IndexVariable, type Ref, type Resolved, type RingArray, type RingName } from './ringSource';
import { StackReader } from './stacks';
import { walkMutantLists } from './threads';
import { readClock, type KernelClock } from './time';
import { readOsVersion, type OsVersion } from './version';

const PROCESSES = cacheKey<ProcessTable>('processes');
const CLOCK = cacheKey<KernelClock>('clock');
const PROCESSORS = cacheKey<ProcessorTable>('processors');
const DISPATCHER = cacheKey<DispatcherReader>('dispatcher reader');
const STACKS = cacheKey<StackReader>('stack reader');
const IRPS = cacheKey<IrpReader>('IRP reader');
const LPC_PORTS = cacheKey<LpcPortReader>('LPC port reader');
const LPC_INDEX = cacheKey<LpcIndex>('LPC index');
const ALPC = cacheKey<AlpcReader>('ALPC reader');
const ROUTINE_NAMES = cacheKey<RoutineNames>('APC routine names');
const QUEUED_LOCKS = cacheKey<QueuedLockReader>('queued spin lock reader');
const RESOURCES = cacheKey<ResourceReader | undefined>('ERESOURCE reader');
const LOCK_ENTRIES = cacheKey<LockEntryReader | undefined>('lock entry reader');
const MUTEXES = cacheKey<MutexReader>('fast mutex reader');
const TEB_STACK_FIELDS = cacheKey<TebStackFields | undefined>('TEB stack fields');

/** A ring as located: its name, address, element type and capacity. */
export type RingLocation = { name: RingName; address: Addr; element: TypeShape; capacity: number };

export class KernelReaders {
  constructor(readonly k: KernelContext) {}

  /** The per-run cache the readers live in; analysis keeps its own per-run indexes there too. */
  get cache(): RunCache {
    return this.k.cache;
  }

  get pointerSize(): number {
    return this.k.pointerSize;
  }

  // ---- tables read once per run ----

  /** Processes and their threads from the kernel lists. */
  processes(): ProcessTable {
    return this.cache.get(PROCESSES, () => readProcesses(this.k));
  }

  clock(): KernelClock {
    return this.cache.get(CLOCK, () => readClock(this.k));
  }

  processors(): ProcessorTable {
    return this.cache.get(PROCESSORS, () => readProcessors(this.k));
  }

  osVersion(): OsVersion | undefined {
    return readOsVersion(this.k);
  }

  // ---- readers, one per run (each getter: its type, and how it is built on first use) ----

  get dispatcher(): DispatcherReader { return this.cache.get(DISPATCHER, () => new DispatcherReader(this.k)); }
  get stacks(): StackReader { return this.cache.get(STACKS, () => new StackReader(this.k)); }
  get irps(): IrpReader { return this.cache.get(IRPS, () => new IrpReader(this.k)); }
  get lpcPorts(): LpcPortReader { return this.cache.get(LPC_PORTS, () => new LpcPortReader(this.k)); }
  get alpc(): AlpcReader { return this.cache.get(ALPC, () => new AlpcReader(this.k)); }
  get routineNames(): RoutineNames { return this.cache.get(ROUTINE_NAMES, () => new RoutineNames(this.k)); }
  get queuedLocks(): QueuedLockReader { return this.cache.get(QUEUED_LOCKS, () => new QueuedLockReader(this.k)); }
  /** Undefined when the symbols lack the resource types. */
  get resources(): ResourceReader | undefined { return this.cache.get(RESOURCES, () => ResourceReader.create(this.k)); }
  /** Undefined when this build's threads keep no lock entries. */
  get lockEntries(): LockEntryReader | undefined { return this.cache.get(LOCK_ENTRIES, () => LockEntryReader.create(this.k)); }
  get mutexes(): MutexReader { return this.cache.get(MUTEXES, () => new MutexReader(this.k, readOsVersion(this.k))); }

  /** A push lock's word, decoded (one read); undefined when unreadable. */
  pushLock(lock: Addr): PushLockWord | undefined {
    return readPushLock(this.k, lock);
  }

  // ---- per-thread facts, from the ETHREAD bytes already read (no read) unless said ----

  lpcFacts(thread: ThreadInfo): LpcThreadFacts | undefined {
    return lpcFacts(thread);
  }

  /** Who serves which LPC message, and whose LpcReplyChain entry sits where (built once per run). */
  lpcIndex(): LpcIndex {
    return this.cache.get(LPC_INDEX, () => buildLpcIndex(this.processes().threads));
  }

  alpcFacts(thread: ThreadInfo): AlpcThreadFacts | undefined {
    return alpcFacts(thread);
  }

  apcControls(thread: ThreadInfo): ApcControls {
    return apcControls(thread);
  }

  hasKernelApcs(thread: ThreadInfo): boolean {
    return hasKernelApcs(this.k, thread);
  }

  /** The thread's queued kernel-mode APCs (one read per APC). */
  kernelApcs(thread: ThreadInfo): ApcInfo[] {
    return readKernelApcs(this.k, thread);
  }

  /** The mutants each thread's own list says it owns (a bounded walk per thread). */
  walkMutantLists(threads: readonly ThreadInfo[], visit: (thread: ThreadInfo, mutant: Addr) => void): void {
    walkMutantLists(this.k, threads, visit);
  }

  /** How many arguments `kv` shows per frame (3 on x86, the 4 home slots on x64). */
  get kvArgumentCount(): number {
    return KV_ARGUMENTS[this.k.pointerSize as 4 | 8];
  }

  /** The first `count` arguments of a frame, as kv reads them (one read of the thread's stack). */
  frameArguments(thread: ThreadInfo, frame: FrameInfo, count = 1): Addr[] | undefined {
    return frameArguments(this.k, thread, frame, count);
  }

  /** One pointer-sized value of a process's user memory (one read); undefined when unreadable. */
  readUserPointer(process: ProcessInfo, address: Addr): Addr | undefined {
    const bytes = this.k.target.read(address, this.k.pointerSize, processContext(process));
    return bytes ? ptr(bytes, 0, this.k.pointerSize) : undefined;
  }

  /**
   * The user stack bounds a thread's TEB records (NT_TIB.StackBase/StackLimit), one read of the TEB in its
   * process; undefined for a thread without a user TEB, or when the TEB is unreadable (a kernel dump has no
   * user memory: expected there, not damage).
   */
  userStackBounds(thread: ThreadInfo): { base: Addr; limit: Addr } | undefined {
    const layout = this.tebLayout();
    const teb = thread.teb;
    if (!layout || !teb || isNull(teb) || isKernelAddress(teb, this.k.pointerSize)) return undefined;
    const bytes = this.k.target.read(teb, layout.span, processContext(thread.process));
    if (!bytes) return undefined;
    return { base: ptr(bytes, layout.base, this.k.pointerSize), limit: ptr(bytes, layout.limit, this.k.pointerSize) };
  }

  /** Where NT_TIB.StackBase/StackLimit sit in a TEB, and the bytes that cover both; undefined without _TEB. */
  tebLayout(): TebStackFields | undefined {
    return this.cache.get(TEB_STACK_FIELDS, () => tebStackFields(this.k));
  }

  /** The ERESOURCE a WrResource waiter's ExpWaitForResource* frame names (validated by the caller). */
  resourceFromWaitFrame(thread: ThreadInfo, frames: readonly FrameInfo[]): { resource: Addr; frame: string } | undefined {
    return resourceFromWaitFrame(this.k, thread, frames);
  }

  // ---- critical sections (user memory of the owning process) ----

  critSecTypes(): CritSecTypes | undefined {
    return critSecTypes(this.k);
  }

  isUserPointer(a: Addr | undefined): a is Addr {
    return isUserPointer(this.k, a);
  }

  criticalSection(address: Addr, process: ProcessInfo, probe = false): CriticalSection | undefined {
    return readCriticalSection(this.k, address, process, probe);
  }

  criticalSectionList(process: ProcessInfo): CritSecList {
    return readCriticalSectionList(this.k, process);
  }

  lockedSections(process: ProcessInfo, list: CritSecList, contendedOnly = false): CriticalSection[] {
    return lockedSections(this.k, process, list, contendedOnly);
  }

  debugInfoPointsBack(cs: CriticalSection): boolean {
    return debugInfoPointsBack(this.k, cs);
  }

  // ---- devnodes and driver rings (!ringdump) ----

  /** Every device node; `onRootUnreadable` hears of an unreadable root (not an empty tree). */
  allDevnodes(onRootUnreadable?: (root: Addr) => void): DevnodeInfo[] {
    return readAllDevnodes(this.k, onRootUnreadable);
  }

  devnode(address: Addr): DevnodeInfo | undefined {
    return readDevnode(this.k, address);
  }

  locateRing(req: ArrayRequest): Resolved<RingLocation> {
    return locateRing(this.k.target, req);
  }

  readRing(where: RingLocation): RingArray {
    return readRing(this.k.target, where);
  }

  readIndex(ref: Ref): Resolved<IndexVariable> {
    return readIndex(this.k.target, ref);
  }
}

function tebStackFields(k: KernelContext): TebStackFields | undefined {
  const teb = k.type('_TEB');
  const baseField = teb && teb.field('NtTib.StackBase');
  const limitField = teb && teb.field('NtTib.StackLimit');
  if (!teb || !baseField || !limitField) return undefined;
  return { base: baseField.offset, limit: limitField.offset, span: Math.max(baseField.offset + baseField.size, limitField.offset + limitField.size) };
}

/** Where NT_TIB.StackBase/StackLimit sit in a TEB, and the bytes that cover both. */
export interface TebStackFields {
  base: number;
  limit: number;
  span: number;
}
