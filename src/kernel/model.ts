// Plain kernel facts read from a dump: what the analyses work on.
import type { Addr } from '../core/addr';

export interface ProcessInfo {
  address: Addr;
  pid: number;
  name: string;
  exiting: boolean;
  /** ActiveThreads as the kernel counts them (may exceed the threads the dump lists). */
  activeThreads: number | undefined;
  threads: ThreadInfo[];
}

export interface WaitBlockInfo {
  object: Addr;
  waitKey: number;
  waitType: number;
}

/**
 * _KTHREAD_STATE enumerators of the builds waitchain knows (GateWait up to Windows 7, GateWaitObsolete and
 * WaitingForProcessInSwap after; https://www.vergiliusproject.com/kernels/x64/windows-11/24h2/_KTHREAD_STATE).
 */
export const THREAD_STATES = ['Initialized', 'Ready', 'Running', 'Standby', 'Terminated', 'Waiting', 'Transition', 'DeferredReady',
  'GateWait', 'GateWaitObsolete', 'WaitingForProcessInSwap'] as const;

/** A thread's state: an enumerator above, `#<n>` for a value this build names otherwise (or not at all), Unknown when unreadable. */
export type ThreadState = (typeof THREAD_STATES)[number] | 'Unknown' | `#${number}`;

/**
 * _KWAIT_REASON enumerators (the tail differs by build: https://www.vergiliusproject.com/kernels/x64/windows-11/24h2/_KWAIT_REASON,
 * and the earlier kernels' pages there).
 */
export const WAIT_REASONS = ['Executive', 'FreePage', 'PageIn', 'PoolAllocation', 'DelayExecution', 'Suspended', 'UserRequest',
  'WrExecutive', 'WrFreePage', 'WrPageIn', 'WrPoolAllocation', 'WrDelayExecution', 'WrSuspended', 'WrUserRequest',
  'WrEventPair', 'WrSpare0', 'WrQueue', 'WrLpcReceive', 'WrLpcReply', 'WrVirtualMemory', 'WrPageOut', 'WrRendezvous',
  'WrKeyedEvent', 'WrTerminated', 'WrProcessInSwap', 'WrCpuRateControl', 'WrCalloutStack', 'WrKernel', 'WrResource',
  'WrPushLock', 'WrMutex', 'WrQuantumEnd', 'WrDispatchInt', 'WrPreempted', 'WrYieldExecution', 'WrFastMutex',
  'WrGuardedMutex', 'WrRundown', 'WrAlertByThreadId', 'WrDeferredPreempt', 'WrPhysicalFault', 'WrIoRing', 'WrMdlCache',
  'WrRcu', 'Spare2', 'Spare3', 'Spare4', 'Spare5', 'Spare6', 'MaximumWaitReason'] as const;

/** A thread's wait reason: an enumerator above, or `#<n>` for a value this build names otherwise (or not at all). */
export type WaitReason = (typeof WAIT_REASONS)[number] | `#${number}`;

export interface ThreadInfo {
  address: Addr;
  process: ProcessInfo;
  tid: number;
  state: ThreadState;
  waitReason: WaitReason;
  waitMode: string;
  alertable: boolean;
  waitTime: number;
  kernelTime: number;
  userTime: number;
  priority: number;
  basePriority: number;
  /** Dispatcher objects the thread waits on, without its own timeout timer. */
  waits: WaitBlockInfo[];
  timedWait: boolean;
  terminated: boolean;
  stackBase: Addr | undefined;
  stackLimit: Addr | undefined;
  kernelStack: Addr | undefined;
  stackResident: boolean | undefined;
  /** The processor the thread's own record names (KTHREAD.NextProcessorNumber, else NextProcessor): decoded from the bytes read. */
  readonly claimedProcessor: number | undefined;
  /** KTHREAD.Teb as read (a user address, or null for a system thread). */
  readonly teb: Addr | undefined;
}

