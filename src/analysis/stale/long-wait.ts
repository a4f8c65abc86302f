// !stalecheck rule 'long-wait': threads that have waited longer than the threshold (option -t,
// default 600 s) in a wait that matters, grouped by the module they block in (the first frame
// outside nt/hal and the Win32 wait wrappers, as !stacks names the blocking module).
//
// Not long waits (a server waiting for work waits forever by design):
// - the idle wait reasons !waitchain never ranks: a queue (worker threads, I/O completion ports,
//   worker factories: WrQueue), an LPC/ALPC receive (WrLpcReceive), event pairs, ...;
// - the idle threads (the pid 0 process);
// - a thread pool waiting for work whose wait reason the dump does not record: its innermost
//   system call is the worker-factory / completion-port wait (frames are asked for only for
//   threads already past the threshold);
// - a wait that starts after the current tick (an inconsistent live dump), or whose start was never
//   recorded (WaitTime 0): no age at all.
import { appendTo } from '../../core/runCache';
import type { FrameInfo } from '../../core/target';
import type { ThreadInfo } from '../../kernel/model';
import { describeTerminal } from '../waits/terminals';
import { IDLE_WAIT_REASONS } from '../waits/waitchain';
import { threadFacts, type FindingHeader, type LongWaitFacts, type LongWaitGroup, type StaleEnv, type StaleRule } from './model';

/** 100 ns units per second (tick lengths are in 100 ns units). */
const UNITS_PER_SECOND = 10000000;
/** User-mode wait wrappers and the RPC runtime: the blocking module is their caller (an RPC client stub's module). */
const WAIT_WRAPPERS = /^(kernel32|kernelbase|wow64|wow64cpu|wow64win|ntdll_[0-9a-f]+|rpcrt4)!/i;
/** Calls that only a pool's own idle loop makes: a thread inside one waits for work. */
const POOL_IDLE_CALL = /!((Nt|Zw)WaitForWorkViaWorkerFactory|(Nt|Zw|Io)RemoveIoCompletion(Ex)?|KeRemoveQueue(Ex)?|ThreadpoolMgr::SafeWait)(\+|$)/i;
/** APC delivery: frames beyond it belong to the interrupted wait, not to what the thread blocks in now. */
const APC_DISPATCH = /!(KiDeliverApc|KiUserApcDispatcher|KiApcInterrupt|KiUserCallbackDispatcher)(\+|$)/i;
/** Group members named in each finding's evidence. */
const MEMBERS_SHOWN = 8;

interface LongWait {
  thread: ThreadInfo;
  ticks: number;
  frame: string | undefined;
  /** The blocking module, or the wait reason when no frame is known. */
  group: LongWaitGroup;
}

type LongWaitFinding = FindingHeader & LongWaitFacts;

export const longWaitRule: StaleRule<'long-wait'> = {
  id: 'long-wait',
  run(env: StaleEnv): LongWaitFinding[] {
    const { model, options } = env;
    const increment = model.clock.increment;
    const waits: LongWait[] = [];
    for (const t of model.table.threads) {
      if (t.state !== 'Waiting' || t.process.pid === 0 || IDLE_WAIT_REASONS.test(t.waitReason)) continue;
      // WaitTime 0 is a wait start never recorded (no thread of a running system starts waiting at boot tick 0).
      if (t.waitTime === 0) continue;
      const ticks = model.ageOf(t).ticks;
      if (ticks === undefined || !overThreshold(ticks, increment, options.longWaitSeconds)) continue;
      const frames = model.env.stacks.frames(t);
      if (frames && waitsForPoolWork(frames)) continue;
      // Frames all in nt/ntdll (a loader or PEB lock wait): the outermost one says what the thread was doing.
      const frame = model.env.stacks.blockingFrame(t, WAIT_WRAPPERS) || (frames && frames.length ? frames[frames.length - 1].text : undefined);
      waits.push({ thread: t, ticks, frame, group: groupOf(frame, t) });
    }
    const findings: LongWaitFinding[] = [];
    for (const g of groupsOf(waits)) for (const w of g) findings.push(findingOf(w, g, env));
    return findings;
  },
};

/** Strictly longer than the threshold, in the dump's own tick length. */
export function overThreshold(ticks: number, increment: number, seconds: number): boolean {
  return ticks * increment > seconds * UNITS_PER_SECOND;
}

/** The thread sits in a pool's wait-for-work call (innermost first, up to any APC delivery). */
export function waitsForPoolWork(frames: readonly FrameInfo[]): boolean {
  for (const f of frames) {
    if (APC_DISPATCH.test(f.text)) return false;
    if (POOL_IDLE_CALL.test(f.text)) return true;
  }
  return false;
}

/** The module of a frame ("DriverA!Block+0x1b" -> DriverA, "ModuleE+0x1a2b" -> ModuleE); undefined for a bare address (code in no module). */
export function moduleOfFrame(frame: string): string | undefined {
  const m = /^([^!+\s]+)/.exec(frame);
  if (!m || /^(0x)?[0-9a-f`]+$/i.test(m[1])) return undefined;
  return m[1];
}

/** Threads without frames are grouped by their wait reason instead. */
function groupOf(frame: string | undefined, t: ThreadInfo): LongWaitGroup {
  if (!frame) return { kind: 'no-stack', waitReason: t.waitReason };
  const module = moduleOfFrame(frame);
  return module !== undefined ? { kind: 'module', module } : { kind: 'unknown-code' };
}

/** A group's identity, and its place among groups whose longest waits are equal (code in no module first, then by name, a module before a wait reason). */
function groupKey(g: LongWaitGroup): string {
  return g.kind === 'module' ? `${g.module}\u0000m` : g.kind === 'no-stack' ? `${g.waitReason}\u0000r` : '\u0000';
}

/** Groups, the one with the longest wait first; in each, the longest waits first. */
function groupsOf(waits: LongWait[]): LongWait[][] {
  const byGroup = new Map<string, LongWait[]>();
  for (const w of waits) {
    const key = groupKey(w.group);
    appendTo(byGroup, key, w);
  }
  const groups: LongWait[][] = [];
  byGroup.forEach((list) => groups.push(list.sort((a, b) => b.ticks - a.ticks)));
  return groups.sort((a, b) => b[0].ticks - a[0].ticks || (groupKey(a[0].group) < groupKey(b[0].group) ? -1 : 1));
}

function findingOf(w: LongWait, group: LongWait[], env: StaleEnv): LongWaitFinding {
  const { model, options } = env;
  const { clock } = model;
  const t = w.thread;
  // Only the first few other members are named: never copy the group (one can hold every thread).
  const othersCount = group.length - 1;
  const shown: LongWait[] = [];
  for (let i = 0; i < group.length && shown.length < MEMBERS_SHOWN; i++) if (group[i] !== w) shown.push(group[i]);
  return {
    rule: 'long-wait',
    severity: 'warning',
    thread: t.address,
    timedWait: t.timedWait,
    ticks: w.ticks,
    increment: clock.increment,
    thresholdSeconds: options.longWaitSeconds,
    waitStart: t.waitTime,
    currentTick: clock.currentTick,
    group: w.group,
    groupSize: group.length,
    members: shown.map((g) => ({ address: g.thread.address, processName: g.thread.process.name, ticks: g.ticks })),
    moreMembers: Math.max(0, othersCount - MEMBERS_SHOWN),
    stackNotResident: t.stackResident === false,
    frame: w.frame,
    waitsOn: describeTerminal(t, model.graph, model.env),
    waiter: threadFacts(t),
  };
}
