// !stalecheck findings: bugs no existing command detects, each explained with its evidence and
// the next command to run. Rule ids are stable: other tools match on them. A rule returns facts
// (addresses, counts, frames, reasons as unions); src/render/staleWords.ts writes every word.
import type { Addr } from '../../core/addr';
import type { ThreadInfo } from '../../kernel/model';
import type { Terminal } from '../waits/terminals';
import type { WaitModel } from '../waits/waitModel';
import type { HopKind, UnservedMessage } from '../waits/waitgraph';

/**
 * Every rule id, declared once, in the order the report prints them: findings of one severity in this
 * order (a specific cause before the generic long wait), the rules run in it, `rulesRun` and the usage
 * list it.
 */
export const RULE_IDS = ['stale-iosb', 'apc-to-nonalertable-waiter', 'dispatch-level-spin', 'orphaned-owner', 'unserved-message', 'long-wait', 'inconsistent-dump'] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** error: memory corruption or a hang in progress; warning: a likely cause; info: context to distrust or weigh. */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

// ---- facts shared by several rules ----

/** A thread as a finding names it ("8b56cb10 (System 0004.0010, Running)") and, when it waits, how. */
export interface ThreadFacts {
  address: Addr;
  processName: string;
  pid: number;
  tid: number;
  state: string;
  waitReason: string;
  waitMode: string;
  alertable: boolean;
  terminated: boolean;
  /** The dispatcher objects it waits on. */
  waitObjects: Addr[];
}

/** Where an IRP is headed: its current stack location's major function and driver, or why there is none. */
export type IrpTargetFacts =
  | { kind: 'completed-back' }
  | { kind: 'not-sent' }
  /** `majorFunction` is the WDK name (IRP_MJ_WRITE); `driverName` when the device's driver is known. */
  | { kind: 'sent'; majorFunction: string; driverName?: string; deviceObject?: Addr };

/** Where a stack pointer came from, or why it is unknown. */
export type StackPointerSource =
  | { kind: 'saved-kernel-stack' }
  | { kind: 'kernel-stack-outside' }
  | { kind: 'innermost-frame'; user: boolean; frame: string }
  | { kind: 'no-user-frames' }
  | { kind: 'running-no-frames' };

// ---- one facts shape per rule ----

export type StaleReason = 'returned' | 'terminated' | 'other-thread';
export type ReferenceField = 'UserIosb' | 'UserEvent';

/** One address an IRP's completion will write, and the stack it lies on. */
export interface StaleReferenceFacts {
  field: ReferenceField;
  address: Addr;
  kernelStack: boolean;
  reason: StaleReason;
  severity: Severity;
  /** The thread whose stack holds it; `ownerIsIssuer` when that is the issuing thread. */
  stackOwner: ThreadFacts;
  ownerIsIssuer: boolean;
  stackLimit: Addr;
  stackBase: Addr;
  /** Whether the stack is a user-mode stack (from the TEB bounds). */
  userStack: boolean;
  sp?: Addr;
  spSource: StackPointerSource;
  frameState: 'live' | 'returned' | 'unknown';
  /** sp − address in bytes (positive: below sp). */
  below?: number;
}

export interface StaleIosbFacts {
  rule: 'stale-iosb';
  issuer: ThreadFacts;
  irp: Addr;
  irpTarget: IrpTargetFacts;
  pendingReturned: boolean;
  /** Tail.Overlay.Thread when it names another thread than the issuer. */
  overlayThread?: Addr;
  references: StaleReferenceFacts[];
}

export interface ApcFacts {
  address: Addr;
  kernelRoutine?: Addr;
  /** The routine's symbol, when the debugger names it. */
  routineName?: string;
  special: boolean;
  inserted: boolean;
  systemArgument1?: Addr;
  systemArgument2?: Addr;
}

/** How the APC's IRP was found. */
export type ApcIrpMatch =
  | { kind: 'tail-apc'; irp: Addr }
  | { kind: 'system-argument'; argument: 1 | 2; irp: Addr }
  | { kind: 'tail-apc-off-list'; irp: Addr }
  | { kind: 'only-candidate'; irp: Addr }
  | { kind: 'candidates'; count: number };

/** An address the completion writes, and how far below the waiter's stack pointer when in a returned frame. */
export interface CompletionSpot {
  address: Addr;
  belowStackPointer?: number;
}

export interface ApcIrpFacts {
  address: Addr;
  target: IrpTargetFacts;
  userIosb?: CompletionSpot;
  userEvent?: CompletionSpot;
}

export interface ApcFindingFacts {
  rule: 'apc-to-nonalertable-waiter';
  waiter: ThreadFacts;
  kernelApcPending: boolean;
  apcs: ApcFacts[];
  match: ApcIrpMatch;
  /** Every IRP the APC may complete; only the first `irpsShown` are described. */
  irpCount: number;
  irpsShown: ApcIrpFacts[];
  waitIrql?: number;
  kernelApcDisable?: number;
  specialApcDisable?: number;
  /** Whether the kernel delivers a special APC into this wait now; undefined: unknown. */
  deliverable: boolean | undefined;
  /** IRPs stale-iosb flags among them: the completion corrupts memory. */
  corrupting: Addr[];
}

export type QueueFlags = { kind: 'wait' } | { kind: 'owner' } | { kind: 'other'; flags: number };

export type SpinRelease =
  | { kind: 'self'; predecessor: Addr; predecessorLock: Addr; predecessorFlags: QueueFlags }
  | { kind: 'other-running'; predecessor: Addr; predecessorFlags: QueueFlags; holder: Addr; processor: number; holderSpinFrame?: string }
  | { kind: 'unknown' };

export interface QueuedSpinFacts {
  entry: Addr;
  /** Found in the spin frame's arguments (frame named), or on the thread's own stack. */
  source: { kind: 'argument'; frame: string } | { kind: 'own-stack'; limit: Addr; base: Addr };
  lockValue: Addr;
  flags: QueueFlags;
  lock: Addr;
  tail: Addr;
  /** Entries queued behind this one (the tail's distance). */
  behind: number;
  release: SpinRelease;
}

/** What is known of the lock when no queued entry was found. */
export type PlainSpinFacts = { kind: 'queued-entry-not-found' } | { kind: 'plain-held'; lock: Addr; word: Addr } | { kind: 'plain-unnamed' };

export type SpinNext = { kind: 'queue-entry'; entry: Addr } | { kind: 'lock-word'; lock: Addr } | { kind: 'qlocks' } | { kind: 'running' } | { kind: 'thread'; thread: Addr };

export interface DispatchSpinFacts {
  rule: 'dispatch-level-spin';
  spinner: Addr;
  processor?: number;
  irql?: number;
  spinFrame?: string;
  /** Ticks since its last wait, and the tick length (100 ns units). */
  ticks?: number;
  increment: number;
  kernelTime: number;
  /** In kernel mode ever since its last wait. */
  long: boolean;
  /** The lock it spins for, when known (queued: the lock the entry names; plain: the held lock word). */
  lock?: Addr;
  queued?: QueuedSpinFacts;
  plain?: PlainSpinFacts;
  /** The other processors, when the processor table is known. */
  others?: { number: number; idle: boolean; currentThread?: Addr }[];
  othersIdle: boolean;
  next: SpinNext;
}

/** Where a long wait blocks: a module (from its frames), or its wait reason when there are no frames. */
export type LongWaitGroup = { kind: 'module'; module: string } | { kind: 'unknown-code' } | { kind: 'no-stack'; waitReason: string };

export interface LongWaitFacts {
  rule: 'long-wait';
  waiter: ThreadFacts;
  timedWait: boolean;
  ticks: number;
  increment: number;
  thresholdSeconds: number;
  waitStart: number;
  currentTick: number | undefined;
  group: LongWaitGroup;
  groupSize: number;
  /** The other members named (the longest first), and how many more there are. */
  members: { address: Addr; processName: string; ticks: number }[];
  moreMembers: number;
  stackNotResident: boolean;
  frame?: string;
  /** Where its wait chain ends, as !waitchain words it (analysis/waits/terminals.ts). */
  waitsOn: Terminal;
}

export type OrphanReason =
  | { kind: 'terminated'; thread: ThreadFacts }
  | { kind: 'terminating'; thread: ThreadFacts }
  | { kind: 'process-exiting'; thread: ThreadFacts }
  | { kind: 'not-a-thread'; recorded: Addr }
  | { kind: 'tid-not-in-process'; tid: number; processName?: string };

export interface OrphanFacts {
  reason: OrphanReason;
  /** The owner's process when it is exiting. */
  exitingProcess?: { name: string; threadsLeft: number; activeThreads?: number };
  /** What the recorded owner address holds now. */
  recordedHolds?: { kind: 'thread' } | { kind: 'other'; typeName: string } | { kind: 'nothing' };
}

export interface OrphanedOwnerFacts {
  rule: 'orphaned-owner';
  lock: {
    kind: HopKind;
    address: Addr;
    /** A critical section's symbol (`module!name`). */
    symbol?: string;
    process?: { name: string; address: Addr };
    resource?: { exclusive: boolean; activeCount: number; exclusiveWaiters: number; sharedWaiters: number };
    abandoned: boolean;
    /** The type a guarded mutex is dumped as on this build. */
    guardedMutexType: '_KGUARDED_MUTEX' | '_FAST_MUTEX';
  };
  orphans: OrphanFacts[];
  otherOwnersAlive: number;
  waitersShown: { address: Addr; processName?: string }[];
  waiterCount: number;
  /** Waiters the lock itself counts. */
  carried: number;
  /** Processes that list fewer threads than they count, when an owner was not found among the threads. */
  shortThreadLists?: { shown: { name: string; listed: number; active: number }[]; more: number };
}

export type ServerFacts =
  /** `dead`: why it can never answer (exiting, no thread left). */
  | { kind: 'listed'; name: string; threadsLeft: number; dead?: 'exiting' | 'no-threads' }
  | { kind: 'unlisted'; address: Addr }
  | { kind: 'unknown' };

export interface UnservedFacts {
  rule: 'unserved-message';
  client: ThreadFacts;
  waitTicks?: number;
  waitStartAfterNow: boolean;
  increment: number;
  message: UnservedMessage;
  server: ServerFacts;
  /** Clients of this dump waiting on the same port. */
  portClients: number;
}

/** A thread as the inconsistent-dump rule names it: listed (with its process and state) or not. */
export interface NamedThread {
  address: Addr;
  listed?: { processName: string; pid: number; tid: number; state: string };
}

export type RunningConflict =
  | { kind: 'processor-runs-other'; processor: number; current?: NamedThread; idle: boolean; rivals: NamedThread[] }
  | { kind: 'processor-missing'; processor: number; claimants: NamedThread[] }
  | { kind: 'processor-shared'; processor: number; claimants: NamedThread[] }
  | { kind: 'current-of-several'; thread: NamedThread; processors: number[] }
  | { kind: 'running-nowhere'; thread: NamedThread }
  | { kind: 'current-not-running'; processor: number; thread: NamedThread; state: string };

export type InconsistentFacts =
  | { rule: 'inconsistent-dump'; kind: 'running-conflicts'; conflicts: RunningConflict[] }
  | { rule: 'inconsistent-dump'; kind: 'waits-after-now'; currentTick: number; late: { thread: NamedThread; waitStart: number; ahead: number }[]; count: number }
  | {
      rule: 'inconsistent-dump';
      kind: 'unlisted-current-threads';
      processors: { number: number; prcb: Addr; thread: Addr; holds: { kind: 'unreadable' } | { kind: 'thread' } | { kind: 'other'; typeName: string } }[];
    };

export type FindingFacts = StaleIosbFacts | ApcFindingFacts | DispatchSpinFacts | LongWaitFacts | OrphanedOwnerFacts | UnservedFacts | InconsistentFacts;

export interface FindingHeader {
  severity: Severity;
  thread?: Addr;
  irp?: Addr;
  /** The lock, message, port or spin lock the finding is about. */
  object?: Addr;
}

/** A finding: where it points (header) and the facts its words are written from, tagged by rule. */
export type Finding = FindingHeader & FindingFacts;

export interface StaleOptions {
  /** long-wait threshold in seconds (default 600). */
  longWaitSeconds: number;
}

export interface StaleEnv {
  model: WaitModel;
  options: StaleOptions;
}

/** A rule inspects the shared model and returns its findings; it never throws on bad data. */
export interface StaleRule<R extends RuleId = RuleId> {
  id: R;
  run(env: StaleEnv): (FindingHeader & Extract<FindingFacts, { rule: R }>)[];
}

/** Any rule, as the runner sees it. */
export interface AnyStaleRule {
  id: RuleId;
  run(env: StaleEnv): Finding[];
}

/** A thread's facts as findings name it. */
export function threadFacts(t: ThreadInfo): ThreadFacts {
  return {
    address: t.address,
    processName: t.process.name,
    pid: t.process.pid,
    tid: t.tid,
    state: t.state,
    waitReason: t.waitReason,
    waitMode: t.waitMode,
    alertable: t.alertable,
    terminated: t.terminated,
    waitObjects: t.waits.map((w) => w.object),
  };
}
