// !ringdump: a driver's in-memory trace ring (or the kernel's PnP state history), oldest to newest.
// Arguments are dx values (docs/jsprovider.md §Function aliases): `!ringdump (mydriver!g_History, mydriver!g_Index)` hands
// over the typed array and the index's value; `!ringdump "mydriver!g_History mydriver!g_Index -n 20"`
// names them in a string with options; both may be mixed (`(mydriver!g_History, mydriver!g_Index, "-n 4")`).
import { parseAddr, type Addr } from '../core/addr';
import { TWO32 } from '../core/numbers';
import { u64FromHex, u64FromNumber } from '../core/u64';
import { analyzeRings, type RingRequest } from '../analysis/rings/ringdump';
import { KernelContext } from '../kernel/context';
import { KernelReaders } from '../kernel/readers';
import type { Ref } from '../kernel/ringSource';
import { entryLine } from '../render/ringFormat';
import { ringModel } from '../render/ringModel';
import { renderRingText } from '../render/ringText';
import { describeArgument, print } from '../host/hostIo';
import { parseCount, UsageError } from './options';
import { renderRingHtml } from '../render/html/ringHtml';
import { withCommonOptions, type CommandDeclaration, type CommandSession, type DxInput } from './declaration';

export const RINGDUMP_USAGE = withCommonOptions(
  `usage: !ringdump (<array>, <index>)             a driver ring, oldest to newest: the array and its
                                                index variable as dx values (mydriver!g_History, mydriver!g_Index)
       !ringdump "<array> [<index>] [options]"  the same, named in a string, with options
       !ringdump "-devnode <address>|all"       the PnP state history of a device node (or of every one)
       !ringdump "-array <symbol>"              plain slot order, no ring reasoning (caches: g_MyStructCache[2])
       !ringdump "-?"                           this help
       dx @$ringdump("<array>", "<index>")      the entries as objects (Position, Slot, Sequence, Element);
                                                dx -g shows them as a grid
options:
  -pre            slot = ++index mod N: InterlockedIncrement's new value, the first write in slot 1 (default)
  -post           slot = index++ mod N: the first write in slot 0
  -seq <field>    order by a per-entry sequence number instead of an index (a wrapped counter is handled)
  -type <T> -count <N>   the element type and slot count, for a pointer to the ring or a bare address
  -f <a,b.c>      show only these fields
  -n <N>          only the newest N entries
  -grep <text>    only entries whose text contains <text>
<array> and <index> are module!name, optionally with members (mydriver!g_Log.History); the index may
also be a number (hex, as WinDbg prints it; 0n for decimal). -n and -count are counts: decimal
(-n 20 = twenty; 0x for hex). An option given twice with different values is an error.
`,
  'recording (docs/snapshots.md; record the string form, which reads the index itself):',
);

/** A typed dx argument, read once the session exists (a recording one when -record, which may come after it). */
interface NativeArgument {
  value: unknown;
  ref: Ref;
}

export interface RingdumpOptions {
  request: RingRequest;
  /** The ring and its index so far, dx values and names in the string, in order. */
  positional: Ref[];
  natives: NativeArgument[];
  /** Each option once: the text of its first value (a repeat with another value contradicts it). */
  given: { [option: string]: string };
}

/** A typed native object as a Ref, its address and type filled in when the session opens. */
function nativeRef(options: RingdumpOptions, value: unknown): Ref {
  const ref: Ref = { kind: 'native' };
  options.natives.push({ value, ref });
  return ref;
}

function ringdumpDxArguments(args: unknown[], options: RingdumpOptions): DxInput {
  const positional = options.positional;
  const texts: string[] = [];
  for (const arg of args) {
    if (arg === undefined || arg === null) continue;
    if (typeof arg === 'string') {
      texts.push(arg);
      continue;
    }
    if (typeof arg === 'number') {
      positional.push(numberRef(arg, positional.length));
      continue;
    }
    const described = describeArgument(arg);
    if (described.kind === 'address') {
      positional.push(positional.length === 0 ? { kind: 'address', address: described.address } : valueRef(described.address));
    } else if (described.kind === 'native') positional.push(nativeRef(options, arg));
    else if (described.kind === 'invalid') throw new UsageError(described.description);
  }
  return { text: texts.join(' ') };
}

/** Each option once: a repeat with another value (-pre -post, -n 3 -n 5) contradicts the first. */
function once<T>(options: RingdumpOptions, option: string, v: T): T {
  const text = String(v);
  const before = options.given[option];
  if (before !== undefined && before !== text) {
    throw new UsageError(option === 'mode' ? `-${before} and -${text} contradict each other: give one` : `${option} given twice (${before}, ${text}): give one`);
  }
  options.given[option] = text;
  return v;
}

function finishRingdump(options: RingdumpOptions): void {
  const request = options.request;
  const positional = options.positional;
  if (positional.length > 2) throw new UsageError('too many arguments: a ring and its index at most');
  if (request.devnode !== undefined) {
    if (positional.length) throw new UsageError('-devnode takes no ring or index of its own');
    return;
  }
  if (!positional.length) throw new UsageError('name the ring (an array symbol), or -devnode');
  request.ring = positional[0];
  if (positional.length > 1) {
    if (request.plain) throw new UsageError('-array dumps in slot order: it takes no index');
    request.index = positional[1];
  }
}

function devnodeTarget(text: string): Addr | 'all' {
  if (text.toLowerCase() === 'all') return 'all';
  const a = parseAddr(text);
  if (!a || a === '0') throw new UsageError(`-devnode: '${text}' is not a device node address (or all)`);
  return a;
}

function ringTextRef(text: string): Ref {
  if (text.indexOf('!') > 0) return { kind: 'symbol', text };
  const a = parseAddr(text);
  if (!a) throw new UsageError(`'${text}' is not a ring: a module!symbol or an address`);
  return { kind: 'address', address: a };
}

/** The index in text: a module!symbol, or a number (hex, 0x, or 0n decimal). */
function indexTextRef(text: string): Ref {
  if (text.indexOf('!') > 0) return { kind: 'symbol', text };
  const t = text.trim().toLowerCase();
  if (/^0n\d+$/.test(t)) {
    const n = parseInt(t.slice(2), 10);
    if (n <= Number.MAX_SAFE_INTEGER) return { kind: 'value', value: u64FromNumber(n), widthBits: 64, text: '' };
  }
  const v = u64FromHex(t.replace(/^0x/, '').replace(/`/g, ''));
  if (!v) throw new UsageError(`'${text}' is not an index: a module!symbol or a number`);
  return { kind: 'value', value: v, widthBits: 64, text: '' };
}

/** A dx number: the ring's address in first place, else the index's value (a 32-bit value: 64-bit ones arrive as Int64). */
function numberRef(n: number, position: number): Ref {
  if (!Number.isInteger(n)) throw new UsageError(`${n} is not an integer`);
  if (position === 0) {
    if (n < 0) throw new UsageError(`${n} is not an address`);
    return { kind: 'address', address: u64ToAddr(n) };
  }
  const width = n >= -2147483648 && n < TWO32 ? 32 : 64;
  return { kind: 'value', value: u64FromNumber(n, width), widthBits: width, text: '' };
}

function valueRef(a: Addr): Ref {
  return { kind: 'value', value: u64FromHex(a) || { hi: 0, lo: 0 }, widthBits: 64, text: '' };
}

function u64ToAddr(n: number): Addr {
  return n.toString(16);
}

function runRingdump(options: RingdumpOptions, session: CommandSession): unknown {
  const target = session.target;
  for (const n of options.natives) {
    const info = target.nativeInfo(n.value);
    if (!info) throw new UsageError('an argument could not be read as a typed object');
    Object.assign(n.ref, { address: info.address, type: info.type, symbol: info.symbol, pointerValue: info.pointerValue, pointee: info.pointee });
  }
  const k = new KernelContext(target);
  const result = analyzeRings(new KernelReaders(k), options.request, (e, r) => entryLine(e, r, target.pointerSize));
  const text = renderRingText(result, target.pointerSize);
  print(text);
  session.html(() => renderRingHtml(result, target.pointerSize, text));
  return ringModel(result, target);
}

/** The dx values a recording replays with: each as its symbol, address or number (the options follow as a string). */
function replayValues(args: unknown[], options: RingdumpOptions): string[] {
  const values: string[] = [];
  for (const arg of args) {
    if (arg === undefined || arg === null || typeof arg === 'string') continue;
    if (typeof arg === 'number') {
      values.push(arg < 0 ? `-0x${(-arg).toString(16)}` : `0x${arg.toString(16)}`);
      continue;
    }
    const native = options.natives.filter((n) => n.value === arg)[0];
    if (native && native.ref.kind === 'native') {
      const r = native.ref;
      const where = r.address !== undefined ? r.address : r.pointerValue;
      values.push(r.symbol || (where !== undefined ? `0x${where}` : '?'));
      continue;
    }
    const described = describeArgument(arg);
    values.push(described.kind === 'address' ? `0x${described.address}` : '?');
  }
  return values;
}

/** -type and -count go together (one usage line). */
const TYPE_AND_COUNT = 'the element type and slot count, for a pointer to the ring or a bare address';

export const RINGDUMP: CommandDeclaration<RingdumpOptions> = {
  name: 'ringdump',
  usage: RINGDUMP_USAGE,
  // Driver rings live in any address space; -devnode needs nt's symbols and says so when they are missing.
  requires: 'any',
  options: [
    {
      name: '-pre',
      help: "slot = ++index mod N: InterlockedIncrement's new value, the first write in slot 1 (default)",
      apply: (o) => (o.request.mode = once(o, 'mode', 'pre' as const)),
    },
    { name: '-post', help: 'slot = index++ mod N: the first write in slot 0', apply: (o) => (o.request.mode = once(o, 'mode', 'post' as const)) },
    { name: '-seq', value: '<field>', help: 'order by a per-entry sequence number instead of an index', apply: (o, v) => (o.request.seqField = once(o, '-seq', v)) },
    { name: '-type', value: '<T>', help: TYPE_AND_COUNT, apply: (o, v) => (o.request.typeName = once(o, '-type', v)) },
    { name: '-count', value: '<N>', help: TYPE_AND_COUNT, apply: (o, v) => (o.request.count = once(o, '-count', parseCount('-count', v, 1, 'count'))) },
    { name: '-n', value: '<N>', help: 'only the newest N entries', apply: (o, v) => (o.request.selection.newest = once(o, '-n', parseCount('-n', v, 0, 'count'))) },
    { name: '-grep', value: '<text>', help: 'only entries whose text contains <text>', apply: (o, v) => (o.request.selection.grep = once(o, '-grep', v)) },
    { name: '-f', value: '<a,b.c>', help: 'show only these fields', apply: (o, v) => (o.request.fields = v.split(',').map((f) => f.trim()).filter((f) => f !== '')) },
    { name: '-devnode', value: '<address>|all', help: 'the PnP state history of a device node (or of every one)', apply: (o, v) => (o.request.devnode = once(o, '-devnode', devnodeTarget(v))) },
    {
      name: '-array',
      value: '<symbol>',
      help: 'plain slot order, no ring reasoning',
      apply(o, v) {
        o.request.plain = true;
        o.positional.unshift(ringTextRef(v));
      },
    },
  ],
  defaults: () => ({ request: { mode: 'pre', selection: {} }, positional: [], natives: [], given: {} }),
  dxArguments: ringdumpDxArguments,
  positional(options, token) {
    options.positional.push(options.positional.length === 0 ? ringTextRef(token) : indexTextRef(token));
  },
  negativeNumbersArePositional: true,
  finish: finishRingdump,
  replayValues,
  run: runRingdump,
};
