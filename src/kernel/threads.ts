// ETHREAD/KTHREAD decoding and wait blocks. Wait blocks form a ring through NextWaitBlock up to
// Windows 7 and an array of WaitBlockCount blocks from Windows 8; which one is probed from the
// symbols (_KWAIT_BLOCK.NextWaitBlock), never from a build number.
import { addrAdd, addrDiff, isNull, type Addr } from '../core/addr';
import { StructView } from '../core/struct';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import { headLinks, walkChain, walkList } from './lists';
import { THREAD_STATES, WAIT_REASONS, type ProcessInfo, type ThreadInfo, type ThreadState, type WaitBlockInfo, type WaitReason } from './model';

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

/**
 * A thread as kernel/ holds it: the facts, and the ETHREAD bytes they were decoded from. The bytes stay
 * inside kernel/ (readers decode more members from them without another read); analysis gets facts.
 */
export interface KernelThread extends ThreadInfo {
  readonly view: StructView;
}

/** The ETHREAD bytes a thread was decoded from (kernel/ only). */
export function ethreadView(thread: ThreadInfo): StructView {
  return (thread as KernelThread).view;
}

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
class ThreadRecord implements KernelThread {
  address: Addr;
  process: ProcessInfo;
  tid = 0;
  state: ThreadState;
  waitReason: WaitReason;
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

  constructor(address: Addr, process: ProcessInfo, view: StructView, state: ThreadState, waitReason: WaitReason) {
    this.address = address;
    this.process = process;
    this.view = view;
    this.state = state;
    this.waitReason = waitReason;
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

  /** Win10 splits NextProcessor into the number and a flag bit: the narrower field first. */
  get claimedProcessor(): number | undefined {
    const number = this.view.num('Tcb.NextProcessorNumber');
    return number !== undefined ? number : this.view.num('Tcb.NextProcessor');
  }

  get teb(): Addr | undefined {
    return this.view.ptr('Tcb.Teb');
  }
}

const KNOWN_STATES: ReadonlySet<string> = new Set(THREAD_STATES);
const KNOWN_WAIT_REASONS: ReadonlySet<string> = new Set(WAIT_REASONS);

function isKnownState(name: string): name is (typeof THREAD_STATES)[number] {
  return KNOWN_STATES.has(name);
}

function isKnownWaitReason(name: string): name is (typeof WAIT_REASONS)[number] {
  return KNOWN_WAIT_REASONS.has(name);
}

/** The state's enumerator name in this build, `#<n>` when it names none waitchain knows. */
export function threadState(k: KernelContext, value: number): ThreadState {
  const name = k.enumName('_KTHREAD_STATE', value);
  return isKnownState(name) ? name : `#${value}`;
}

/** The wait reason's enumerator name in this build, `#<n>` when it names none waitchain knows. */
export function waitReason(k: KernelContext, value: number): WaitReason {
  const name = k.enumName('_KWAIT_REASON', value);
  return isKnownWaitReason(name) ? name : `#${value}`;
}

export function readThread(k: KernelContext, r: ThreadReader, address: Addr, process: ProcessInfo): ThreadInfo | undefined {
  const view = k.readStructPrefix(r.ethread, address, 'thread', r.readSize);
  if (!view) return undefined;
  const kt = new StructView(r.kthread, addrAdd(address, r.tcbOffset), view.bytes, k.pointerSize, r.tcbOffset);
  const stateValue = kt.num('State');
  const state = stateValue === undefined ? 'Unknown' : threadState(k, stateValue);
  const resident = kt.num('KernelStackResident');
  const thread = new ThreadRecord(address, process, view, state, waitReason(k, kt.num('WaitReason') || 0));
  thread.tid = view.num('Cid.UniqueThread') || 0;
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

function readWaitBlocks(k: KernelContext, r: ThreadReader, thread: KernelThread, kt: StructView): void {
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
function blockAt(k: KernelContext, r: ThreadReader, thread: KernelThread, address: Addr, count = 1): StructView | undefined {
  const inside = addrDiff(address, thread.address);
  const size = r.waitBlock.size * count;
  if (inside !== undefined && inside >= 0 && inside + size <= thread.view.bytes.length) {
    return new StructView(r.waitBlock, address, thread.view.bytes, k.pointerSize, inside);
  }
  return k.readStruct(r.waitBlock, address, 'wait block', undefined, size);
}

/** The blocks of a NextWaitBlock ring, which closes on the first block (a NULL link ends it too): the one list walker, bounded. */
function ringBlocks(k: KernelContext, r: ThreadReader, thread: KernelThread, first: Addr): StructView[] {
  const out: StructView[] = [];
  walkChain(k, first, { list: 'wait-block-ring', owner: thread.address }, (at) => {
    const b = blockAt(k, r, thread, at);
    if (!b) return null;
    out.push(b);
    return b.ptr('NextWaitBlock') || '0';
  }, { end: first, cap: MAX_WAIT_BLOCKS, capIsDamage: true, cutKind: 'wait-block-ring-cut' });
  return out;
}

function arrayBlocks(k: KernelContext, r: ThreadReader, thread: KernelThread, kt: StructView, first: Addr): StructView[] {
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

/**
 * The mutants on each thread's KTHREAD.MutantListHead (the mutants it owns), by a bounded walk whose head
 * links come from the bytes already read. Nothing when this build's _KMUTANT has no MutantListEntry.
 */
export function walkMutantLists(k: KernelContext, threads: readonly ThreadInfo[], visit: (thread: ThreadInfo, mutant: Addr) => void): void {
  const mutantType = k.type('_KMUTANT');
  if (!mutantType || !mutantType.field('MutantListEntry')) return;
  for (const t of threads) {
    const view = ethreadView(t);
    const head = view.addressOf('Tcb.MutantListHead');
    const first = view.ptr('Tcb.MutantListHead.Flink');
    if (!head || !first || isNull(first) || first === head) continue;
    walkList(k, head, { list: 'mutant-list', owner: t.address }, (entry) => {
      visit(t, k.containing(entry, mutantType, 'MutantListEntry'));
      return undefined;
    }, { links: headLinks(view, 'Tcb.MutantListHead') });
  }
}
