// waitchain-scenario/1: TypeScript types of the format (docs/scenario-format.md), loader and validation.
// Every field of the format is accepted; validation names the offending field ("threads[3].waits[0].object").
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isHex, normHex } from './hex';

export type Hex = string;

export interface ScenarioProcessor { number: number; currentThread?: Hex | null; irql?: number | null }
export interface ScenarioSystem {
  arch: 'x86' | 'x64';
  layouts?: string[];
  /** Layouts this scenario cannot be laid out on, each with the reason (a structure the build lacks, objects that do not fit). */
  layoutsExcluded?: Record<string, string>;
  currentTick: number;
  tickIncrement?: number;
  dumpKind?: 'complete' | 'kernel' | 'live';
  processors?: ScenarioProcessor[];
}
export interface ScenarioModule { name: string; base?: Hex; size?: number | Hex; symbols?: Record<string, Hex> }
export interface ScenarioProcess {
  address: Hex; name: string; pid?: Hex | null; parentPid?: Hex | null; sessionId?: number | null;
  exiting?: boolean | null; handleCount?: number | null; commandLine?: string | null;
}
export interface ScenarioWait { object: Hex; waitType?: 'WaitAny' | 'WaitAll' }
export type ScenarioFrame = string | { frame: string; args?: Hex[] };
export interface ScenarioKernelStack { base: Hex; limit: Hex; current: Hex; resident?: boolean | null }
export interface ScenarioApc { mode: 'Kernel' | 'User'; routine: string; special?: boolean; argument?: Hex | null }
export interface ScenarioThread {
  address: Hex; process: Hex; tid?: Hex | null; state?: string | null; processor?: number | null;
  waitReason?: string | null; waitMode?: 'KernelMode' | 'UserMode' | null; alertable?: boolean | null;
  waitTime?: number | null; kernelTime?: number | null; userTime?: number | null;
  priority?: number | null; basePriority?: number | null;
  waits?: ScenarioWait[]; timeout?: boolean | null; stack?: ScenarioFrame[];
  kernelStack?: ScenarioKernelStack | null;
  lpc?: { replyMessageId?: Hex | null; receivedMessageId?: Hex | null } | null;
  alpcMessage?: Hex | null; apcs?: ScenarioApc[]; irps?: Hex[];
  startAddress?: string | null; win32StartAddress?: string | null; impersonating?: boolean | null;
}
export interface ScenarioObject {
  address: Hex; type: string; signaled?: boolean | null; count?: number | null; limit?: number | null;
  owner?: Hex | null; abandoned?: boolean | null; name?: string | null; symbol?: string | null;
}
export interface ScenarioResource {
  address: Hex; symbol?: string | null; exclusiveOwner?: Hex | null; sharedOwners?: Hex[];
  exclusiveWaiters?: Hex[]; sharedWaiters?: Hex[]; exclusiveWaiterCount?: number | null;
  sharedWaiterCount?: number | null; contentionCount?: number | null;
}
export interface ScenarioFastMutex { address: Hex; kind: 'FastMutex' | 'GuardedMutex'; owner?: Hex | null; waiters?: Hex[]; symbol?: string | null }
export interface ScenarioCriticalSection {
  process: Hex; address: Hex; symbol?: string | null; owner?: Hex | null; ownerTid?: Hex | null;
  recursionCount?: number | null; waiterCount?: number | null; waiters?: Hex[]; lockSemaphore?: Hex | null;
}
export interface ScenarioLpcPort { address: Hex; name?: string | null; serverProcess?: Hex | null; kind?: 'connection' | 'server' | 'client' | null }
export interface ScenarioLpcMessage { id: Hex; client?: Hex | null; server?: Hex | null; port?: Hex | null; serverProcess?: Hex | null; address?: Hex | null }
export interface ScenarioAlpcPort { address: Hex; name?: string | null; ownerProcess?: Hex | null; queuedMessages?: number | null; connectionPort?: Hex | null }
export interface ScenarioAlpcMessage { address: Hex; port: Hex; client?: Hex | null; server?: Hex | null; id?: Hex | null }
export interface ScenarioIrpStackEntry {
  major: string; minor?: number | null; device?: Hex | null; driver?: string | null; file?: string | null;
  completionRoutine?: string | null;
}
export interface ScenarioIrp {
  address: Hex; thread?: Hex | null; pending?: boolean | null; userIosb?: Hex | null; userEvent?: Hex | null;
  cancel?: boolean | null; stack?: ScenarioIrpStackEntry[]; currentLocation?: number | null;
}
export interface ScenarioSpinLock {
  address: Hex; symbol?: string | null; kind: 'SpinLock' | 'QueuedSpinLock'; owner?: Hex | null;
  queue?: { entry: Hex; thread?: Hex | null }[];
}
/** docs/scenario-extensions.md: an SRW lock (user mode) with its exclusive and shared waiters. */
export interface ScenarioSrwLock {
  process: Hex; address: Hex; symbol?: string | null; exclusive?: boolean | null; sharedCount?: number | null;
  waiters?: Hex[]; sharedWaiters?: Hex[];
}
/** docs/scenario-extensions.md: threads sleeping on a condition variable or in WaitOnAddress. */
export interface ScenarioAddressWait {
  process: Hex; address: Hex; symbol?: string | null; kind: 'condition-variable' | 'wait-on-address';
  waiters?: Hex[]; lock?: Hex | null; lockKind?: 'critical-section' | 'srw-lock' | null;
}
export interface ScenarioPushLock {
  address: Hex; symbol?: string | null; exclusive?: boolean | null; sharedCount?: number | null; waiters?: Hex[];
  /** docs/scenario-extensions.md: threads whose AutoBoost lock entries (_KLOCK_ENTRY) record that they hold it (Windows 8+). */
  autoBoostOwners?: Hex[];
}
export interface ScenarioTypeField { name: string; type: string; offset?: number }
export interface ScenarioType {
  module: string; name: string; kind: 'struct' | 'enum' | 'union'; size?: number;
  fields?: ScenarioTypeField[]; values?: Record<string, number>;
}
export type GlobalValue = number | string | boolean | null | GlobalValue[] | { [field: string]: GlobalValue };
export interface ScenarioGlobal { module: string; name: string; type: string; value?: GlobalValue; address?: Hex }
export interface ScenarioDevnode {
  address: Hex; instancePath: string; serviceName?: string | null; state: string; previousState?: string | null;
  stateHistory?: string[]; stateHistoryEntry?: number; parent?: Hex | null;
}
export type ScenarioCorruption =
  | { kind: 'unreadable'; address: Hex; size: number | Hex; process?: Hex }
  | { kind: 'pointer'; at: string; value: Hex | number }
  | { kind: 'listCycle'; list: string }
  | { kind: 'truncate'; above: Hex };

export interface Scenario {
  format: 'waitchain-scenario/1';
  id: string;
  title?: string;
  source?: string;
  system: ScenarioSystem;
  modules?: ScenarioModule[];
  processes: ScenarioProcess[];
  threads: ScenarioThread[];
  objects?: ScenarioObject[];
  resources?: ScenarioResource[];
  fastMutexes?: ScenarioFastMutex[];
  criticalSections?: ScenarioCriticalSection[];
  lpcPorts?: ScenarioLpcPort[];
  lpcMessages?: ScenarioLpcMessage[];
  alpcPorts?: ScenarioAlpcPort[];
  alpcMessages?: ScenarioAlpcMessage[];
  irps?: ScenarioIrp[];
  spinLocks?: ScenarioSpinLock[];
  pushLocks?: ScenarioPushLock[];
  srwLocks?: ScenarioSrwLock[];
  addressWaits?: ScenarioAddressWait[];
  types?: ScenarioType[];
  globals?: ScenarioGlobal[];
  devnodes?: ScenarioDevnode[];
  corruption?: ScenarioCorruption[];
  expect?: Record<string, unknown>;
  invented?: string[];
  /** Where the file was loaded from (set by loadScenario). */
  __path?: string;
}

export const THREAD_STATES = ['Initialized', 'Ready', 'Running', 'Standby', 'Terminated', 'Waiting', 'Transition',
  'DeferredReady', 'GateWait'];
export const OBJECT_TYPES = ['NotificationEvent', 'SynchronizationEvent', 'Semaphore', 'Mutant', 'Timer',
  'NotificationTimer', 'SynchronizationTimer', 'Queue', 'Gate', 'Event'];

const here = dirname(fileURLToPath(import.meta.url));
export const SCENARIO_DIR = resolve(here, '..', 'scenarios');

/** Loads a scenario by id (mocks/scenarios/<id>.json) or by path, validates and normalises it. */
export function loadScenario(idOrPath: string): Scenario {
  let path = idOrPath;
  if (!existsSync(path)) {
    const byId = join(SCENARIO_DIR, idOrPath.endsWith('.json') ? idOrPath : idOrPath + '.json');
    if (!existsSync(byId)) throw new Error(`scenario '${idOrPath}' not found (neither a path nor ${byId})`);
    path = byId;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`scenario ${path}: invalid JSON: ${(e as Error).message}`);
  }
  const s = validateScenario(raw, path);
  s.__path = path;
  return s;
}

class Checker {
  errors: string[] = [];
  constructor(readonly where: string) {}
  fail(path: string, msg: string): void { this.errors.push(`${path}: ${msg}`); }
  obj(v: unknown, path: string): v is Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) { this.fail(path, `expected an object, got ${JSON.stringify(v)}`); return false; }
    return true;
  }
  arr(v: unknown, path: string, required = false): v is unknown[] {
    if (v === undefined || v === null) { if (required) this.fail(path, 'required list is missing'); return false; }
    if (!Array.isArray(v)) { this.fail(path, `expected a list, got ${JSON.stringify(v)}`); return false; }
    return true;
  }
  /** Hex field: normalises in place. */
  hex(o: Record<string, unknown>, key: string, path: string, required = false): void {
    const v = o[key];
    if (v === undefined || v === null) { if (required) this.fail(`${path}.${key}`, 'required hex value is missing'); return; }
    if (!isHex(v)) { this.fail(`${path}.${key}`, `expected a hex string, got ${JSON.stringify(v)}`); return; }
    o[key] = normHex(v);
  }
  hexList(o: Record<string, unknown>, key: string, path: string): void {
    const v = o[key];
    if (!this.arr(v, `${path}.${key}`)) return;
    v.forEach((x, i) => {
      if (x === null) return;
      if (!isHex(x)) this.fail(`${path}.${key}[${i}]`, `expected a hex string, got ${JSON.stringify(x)}`);
      else v[i] = normHex(x);
    });
  }
  num(o: Record<string, unknown>, key: string, path: string, required = false): void {
    const v = o[key];
    if (v === undefined || v === null) { if (required) this.fail(`${path}.${key}`, 'required number is missing'); return; }
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${path}.${key}`, `expected a number, got ${JSON.stringify(v)}`);
  }
  str(o: Record<string, unknown>, key: string, path: string, required = false): void {
    const v = o[key];
    if (v === undefined || v === null) { if (required) this.fail(`${path}.${key}`, 'required string is missing'); return; }
    if (typeof v !== 'string') this.fail(`${path}.${key}`, `expected a string, got ${JSON.stringify(v)}`);
  }
  bool(o: Record<string, unknown>, key: string, path: string): void {
    const v = o[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'boolean') this.fail(`${path}.${key}`, `expected true/false, got ${JSON.stringify(v)}`);
  }
  oneOf(o: Record<string, unknown>, key: string, path: string, values: string[], required = false): void {
    const v = o[key];
    if (v === undefined || v === null) { if (required) this.fail(`${path}.${key}`, `required; one of ${values.join(', ')}`); return; }
    if (typeof v !== 'string' || !values.includes(v)) this.fail(`${path}.${key}`, `expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  }
  /** hex or number (sizes). */
  hexOrNum(o: Record<string, unknown>, key: string, path: string, required = false): void {
    const v = o[key];
    if (v === undefined || v === null) { if (required) this.fail(`${path}.${key}`, 'required'); return; }
    if (typeof v === 'number') return;
    this.hex(o, key, path, required);
  }
}

/** Validates (and normalises hex spellings of) a parsed scenario; throws one error listing every problem. */
export function validateScenario(raw: unknown, where = '<scenario>'): Scenario {
  const c = new Checker(where);
  if (!c.obj(raw, '(top level)')) throw new Error(`scenario ${where}: ${c.errors.join('; ')}`);
  const s = raw as Record<string, unknown>;
  if (s.format !== 'waitchain-scenario/1') c.fail('format', `expected "waitchain-scenario/1", got ${JSON.stringify(s.format)}`);
  c.str(s, 'id', '', true);
  if (c.obj(s.system, 'system')) {
    const sys = s.system as Record<string, unknown>;
    c.oneOf(sys, 'arch', 'system', ['x86', 'x64'], true);
    c.num(sys, 'currentTick', 'system', true);
    c.num(sys, 'tickIncrement', 'system');
    c.oneOf(sys, 'dumpKind', 'system', ['complete', 'kernel', 'live']);
    if (sys.layouts !== undefined && sys.layouts !== null && (!Array.isArray(sys.layouts) || sys.layouts.some((l) => typeof l !== 'string')))
      c.fail('system.layouts', 'expected a list of layout names');
    if (sys.layoutsExcluded !== undefined && sys.layoutsExcluded !== null
      && (typeof sys.layoutsExcluded !== 'object' || Array.isArray(sys.layoutsExcluded) || Object.values(sys.layoutsExcluded).some((r) => typeof r !== 'string' || !r)))
      c.fail('system.layoutsExcluded', 'expected {layout name: reason}');
    if (c.arr(sys.processors, 'system.processors')) {
      (sys.processors as unknown[]).forEach((p, i) => {
        const path = `system.processors[${i}]`;
        if (!c.obj(p, path)) return;
        c.num(p, 'number', path, true); c.hex(p, 'currentThread', path); c.num(p, 'irql', path);
      });
    }
  }
  if (c.arr(s.modules, 'modules')) (s.modules as unknown[]).forEach((m, i) => {
    const path = `modules[${i}]`;
    if (!c.obj(m, path)) return;
    c.str(m, 'name', path, true); c.hex(m, 'base', path); c.hexOrNum(m, 'size', path);
    if (m.symbols !== undefined && m.symbols !== null) {
      if (c.obj(m.symbols, `${path}.symbols`)) for (const k of Object.keys(m.symbols)) c.hex(m.symbols as Record<string, unknown>, k, `${path}.symbols`, true);
    }
  });
  if (c.arr(s.processes, 'processes', true)) (s.processes as unknown[]).forEach((p, i) => {
    const path = `processes[${i}]`;
    if (!c.obj(p, path)) return;
    c.hex(p, 'address', path, true); c.str(p, 'name', path, true); c.hex(p, 'pid', path); c.hex(p, 'parentPid', path);
    c.num(p, 'sessionId', path); c.bool(p, 'exiting', path); c.num(p, 'handleCount', path); c.str(p, 'commandLine', path);
  });
  if (c.arr(s.threads, 'threads', true)) (s.threads as unknown[]).forEach((t, i) => {
    const path = `threads[${i}]`;
    if (!c.obj(t, path)) return;
    c.hex(t, 'address', path, true); c.hex(t, 'process', path, true); c.hex(t, 'tid', path);
    c.oneOf(t, 'state', path, THREAD_STATES); c.num(t, 'processor', path); c.str(t, 'waitReason', path);
    c.oneOf(t, 'waitMode', path, ['KernelMode', 'UserMode']); c.bool(t, 'alertable', path);
    for (const k of ['waitTime', 'kernelTime', 'userTime', 'priority', 'basePriority']) c.num(t, k, path);
    c.bool(t, 'timeout', path); c.bool(t, 'impersonating', path);
    if (c.arr(t.waits, `${path}.waits`)) (t.waits as unknown[]).forEach((w, j) => {
      if (!c.obj(w, `${path}.waits[${j}]`)) return;
      c.hex(w, 'object', `${path}.waits[${j}]`, true); c.oneOf(w, 'waitType', `${path}.waits[${j}]`, ['WaitAny', 'WaitAll']);
    });
    if (c.arr(t.stack, `${path}.stack`)) (t.stack as unknown[]).forEach((f, j) => {
      const fp = `${path}.stack[${j}]`;
      if (typeof f === 'string') return;
      if (!c.obj(f, fp)) return;
      c.str(f, 'frame', fp, true); c.hexList(f, 'args', fp);
    });
    if (t.kernelStack !== undefined && t.kernelStack !== null && c.obj(t.kernelStack, `${path}.kernelStack`)) {
      const ks = t.kernelStack as Record<string, unknown>;
      c.hex(ks, 'base', `${path}.kernelStack`, true); c.hex(ks, 'limit', `${path}.kernelStack`, true);
      c.hex(ks, 'current', `${path}.kernelStack`, true); c.bool(ks, 'resident', `${path}.kernelStack`);
    }
    if (t.lpc !== undefined && t.lpc !== null && c.obj(t.lpc, `${path}.lpc`)) {
      c.hex(t.lpc as Record<string, unknown>, 'replyMessageId', `${path}.lpc`);
      c.hex(t.lpc as Record<string, unknown>, 'receivedMessageId', `${path}.lpc`);
    }
    c.hex(t, 'alpcMessage', path);
    if (c.arr(t.apcs, `${path}.apcs`)) (t.apcs as unknown[]).forEach((a, j) => {
      const ap = `${path}.apcs[${j}]`;
      if (!c.obj(a, ap)) return;
      c.oneOf(a, 'mode', ap, ['Kernel', 'User'], true); c.str(a, 'routine', ap, true); c.bool(a, 'special', ap); c.hex(a, 'argument', ap);
    });
    c.hexList(t, 'irps', path);
    c.str(t, 'startAddress', path); c.str(t, 'win32StartAddress', path);
  });
  if (c.arr(s.objects, 'objects')) (s.objects as unknown[]).forEach((o, i) => {
    const path = `objects[${i}]`;
    if (!c.obj(o, path)) return;
    c.hex(o, 'address', path, true); c.oneOf(o, 'type', path, OBJECT_TYPES, true); c.bool(o, 'signaled', path);
    c.num(o, 'count', path); c.num(o, 'limit', path); c.hex(o, 'owner', path); c.bool(o, 'abandoned', path);
    c.str(o, 'name', path); c.str(o, 'symbol', path);
  });
  if (c.arr(s.resources, 'resources')) (s.resources as unknown[]).forEach((r, i) => {
    const path = `resources[${i}]`;
    if (!c.obj(r, path)) return;
    c.hex(r, 'address', path, true); c.str(r, 'symbol', path); c.hex(r, 'exclusiveOwner', path);
    for (const k of ['sharedOwners', 'exclusiveWaiters', 'sharedWaiters']) c.hexList(r, k, path);
    for (const k of ['exclusiveWaiterCount', 'sharedWaiterCount', 'contentionCount']) c.num(r, k, path);
  });
  if (c.arr(s.fastMutexes, 'fastMutexes')) (s.fastMutexes as unknown[]).forEach((m, i) => {
    const path = `fastMutexes[${i}]`;
    if (!c.obj(m, path)) return;
    c.hex(m, 'address', path, true); c.oneOf(m, 'kind', path, ['FastMutex', 'GuardedMutex'], true);
    c.hex(m, 'owner', path); c.hexList(m, 'waiters', path); c.str(m, 'symbol', path);
  });
  if (c.arr(s.criticalSections, 'criticalSections')) (s.criticalSections as unknown[]).forEach((cs, i) => {
    const path = `criticalSections[${i}]`;
    if (!c.obj(cs, path)) return;
    c.hex(cs, 'process', path, true); c.hex(cs, 'address', path, true); c.str(cs, 'symbol', path);
    c.hex(cs, 'owner', path); c.hex(cs, 'ownerTid', path); c.num(cs, 'recursionCount', path);
    c.num(cs, 'waiterCount', path); c.hexList(cs, 'waiters', path); c.hex(cs, 'lockSemaphore', path);
  });
  if (c.arr(s.lpcPorts, 'lpcPorts')) (s.lpcPorts as unknown[]).forEach((p, i) => {
    const path = `lpcPorts[${i}]`;
    if (!c.obj(p, path)) return;
    c.hex(p, 'address', path, true); c.str(p, 'name', path); c.hex(p, 'serverProcess', path);
    c.oneOf(p, 'kind', path, ['connection', 'server', 'client']);
  });
  if (c.arr(s.lpcMessages, 'lpcMessages')) (s.lpcMessages as unknown[]).forEach((m, i) => {
    const path = `lpcMessages[${i}]`;
    if (!c.obj(m, path)) return;
    c.hex(m, 'id', path, true); c.hex(m, 'client', path); c.hex(m, 'server', path); c.hex(m, 'port', path);
    c.hex(m, 'serverProcess', path); c.hex(m, 'address', path);
  });
  if (c.arr(s.alpcPorts, 'alpcPorts')) (s.alpcPorts as unknown[]).forEach((p, i) => {
    const path = `alpcPorts[${i}]`;
    if (!c.obj(p, path)) return;
    c.hex(p, 'address', path, true); c.str(p, 'name', path); c.hex(p, 'ownerProcess', path);
    c.num(p, 'queuedMessages', path); c.hex(p, 'connectionPort', path);
  });
  if (c.arr(s.alpcMessages, 'alpcMessages')) (s.alpcMessages as unknown[]).forEach((m, i) => {
    const path = `alpcMessages[${i}]`;
    if (!c.obj(m, path)) return;
    c.hex(m, 'address', path, true); c.hex(m, 'port', path, true); c.hex(m, 'client', path); c.hex(m, 'server', path);
    c.hex(m, 'id', path);
  });
  if (c.arr(s.irps, 'irps')) (s.irps as unknown[]).forEach((r, i) => {
    const path = `irps[${i}]`;
    if (!c.obj(r, path)) return;
    c.hex(r, 'address', path, true); c.hex(r, 'thread', path); c.bool(r, 'pending', path); c.hex(r, 'userIosb', path);
    c.hex(r, 'userEvent', path); c.bool(r, 'cancel', path); c.num(r, 'currentLocation', path);
    if (c.arr(r.stack, `${path}.stack`)) (r.stack as unknown[]).forEach((e, j) => {
      const ep = `${path}.stack[${j}]`;
      if (!c.obj(e, ep)) return;
      c.str(e, 'major', ep, true);
      if (typeof e.major === 'string' && !(e.major in IRP_MJ)) c.fail(`${ep}.major`, `unknown IRP_MJ_* name ${JSON.stringify(e.major)}`);
      c.num(e, 'minor', ep); c.hex(e, 'device', ep); c.str(e, 'driver', ep); c.str(e, 'file', ep); c.str(e, 'completionRoutine', ep);
    });
  });
  if (c.arr(s.spinLocks, 'spinLocks')) (s.spinLocks as unknown[]).forEach((l, i) => {
    const path = `spinLocks[${i}]`;
    if (!c.obj(l, path)) return;
    c.hex(l, 'address', path, true); c.str(l, 'symbol', path); c.oneOf(l, 'kind', path, ['SpinLock', 'QueuedSpinLock'], true);
    c.hex(l, 'owner', path);
    if (c.arr(l.queue, `${path}.queue`)) (l.queue as unknown[]).forEach((q, j) => {
      if (!c.obj(q, `${path}.queue[${j}]`)) return;
      c.hex(q, 'entry', `${path}.queue[${j}]`, true); c.hex(q, 'thread', `${path}.queue[${j}]`);
    });
  });
  if (c.arr(s.pushLocks, 'pushLocks')) (s.pushLocks as unknown[]).forEach((l, i) => {
    const path = `pushLocks[${i}]`;
    if (!c.obj(l, path)) return;
    c.hex(l, 'address', path, true); c.str(l, 'symbol', path); c.bool(l, 'exclusive', path); c.num(l, 'sharedCount', path);
    c.hexList(l, 'waiters', path); c.hexList(l, 'autoBoostOwners', path);
  });
  if (c.arr(s.srwLocks, 'srwLocks')) (s.srwLocks as unknown[]).forEach((l, i) => {
    const path = `srwLocks[${i}]`;
    if (!c.obj(l, path)) return;
    c.hex(l, 'process', path, true); c.hex(l, 'address', path, true); c.str(l, 'symbol', path); c.bool(l, 'exclusive', path);
    c.num(l, 'sharedCount', path); c.hexList(l, 'waiters', path); c.hexList(l, 'sharedWaiters', path);
  });
  if (c.arr(s.addressWaits, 'addressWaits')) (s.addressWaits as unknown[]).forEach((w, i) => {
    const path = `addressWaits[${i}]`;
    if (!c.obj(w, path)) return;
    c.hex(w, 'process', path, true); c.hex(w, 'address', path, true); c.str(w, 'symbol', path);
    c.oneOf(w, 'kind', path, ['condition-variable', 'wait-on-address'], true); c.hexList(w, 'waiters', path);
    c.hex(w, 'lock', path); c.oneOf(w, 'lockKind', path, ['critical-section', 'srw-lock']);
  });
  if (c.arr(s.types, 'types')) (s.types as unknown[]).forEach((t, i) => {
    const path = `types[${i}]`;
    if (!c.obj(t, path)) return;
    c.str(t, 'module', path, true); c.str(t, 'name', path, true); c.oneOf(t, 'kind', path, ['struct', 'enum', 'union'], true);
    c.num(t, 'size', path);
    if (c.arr(t.fields, `${path}.fields`)) (t.fields as unknown[]).forEach((f, j) => {
      if (!c.obj(f, `${path}.fields[${j}]`)) return;
      c.str(f, 'name', `${path}.fields[${j}]`, true); c.str(f, 'type', `${path}.fields[${j}]`, true); c.num(f, 'offset', `${path}.fields[${j}]`);
    });
    if (t.kind === 'enum' && (t.values === undefined || t.values === null || typeof t.values !== 'object')) c.fail(`${path}.values`, 'an enum needs values');
  });
  if (c.arr(s.globals, 'globals')) (s.globals as unknown[]).forEach((g, i) => {
    const path = `globals[${i}]`;
    if (!c.obj(g, path)) return;
    c.str(g, 'module', path, true); c.str(g, 'name', path, true); c.str(g, 'type', path, true); c.hex(g, 'address', path);
  });
  if (c.arr(s.devnodes, 'devnodes')) (s.devnodes as unknown[]).forEach((d, i) => {
    const path = `devnodes[${i}]`;
    if (!c.obj(d, path)) return;
    c.hex(d, 'address', path, true); c.str(d, 'instancePath', path, true); c.str(d, 'serviceName', path);
    c.str(d, 'state', path, true); c.str(d, 'previousState', path); c.num(d, 'stateHistoryEntry', path); c.hex(d, 'parent', path);
    if (c.arr(d.stateHistory, `${path}.stateHistory`) && (d.stateHistory as unknown[]).some((x) => typeof x !== 'string'))
      c.fail(`${path}.stateHistory`, 'expected a list of state names');
  });
  if (c.arr(s.corruption, 'corruption')) (s.corruption as unknown[]).forEach((k, i) => {
    const path = `corruption[${i}]`;
    if (!c.obj(k, path)) return;
    c.oneOf(k, 'kind', path, ['unreadable', 'pointer', 'listCycle', 'truncate'], true);
    if (k.kind === 'unreadable') { c.hex(k, 'address', path, true); c.hexOrNum(k, 'size', path, true); c.hex(k, 'process', path); }
    if (k.kind === 'pointer') {
      c.str(k, 'at', path, true);
      if (typeof k.value === 'number') { /* ok */ } else c.hex(k, 'value', path, true);
    }
    if (k.kind === 'listCycle') c.str(k, 'list', path, true);
    if (k.kind === 'truncate') c.hex(k, 'above', path, true);
  });
  if (c.errors.length) throw new Error(`scenario ${where} (${String(s.id ?? '?')}): invalid:\n  ${c.errors.join('\n  ')}`);
  return s as unknown as Scenario;
}

/** IRP_MJ_* codes as wdm.h defines them (https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/irp-major-function-codes). */
export const IRP_MJ: Record<string, number> = {
  IRP_MJ_CREATE: 0x00, IRP_MJ_CREATE_NAMED_PIPE: 0x01, IRP_MJ_CLOSE: 0x02, IRP_MJ_READ: 0x03, IRP_MJ_WRITE: 0x04,
  IRP_MJ_QUERY_INFORMATION: 0x05, IRP_MJ_SET_INFORMATION: 0x06, IRP_MJ_QUERY_EA: 0x07, IRP_MJ_SET_EA: 0x08,
  IRP_MJ_FLUSH_BUFFERS: 0x09, IRP_MJ_QUERY_VOLUME_INFORMATION: 0x0a, IRP_MJ_SET_VOLUME_INFORMATION: 0x0b,
  IRP_MJ_DIRECTORY_CONTROL: 0x0c, IRP_MJ_FILE_SYSTEM_CONTROL: 0x0d, IRP_MJ_DEVICE_CONTROL: 0x0e,
  IRP_MJ_INTERNAL_DEVICE_CONTROL: 0x0f, IRP_MJ_SCSI: 0x0f, IRP_MJ_SHUTDOWN: 0x10, IRP_MJ_LOCK_CONTROL: 0x11,
  IRP_MJ_CLEANUP: 0x12, IRP_MJ_CREATE_MAILSLOT: 0x13, IRP_MJ_QUERY_SECURITY: 0x14, IRP_MJ_SET_SECURITY: 0x15,
  IRP_MJ_POWER: 0x16, IRP_MJ_SYSTEM_CONTROL: 0x17, IRP_MJ_DEVICE_CHANGE: 0x18, IRP_MJ_QUERY_QUOTA: 0x19,
  IRP_MJ_SET_QUOTA: 0x1a, IRP_MJ_PNP: 0x1b,
};
