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

export interface ThreadInfo {
  address: Addr;
  process: ProcessInfo;
  tid: number;
  state: string;
  waitReason: string;
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

