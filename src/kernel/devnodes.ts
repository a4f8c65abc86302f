// PnP device nodes and the state-history ring each one keeps (docs/kernel-structures.md §Devnode state history):
// `_DEVICE_NODE.StateHistory[20]` with `StateHistoryEntry` as the NEXT slot to write. One read per
// devnode (plus its InstancePath buffer); the tree from nt!IopRootDeviceNode is walked through
// Child/Sibling with a visited set and a cap.
import { addrAdd, isNull, type Addr } from '../core/addr';
import { ptr, uint, utf16 } from '../core/bytes';
import type { StructView } from '../core/struct';
import { TargetUnsupported, type TypeLayout } from '../core/target';
import type { ListRef } from '../core/warnings';
import type { KernelContext } from './context';
import { LinkGuard } from './lists';

/** More device nodes than any real machine has: a corrupt tree is cut here. */
export const DEVNODE_WALK_CAP = 20000;
const MAX_PATH_BYTES = 2048;

export interface DevnodeInfo {
  address: Addr;
  instancePath: string;
  serviceName: string;
  /** Raw `_PNP_DEVNODE_STATE` values. */
  state: number | undefined;
  previousState: number | undefined;
  /** The enum type the history uses, for names. */
  stateEnum: string;
  /** Where StateHistory starts, its slot count and slot size. */
  historyAddress: Addr;
  capacity: number;
  slotSize: number;
  /** Raw slot values in slot order (0 = never written). */
  history: number[];
  /** StateHistoryEntry: the next slot to write. */
  next: number | undefined;
}

interface DevnodeLayout {
  layout: TypeLayout;
  ustr: TypeLayout | undefined;
  stateEnum: string;
}

function devnodeLayout(k: KernelContext): DevnodeLayout {
  const layout = k.requireType('_DEVICE_NODE');
  const history = layout.field('StateHistory');
  if (!history || history.kind !== 'array' || !history.count) {
    throw new TargetUnsupported('_DEVICE_NODE has no StateHistory array in these symbols');
  }
  const stateEnum = history.elementKind === 'enum' && history.elementTypeName ? history.elementTypeName : '_PNP_DEVNODE_STATE';
  return { layout, ustr: k.type('_UNICODE_STRING'), stateEnum };
}

/** One device node; undefined (and a warning) when it is unreadable. */
export function readDevnode(k: KernelContext, address: Addr, dl: DevnodeLayout = devnodeLayout(k)): DevnodeInfo | undefined {
  const view = k.readStruct(dl.layout, address, 'device node');
  if (!view) return undefined;
  return decodeDevnode(k, view, dl);
}

function decodeDevnode(k: KernelContext, view: StructView, dl: DevnodeLayout): DevnodeInfo {
  const h = dl.layout.field('StateHistory')!;
  const slotSize = h.elementSize || 4;
  const capacity = h.count || 0;
  const history: number[] = [];
  // one slot per element size of the symbols' array type; the values are enumerators (0 = never written)
  for (let i = 0; i < capacity; i++) history.push(uint(view.bytes, view.base + h.offset + i * slotSize, slotSize > 4 ? 4 : slotSize));
  return {
    address: view.address,
    instancePath: unicodeString(k, view, 'InstancePath', dl.ustr),
    serviceName: unicodeString(k, view, 'ServiceName', dl.ustr),
    state: view.num('State'),
    previousState: view.num('PreviousState'),
    stateEnum: dl.stateEnum,
    historyAddress: addrAdd(view.address, h.offset),
    capacity,
    slotSize,
    history,
    next: view.num('StateHistoryEntry'),
  };
}

/** A UNICODE_STRING member's text (one read of its buffer); '' when absent or unreadable. */
function unicodeString(k: KernelContext, view: StructView, member: string, ustr: TypeLayout | undefined): string {
  if (!ustr || !view.has(member)) return '';
  const s = view.sub(member, ustr);
  if (!s) return '';
  const length = s.num('Length') || 0;
  const buffer = s.ptr('Buffer');
  if (!length || !buffer || isNull(buffer)) return '';
  const bytes = k.target.read(buffer, Math.min(length, MAX_PATH_BYTES));
  if (!bytes) {
    k.warnings.add('string-unreadable', { object: 'devnode', address: view.address, member, value: buffer });
    return '';
  }
  return utf16(bytes, 0, Math.min(length, MAX_PATH_BYTES));
}

/**
 * Every device node under nt!IopRootDeviceNode, depth first (a parent before its children, children
 * before the parent's next sibling), bounded by a visited set and DEVNODE_WALK_CAP. A tree, not a list:
 * two links per node, no head to come back to and no Blink to recover through, so it keeps its own
 * loop (an explicit stack: a corrupt tree as deep as the cap must not overflow the call stack) over the
 * list walks' step checks (LinkGuard, kernel/lists.ts).
 */
export function readAllDevnodes(k: KernelContext, onRootUnreadable?: (root: Addr) => void): DevnodeInfo[] {
  const dl = devnodeLayout(k);
  const rootPointer = k.symbol('IopRootDeviceNode');
  if (!rootPointer) throw new TargetUnsupported('nt!IopRootDeviceNode not found: kernel symbols are needed (.reload)');
  const rootBytes = k.target.read(rootPointer, k.pointerSize);
  if (!rootBytes) throw new TargetUnsupported('nt!IopRootDeviceNode is unreadable in this dump');
  const root = ptr(rootBytes, 0, k.pointerSize);
  const out: DevnodeInfo[] = [];
  const guard = new LinkGuard((a) => k.plausible(a, 4), DEVNODE_WALK_CAP);
  const tree: ListRef = { list: 'device-tree' };
  const stack: Addr[] = [root];
  while (stack.length) {
    const address = stack.pop()!;
    const step = guard.step(address);
    if (step === 'bad') {
      if (!isNull(address)) k.warnings.add('devnode-link-cut', { list: tree, value: address, reason: 'link-bad' });
      continue;
    }
    if (step !== 'ok') {
      k.warnings.add('devnode-cycle-cut', { list: tree, value: address, reason: step === 'cap' ? 'cap' : 'cycle' });
      continue;
    }
    const view = k.readStruct(dl.layout, address, 'device node');
    // An unreadable root is not an empty tree: "0 device nodes" would be a wrong answer that looks right.
    if (!view && address === root && onRootUnreadable) onRootUnreadable(root);
    if (!view) continue;
    out.push(decodeDevnode(k, view, dl));
    const sibling = view.ptr('Sibling');
    const child = view.ptr('Child');
    if (sibling && !isNull(sibling)) stack.push(sibling);
    if (child && !isNull(child)) stack.push(child);
  }
  return out;
}

export { devnodeLayout };
