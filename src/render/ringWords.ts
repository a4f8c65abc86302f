// The words of !ringdump's reports: how a ring and its index are named, why one cannot be shown,
// what each warning and note says. The analysis (src/analysis/rings/ringdump.ts) and the reader
// (src/kernel/ringSource.ts) return these as typed facts; every output (text, JSON, dx, HTML) writes
// them here.
import { formatAddr } from '../core/addr';
import type { ArrayName, DevnodeHeader, DevnodeState, RingName, RingNote, RingProblem, RingReport, RingResult, RingWarning, SeqProblem } from '../analysis/rings/ringdump';
import { count, warningLines } from './vocabulary';

/** "(12 more not shown)": the elements of a long array of structures past those decoded. */
export function notShownText(n: number): string {
  return `(${n} more not shown)`;
}

/** "DeviceNodeStarted", "#99" (a value the enum does not name), "none" (zero), "?" (not read). */
export function devnodeStateText(s: DevnodeState): string {
  return s.kind === 'unread' ? '?' : s.kind === 'none' ? 'none' : s.name !== undefined ? s.name : `#${s.value}`;
}

/** The device node header as JSON carries it: states by name. */
export function devnodeJson(d: DevnodeHeader): object {
  return { address: d.address, instancePath: d.instancePath, serviceName: d.serviceName, state: devnodeStateText(d.state), previousState: devnodeStateText(d.previousState) };
}

/** `mydriver!g_History`, the address, or `unnamed` when neither is known. */
export function ringNameText(name: RingName, pointerSize: number, unnamed: string): string {
  switch (name.kind) {
    case 'text':
      return name.text;
    case 'address':
      return formatAddr(name.address, pointerSize);
    case 'unnamed':
      return unnamed;
  }
}

/** The report's `array`: `mydriver!g_History`, `89f00000`, `8b56f5d0.StateHistory` (the node's address as typed). */
export function arrayText(name: ArrayName, pointerSize: number): string {
  switch (name.kind) {
    case 'placeholder':
      return name.what;
    case 'devnode-history':
      return `${name.devnode}.StateHistory`;
    default:
      return ringNameText(name, pointerSize, 'ring');
  }
}

/** The index variable's name as the order line shows it ("g_Index", "StateHistoryEntry"). */
export function indexNameText(r: RingReport, pointerSize: number): string {
  return r.index ? ringNameText(r.index.name, pointerSize, 'index') : '';
}

function seqProblemText(p: SeqProblem): string {
  return p.kind === 'no-such-field' ? `-seq ${p.path}: ${p.elementName} has no such field` : `-seq ${p.path}: not an integer field (${p.typeName})`;
}

/** One line: why nothing could be shown (the text report prefixes `ringdump: `). */
export function ringProblemText(p: RingProblem, pointerSize: number): string {
  const name = (n: RingName, unnamed = 'index') => ringNameText(n, pointerSize, unnamed);
  switch (p.kind) {
    case 'not-a-symbol':
      return `'${p.text}' is not a symbol (module!name)`;
    case 'no-such-symbol':
      return `${p.symbol}: no such symbol (check the module name; .reload)`;
    case 'no-type-for-path':
      return `${p.symbol} has no type information (public symbols?): cannot follow ${p.path}`;
    case 'no-such-member':
      return `${p.symbol} (${p.typeName}) has no member ${p.member}`;
    case 'type-not-found':
      return `type ${p.module}!${p.name} not found (check the module name; .reload)`;
    case 'ring-without-address':
      return 'the ring argument has no address';
    case 'value-not-a-ring':
      return 'a value is not a ring';
    case 'no-address':
      return `${name(p.name)} has no address`;
    case 'ring-pointer-unreadable':
      return `${name(p.name)} (the pointer to the ring) is unreadable`;
    case 'ring-pointer-null':
      return `${name(p.name)} is NULL: the ring is not allocated`;
    case 'ring-pointer-needs-count':
      return `${name(p.name)} is a pointer (${p.typeName}): give the ring's size with -count <N>`;
    case 'ring-pointer-needs-type':
      return `${name(p.name)} is a ${p.typeName}: give the element type with -type <T>`;
    case 'not-an-array':
      return `${name(p.name)} is not an array (${p.typeName}): give an array, or a pointer or address with -type <T> -count <N>`;
    case 'address-needs-type-and-count':
      return `a ring at an address needs -type <T> -count <N>`;
    case 'no-type-information':
      return `${name(p.name)} has no type information (public symbols?): give -type <T> -count <N>`;
    case 'needs-type-and-count':
      return `${name(p.name)}: give the element type and size with -type <T> -count <N>`;
    case 'element-without-size':
      return `${name(p.name)}: element type ${p.elementName} has no size`;
    case 'no-slots':
      return `${name(p.name)}: the ring has no slots`;
    case 'ring-too-big':
      return `${name(p.name)}: ${p.capacity} x ${p.elementSize} bytes is more than a trace ring (${p.maxBytes} bytes at most)`;
    case 'index-is-an-address':
      return `the index must be a variable or a number, not an address`;
    case 'index-without-type':
      return `${name(p.name)} has no type information (public symbols?): cannot tell its size`;
    case 'index-not-an-integer':
      return `${name(p.name)} is not an integer (${p.typeName})`;
    case 'index-size-unsupported':
      return `${name(p.name)}: unsupported integer size ${p.size}`;
    case 'index-unreadable':
      return `${name(p.name)} is unreadable`;
    case 'no-ring-named':
      return 'name the ring: !ringdump (mydriver!g_History, mydriver!g_Index), or "-?"';
    case 'devnode-needs-kernel':
      return '-devnode needs a kernel target (kernel or complete dump, or a live kernel session)';
    case 'devnode-unreadable':
      return `device node ${formatAddr(p.address, pointerSize)} is unreadable`;
  }
}

/** One warning line's words (the text report prefixes `WARNING: `). */
export function ringWarningText(w: RingWarning, pointerSize: number): string {
  switch (w.kind) {
    case 'slots-unreadable':
      return `${w.unreadable} of ${w.capacity} slots unreadable`;
    case 'element-without-fields':
      return `element type ${w.elementName} has no fields in the symbols (public symbols only?): entries shown as bytes`;
    case 'seq-unusable':
      return `${seqProblemText(w.problem)}: slot order shown`;
    case 'index-unusable':
      return `index: ${ringProblemText(w.problem, pointerSize)}: slot order shown`;
    case 'unknown-fields':
      return `-f: no field ${w.unknown.join(', ')} in ${w.elementType || 'the entries'} (fields: ${w.fields.join(', ')})`;
    case 'state-not-in-enum':
      return `State ${w.state} is not a ${w.stateEnum} value: is ${formatAddr(w.devnode, pointerSize)} a device node?`;
    case 'no-history-index':
      return '_DEVICE_NODE has no StateHistoryEntry in these symbols: slot order shown';
    case 'history-index-out-of-range':
      return `StateHistoryEntry ${w.next} is outside the ${w.capacity}-slot ring (index out of range): slot order shown`;
  }
}

export function ringWarningsText(r: RingReport, pointerSize: number): string[] {
  return r.warnings.map((w) => ringWarningText(w, pointerSize));
}

/** A note about the whole run; damage counts arrive as words already (src/core/warnings.ts). */
export function ringNoteText(n: RingNote, pointerSize: number): string {
  if (typeof n === 'string') return n;
  return n.kind === 'devnodes' ? `${count(n.total, 'device node')}, ${n.withHistory} with a state history` : `no device node read: the root device node ${formatAddr(n.root, pointerSize)} (nt!IopRootDeviceNode) is unreadable in this dump`;
}

/** The lines about a whole run: its notes, then the damage counted while reading. */
export function ringNotesText(result: Pick<RingResult, 'notes' | 'damage'>, pointerSize: number): string[] {
  const lines = result.notes.map((n) => ringNoteText(n, pointerSize));
  return result.damage ? lines.concat(warningLines(result.damage)) : lines;
}
