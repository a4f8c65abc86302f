// ALPC (Vista+, docs/kernel-structures.md §ALPC): what `!alpc /m` and `!alpc /p` show by hand.
//
// A client waiting for a reply (WrLpcReply) waits on the AlpcWaitSemaphore inside its own ETHREAD;
// ETHREAD.AlpcMessage points at the _KALPC_MESSAGE it sent (AlpcMessageId = its PortMessage.MessageId).
// The message names its WaitingThread (the client), the ServerThread working on it (NULL while it is
// still on the port's MainQueue) and the port it is queued on (PortQueue, owned by the server process).
// A port keeps its queue depths itself (MainQueueLength, PendingQueueLength, WaitQueueLength): no walk.
// Thread facts come from the ETHREAD bytes already read; a message and a port cost one read each, once.
import { isNull, type Addr } from '../core/addr';
import type { StructView } from '../core/struct';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import type { ThreadInfo } from './model';
import { ethreadView } from './threads';
import { getOrRead } from '../core/runCache';

export interface AlpcThreadFacts {
  /** ETHREAD.AlpcMessage (shares storage with AlpcReceiveAttributeSet: only a message while waiting for a reply). */
  message: Addr | undefined;
  messageId: number;
  /** Address of the AlpcWaitSemaphore inside this ETHREAD. */
  waitSemaphore: Addr | undefined;
}

export function hasAlpc(view: StructView): boolean {
  return view.has('AlpcMessage');
}

export function alpcFacts(thread: ThreadInfo): AlpcThreadFacts | undefined {
  const v = ethreadView(thread);
  if (!hasAlpc(v)) return undefined;
  const message = v.ptr('AlpcMessage');
  return {
    message: message && !isNull(message) ? message : undefined,
    messageId: v.num('AlpcMessageId') || 0,
    waitSemaphore: v.addressOf('AlpcWaitSemaphore'),
  };
}

export interface AlpcMessageInfo {
  address: Addr;
  id: number;
  waitingThread: Addr | undefined;
  serverThread: Addr | undefined;
  /** The port the message is queued on (QueuePort in `!alpc /m`), else its connection port. */
  queuePort: Addr | undefined;
  ownerPort: Addr | undefined;
}

export interface AlpcPortInfo {
  address: Addr;
  ownerProcess: Addr | undefined;
  /** Messages nobody has picked up yet. */
  mainQueueLength: number;
  /** Messages received and not yet answered. */
  pendingQueueLength: number;
  /** Server threads waiting to receive on the port. */
  waitQueueLength: number;
}

/** Messages and ports, each read once per run. */
export class AlpcReader {
  private readonly messageType: TypeLayout | undefined;
  private readonly portType: TypeLayout | undefined;
  private readonly messages = new Map<Addr, AlpcMessageInfo | null>();
  private readonly ports = new Map<Addr, AlpcPortInfo | null>();

  constructor(private readonly k: KernelContext) {
    this.messageType = k.type('_KALPC_MESSAGE');
    this.portType = k.type('_ALPC_PORT');
  }

  get hasMessageType(): boolean {
    return this.messageType !== undefined;
  }

  message(address: Addr): AlpcMessageInfo | undefined {
    return getOrRead(this.messages, address, () => this.readMessage(address));
  }

  port(address: Addr): AlpcPortInfo | undefined {
    return getOrRead(this.ports, address, () => this.readPort(address));
  }

  private readMessage(address: Addr): AlpcMessageInfo | undefined {
    if (!this.messageType) return undefined;
    const v = this.k.readStruct(this.messageType, address, 'ALPC message');
    if (!v) return undefined;
    const p = (field: string) => {
      const a = v.ptr(field);
      return this.k.plausible(a) ? a : undefined;
    };
    return {
      address,
      id: v.num('PortMessage.MessageId') || 0,
      waitingThread: p('WaitingThread'),
      serverThread: p('ServerThread'),
      queuePort: p('PortQueue') || p('ConnectionPort'),
      ownerPort: p('OwnerPort'),
    };
  }

  private readPort(address: Addr): AlpcPortInfo | undefined {
    if (!this.portType) return undefined;
    const v = this.k.readStruct(this.portType, address, 'ALPC port');
    if (!v) return undefined;
    const owner = v.ptr('OwnerProcess');
    return {
      address,
      ownerProcess: this.k.plausible(owner) ? owner : undefined,
      mainQueueLength: v.num('MainQueueLength') || 0,
      pendingQueueLength: v.num('PendingQueueLength') || 0,
      waitQueueLength: v.num('WaitQueueLength') || 0,
    };
  }
}

/** Whether a message still belongs to the wait of `thread`: a recycled message names another waiter or id. */
export function messageBelongsTo(message: Pick<AlpcMessageInfo, 'waitingThread' | 'id'>, thread: Addr, threadMessageId: number): boolean {
  if (message.waitingThread !== undefined && message.waitingThread !== thread) return false;
  if (threadMessageId && message.id && threadMessageId !== message.id) return false;
  return true;
}
