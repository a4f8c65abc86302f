// !ringdump: a driver's in-memory trace ring (or the kernel's PnP state history), oldest to newest.
// Arguments are dx values (reference §1.6): `!ringdump (mydriver!g_History, mydriver!g_Index)` hands
// over the typed array and the index's value; `!ringdump "mydriver!g_History mydriver!g_Index -n 20"`
// names them in a string with options; both may be mixed (`(mydriver!g_History, mydriver!g_Index, "-n 4")`).
import { parseAddr, type Addr } from '../core/addr';
import { u64FromHex, u64FromNumber } from '../analysis/rings/ring';
import { analyzeRings, type RingRequest } from '../analysis/rings/ringdump';
import { KernelContext } from '../kernel/context';
import type { Ref } from '../kernel/ringSource';
import { entryLine } from '../render/ringFormat';
import { ringModel } from '../render/ringModel';
import { renderRingText } from '../render/ringText';
import { warningLines } from '../render/vocabulary';
import { describeArgument, print } from '../host/hostIo';
import { parseCount, tokenize, TokenStream, UsageError } from './options';
import { htmlOption, HTML_USAGE, writeHtmlReport, type HtmlOptions } from './htmlOption';
import { renderRingHtml } from '../render/html/ringHtml';
import { runCommand } from './run';
import { checkRecordOptions, dxString, optionText, RECORD_USAGE, recordOption, withTarget, type RecordOptions } from './session';

export const RINGDUMP_USAGE = `usage: !ringdump (<array>, <index>)             a driver ring, oldest to newest: the array and its
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
recording (docs/snapshots.md; record the string form, which reads the index itself):
${RECORD_USAGE}${HTML_USAGE}`;

export interface RingdumpOptions extends RecordOptions, HtmlOptions {
  help: boolean;
  request: RingRequest;
  /** The option tokens without -record/-redact: how a recording replays this run. */
  replay: string[];
}

/** A typed native object as a Ref (the target layer reads its address and type). */
export type NativeResolver = (value: unknown) => Ref | undefined;

export function parseRingdumpArgs(args: unknown[], native: NativeResolver): RingdumpOptions {
  const request: RingRequest = { mode: 'pre', selection: {} };
  const options: RingdumpOptions = { help: false, request, redact: false, replay: [] };
  const positional: Ref[] = [];
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
    } else if (described.kind === 'native') {
      const ref = native(arg);
      if (!ref) throw new UsageError('an argument could not be read as a typed object');
      positional.push(ref);
    } else if (described.kind === 'invalid') throw new UsageError(described.description);
  }
  const tokens = new TokenStream(tokenize(texts.join(' ')));
  const value = (option: string) => {
    const v = tokens.value(option);
    options.replay.push(v);
    return v;
  };
  // Each option once: a repeat with another value (-pre -post, -n 3 -n 5) contradicts the first.
  const given = new Map<string, string>();
  const once = <T>(option: string, v: T): T => {
    const text = String(v);
    const before = given.get(option);
    if (before !== undefined && before !== text) {
      throw new UsageError(option === 'mode' ? `-${before} and -${text} contradict each other: give one` : `${option} given twice (${before}, ${text}): give one`);
    }
    given.set(option, text);
    return v;
  };
  while (!tokens.done) {
    const t = tokens.next();
    if (recordOption(t, tokens, options) || htmlOption(t, tokens, options)) continue;
    options.replay.push(t);
    if (t === '-?' || t === '-h' || t === '-help') options.help = true;
    else if (t === '-pre' || t === '-post') request.mode = once('mode', t.slice(1) as 'pre' | 'post');
    else if (t === '-seq') request.seqField = once('-seq', value('-seq'));
    else if (t === '-type') request.typeName = once('-type', value('-type'));
    else if (t === '-count') request.count = once('-count', parseCount('-count', value('-count'), 1, 'count'));
    else if (t === '-n') request.selection.newest = once('-n', parseCount('-n', value('-n'), 0, 'count'));
    else if (t === '-grep') request.selection.grep = once('-grep', value('-grep'));
    else if (t === '-f') request.fields = value('-f').split(',').map((f) => f.trim()).filter((f) => f !== '');
    else if (t === '-devnode') request.devnode = once('-devnode', devnodeTarget(value('-devnode')));
    else if (t === '-array') {
      request.plain = true;
      positional.unshift(ringTextRef(value('-array')));
    } else if (t.startsWith('-') && !/^-\d/.test(t)) throw new UsageError(`unknown option ${t}`);
    else positional.push(positional.length === 0 ? ringTextRef(t) : indexTextRef(t));
  }
  checkRecordOptions(options);
  if (options.help) return options;
  if (positional.length > 2) throw new UsageError('too many arguments: a ring and its index at most');
  if (request.devnode !== undefined) {
    if (positional.length) throw new UsageError('-devnode takes no ring or index of its own');
    return options;
  }
  if (!positional.length) throw new UsageError('name the ring (an array symbol), or -devnode');
  request.ring = positional[0];
  if (positional.length > 1) {
    if (request.plain) throw new UsageError('-array dumps in slot order: it takes no index');
    request.index = positional[1];
  }
  return options;
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
  const width = n >= -2147483648 && n < 4294967296 ? 32 : 64;
  return { kind: 'value', value: u64FromNumber(n, width), widthBits: width, text: '' };
}

function valueRef(a: Addr): Ref {
  return { kind: 'value', value: u64FromHex(a) || { hi: 0, lo: 0 }, widthBits: 64, text: '' };
}

function u64ToAddr(n: number): Addr {
  return n.toString(16);
}

export function ringdumpCommand(...args: unknown[]): unknown {
  return runCommand('ringdump', RINGDUMP_USAGE, () => {
    // Typed dx arguments are read once the target exists (a recording one when -record, which may
    // come after them, asks for it): until then they are placeholders filled in below.
    const natives: { value: unknown; ref: Ref }[] = [];
    const options = parseRingdumpArgs(args, (value) => {
      const ref: Ref = { kind: 'native' };
      natives.push({ value, ref });
      return ref;
    });
    if (options.help) {
      print(RINGDUMP_USAGE);
      return undefined;
    }
    return withTarget('ringdump', () => replayCommand(args, natives, options.replay), options, (target) => {
      for (const n of natives) {
        const info = target.nativeInfo(n.value);
        if (!info) throw new UsageError('an argument could not be read as a typed object');
        Object.assign(n.ref, { address: info.address, type: info.type, symbol: info.symbol, pointerValue: info.pointerValue, pointee: info.pointee });
      }
      const k = new KernelContext(target);
      const result = analyzeRings(k, options.request, (e, r) => entryLine(e, r, target.pointerSize));
      if (result.damage) result.notes.push(...warningLines(result.damage));
      const text = renderRingText(result, target.pointerSize);
      print(text);
      writeHtmlReport('ringdump', options, () => renderRingHtml(result, target.pointerSize, text));
      return ringModel(result, target);
    });
  });
}

/** The command line a recording replays with: dx values as their symbol, address or number, then the options. */
function replayCommand(args: unknown[], natives: { value: unknown; ref: Ref }[], replay: string[]): string {
  const values: string[] = [];
  for (const arg of args) {
    if (arg === undefined || arg === null || typeof arg === 'string') continue;
    if (typeof arg === 'number') {
      values.push(arg < 0 ? `-0x${(-arg).toString(16)}` : `0x${arg.toString(16)}`);
      continue;
    }
    const native = natives.filter((n) => n.value === arg)[0];
    if (native && native.ref.kind === 'native') {
      const r = native.ref;
      const where = r.address !== undefined ? r.address : r.pointerValue;
      values.push(r.symbol || (where !== undefined ? `0x${where}` : '?'));
      continue;
    }
    const described = describeArgument(arg);
    values.push(described.kind === 'address' ? `0x${described.address}` : '?');
  }
  const text = replay.length ? dxString(optionText(replay)) : '';
  if (!values.length) return text ? `!ringdump ${text}` : '!ringdump';
  return `!ringdump (${values.concat(text ? [text] : []).join(', ')})`;
}
