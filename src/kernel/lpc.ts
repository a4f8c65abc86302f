// Legacy LPC (XP/2003, docs/kernel-structures.md §LPC): what `!lpc message` and `!lpc thread` find by hand.
//
// A client in NtRequestWaitReplyPort records the message id in ETHREAD.LpcReplyMessageId, the port in
// LpcWaitingOnPort (tagged with bit 0, WRK lpcp.h LpcpSetPortToThread), links its LpcReplyChain into the
// rundown port's LpcReplyChainHead and waits on the LpcReplySemaphore inside its own ETHREAD. A server
// that took the message off the port's MsgQueue.ReceiveHead records its id in LpcReceivedMessageId,
// which shares storage with Win32StartAddress and is only meaningful while LpcReceivedMsgIdValid is set.
// Thread facts are decoded from the ETHREAD bytes already read; ports are read on demand, once each.
import { addrAnd, addrClearLow, isNull, type Addr } from '../core/addr';
import type { StructView } from '../core/struct';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import { headLinks, type Visited, walkList } from './lists';
import type { ThreadInfo } from './model';
import { ethreadView } from './threads';
import { getOrBuild, getOrRead } from '../core/runCache';

/** LpcWaitingOnPort tag bits (WRK lpcp.h): bit 0 = the union holds a port (else the reply message), bit 1 = no impersonation. */
const LPCP_PORT_BIT = 1;
const LPCP_THREAD_ATTRIBUTES = 3;
/** A port queue longer than this is reported as "at least" (each queued message costs one read). */
export const LPC_QUEUE_WALK_CAP = 1024;

export interface LpcThreadFacts {
  /** The message the thread waits a reply to; 0 = none. */
  replyMessageId: number;
  /** The message the thread serves; undefined unless LpcReceivedMsgIdValid says the shared storage holds an id. */
  receivedMessageId: number | undefined;
  /** Address of the LpcReplySemaphore inside this ETHREAD (what a client waits on). */
  replySemaphore: Addr | undefined;
  waitingOn: WaitingOnPort;
  /** Address of this thread's LpcReplyChain entry and its Flink. */
  replyChain: Addr | undefined;
  replyChainFlink: Addr | undefined;
}

/** What the LpcWaitingOnPort / LpcReplyMessage union holds. */
export type WaitingOnPort =
  | { kind: 'none' }
  /** Tagged with LPCP_PORT_BIT: certainly a port. */
  | { kind: 'port'; port: Addr }
  /** Untagged: the reply message on kernels that tag ports, or a port on kernels (or images) that do not. */
  | { kind: 'untagged'; pointer: Addr };

export function decodeWaitingOnPort(value: Addr | undefined): WaitingOnPort {
  if (value === undefined || isNull(value)) return { kind: 'none' };
  const pointer = addrClearLow(value, LPCP_THREAD_ATTRIBUTES);
  if (isNull(pointer)) return { kind: 'none' };
  return addrAnd(value, LPCP_PORT_BIT) ? { kind: 'port', port: pointer } : { kind: 'untagged', pointer };
}


/** True when this build has the legacy LPC thread fields (XP/2003). */
export function hasLegacyLpc(view: StructView): boolean {
  return view.has('LpcReplyMessageId');
}

export function lpcFacts(thread: ThreadInfo): LpcThreadFacts | undefined {
  const v = ethreadView(thread);
  if (!hasLegacyLpc(v)) return undefined;
  let received: number | undefined;
  if (v.has('LpcReceivedMessageId')) {
    // Without the valid bit in the symbols the storage cannot be told from Win32StartAddress: trust it (no such build known).
    const valid = v.has('LpcReceivedMsgIdValid') ? v.num('LpcReceivedMsgIdValid') === 1 : true;
    const id = v.num('LpcReceivedMessageId');
    if (valid && id) received = id;
  }
  return {
    replyMessageId: v.num('LpcReplyMessageId') || 0,
    receivedMessageId: received,
    replySemaphore: v.addressOf('LpcReplySemaphore'),
    waitingOn: decodeWaitingOnPort(v.ptr('LpcWaitingOnPort')),
    replyChain: v.addressOf('LpcReplyChain'),
    replyChainFlink: v.ptr('LpcReplyChain.Flink'),
  };
}

/** Built once per run: who serves which message, and whose LpcReplyChain entry sits where. */
export interface LpcIndex {
  servers: Map<number, ThreadInfo[]>;
  /** LpcReplyChain entry address -> its thread (to tell thread entries from the port's list head). */
  chainOwners: Map<Addr, ThreadInfo>;
}

export function buildLpcIndex(threads: readonly ThreadInfo[]): LpcIndex {
  const index: LpcIndex = { servers: new Map(), chainOwners: new Map() };
  for (const t of threads) {
    const f = lpcFacts(t);
    if (!f) return index; // one build per dump: no legacy fields on one thread means none on any
    if (f.receivedMessageId !== undefined) {
      getOrBuild(index.servers, f.receivedMessageId, () => []).push(t);
    }
    if (f.replyChain) index.chainOwners.set(f.replyChain, t);
  }
  return index;
}

/**
 * `!lpc thread`'s rundown-queue search without a read: follow the client's LpcReplyChain through the
 * entries of other known threads; the first entry that belongs to no thread is the port's
 * LpcReplyChainHead. `nextOf(entry)` gives a thread entry's Flink, or undefined when no thread owns it.
 */
export function replyChainHead(
  own: Addr,
  first: Addr | undefined,
  nextOf: (entry: Addr) => Addr | undefined,
  isOwned: (entry: Addr) => boolean,
  plausible: (a: Addr | undefined) => a is Addr,
  cap: number,
): Addr | undefined {
  let entry = first;
  for (let i = 0; i <= cap; i++) {
    if (!plausible(entry) || entry === own) return undefined; // never linked, or a ring of threads without a head
    if (!isOwned(entry)) return entry;
    entry = nextOf(entry);
  }
  return undefined;
}

/** A server port as the dead-end text needs it. */
export interface LpcPortInfo {
  /** The connection port (where the queue is and who the server is). */
  connectionPort: Addr;
  serverProcess: Addr | undefined;
}

export interface LpcQueue {
  count: number;
  /** The walk stopped at the cap or at a bad link: count is a lower bound. */
  cut: boolean;
  ids: Set<number>;
}

/** Port objects and their queues, each read once per run. */
export class LpcPortReader {
  private readonly port: TypeLayout | undefined;
  private readonly message: TypeLayout | undefined;
  private readonly views = new Map<Addr, StructView | null>();
  private readonly queues = new Map<Addr, LpcQueue>();

  constructor(private readonly k: KernelContext) {
    this.port = k.type('_LPCP_PORT_OBJECT');
    this.message = k.type('_LPCP_MESSAGE');
  }

  /** The port named by a client, resolved to its connection port; `strict` also requires the connection port to point at itself (as LpcpCreatePort sets it), for untagged pointers that may be a message. */
  resolve(port: Addr, strict: boolean): LpcPortInfo | undefined {
    const view = this.view(port);
    if (!view) return undefined;
    const connectionPort = view.ptr('ConnectionPort');
    if (!this.k.plausible(connectionPort)) return undefined;
    const connection = connectionPort === port ? view : this.view(connectionPort);
    if (!connection) return undefined;
    if (strict && connection.ptr('ConnectionPort') !== connectionPort) return undefined;
    const server = connection.ptr('ServerProcess');
    return { connectionPort, serverProcess: this.k.plausible(server) ? server : undefined };
  }

  /** The port whose LpcReplyChainHead is at `head`. */
  portOfReplyChainHead(head: Addr): Addr | undefined {
    return this.port && this.port.field('LpcReplyChainHead') ? this.k.containing(head, this.port, 'LpcReplyChainHead') : undefined;
  }

  /**
   * The messages queued on a port's MsgQueue.ReceiveHead: one read per message, bounded. Messages past a
   * smashed link are recovered backwards through Blink (kernel/lists.ts); the count stays "at least" then.
   */
  queue(portAddress: Addr): LpcQueue | undefined {
    const cached = this.queues.get(portAddress);
    if (cached) return cached;
    const view = this.view(portAddress);
    const head = view && view.addressOf('MsgQueue.ReceiveHead');
    const links = view && headLinks(view, 'MsgQueue.ReceiveHead');
    if (!view || !head || !links) return undefined;
    const q: LpcQueue = { count: 0, cut: false, ids: new Set() };
    const walk = walkList(this.k, head, { list: 'lpc-message-queue', owner: portAddress }, (entry) => {
      q.count++;
      return this.messageAt(entry, q);
    }, { links, cap: LPC_QUEUE_WALK_CAP });
    // Long (the cap), or damaged: the text says "at least".
    q.cut = !walk.closed;
    this.queues.set(portAddress, q);
    return q;
  }

  /** Reads the queued _LPCP_MESSAGE whose Entry is at `entry`; records its id, returns its links (null: unreadable). */
  private messageAt(entry: Addr, q: LpcQueue): Visited {
    // No message type in the symbols: still count, from the links alone (the walker reads them).
    if (!this.message || !this.message.field('Entry')) return undefined;
    const m = this.k.readStruct(this.message, this.k.containing(entry, this.message, 'Entry'), 'LPC message');
    if (!m) return null;
    const id = m.num('Request.MessageId');
    if (id) q.ids.add(id);
    return headLinks(m, 'Entry') || null;
  }

  private view(address: Addr): StructView | undefined {
    const port = this.port;
    if (!port) return undefined;
    return getOrRead(this.views, address, () => this.k.readStruct(port, address, 'LPC port'));
  }
}
