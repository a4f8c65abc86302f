// Dispatcher objects a thread waits on: their kind from DISPATCHER_HEADER.Type named through this
// build's _KOBJECTS enum (renumbered in Windows 8.1, so never a constant), and mutant ownership.
import { isNull, type Addr } from '../core/addr';
import type { Bytes } from '../core/bytes';
import { StructView } from '../core/struct';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import { getOrRead } from '../core/runCache';

export type DispatcherKind =
  | 'NotificationEvent'
  | 'SynchronizationEvent'
  | 'Mutant'
  | 'Process'
  | 'Queue'
  | 'Semaphore'
  | 'Thread'
  | 'Gate'
  | 'NotificationTimer'
  | 'SynchronizationTimer'
  | 'Unknown';

const KIND_BY_ENUMERATOR: { [name: string]: DispatcherKind } = {
  EventNotificationObject: 'NotificationEvent',
  EventSynchronizationObject: 'SynchronizationEvent',
  MutantObject: 'Mutant',
  ProcessObject: 'Process',
  QueueObject: 'Queue',
  SemaphoreObject: 'Semaphore',
  ThreadObject: 'Thread',
  GateObject: 'Gate',
  TimerNotificationObject: 'NotificationTimer',
  TimerSynchronizationObject: 'SynchronizationTimer',
  Timer2NotificationObject: 'NotificationTimer',
  Timer2SynchronizationObject: 'SynchronizationTimer',
};

/** Kinds `remember` decodes from a header alone (a mutant's owner lies past an embedded event's bytes). */
const EMBEDDABLE = /^(NotificationEvent|SynchronizationEvent|Semaphore)$/;

export interface DispatcherObject {
  address: Addr;
  kind: DispatcherKind;
  /** The raw DISPATCHER_HEADER.Type and the enumerator it names in this build. */
  typeValue: number;
  typeName: string;
  signalState: number;
  /** Mutants: the owning KTHREAD (undefined when free), abandonment. */
  owner?: Addr;
  abandoned?: boolean;
}

export class DispatcherReader {
  private readonly cache = new Map<Addr, DispatcherObject | null>();
  /** Bound once: read() runs for every wait block. */
  private readonly decodeAt = (address: Addr) => this.decode(address);
  private readonly mutant: TypeLayout;

  constructor(private readonly k: KernelContext) {
    this.mutant = k.requireType('_KMUTANT');
  }

  /** Reads the object once (a mutant-sized read covers every header field and the owner). */
  read(address: Addr): DispatcherObject | undefined {
    return getOrRead(this.cache, address, this.decodeAt);
  }

  /**
   * Like read, for an address that may hold no object at all (an owner no thread list has): an
   * unreadable one is an answer, not damage, so it is not counted as a warning.
   */
  probe(address: Addr): DispatcherObject | undefined {
    return getOrRead(this.cache, address, () => {
      const bytes = this.k.target.read(address, this.mutant.size);
      return bytes ? this.decodeView(new StructView(this.mutant, address, bytes, this.k.pointerSize)) : undefined;
    });
  }

  /**
   * Caches an event or semaphore embedded in a structure already read (a Win10 wait-chain entry's
   * Event), so the waiter's wait on it costs no read of its own. `bytes[offset]` is the object's
   * header; anything whose header does not say event or semaphore is left to a read of its own.
   */
  remember(address: Addr, bytes: Bytes, offset: number): void {
    if (this.cache.has(address)) return;
    const object = this.decodeView(new StructView(this.mutant, address, bytes, this.k.pointerSize, offset));
    if (object && EMBEDDABLE.test(object.kind)) this.cache.set(address, object);
  }

  private decode(address: Addr): DispatcherObject | undefined {
    const v = this.k.readStruct(this.mutant, address, 'dispatcher object');
    return v && this.decodeView(v);
  }

  private decodeView(v: StructView): DispatcherObject | undefined {
    const address = v.address;
    const typeValue = v.num('Header.Type');
    if (typeValue === undefined) return undefined;
    const typeName = this.k.enumName('_KOBJECTS', typeValue);
    const kind = KIND_BY_ENUMERATOR[typeName] || 'Unknown';
    const object: DispatcherObject = { address, kind, typeValue, typeName, signalState: v.num('Header.SignalState') || 0 };
    if (kind === 'Mutant') {
      const owner = v.ptr('OwnerThread');
      object.owner = owner && !isNull(owner) ? owner : undefined;
      object.abandoned = v.num('Abandoned') === 1;
    }
    return object;
  }
}
