// Helpers shared by the x64 layout files. Only shapes live here; every offset and size is per-build data
// in the layout files themselves.
import type { FieldDef, TypeDef, TypeRef } from '../format/typedef';

/** Compact field tuple: [name, offset, type] or [name, offset, type, bitPos, bitLen]. */
export type FieldTuple = [string, number, TypeRef] | [string, number, TypeRef, number, number];

function toFields(tuples: FieldTuple[]): FieldDef[] {
  return tuples.map(([name, offset, type, bitPos, bitLen]) =>
    bitPos === undefined ? { name, offset, type } : { name, offset, type, bitPos, bitLen });
}

export function struct(name: string, size: number, fields: FieldTuple[]): TypeDef {
  return { name, kind: 'struct', size, fields: toFields(fields) };
}

export function union(name: string, size: number, fields: FieldTuple[]): TypeDef {
  return { name, kind: 'union', size, fields: toFields(fields) };
}

export function enumType(name: string, values: Record<string, number>, baseType: TypeRef = 'LONG', size = 4): TypeDef {
  return { name, kind: 'enum', size, values, baseType };
}

/** _KTHREAD_STATE (phnt ntkeapi.h; Geoff Chappell kthread_state.htm) — same numbering on every 10.0 build. */
export const KTHREAD_STATE_10: Record<string, number> = {
  Initialized: 0, Ready: 1, Running: 2, Standby: 3, Terminated: 4, Waiting: 5, Transition: 6,
  DeferredReady: 7, GateWaitObsolete: 8, WaitingForProcessInSwap: 9,
};

/** _KWAIT_REASON values 0..39 (append-only enumeration; phnt ntkeapi.h, MS KernelWaitReason 0-39). */
export const KWAIT_REASON_0_39: Record<string, number> = {
  Executive: 0, FreePage: 1, PageIn: 2, PoolAllocation: 3, DelayExecution: 4, Suspended: 5, UserRequest: 6,
  WrExecutive: 7, WrFreePage: 8, WrPageIn: 9, WrPoolAllocation: 10, WrDelayExecution: 11, WrSuspended: 12,
  WrUserRequest: 13, WrEventPair: 14, WrQueue: 15, WrLpcReceive: 16, WrLpcReply: 17, WrVirtualMemory: 18,
  WrPageOut: 19, WrRendezvous: 20, WrKeyedEvent: 21, WrTerminated: 22, WrProcessInSwap: 23,
  WrCpuRateControl: 24, WrCalloutStack: 25, WrKernel: 26, WrResource: 27, WrPushLock: 28, WrMutex: 29,
  WrQuantumEnd: 30, WrDispatchInt: 31, WrPreempted: 32, WrYieldExecution: 33, WrFastMutex: 34,
  WrGuardedMutex: 35, WrRundown: 36, WrAlertByThreadId: 37, WrDeferredPreempt: 38, WrPhysicalFault: 39,
};

/** _KOBJECTS, numbering from Windows 8.1 (6.3) on (Geoff Chappell ke/kobjects.htm, reference §2.2). */
export const KOBJECTS_63: Record<string, number> = {
  EventNotificationObject: 0, EventSynchronizationObject: 1, MutantObject: 2, ProcessObject: 3, QueueObject: 4,
  SemaphoreObject: 5, ThreadObject: 6, GateObject: 7, TimerNotificationObject: 8, TimerSynchronizationObject: 9,
  Spare2Object: 10, Spare3Object: 11, Spare4Object: 12, Spare5Object: 13, Spare6Object: 14, Spare7Object: 15,
  Spare8Object: 16, ProfileCallbackObject: 17, ApcObject: 18, DpcObject: 19, DeviceQueueObject: 20,
  PriQueueObject: 21, InterruptObject: 22, ProfileObject: 23, Timer2NotificationObject: 24,
  Timer2SynchronizationObject: 25, ThreadedDpcObject: 26, MaximumKernelObject: 27,
};

/** _PNP_DEVNODE_STATE (Volatility 19041 vtypes enum choices of _DEVICE_NODE.State; reference §9.1). */
export const PNP_DEVNODE_STATE: Record<string, number> = {
  DeviceNodeUnspecified: 0x300, DeviceNodeUninitialized: 0x301, DeviceNodeInitialized: 0x302,
  DeviceNodeDriversAdded: 0x303, DeviceNodeResourcesAssigned: 0x304, DeviceNodeStartPending: 0x305,
  DeviceNodeStartCompletion: 0x306, DeviceNodeStartPostWork: 0x307, DeviceNodeStarted: 0x308,
  DeviceNodeQueryStopped: 0x309, DeviceNodeStopped: 0x30a, DeviceNodeRestartCompletion: 0x30b,
  DeviceNodeEnumeratePending: 0x30c, DeviceNodeEnumerateCompletion: 0x30d, DeviceNodeAwaitingQueuedDeletion: 0x30e,
  DeviceNodeAwaitingQueuedRemoval: 0x30f, DeviceNodeQueryRemoved: 0x310, DeviceNodeRemovePendingCloses: 0x311,
  DeviceNodeRemoved: 0x312, DeviceNodeDeletePendingCloses: 0x313, DeviceNodeDeleted: 0x314, MaxDeviceNodeState: 0x315,
};

/** _MODE (WDK). */
export const MODE: Record<string, number> = { KernelMode: 0, UserMode: 1, MaximumMode: 2 };

/** _WAIT_TYPE (WDK: WaitAll 0, WaitAny 1, WaitNotification 2; WaitDequeue 3 / WaitDpc 4 per newer WDKs, unconfirmed). */
export const WAIT_TYPE: Record<string, number> = { WaitAll: 0, WaitAny: 1, WaitNotification: 2, WaitDequeue: 3, WaitDpc: 4 };

/** _NT_PRODUCT_TYPE (WDK). */
export const NT_PRODUCT_TYPE: Record<string, number> = { NtProductWinNt: 1, NtProductLanManNt: 2, NtProductServer: 3 };
