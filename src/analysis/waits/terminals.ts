// What a thread is doing when nothing leads further, as facts a kernel engineer would read off
// !thread, !running, !irp and !stacks (render/waitchainWords.ts says them: "running on processor 1",
// "ready (priority 9)", "sleeping (KeDelayExecutionThread) in 3rdPartyAVDriver+0x1394", "waiting on
// SynchronizationEvent 8a8d7438, no known owner, blocked in DriverA!Block+0x1b; I/O pending: IRP ...").
// Cheap facts first (fields already read), then the processor table and IRP lists (read once per
// run / per thread described), frames last (lazy and cached).
import type { Addr } from '../../core/addr';
import type { FrameInfo } from '../../core/target';
import { cacheKey, getOrBuild } from '../../core/runCache';
import { majorFunctionName, type DeviceTarget, type IrpInfo } from '../../kernel/irps';
import type { ThreadInfo } from '../../kernel/model';
import type { ProcessorInfo } from '../../kernel/processors';
import type { DeadEndReason, Hop, RuleEnv, WaitGraph } from './waitgraph';

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

/** Where a thread's chain ends: its state, with the facts each state's sentence needs. */
export type Terminal =
  | { state: 'running'; running: RunningFacts }
  | { state: 'ready'; priority: number; processors: ReadyProcessors }
  | { state: 'standby'; processor: number; priority: number }
  | { state: 'transition'; priority: number }
  | { state: 'terminated' }
  | { state: 'waiting'; terminating: boolean; io?: PendingIo; wait: WaitEnd }
  /** Any other state (Initialized, GateWaitObsolete...), by name. */
  | { state: 'other'; name: string };

export type RunningFacts =
  | { kind: 'processors-unknown'; claimed?: number }
  | { kind: 'several-processors'; processors: number[] }
  | { kind: 'idle-thread'; processor: number; rivals: Addr[] }
  /** `irql`: set when at DISPATCH_LEVEL or above (it cannot be preempted). */
  | { kind: 'on-processor'; processor: number; irql?: number; rivals: Addr[] }
  | { kind: 'no-processor-claimed' }
  | { kind: 'processor-unreadable'; processor: number }
  | { kind: 'no-such-processor'; processor: number }
  | { kind: 'processor-runs-another'; processor: number; runs: { kind: 'none' } | { kind: 'idle' | 'thread'; thread: Addr } };

/** What the processors do while a thread is ready. */
export type ReadyProcessors = { kind: 'unknown' } | { kind: 'idle'; processors: number[] } | { kind: 'all-busy'; count: number };

/** Where a frame search ended: the frame, or the reason there is none. */
export type FrameWhere = { frame: string } | { stackNotResident: true } | undefined;

/** A GUI API the thread's frames wait in, and its caller unless that is system-call glue. */
export interface GuiWait {
  kind: 'message-box' | 'dialog-box' | 'send-message' | 'message-loop';
  call: OutermostCall;
}

export interface OutermostCall {
  frame: string;
  caller?: string;
}

/** Hops of a thread that is not the end of a chain, one group per object they go through. */
export interface HopGroup {
  hop: Hop;
  threads: number;
}

export type WaitEnd =
  | { kind: 'sleeping'; where: FrameWhere }
  | { kind: 'hops'; deadEnds: DeadEndReason[]; hops: HopGroup[] }
  | { kind: 'gui'; deadEnds: DeadEndReason[]; gui: GuiWait }
  /** `unexplained`: waits no rule explains, by waited-object kind (undefined: not a counted object). */
  | { kind: 'objects'; deadEnds: DeadEndReason[]; unexplained: { kind?: string; object: Addr }[]; waitReason: string; blockedIn: FrameWhere };

/** IRPs that sit in a driver, remote ones first (the first decides whether the thread waits on another machine). */
export interface PendingIo {
  remote: boolean;
  irps: PendingIrp[];
  /** IRPs beyond those listed. */
  more: number;
}

export interface PendingIrp {
  irp: Addr;
  majorFunction: string;
  driver?: string;
  device: Addr;
  file?: string;
}

export function describeTerminal(t: ThreadInfo, graph: WaitGraph, env: RuleEnv): Terminal {
  switch (t.state) {
    case 'Running':
      return { state: 'running', running: runningFacts(t, env) };
    case 'Ready':
    case 'DeferredReady':
      return readyFacts(t, env);
    case 'Standby': {
      const p = env.kernel.processors().nextOn.get(t.address);
      return p ? { state: 'standby', processor: p.number, priority: t.priority } : readyFacts(t, env);
    }
    case 'Transition':
      return { state: 'transition', priority: t.priority };
    case 'Terminated':
      return { state: 'terminated' };
    case 'Waiting':
      return waitFacts(t, graph, env);
    default:
      return { state: 'other', name: t.state };
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

function runningFacts(t: ThreadInfo, env: RuleEnv): RunningFacts {
  const cpus = env.kernel.processors();
  const claimed = claimedProcessor(t);
  if (!cpus.known) return { kind: 'processors-unknown', claimed };
  const on = cpus.runningOn.get(t.address) || [];
  if (on.length > 1) return { kind: 'several-processors', processors: on.map((p) => p.number) };
  if (on.length === 1) {
    const p = on[0];
    const rivals = (runningClaims(env).get(p.number) || []).filter((x) => x !== t.address);
    return p.idle ? { kind: 'idle-thread', processor: p.number, rivals } : { kind: 'on-processor', processor: p.number, irql: dispatchIrql(p), rivals };
  }
  if (claimed === undefined) return { kind: 'no-processor-claimed' };
  const p = cpus.byNumber.get(claimed);
  if (!p) return cpus.unreadable.indexOf(claimed) >= 0 ? { kind: 'processor-unreadable', processor: claimed } : { kind: 'no-such-processor', processor: claimed };
  const runs = !p.currentThread ? { kind: 'none' as const } : { kind: p.idle ? ('idle' as const) : ('thread' as const), thread: p.currentThread };
  return { kind: 'processor-runs-another', processor: claimed, runs };
}

function dispatchIrql(p: ProcessorInfo): number | undefined {
  return p.irql !== undefined && p.irql >= DISPATCH_LEVEL ? p.irql : undefined;
}

function readyFacts(t: ThreadInfo, env: RuleEnv): Terminal {
  const cpus = env.kernel.processors();
  if (!cpus.known || !cpus.processors.length) return { state: 'ready', priority: t.priority, processors: { kind: 'unknown' } };
  const idle = cpus.processors.filter((p) => p.idle).map((p) => p.number);
  // A ready thread next to an idle processor points at affinity or an inconsistent dump; none idle, at CPU starvation.
  const processors: ReadyProcessors = idle.length ? { kind: 'idle', processors: idle } : { kind: 'all-busy', count: cpus.processors.length };
  return { state: 'ready', priority: t.priority, processors };
}

// ---- waiting ----

function waitFacts(t: ThreadInfo, graph: WaitGraph, env: RuleEnv): Terminal {
  const io = pendingIo(t, env);
  const terminating = !!t.terminated;
  if (isSleeping(t)) {
    const frame = sleepingIn(t, env);
    const where: FrameWhere = frame ? { frame } : t.stackResident === false ? { stackNotResident: true } : undefined;
    return { state: 'waiting', terminating, io, wait: { kind: 'sleeping', where } };
  }
  const ends = graph.deadEnds.get(t.address) || [];
  const deadEnds = ends.map((d) => d.reason);
  const hops = graph.out.get(t.address) || [];
  if (hops.length) {
    // Not the end of a chain (the longest waiter can be anywhere in one): say where its waits lead.
    // A rule may key its hop by the lock rather than the waited object, so no wait is listed as unexplained.
    // No frames: thousands of waiters can be named, and their own frames are not what blocks them.
    return { state: 'waiting', terminating, io, wait: { kind: 'hops', deadEnds, hops: groupHops(hops) } };
  }
  const dead = new Set(ends.map((d) => d.object));
  const unexplained: { kind?: string; object: Addr }[] = [];
  for (const w of t.waits) {
    if (dead.has(w.object)) continue;
    const entry = graph.waiters.get(w.object);
    unexplained.push({ kind: entry && entry.kind, object: w.object });
  }
  // An event nobody owns, in a thread whose frames wait for window messages: the GUI is the answer.
  const gui = unexplained.length || !t.waits.length ? guiWait(t, env) : undefined;
  if (gui) return { state: 'waiting', terminating, io, wait: { kind: 'gui', deadEnds, gui } };
  const frame = env.stacks.blockingFrame(t);
  const blockedIn: FrameWhere = frame ? { frame } : t.stackResident === false ? { stackNotResident: true } : undefined;
  return { state: 'waiting', terminating, io, wait: { kind: 'objects', deadEnds, unexplained, waitReason: t.waitReason, blockedIn } };
}

/** One group per object the thread's hops go through: "waiting on mutant 85e9ba00 (owner) -> thread 866d63e8". */
function groupHops(hops: Hop[]): HopGroup[] {
  const byObject = new Map<string, HopGroup>();
  const out: HopGroup[] = [];
  for (const h of hops) {
    const key = `${h.kind}:${h.kind === 'lpc' ? h.messageId : h.object}`;
    const group = byObject.get(key);
    if (group) group.threads++;
    else {
      const g = { hop: h, threads: 1 };
      byObject.set(key, g);
      out.push(g);
    }
  }
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

/** A thread waiting for window messages or for another thread to take one: its frames say which. */
function guiWait(t: ThreadInfo, env: RuleEnv): GuiWait | undefined {
  const frames = env.stacks.frames(t);
  if (!frames || !frames.some((f) => GUI_WAIT_FRAMES.test(f.text))) return undefined;
  const box = outermostCall(frames, MESSAGE_BOX_FRAME);
  if (box) return { kind: 'message-box', call: box };
  const dialog = outermostCall(frames, DIALOG_BOX_FRAME);
  if (dialog) return { kind: 'dialog-box', call: dialog };
  const send = outermostCall(frames, SEND_MESSAGE_FRAME);
  if (send) return { kind: 'send-message', call: send };
  const loop = outermostCall(frames, MESSAGE_LOOP_FRAME);
  if (loop) return { kind: 'message-loop', call: loop };
  for (const f of frames) if (GUI_WAIT_FRAMES.test(f.text)) return { kind: 'message-loop', call: { frame: f.text } };
  return undefined;
}

/** The outermost frame matching `re` (the API the program called) and its caller, unless the caller is system-call glue. */
export function outermostCall(frames: readonly FrameInfo[], re: RegExp): OutermostCall | undefined {
  for (let i = frames.length - 1; i >= 0; i--) {
    if (!re.test(frames[i].text)) continue;
    const caller = frames[i + 1];
    return caller && !GLUE_FRAME.test(caller.text) ? { frame: frames[i].text, caller: caller.text } : { frame: frames[i].text };
  }
  return undefined;
}

// ---- I/O ----

/** The thread's IRPs that sit in a driver (current location within the stack), remote ones first. */
function pendingIo(t: ThreadInfo, env: RuleEnv): PendingIo | undefined {
  const reader = env.kernel.irps;
  const pending: { irp: IrpInfo; target: DeviceTarget | undefined; remote: boolean }[] = [];
  for (const irp of reader.threadIrps(t)) {
    const device = irp.current && irp.current.deviceObject;
    if (!device) continue;
    // Device -> driver is cached per device and driver: cheap for every IRP; file names only for those shown.
    const target = reader.deviceTarget(device);
    pending.push({ irp, target, remote: !!target && !!target.driverName && REMOTE_DRIVERS.test(target.driverName) });
  }
  if (!pending.length) return undefined;
  const ordered = pending.filter((p) => p.remote).concat(pending.filter((p) => !p.remote));
  const irps = ordered.slice(0, MAX_IRPS_SHOWN).map((p) => pendingIrp(p.irp, p.target, env));
  return { remote: ordered[0].remote, irps, more: Math.max(0, ordered.length - MAX_IRPS_SHOWN) };
}

/** IRP 893a7470 IRP_MJ_DEVICE_CONTROL to \Driver\DriverB (device 8a216f18), on <file> when the file is named. */
function pendingIrp(irp: IrpInfo, target: DeviceTarget | undefined, env: RuleEnv): PendingIrp {
  const location = irp.current!;
  const fileObject = location.fileObject || irp.originalFileObject;
  const file = fileObject ? env.kernel.irps.fileName(fileObject) : undefined;
  return {
    irp: irp.address,
    majorFunction: majorFunctionName(location.majorFunction),
    driver: target && target.driverName ? target.driverName : undefined,
    device: location.deviceObject!,
    file: file || undefined,
  };
}
