// Executive resources (ERESOURCE), indexed once per run from nt!ExpSystemResourcesList, as !locks
// finds them: owners (exclusive, shared, the owner table), waiter counters, and which waiter object
// leads to which resource. Up to 8.1 the waiters wait on the resource's ExclusiveWaiters KEVENT /
// SharedWaiters KSEMAPHORE; builds with _KWAIT_CHAIN_ENTRY (Win10+) head NULL-terminated chains of
// entries on the waiters' own stacks there instead, each with the waiting thread and the event it
// waits on. Which of the two a field holds is probed from its type, never from a build number.
import { isRoutine } from '../core/symbolName';
import { addrAdd, addrAnd, addrClearLow, isNull, type Addr } from '../core/addr';
import { StructView } from '../core/struct';
import type { FrameInfo, TypeLayout } from '../core/target';
import type { ListRef } from '../core/warnings';
import type { KernelContext } from './context';
import type { DispatcherReader } from './dispatcher';
import { frameArguments } from './frames';
import { headLinks, walkChain, walkList } from './lists';
import type { ThreadInfo } from './model';

/** ERESOURCE.Flag value (WDK ResourceOwnedExclusive): a documented flag, not an offset. */
const RESOURCE_OWNED_EXCLUSIVE = 0x80;
/** ERESOURCE_THREAD values with both low bits set are owner pointers (ExSetResourceOwnerPointer), not threads. */
const OWNER_POINTER_TAG = 3;
/** More owner-table entries than this is damage (one per concurrent shared owner). */
const MAX_OWNER_TABLE = 4096;
/** Bound on one waiter chain (a waiter has one entry on its stack; more than this is a corrupt chain). */
const MAX_CHAIN_ENTRIES = 65536;

export type ResourceMode = 'exclusive' | 'shared';

export interface ResourceOwner {
  /** The ERESOURCE_THREAD as recorded: a KTHREAD, or an owner pointer (`& 3 == 3`). */
  value: Addr;
  ownerPointer: boolean;
  /** The thread to try: the value itself, or `value & ~3` for an owner pointer (!locks' "Actual Thread"). */
  thread: Addr;
  /** Acquisition (recursion) count of this owner. */
  count: number;
  mode: ResourceMode;
}

export interface ResourceInfo {
  address: Addr;
  exclusive: boolean;
  activeCount: number;
  contentionCount: number;
  exclusiveWaiters: number;
  sharedWaiters: number;
  owners: ResourceOwner[];
  /** Why the owners may be incomplete (unreadable owner table...). */
  damage?: OwnerTableDamage;
}

/** What is wrong with an ERESOURCE's owner table (OwnerTable), when its shared owners may be missing. */
export type OwnerTableDamage =
  | { kind: 'bad-pointer'; table: Addr }
  | { kind: 'unreadable' }
  | { kind: 'implausible-size'; size: number };

export interface WaiterLink {
  resource: ResourceInfo;
  mode: ResourceMode;
}

export interface ResourceIndex {
  /** Resources that are held or waited on (ActiveCount 0 without waiters is skipped, as !locks does without -d). */
  byAddress: Map<Addr, ResourceInfo>;
  /** Waiter object -> resource: the ExclusiveWaiters event / SharedWaiters semaphore, or a wait-chain entry's Event. */
  byWaitObject: Map<Addr, WaiterLink>;
  /** Wait-chain builds: waiting thread -> resource, from the chain entries' Thread. */
  byWaiterThread: Map<Addr, WaiterLink>;
}

/** An ERESOURCE_THREAD: a KTHREAD, or an owner pointer (`& 3 == 3`) whose cleared value is what !locks calls the actual thread. */
export function decodeOwnerValue(value: Addr): { ownerPointer: boolean; thread: Addr } {
  const ownerPointer = addrAnd(value, OWNER_POINTER_TAG) === OWNER_POINTER_TAG;
  return { ownerPointer, thread: ownerPointer ? addrClearLow(value, OWNER_POINTER_TAG) : value };
}

export class ResourceReader {
  readonly eresource: TypeLayout;
  private readonly owner: TypeLayout;
  private readonly chainEntry: TypeLayout | undefined;

  private constructor(
    private readonly k: KernelContext,
    eresource: TypeLayout,
    owner: TypeLayout,
  ) {
    this.eresource = eresource;
    this.owner = owner;
    this.chainEntry = k.type('_KWAIT_CHAIN_ENTRY');
  }

  /** Undefined when the symbols lack the resource types (then no resource edges, never an exception). */
  static create(k: KernelContext): ResourceReader | undefined {
    const eresource = k.type('_ERESOURCE');
    const owner = k.type('_OWNER_ENTRY');
    if (!eresource || !owner || !eresource.field('SystemResourcesList')) {
      k.warnings.add('resource-lists-missing', { reason: 'resource-types-missing' });
      return undefined;
    }
    return new ResourceReader(k, eresource, owner);
  }

  /**
   * Walks nt!ExpSystemResourcesList once: one read per ERESOURCE, one per owner table, one per wait-chain entry.
   * A wait-chain entry holds the event its thread waits on: `dispatcher` learns it from the entry's bytes.
   */
  buildIndex(dispatcher?: DispatcherReader): ResourceIndex {
    const k = this.k;
    const index: ResourceIndex = { byAddress: new Map(), byWaitObject: new Map(), byWaiterThread: new Map() };
    const head = k.symbol('ExpSystemResourcesList');
    if (!head) {
      k.warnings.add('resource-lists-missing', { reason: 'system-resources-list-missing' });
      return index;
    }
    walkList(k, head, { list: 'system-resources-list' }, (entry) => {
      const address = k.containing(entry, this.eresource, 'SystemResourcesList');
      const view = k.readStruct(this.eresource, address, 'ERESOURCE');
      if (!view) return null;
      const info = this.decode(view);
      if (info.activeCount !== 0 || info.exclusiveWaiters !== 0 || info.sharedWaiters !== 0) {
        index.byAddress.set(address, info);
        this.indexWaiters(view, info, index, dispatcher);
      }
      return headLinks(view, 'SystemResourcesList');
    });
    return index;
  }

  /** One resource not found on the list (e.g. recovered from a waiter's stack); undefined when unreadable. */
  read(address: Addr): ResourceInfo | undefined {
    const view = this.k.readStruct(this.eresource, address, 'ERESOURCE');
    if (!view) return undefined;
    // An initialised resource is always linked on the system list: an unlinked one is not an ERESOURCE.
    if (!this.k.plausible(view.ptr('SystemResourcesList.Flink')) || (view.num('ActiveCount') || 0) < 0) {
      this.k.warnings.add('resource-not-valid', { object: 'ERESOURCE', address });
      return undefined;
    }
    return this.decode(view);
  }

  decode(view: StructView): ResourceInfo {
    // Win10 splits Flag into ReservedLowFlags (still carrying 0x80) and WaiterPriority: probe the narrow field first.
    const flag = view.has('ReservedLowFlags') ? view.num('ReservedLowFlags') : view.num('Flag');
    const info: ResourceInfo = {
      address: view.address,
      exclusive: ((flag || 0) & RESOURCE_OWNED_EXCLUSIVE) !== 0,
      activeCount: view.num('ActiveCount') || 0,
      contentionCount: view.num('ContentionCount') || 0,
      exclusiveWaiters: view.num('NumberOfExclusiveWaiters') || 0,
      sharedWaiters: view.num('NumberOfSharedWaiters') || 0,
      owners: [],
    };
    if (info.activeCount === 0 && !info.exclusive) return info;
    // XP keeps OwnerThreads[2] ([0] exclusive owner, [1] first shared owner); later builds one OwnerEntry for both.
    const first = view.has('OwnerThreads') ? this.element(view, 'OwnerThreads', info.exclusive ? 0 : 1) : view.sub('OwnerEntry', this.owner);
    if (first) this.addOwner(info, first);
    if (info.exclusive) return info;
    const table = view.ptr('OwnerTable');
    if (table && !isNull(table)) this.readOwnerTable(info, table);
    return info;
  }

  private element(view: StructView, field: string, i: number): StructView | undefined {
    const f = view.layout.field(field);
    if (!f || f.elementSize === undefined || f.count === undefined || i >= f.count) return undefined;
    const at = f.offset + i * f.elementSize;
    return new StructView(this.owner, addrAdd(view.address, at), view.bytes, this.k.pointerSize, view.base + at);
  }

  private addOwner(info: ResourceInfo, entry: StructView): void {
    const value = entry.ptr('OwnerThread');
    if (!value || isNull(value)) return;
    const owner = decodeOwnerValue(value);
    if (owner.ownerPointer) {
      this.k.warnings.add('owner-entry-not-thread', { object: 'ERESOURCE', address: info.address, value });
    }
    info.owners.push({ value, ...owner, count: entry.num('OwnerCount') || 0, mode: info.exclusive ? 'exclusive' : 'shared' });
  }

  /** Entry 0's TableSize is the number of entries; owners are in entries 1..TableSize-1 (read in one piece). */
  private readOwnerTable(info: ResourceInfo, table: Addr): void {
    const k = this.k;
    if (!k.plausible(table)) {
      info.damage = { kind: 'bad-pointer', table };
      k.warnings.add('resource-owner-table-unreadable', { object: 'ERESOURCE', address: info.address, member: 'OwnerTable', value: table, reason: 'owner-table-pointer-bad' });
      return;
    }
    const head = k.readStruct(this.owner, table, 'ERESOURCE owner table');
    if (!head) {
      info.damage = { kind: 'unreadable' };
      return;
    }
    const size = head.num('TableSize') || 0;
    if (size <= 1) return;
    if (size > MAX_OWNER_TABLE) {
      info.damage = { kind: 'implausible-size', size };
      k.warnings.add('resource-owner-table-unreadable', { object: 'ERESOURCE', address: info.address, member: 'TableSize', value: size, reason: 'owner-table-size-implausible' });
      return;
    }
    const esize = this.owner.size;
    const rest = k.readStruct(this.owner, addrAdd(table, esize), 'ERESOURCE owner table', undefined, esize * (size - 1));
    if (!rest) {
      info.damage = { kind: 'unreadable' };
      return;
    }
    for (let i = 0; i < size - 1; i++) {
      this.addOwner(info, new StructView(this.owner, addrAdd(rest.address, i * esize), rest.bytes, k.pointerSize, i * esize));
    }
  }

  private indexWaiters(view: StructView, info: ResourceInfo, index: ResourceIndex, dispatcher: DispatcherReader | undefined): void {
    this.indexWaiterField(view, 'ExclusiveWaiters', { resource: info, mode: 'exclusive' }, index, dispatcher);
    this.indexWaiterField(view, 'SharedWaiters', { resource: info, mode: 'shared' }, index, dispatcher);
  }

  private indexWaiterField(view: StructView, field: string, link: WaiterLink, index: ResourceIndex, dispatcher: DispatcherReader | undefined): void {
    const value = view.ptr(field);
    if (!value || isNull(value)) return;
    if (!this.headsWaitChain(field)) {
      index.byWaitObject.set(value, link);
      return;
    }
    this.indexWaitChain(value, link, index, dispatcher);
  }

  /**
   * A field typed as the dispatcher object (KEVENT* / KSEMAPHORE*) is waited on directly. A _KWAIT_CHAIN or an
   * untyped pointer heads a wait chain where the build has _KWAIT_CHAIN_ENTRY (10240 types only SharedWaiters as
   * a chain, later builds both as PVOID).
   */
  private headsWaitChain(field: string): boolean {
    if (!this.chainEntry) return false;
    const f = this.eresource.field(field);
    return !!f && !/KEVENT|KSEMAPHORE/i.test(f.typeName);
  }

  private indexWaitChain(first: Addr, link: WaiterLink, index: ResourceIndex, dispatcher: DispatcherReader | undefined): void {
    const k = this.k;
    const layout = this.chainEntry!;
    const list: ListRef = { list: 'resource-wait-chain', owner: link.resource.address, mode: link.mode };
    walkChain(k, first, list, (at) => {
      const entry = k.readStruct(layout, at, 'wait-chain entry');
      if (!entry) return null;
      const event = entry.addressOf('Event');
      if (event) {
        index.byWaitObject.set(event, link);
        // A header past the entry's bytes decodes as nothing and is left to a read of its own.
        if (dispatcher) dispatcher.remember(event, entry.bytes, entry.base + layout.field('Event')!.offset);
      }
      const thread = entry.ptr('Thread');
      if (thread && !isNull(thread)) index.byWaiterThread.set(thread, link);
      // ListEntry is a _LIST_ENTRY on most builds, a _SINGLE_LIST_ENTRY on 14393 (probed by name).
      return entry.ptr('ListEntry.Flink') || entry.ptr('ListEntry.Next') || '0';
    }, { cap: MAX_CHAIN_ENTRIES, capIsDamage: true });
  }
}

/** The kernel's resource wait routines (compared through core/symbolName: x86 `_ExpWaitForResource@8`, any kernel image name). */
const EXP_WAIT_FOR_RESOURCE = ['ExpWaitForResource', 'ExpWaitForResourceDdk', 'ExpWaitForResourceExclusive', 'ExpWaitForResourceShared'];

/**
 * The resource a WrResource waiter wants: the first argument of its nt!ExpWaitForResource* frame, as kv reads it
 * (frames.ts; on x64 the home slot holds it only when the function spilled it, so the caller validates the resource).
 */
export function resourceFromWaitFrame(k: KernelContext, thread: ThreadInfo, frames: readonly FrameInfo[]): { resource: Addr; frame: string } | undefined {
  const frame = frames.find((f) => isRoutine(f.text, 'nt', EXP_WAIT_FOR_RESOURCE));
  if (!frame) return undefined;
  const args = frameArguments(k, thread, frame, 1);
  const resource = args && args[0];
  return k.plausible(resource) ? { resource, frame: frame.text } : undefined;
}
