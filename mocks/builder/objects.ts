// Object manager and dispatcher objects: _OBJECT_TYPE objects, _OBJECT_HEADER (+ name info) in front of bodies,
// _DISPATCHER_HEADER initialisation, and the scenario's `objects` (events, semaphores, mutants, timers, queues, gates).
import type { Space } from './addressSpace';
import type { Ctx } from './context';
import { fmt } from './hex';
import type { ScenarioObject } from './scenario';

/** Object-type name -> the nt global that points at it (written when the layout declares that global). */
const TYPE_GLOBALS: Record<string, string> = {
  Type: 'ObpTypeObjectType', Process: 'PsProcessType', Thread: 'PsThreadType', Event: 'ExEventObjectType',
  Mutant: 'ExMutantObjectType', Semaphore: 'ExSemaphoreObjectType', File: 'IoFileObjectType', Port: 'LpcPortObjectType',
  'ALPC Port': 'AlpcPortObjectType', Device: 'IoDeviceObjectType', Driver: 'IoDriverObjectType', Timer: 'ExTimerObjectType',
};

/** Cookie byte written to nt!ObHeaderCookie when the layout has it (invented value; any byte works). */
export const OB_HEADER_COOKIE = 0xa5n;

export function obfuscatedTypeIndex(ctx: Ctx): boolean {
  return ctx.globalAddr('nt', 'ObHeaderCookie') !== undefined;
}

/** Creates (once) the _OBJECT_TYPE named `name` and returns its address. */
export function objectType(ctx: Ctx, name: string): bigint {
  const known = ctx.objectTypes.get(name);
  if (known !== undefined) return known;
  const sw = ctx.sw;
  const k = ctx.kernel;
  const addr = ctx.pool(sw.size('_OBJECT_TYPE'), `_OBJECT_TYPE "${name}"`);
  ctx.objectTypes.set(name, addr);
  ctx.listInit(k, addr + BigInt(sw.off('_OBJECT_TYPE', 'TypeList')));
  ctx.unicodeString(k, addr + BigInt(sw.off('_OBJECT_TYPE', 'Name')), name, `_OBJECT_TYPE "${name}" name`);
  if (sw.has('_OBJECT_HEADER', 'TypeIndex')) {
    const index = ctx.objectTypes.size + 1; // slots 0 and 1 are not real types; "Type" gets 2
    sw.trySet(k, addr, '_OBJECT_TYPE', 'Index', index);
    const table = ctx.globalAddr('nt', 'ObTypeIndexTable');
    if (table === undefined) ctx.note('layout has _OBJECT_HEADER.TypeIndex but no nt!ObTypeIndexTable global: object types cannot be resolved');
    else ctx.writePtr(k, table + BigInt(index * ctx.ptr), addr);
  } else {
    sw.trySet(k, addr, '_OBJECT_TYPE', 'Index', ctx.objectTypes.size);
  }
  const g = TYPE_GLOBALS[name];
  const ga = g ? ctx.globalAddr('nt', g) : undefined;
  if (ga !== undefined) ctx.writePtr(k, ga, addr);
  return addr;
}

export function createStandardObjectTypes(ctx: Ctx): void {
  const table = ctx.globalAddr('nt', 'ObTypeIndexTable');
  if (table !== undefined) {
    // Slot 1 holds the 0xbad0b0b0 marker on real systems (docs/kernel-structures.md §Object headers, unconfirmed); slot 0 is NULL.
    ctx.writePtr(ctx.kernel, table + BigInt(ctx.ptr), ctx.x64 ? 0xbad0b0b0n : 0xbad0b0b0n);
  }
  const cookie = ctx.globalAddr('nt', 'ObHeaderCookie');
  if (cookie !== undefined) ctx.kernel.writeUint(cookie, 1, OB_HEADER_COOKIE);
  const names = ['Type', 'Directory', 'Process', 'Thread', 'Event', 'Mutant', 'Semaphore', 'Timer', 'File', 'Device', 'Driver'];
  names.push(ctx.sw.has('_ETHREAD', 'LpcReplyMessageId') ? 'Port' : 'ALPC Port');
  for (const n of names) objectType(ctx, n);
}

/**
 * Writes the _OBJECT_HEADER (and name info) in front of an object body. Skipped, with a note, when that memory is
 * already taken by another structure (tightly packed scenario objects): never clobbers.
 */
export function objectHeader(ctx: Ctx, body: bigint, typeName: string, what: string, name?: string | null, space: Space = ctx.kernel): boolean {
  const sw = ctx.sw;
  const H = '_OBJECT_HEADER';
  const bodyOff = BigInt(sw.off(H, 'Body'));
  const hdr = body - bodyOff;
  const nameSize = name ? BigInt(sw.size('_OBJECT_HEADER_NAME_INFO')) : 0n;
  const start = hdr - nameSize;
  const clash = space.overlapping(start, body);
  if (clash) {
    ctx.note(`${what}: no _OBJECT_HEADER written in front of ${fmt(body)}: [${fmt(start)}, ${fmt(body)}) is taken by ${clash.label}`);
    return false;
  }
  space.claim(start, body - start, `_OBJECT_HEADER of ${what}`);
  const typeAddr = objectType(ctx, typeName);
  sw.set(space, hdr, H, 'PointerCount', 1);
  sw.trySet(space, hdr, H, 'HandleCount', 0);
  if (sw.has(H, 'Type')) {
    sw.set(space, hdr, H, 'Type', typeAddr);
    if (name) sw.trySet(space, hdr, H, 'NameInfoOffset', Number(nameSize));
  } else {
    let index = BigInt(sw.types.find('_OBJECT_TYPE') && sw.has('_OBJECT_TYPE', 'Index') ? sw.get(space, typeAddr, '_OBJECT_TYPE', 'Index') : 0n);
    if (obfuscatedTypeIndex(ctx)) index = index ^ OB_HEADER_COOKIE ^ ((hdr >> 8n) & 0xffn);
    sw.set(space, hdr, H, 'TypeIndex', index & 0xffn);
    if (name) sw.trySet(space, hdr, H, 'InfoMask', 0x02);
  }
  if (name) {
    ctx.unicodeString(space, start + BigInt(sw.off('_OBJECT_HEADER_NAME_INFO', 'Name')), name, `name of ${what}`);
  }
  return true;
}

/** Initialises a _DISPATCHER_HEADER: Type by _KOBJECTS name, Size in 4-byte units, SignalState, empty WaitListHead. */
export function dispatcherHeader(ctx: Ctx, addr: bigint, kobject: string, structSize: number, signalState: number, space: Space = ctx.kernel): void {
  const sw = ctx.sw;
  const D = '_DISPATCHER_HEADER';
  sw.set(space, addr, D, 'Type', ctx.kobject(kobject));
  sw.set(space, addr, D, 'Size', (structSize / 4) & 0xff);
  sw.set(space, addr, D, 'SignalState', signalState);
  ctx.listInit(space, addr + BigInt(sw.off(D, 'WaitListHead')));
  ctx.dispatcher.set(addr, kobject);
}

export function objectStruct(ctx: Ctx, o: ScenarioObject): string {
  switch (o.type) {
    case 'NotificationEvent': case 'SynchronizationEvent': case 'Event': return '_KEVENT';
    case 'Semaphore': return '_KSEMAPHORE';
    case 'Mutant': return '_KMUTANT';
    case 'Timer': case 'NotificationTimer': case 'SynchronizationTimer': return '_KTIMER';
    case 'Queue': return '_KQUEUE';
    case 'Gate': return ctx.types.has('_KGATE') ? '_KGATE' : '_KEVENT';
    default: throw new Error(`objects: unknown type ${o.type}`);
  }
}

const KOBJ: Record<string, [string, string]> = {
  NotificationEvent: ['EventNotificationObject', 'Event'], Event: ['EventNotificationObject', 'Event'],
  SynchronizationEvent: ['EventSynchronizationObject', 'Event'], Mutant: ['MutantObject', 'Mutant'],
  Semaphore: ['SemaphoreObject', 'Semaphore'], Timer: ['TimerNotificationObject', 'Timer'],
  NotificationTimer: ['TimerNotificationObject', 'Timer'], SynchronizationTimer: ['TimerSynchronizationObject', 'Timer'],
  Queue: ['QueueObject', 'Queue'], Gate: ['GateObject', 'Gate'],
};

/** Lays out the scenario's dispatcher objects (bodies were claimed by the prepass). */
export function layoutObjects(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  (ctx.s.objects ?? []).forEach((o, i) => {
    const what = `objects[${i}] (${o.type} ${o.address})`;
    const a = ctx.addr(o.address);
    const T = objectStruct(ctx, o);
    const size = sw.size(T);
    const [kobj, typeName] = KOBJ[o.type]!;
    let signal = 0;
    if (o.type === 'Gate' && !ctx.types.has('_KGATE')) ctx.note(`${what}: layout has no _KGATE; laid out as a _KEVENT-sized dispatcher object`);
    if (o.type === 'Semaphore') {
      signal = o.count ?? 0;
      if (o.limit !== undefined && o.limit !== null) sw.set(k, a, T, 'Limit', o.limit);
      else { sw.set(k, a, T, 'Limit', 0x7fffffff); ctx.note(`${what}: semaphore limit not given; Limit 0x7fffffff`); }
    } else if (o.type === 'Mutant') {
      signal = o.owner ? 0 : 1;
      ctx.listInit(k, a + BigInt(sw.off(T, 'MutantListEntry')));
      if (o.owner) {
        const owner = ctx.addr(o.owner);
        sw.set(k, a, T, 'OwnerThread', owner);
        const t = ctx.threads.get(owner);
        if (t) {
          ctx.listInsertTail(k, owner + BigInt(sw.off('_KTHREAD', 'MutantListHead')), a + BigInt(sw.off(T, 'MutantListEntry')));
        } else ctx.note(`${what}: owner ${o.owner} is not a scenario thread; OwnerThread set, not linked into a MutantListHead`);
      }
      if (o.abandoned) sw.set(k, a, T, 'Abandoned', 1);
    } else if (o.type === 'Queue') {
      ctx.listInit(k, a + BigInt(sw.off(T, 'EntryListHead')));
      ctx.listInit(k, a + BigInt(sw.off(T, 'ThreadListHead')));
    } else if (T === '_KTIMER') {
      ctx.listInit(k, a + BigInt(sw.off(T, 'TimerListEntry')));
      signal = o.signaled ? 1 : 0;
    } else {
      signal = o.signaled ? 1 : 0; // events, gates
    }
    dispatcherHeader(ctx, a, kobj, size, signal);
    ctx.mark(a, T);
    objectHeader(ctx, a, typeName, what, o.name);
  });
}

/** `symbol` fields: "mod!name" or "mod!name+0x24" resolves to the object's address. */
export function defineSymbolAt(ctx: Ctx, symbol: string, addr: bigint, type: string): void {
  const m = /^([^!]+)!(.+?)(?:\+(0x[0-9a-fA-F]+))?$/.exec(symbol.trim());
  if (!m) { ctx.note(`symbol ${symbol}: not of the form module!name; ignored`); return; }
  const off = m[3] ? BigInt(m[3]) : 0n;
  const mod = ctx.modules.get(m[1]!);
  const existing = mod?.symbols.get(m[2]!);
  if (existing?.address !== undefined) {
    if (existing.address + off !== addr) ctx.note(`symbol ${symbol}: module symbol gives ${fmt(existing.address + off)}, the object is at ${fmt(addr)}${ctx.relocated ? ' (the relocation scales addresses, not the +offset)' : ''}`);
    if (!off && !existing.type) existing.type = type;
    return;
  }
  ctx.modules.fix(m[1]!, m[2]!, addr - off, off ? undefined : type);
}
