// ETHREAD/KTHREAD decoding and wait blocks. Wait blocks form a ring through NextWaitBlock up to
// Windows 7 and an array of WaitBlockCount blocks from Windows 8; which one is probed from the
// symbols (_KWAIT_BLOCK.NextWaitBlock), never from a build number.
import { addrAdd, addrDiff, isNull, type Addr } from '../core/addr';
import { StructView } from '../core/struct';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import { walkChain } from './lists';
import type { ProcessInfo, ThreadInfo, WaitBlockInfo } from './model';

/** STATUS_TIMEOUT: the WaitKey of a thread's own timeout block. */
const TIMEOUT_WAIT_KEY = 0x102;
/** More wait blocks than this is damage (MAXIMUM_WAIT_OBJECTS is 64). */
const MAX_WAIT_BLOCKS = 65;

/**
 * ETHREAD members the analyses decode (the KTHREAD whole, then the ETHREAD's own): a thread is read up
 * to the last of them, about 60% of an x64 ETHREAD. Decoding any other member costs one more read.
 */
const DECODED_MEMBERS = ['Tcb', 'Cid', 'ThreadListEntry', 'CrossThreadFlags', 'Terminated', 'IrpList', 'AlpcMessage',
  'AlpcMessageId', 'AlpcWaitSemaphore', 'LpcReplyMessageId', 'LpcReceivedMessageId', 'LpcReceivedMsgIdValid',
  'LpcReplySemaphore', 'LpcWaitingOnPort', 'LpcReplyChain', 'LpcReplyMessage'];

export interface ThreadReader {
  ethread: TypeLayout;
  /** Bytes read per thread: through the last decoded member. */
  readSize: number;
  kthread: TypeLayout;
  waitBlock: TypeLayout;
  /** Offset of Tcb (the KTHREAD) inside the ETHREAD. */
  tcbOffset: number;
  ring: boolean;
}

export function threadReader(k: KernelContext): ThreadReader {
  const ethread = k.requireType('_ETHREAD');
  const kthread = k.requireType('_KTHREAD');
  const waitBlock = k.requireType('_KWAIT_BLOCK');
  const tcb = ethread.field('Tcb');
  let readSize = kthread.size + (tcb ? tcb.offset : 0);
  for (const name of DECODED_MEMBERS) {
    const f = ethread.field(name);
    if (f && f.offset + f.size > readSize) readSize = f.offset + f.size;
  }
  return {
    ethread,
    readSize: Math.min(readSize, ethread.size),
    kthread,
    waitBlock,
    tcbOffset: tcb ? tcb.offset : 0,
    ring: waitBlock.field('NextWaitBlock') !== undefined,
  };
}

/**
 * A thread as decoded. Its stack bounds are decoded on first use: most analyses never look at them, and
 * three 64-bit address strings per thread are a good share of a 100k-thread model.
 */
class ThreadRecord implements ThreadInfo {
  address: Addr;
  process: ProcessInfo;
  tid = 0;
  state = 'Unknown';
  waitReason = '';
  waitMode = 'KernelMode';
  alertable = false;
  waitTime = 0;
  kernelTime = 0;
  userTime = 0;
  priority = 0;
  basePriority = 0;
  waits: WaitBlockInfo[] = [];
  timedWait = false;
  terminated = false;
  stackResident: boolean | undefined;
  view: StructView;

  constructor(address: Addr, process: ProcessInfo, view: StructView) {
    this.address = address;
    this.process = process;
    this.view = view;
  }

  get stackBase(): Addr | undefined {
    return this.view.ptr('Tcb.StackBase');
  }

  get stackLimit(): Addr | undefined {
    return this.view.ptr('Tcb.StackLimit');
  }

  get kernelStack(): Addr | undefined {
    return this.view.ptr('Tcb.KernelStack');
  }
}

export function readThread(k: KernelContext, r: ThreadReader, address: Addr, process: ProcessInfo): ThreadInfo | undefined {
  const view = k.readStructPrefix(r.ethread, address, 'thread', r.readSize);
  if (!view) return undefined;
  const kt = new StructView(r.kthread, addrAdd(address, r.tcbOffset), view.bytes, k.pointerSize, r.tcbOffset);
  const stateValue = kt.num('State');
  const state = stateValue === undefined ? 'Unknown' : k.enumName('_KTHREAD_STATE', stateValue);
  const resident = kt.num('KernelStackResident');
  const thread = new ThreadRecord(address, process, view);
  thread.tid = view.num('Cid.UniqueThread') || 0;
  thread.state = state;
  thread.waitReason = k.enumName('_KWAIT_REASON', kt.num('WaitReason') || 0);
  thread.waitMode = (kt.num('WaitMode') || 0) === 0 ? 'KernelMode' : 'UserMode';
  thread.alertable = kt.num('Alertable') === 1;
  thread.waitTime = kt.num('WaitTime') || 0;
  thread.kernelTime = kt.num('KernelTime') || 0;
  thread.userTime = kt.num('UserTime') || 0;
  thread.priority = kt.num('Priority') || 0;
  thread.basePriority = kt.num('BasePriority') || 0;
  thread.terminated = state === 'Terminated' || view.num('Terminated') === 1;
  thread.stackResident = resident === undefined ? undefined : resident === 1;
  if (state === 'Waiting') readWaitBlocks(k, r, thread, kt);
  return thread;
}

function readWaitBlocks(k: KernelContext, r: ThreadReader, thread: ThreadInfo, kt: StructView): void {
  const first = kt.ptr('WaitBlockList');
  if (!first || isNull(first)) return;
  // The thread's own timeout block waits on KTHREAD.Timer: told by offset, no address string per thread.
  const timer = kt.layout.field('Timer');
  const blocks = r.ring ? ringBlocks(k, r, thread, first) : arrayBlocks(k, r, thread, kt, first);
  for (const b of blocks) {
    const object = b.ptr('Object');
    if (!object || isNull(object)) continue;
    const waitKey = b.num('WaitKey') || 0;
    if (waitKey === TIMEOUT_WAIT_KEY || (timer !== undefined && addrDiff(object, kt.address) === timer.offset)) {
      thread.timedWait = true;
      continue;
    }
    const block: WaitBlockInfo = { object, waitKey, waitType: b.num('WaitType') || 0 };
    thread.waits.push(block);
  }
}

/** A block inside the ETHREAD just read is decoded from those bytes; others cost one read. */
function blockAt(k: KernelContext, r: ThreadReader, thread: ThreadInfo, address: Addr, count = 1): StructView | undefined {
  const inside = addrDiff(address, thread.address);
  const size = r.waitBlock.size * count;
  if (inside !== undefined && inside >= 0 && inside + size <= thread.view.bytes.length) {
    return new StructView(r.waitBlock, address, thread.view.bytes, k.pointerSize, inside);
  }
  return k.readStruct(r.waitBlock, address, 'wait block', undefined, size);
}

/** The blocks of a NextWaitBlock ring, which closes on the first block (a NULL link ends it too): the one list walker, bounded. */
function ringBlocks(k: KernelContext, r: ThreadReader, thread: ThreadInfo, first: Addr): StructView[] {
  const out: StructView[] = [];
  walkChain(k, first, { list: 'wait-block-ring', owner: thread.address }, (at) => {
    const b = blockAt(k, r, thread, at);
    if (!b) return null;
    out.push(b);
    return b.ptr('NextWaitBlock') || '0';
  }, { end: first, cap: MAX_WAIT_BLOCKS, capIsDamage: true, cutKind: 'wait-block-ring-cut' });
  return out;
}

function arrayBlocks(k: KernelContext, r: ThreadReader, thread: ThreadInfo, kt: StructView, first: Addr): StructView[] {
  const declared = kt.num('WaitBlockCount');
  const count = declared === undefined ? 1 : declared;
  if (count === 0) return [];
  if (count > MAX_WAIT_BLOCKS) {
    k.warnings.add('wait-block-count-bad', { object: 'thread', address: thread.address, member: 'WaitBlockCount', value: count });
    return [];
  }
  const all = blockAt(k, r, thread, first, count);
  if (!all) return [];
  if (count === 1) return [all];
  const out: StructView[] = [];
  for (let i = 0; i < count; i++) {
    out.push(new StructView(r.waitBlock, addrAdd(first, i * r.waitBlock.size), all.bytes, k.pointerSize, all.base + i * r.waitBlock.size));
  }
  return out;
}
