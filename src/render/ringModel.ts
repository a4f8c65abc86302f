// What `dx @$ringdump(...)` returns: a collection of entries oldest first (dx -g shows it as a
// grid), each with Position, Slot, Sequence, its fields as display text, and `Element`, the native
// element itself for click-through (created only when expanded). Several rings (-devnode all): a
// collection of rings, each with its Entries. toString is the one-line summary the echo shows.
import type { Target } from '../core/target';
import type { RingEntry, RingReport, RingResult } from '../analysis/rings/ringdump';
import { entryLine, frames, isFrameList, valueText } from './ringFormat';
import { ringResultJson } from './ringJson';
import { arrayText, devnodeStateText, ringNotesText, ringProblemText } from './ringWords';

class RingEntryNode {
  readonly Position: number;
  readonly Slot: number;
  readonly Sequence: number | string | undefined;
  [field: string]: unknown;

  constructor(
    private readonly __entry: RingEntry,
    private readonly __report: RingReport,
    private readonly __target: Target,
  ) {
    this.Position = __entry.position;
    this.Slot = __entry.slot;
    const seq = __entry.sequence;
    this.Sequence = seq === undefined ? undefined : seq.length < 16 ? Number(seq) : seq;
    const ps = __target.pointerSize;
    for (const f of __entry.fields) {
      if (f.path === 'Position' || f.path === 'Slot' || f.path === 'Sequence' || f.path === 'Element') continue;
      this[f.path] = isFrameList(f.value) ? frames(f.value, __report.symbols, ps).join(', ') : valueText(f.value, __report.symbols, ps);
    }
    if (__entry.unreadable) this.Unreadable = true;
  }

  /** The native element, for click-through. */
  get Element(): unknown {
    const r = this.__report;
    return r.elementType ? this.__target.native(this.__entry.address, r.elementModule || 'nt', r.elementType) : undefined;
  }

  toString(): string {
    return `[${this.Position}] slot ${this.Slot}: ${entryLine(this.__entry, this.__report, this.__target.pointerSize)}`;
  }
}

function summary(r: RingReport, pointerSize: number): string {
  if (r.error) return `ringdump: ${ringProblemText(r.error, pointerSize)}`;
  const order = r.order === 'slots' ? 'slot order' : r.wrapped ? 'wrapped' : 'not wrapped';
  const newest = r.order !== 'slots' && r.newestSlot !== undefined ? `, newest slot ${r.newestSlot}` : '';
  return `${arrayText(r.array, pointerSize)}: ${r.entries.length} of ${r.total} entries (${order}${newest})`;
}

function entries(r: RingReport, target: Target): RingEntryNode[] {
  const list = r.entries.map((e) => new RingEntryNode(e, r, target));
  Object.defineProperty(list, 'toString', { value: () => summary(r, target.pointerSize), enumerable: false });
  return list;
}

class RingNode {
  readonly Array: string;
  readonly Devnode: string | undefined;
  readonly InstancePath: string | undefined;
  readonly State: string | undefined;
  readonly Entries: RingEntryNode[];
  constructor(
    private readonly __report: RingReport,
    private readonly __target: Target,
  ) {
    this.Array = arrayText(__report.array, __target.pointerSize);
    this.Devnode = __report.devnode ? __report.devnode.address : undefined;
    this.InstancePath = __report.devnode ? __report.devnode.instancePath : undefined;
    this.State = __report.devnode ? devnodeStateText(__report.devnode.state) : undefined;
    this.Entries = entries(__report, __target);
  }
  toString(): string {
    return summary(this.__report, this.__target.pointerSize);
  }
}

/** The returned value; `__toJSON` (hidden from dx by the double underscore) is the harness's --json. */
export function ringModel(result: RingResult, target: Target): unknown {
  const value: unknown[] =
    result.reports.length === 1 && !result.multiple ? entries(result.reports[0], target) : result.reports.map((r) => new RingNode(r, target));
  if (!(result.reports.length === 1 && !result.multiple)) {
    const notes = ringNotesText(result, target.pointerSize);
    const text = `${result.reports.length} rings${notes.length ? ` (${notes.join('; ')})` : ''}`;
    Object.defineProperty(value, 'toString', { value: () => text, enumerable: false });
  }
  Object.defineProperty(value, '__toJSON', { value: () => ringResultJson(result, target.pointerSize), enumerable: false });
  return value;
}

