// What a thread is doing when nothing leads further: the end of a chain in words, as a kernel
// engineer would say it after !thread, !running, !irp and !stacks ("running on processor 1",
// "ready (priority 9)", "sleeping (KeDelayExecutionThread) in 3rdPartyAVDriver+0x1394", "waiting on
// SynchronizationEvent 8a8d7438, no known owner, blocked in DriverA!Block+0x1b; I/O pending: IRP ...").
// Cheap facts first (fields already read), then the processor table and IRP lists (read once per
// run / per thread described), frames last (lazy and cached).
import { formatAddr, type Addr } from '../../core/addr';
import type { FrameInfo } from '../../core/target';
import { cacheKey, getOrBuild } from '../../core/runCache';
import { majorFunctionName, type DeviceTarget, type IrpInfo } from '../../kernel/irps';
import type { ThreadInfo } from '../../kernel/model';
import type { ProcessorInfo } from '../../kernel/processors';
import type { Hop, RuleEnv, WaitGraph } from './waitgraph';
import { hopNoun, waitedNoun } from '../../render/vocabulary';

/** Pending IRPs named per thread; the rest are counted. */
const MAX_IRPS_SHOWN = 3;
/** IRQL from which a running thread cannot be preempted (DISPATCH_LEVEL, a WDK value). */
const DISPATCH_LEVEL = 2;
/** Network redirectors: an IRP pending in one of them waits on another machine. */
const REMOTE_DRIVERS = /^\\(FileSystem|Driver)\\(Mup|MRxSmb\d*|Rdbss|MRxDAV|MRxNfs|NfsRdr|LanmanRedirector|Rdpdr)$/i;
/** Frames of a thread waiting in win32k for input or for another thread to take its message. */
const GUI_WAIT_FRAMES = /!(NtUserMessageCall|NtUserWaitMessage|NtUserGetMessage|NtUserPeekMessage|NtUserMsgWaitForMultipleObjects\w*|NtUserWaitForMsgAndEvent|xxxSleepThread|xxxRealWaitMessageEx|xxxInterSendMsgEx|MessageBox\w*|SoftModalMessageBox)\b/;
const MESSAGE_BOX_FRAME = /!(\w*MessageBox\w*)\b/;
const DIALOG_BOX_FRAME = /!(\w*DialogBox\w*)\b/;
const SEND_MESSAGE_FRAME = /!(\w*SendMessage\w*|xxxInterSendMsgEx)\b/;
const MESSAGE_LOOP_FRAME = /!(\w*GetMessage\w*|\w*PeekMessage\w*|\w*WaitMessage\w*|\w*MsgWaitForMultipleObjects\w*)\b/;
/** The calls that sleep, kernel and user side. */
const SLEEP_FRAME = /!((Ke|Nt|Zw)DelayExecution\w*|Sleep|SleepEx)(\+|$)/;
/** System-call glue: not worth naming as the caller of a GUI API. */
const GLUE_FRAME = /^(nt|ntdll|hal)!/i;

export function describeTerminal(t: ThreadInfo, graph: WaitGraph, env: RuleEnv): string {
  switch (t.state) {
    case 'Running':
      return describeRunning(t, env);
    case 'Ready':
    case 'DeferredReady':
      return describeReady(t, env);
    case 'Standby': {
      const p = env.kernel.processors().nextOn.get(t.address);
      return p ? `standby on processor ${p.number} (priority ${t.priority}), chosen to run next` : describeReady(t, env);
    }
    case 'Transition':
      return `ready (priority ${t.priority}), kernel stack paged out (Transition)`;
    case 'Terminated':
      return 'terminated';
    case 'Waiting':
      return (t.terminated ? 'terminating, ' : '') + describeWait(t, graph, env);
    default:
      return t.state.toLowerCase();
  }
}

// ---- running, ready ----

/** The processor a thread's own record names (Win10 splits NextProcessor into the number and a flag bit: the narrower field first). */
export function claimedProcessor(t: ThreadInfo): number | undefined {
  return t.claimedProcessor;
}

const RUNNING_CLAIMS = cacheKey<Map<number, Addr[]>>('running threads by claimed processor');

/** Threads in state Running by the processor they claim, built once per run (to notice two claims on one processor). */
export function runningClaims(env: RuleEnv): Map<number, Addr[]> {
  return env.cache.get(RUNNING_CLAIMS, () => {
    const claims = new Map<number, Addr[]>();
    for (const t of env.table.threads) {
      if (t.state !== 'Running') continue;
      const n = claimedProcessor(t);
      if (n === undefined) continue;
      getOrBuild(claims, n, () => []).push(t.address);
    }
    return claims;
  });
}

function describeRunning(t: ThreadInfo, env: RuleEnv): string {
  const cpus = env.kernel.processors();
  const claimed = claimedProcessor(t);
  const a = (x: Addr) => formatAddr(x, env.k.pointerSize);
  if (!cpus.known) return claimed === undefined ? 'running' : `running on processor ${claimed}`;
  const on = cpus.runningOn.get(t.address) || [];
  if (on.length > 1) return `current thread of processors ${on.map((p) => p.number).join(' and ')} at once (inconsistent dump)`;
  if (on.length === 1) {
    const p = on[0];
    let text = p.idle ? `idle thread of processor ${p.number}` : `running on processor ${p.number}${irqlNote(p)}`;
    const rivals = (runningClaims(env).get(p.number) || []).filter((x) => x !== t.address);
    if (rivals.length) {
      text += `; ${rivals.map(a).join(', ')} also claim${rivals.length === 1 ? 's' : ''} to be running on processor ${p.number} (inconsistent dump)`;
    }
    return text;
  }
  if (claimed === undefined) return 'claims to be running, but no processor runs it (inconsistent dump)';
  const p = cpus.byNumber.get(claimed);
  if (!p) {
    if (cpus.unreadable.indexOf(claimed) >= 0) return `running on processor ${claimed} (its processor block is unreadable)`;
    return `claims to be running on processor ${claimed}, which this dump does not have (inconsistent dump)`;
  }
  const runs = !p.currentThread ? 'no thread' : p.idle ? `its idle thread ${a(p.currentThread)}` : `thread ${a(p.currentThread)}`;
  return `claims to be running on processor ${claimed}, but processor ${claimed} runs ${runs} (inconsistent dump)`;
}

function irqlNote(p: ProcessorInfo): string {
  return p.irql !== undefined && p.irql >= DISPATCH_LEVEL ? ` at IRQL ${p.irql}` : '';
}

function describeReady(t: ThreadInfo, env: RuleEnv): string {
  const text = `ready (priority ${t.priority})`;
  const cpus = env.kernel.processors();
  if (!cpus.known || !cpus.processors.length) return text;
  const idle = cpus.processors.filter((p) => p.idle).map((p) => p.number);
  // A ready thread next to an idle processor points at affinity or an inconsistent dump; none idle, at CPU starvation.
  if (idle.length) return `${text}, while processor${idle.length === 1 ? '' : 's'} ${idle.join(', ')} ${idle.length === 1 ? 'is' : 'are'} idle`;
  return cpus.processors.length > 1 ? `${text}, all ${cpus.processors.length} processors busy` : `${text}, the only processor busy`;
}

// ---- waiting ----

function describeWait(t: ThreadInfo, graph: WaitGraph, env: RuleEnv): string {
  const io = describeIrps(t, env);
  if (isSleeping(t)) {
    const frame = sleepingIn(t, env);
    const where = frame ? ` in ${frame}` : t.stackResident === false ? ', kernel stack not resident' : '';
    return joinParts([io.remote, `sleeping (KeDelayExecutionThread)${where}`, io.local]);
  }
  const parts = (graph.deadEnds.get(t.address) || []).map((d) => d.text);
  const hops = graph.out.get(t.address) || [];
  if (hops.length) {
    // Not the end of a chain (the longest waiter can be anywhere in one): say where its waits lead.
    // A rule may key its hop by the lock rather than the waited object, so no wait is listed as unexplained.
    // No frames: thousands of waiters can be named, and their own frames are not what blocks them.
    parts.push(...describeHops(hops, env));
    return joinParts([io.remote, parts.join('; '), io.local]);
  }
  const dead = new Set((graph.deadEnds.get(t.address) || []).map((d) => d.object));
  const unexplained: string[] = [];
  for (const w of t.waits) {
    if (dead.has(w.object)) continue;
    const entry = graph.waiters.get(w.object);
    unexplained.push(`waiting on ${entry ? waitedNoun(entry.kind) : 'object'} ${formatAddr(w.object, env.k.pointerSize)}, no known owner`);
  }
  // An event nobody owns, in a thread whose frames wait for window messages: the GUI is the answer.
  const gui = unexplained.length || !t.waits.length ? guiWait(t, env) : undefined;
  if (gui) parts.push(gui);
  else {
    parts.push(...unexplained);
    if (!parts.length) parts.push(`waiting (${t.waitReason}) on no dispatcher object`);
    parts[parts.length - 1] += blockedIn(t, env);
  }
  return joinParts([io.remote, parts.join('; '), io.local]);
}

/** One phrase per object the thread's hops go through: "waiting on mutant 85e9ba00 (owner) -> thread 866d63e8". */
function describeHops(hops: Hop[], env: RuleEnv): string[] {
  const a = (x: Addr) => formatAddr(x, env.k.pointerSize);
  const byObject = new Map<string, Hop[]>();
  for (const h of hops) {
    const key = `${h.kind}:${h.object}`;
    const list = byObject.get(key);
    if (list) list.push(h);
    else byObject.set(key, [h]);
  }
  const out: string[] = [];
  byObject.forEach((group) => {
    const h = group[0];
    const to = group.length === 1 ? `thread ${a(h.to)}` : `${group.length} threads`;
    // A legacy LPC hop is keyed by the message id, not by an address.
    const object = `${hopNoun(h.kind)} ${h.kind === 'lpc' ? h.object : a(h.object)}`;
    out.push(`waiting on ${object}${h.detail ? ` (${h.detail})` : ''} -> ${to}`);
  });
  return out;
}

/** KeDelayExecutionThread: the wait reason says so, or the only wait block is the thread's own timer. */
export function isSleeping(t: Pick<ThreadInfo, 'waitReason' | 'timedWait' | 'waits'>): boolean {
  return /^(Wr)?DelayExecution$/.test(t.waitReason) || (t.timedWait && !t.waits.length);
}

/** Who sleeps: the caller of the outermost sleep call (KeDelayExecutionThread, Sleep), else the first frame outside nt/hal. */
function sleepingIn(t: ThreadInfo, env: RuleEnv): string | undefined {
  const frames = env.stacks.frames(t);
  if (frames) {
    for (let i = frames.length - 1; i >= 0; i--) {
      if (SLEEP_FRAME.test(frames[i].text)) {
        if (i + 1 < frames.length) return frames[i + 1].text;
        break;
      }
    }
  }
  return env.stacks.blockingFrame(t);
}

function blockedIn(t: ThreadInfo, env: RuleEnv): string {
  const frame = env.stacks.blockingFrame(t);
  return frame ? `, blocked in ${frame}` : t.stackResident === false ? ', kernel stack not resident' : '';
}

/** A thread waiting for window messages or for another thread to take one: its frames say which. */
function guiWait(t: ThreadInfo, env: RuleEnv): string | undefined {
  const frames = env.stacks.frames(t);
  if (!frames || !frames.some((f) => GUI_WAIT_FRAMES.test(f.text))) return undefined;
  const box = outermostCall(frames, MESSAGE_BOX_FRAME);
  if (box) return `waiting in the GUI: a message box (${box})`;
  const dialog = outermostCall(frames, DIALOG_BOX_FRAME);
  if (dialog) return `waiting in the GUI: a dialog box (${dialog})`;
  const send = outermostCall(frames, SEND_MESSAGE_FRAME);
  if (send) return `waiting in the GUI: sending a window message to another thread (${send})`;
  const loop = outermostCall(frames, MESSAGE_LOOP_FRAME);
  if (loop) return `waiting in the GUI: a message loop (${loop})`;
  for (const f of frames) if (GUI_WAIT_FRAMES.test(f.text)) return `waiting in the GUI: a message loop (${f.text})`;
  return undefined;
}

/** The outermost frame matching `re` (the API the program called) and its caller, unless the caller is system-call glue. */
export function outermostCall(frames: readonly FrameInfo[], re: RegExp): string | undefined {
  for (let i = frames.length - 1; i >= 0; i--) {
    if (!re.test(frames[i].text)) continue;
    const caller = frames[i + 1];
    return caller && !GLUE_FRAME.test(caller.text) ? `${frames[i].text}, called from ${caller.text}` : frames[i].text;
  }
  return undefined;
}

function joinParts(parts: (string | undefined)[]): string {
  return parts.filter((p) => p).join('; ');
}

// ---- I/O ----

interface IoText {
  /** "waiting on a remote machine: IRP ..." when a pending IRP sits in a network redirector. */
  remote?: string;
  /** "I/O pending: IRP ..." otherwise. */
  local?: string;
}

/** The thread's IRPs that sit in a driver (current location within the stack), remote ones first. */
function describeIrps(t: ThreadInfo, env: RuleEnv): IoText {
  const reader = env.kernel.irps;
  const pending: { irp: IrpInfo; target: DeviceTarget | undefined; remote: boolean }[] = [];
  for (const irp of reader.threadIrps(t)) {
    const device = irp.current && irp.current.deviceObject;
    if (!device) continue;
    // Device -> driver is cached per device and driver: cheap for every IRP; file names only for those shown.
    const target = reader.deviceTarget(device);
    pending.push({ irp, target, remote: !!target && !!target.driverName && REMOTE_DRIVERS.test(target.driverName) });
  }
  if (!pending.length) return {};
  const ordered = pending.filter((p) => p.remote).concat(pending.filter((p) => !p.remote));
  const shown = ordered.slice(0, MAX_IRPS_SHOWN).map((p) => describeIrp(p.irp, p.target, env));
  if (ordered.length > MAX_IRPS_SHOWN) shown.push(`and ${ordered.length - MAX_IRPS_SHOWN} more`);
  const list = shown.join(', ');
  return ordered[0].remote ? { remote: `waiting on a remote machine: ${list}` } : { local: `I/O pending: ${list}` };
}

/** "IRP 893a7470 IRP_MJ_DEVICE_CONTROL to \Driver\DriverB (device 8a216f18)", with " on <file>" when the file is named. */
function describeIrp(irp: IrpInfo, target: DeviceTarget | undefined, env: RuleEnv): string {
  const a = (x: Addr) => formatAddr(x, env.k.pointerSize);
  const location = irp.current!;
  const driver = target && target.driverName ? target.driverName : 'an unreadable driver';
  const fileObject = location.fileObject || irp.originalFileObject;
  const file = fileObject ? env.kernel.irps.fileName(fileObject) : undefined;
  const on = file ? ` on ${file}` : '';
  return `IRP ${a(irp.address)} ${majorFunctionName(location.majorFunction)} to ${driver} (device ${a(location.deviceObject!)})${on}`;
}
