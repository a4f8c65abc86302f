// What the layout generator (scripts/layouts.ts) takes from the real symbol tables, and for which builds.
// This is the generator's whole input besides the tables themselves: the members the builder and the bundle
// use, the builds and their sources, the globals, and the few facts no table holds (each with its reason).
// The per-build files next to this one are generated: do not edit them; change this file and run
// `npm run layouts` (it reads ../shared/symbols).
import type { TypeRef } from '../format/typedef';

/**
 * Per module, the types whose members the builder or the bundle reads, and those members. A member a
 * build's table does not have is simply absent from that build's layout (the bundle probes for it). Types
 * referenced but not listed here are emitted without members at their real size ("opaque").
 * Taken from the union of the members of the four hand-transcribed layouts this generator replaced, which
 * listed what the product and the builder read (XP SP3 x86, Windows 7 SP1 x86, 10 19041 x64, 11 24H2 x64).
 */
export const USED_MEMBERS: Record<string, Record<string, string[]>> = {
  nt: {
    _ALPC_COMMUNICATION_INFO: [
      'ClientCommunicationPort', 'CloseMessage', 'CommunicationList', 'ConnectionPort', 'HandleTable',
      'ServerCommunicationPort',
    ],
    _ALPC_HANDLE_TABLE: ['Flags', 'Lock', 'TotalHandles'],
    _ALPC_PORT: [
      'CachedMessage', 'CallbackContext', 'CanceledQueue', 'CanceledQueueLength', 'CommunicationInfo',
      'CompletionKey', 'CompletionList', 'CompletionPacketLookaside', 'CompletionPort', 'DirectQueue',
      'DirectQueueLength', 'DirectQueueLock', 'DummyEvent', 'IncomingQueueLock', 'LargeMessageQueue',
      'LargeMessageQueueLength', 'Lock', 'MainQueue', 'MainQueueLength', 'MessageZone', 'OwnerProcess',
      'PendingQueue', 'PendingQueueLength', 'PendingQueueLock', 'PortAttributes', 'PortContext', 'PortListEntry',
      'ReferenceNo', 'ResourceListHead', 'ResourceListLock', 'Semaphore', 'SequenceNo', 'StaticSecurity',
      'TargetQueuePort', 'TargetSequencePort', 'WaitQueue', 'WaitQueueLength', 'WaitQueueLock', 'u1',
    ],
    _CLIENT_ID: ['UniqueProcess', 'UniqueThread'],
    _DEVICE_NODE: [
      'BootResources', 'BootResourcesTranslated', 'BusNumber', 'CapabilityFlags', 'Child', 'ChildBusNumber',
      'ChildBusTypeIndex', 'ChildInterfaceType', 'CompletionStatus', 'ContainerID', 'DeletedChildren',
      'DeviceArbiterList', 'DeviceTranslatorList', 'DisableableDepends', 'DockInfo', 'DriverUnloadRetryCount',
      'DuplicatePDO', 'Flags', 'HardwareRemovalPolicy', 'InstancePath', 'InterfaceType', 'LastChild',
      'LegacyBusListEntry', 'Level', 'NoArbiterMask', 'NoTranslatorMask', 'Notify', 'NumaNodeIndex', 'OverUsed1',
      'OverUsed2', 'OverrideFlags', 'Parent', 'PendedSetInterfaceState', 'PendingEjectRelations', 'PendingIrp',
      'PhysicalDeviceObject', 'PoIrpManager', 'PreviousParent', 'PreviousState', 'Problem', 'ProblemStatus',
      'QueryArbiterMask', 'QueryTranslatorMask', 'RemovalPolicy', 'RequiresUnloadedDriver', 'ResourceList',
      'ResourceListTranslated', 'ResourceRequirements', 'ServiceName', 'Sibling', 'State', 'StateHistory',
      'StateHistoryEntry', 'TargetDeviceNotify', 'UserFlags',
    ],
    _DEVICE_OBJECT: [
      'ActiveThreadCount', 'AlignmentRequirement', 'AttachedDevice', 'Characteristics', 'CurrentIrp',
      'DeviceExtension', 'DeviceLock', 'DeviceObjectExtension', 'DeviceQueue', 'DeviceType', 'Dpc', 'DriverObject',
      'Flags', 'NextDevice', 'Queue', 'ReferenceCount', 'Reserved', 'SectorSize', 'SecurityDescriptor', 'Size',
      'Spare1', 'StackSize', 'Timer', 'Type', 'Vpb',
    ],
    _DEVOBJ_EXTENSION: [
      'AttachedTo', 'DependentList', 'DeviceNode', 'DeviceObject', 'Dope', 'ExtensionFlags', 'PowerFlags',
      'ProviderList', 'Size', 'StartIoCount', 'StartIoFlags', 'StartIoKey', 'Type', 'Vpb',
    ],
    _DISPATCHER_HEADER: [
      'Abandoned', 'Absolute', 'ActiveDR7', 'AffinitySet', 'AltSyscall', 'Coalescable', 'CounterProfiling',
      'CpuThrottled', 'CycleProfiling', 'DebugActive', 'DisableIncrement', 'DpcActive', 'Emulation',
      'EncodedTolerableDelay', 'EnergyProfiling', 'Expired', 'GroupScheduling', 'Hand', 'Index', 'Inserted',
      'Instrumented', 'KeepShifting', 'Lock', 'LockNV', 'Minimal', 'MutantReserved', 'MutantSize', 'MutantType',
      'Processor', 'QueueControlFlags', 'QueueReserved', 'QueueReservedControlFlags', 'QueueSize', 'QueueType',
      'Reserved', 'Reserved1', 'Reserved2', 'Reserved4', 'SchedulerAssist', 'SignalState', 'Signalling', 'Size',
      'Tagged', 'ThreadControlFlags', 'ThreadReserved', 'ThreadReservedControlFlags', 'ThreadType',
      'Timer2CancelPending', 'Timer2ComponentId', 'Timer2Disabled', 'Timer2Expiring', 'Timer2Flags',
      'Timer2Inserted', 'Timer2RelativeId', 'Timer2ReservedFlags', 'Timer2Running', 'Timer2SetPending', 'Timer2Type',
      'TimerControlFlags', 'TimerMiscFlags', 'TimerType', 'Type', 'UmsPrimary', 'UmsScheduled', 'WaitListHead',
      'Wake',
    ],
    _DRIVER_OBJECT: [
      'DeviceObject', 'DriverExtension', 'DriverInit', 'DriverName', 'DriverSection', 'DriverSize', 'DriverStart',
      'DriverStartIo', 'DriverUnload', 'FastIoDispatch', 'Flags', 'HardwareDatabase', 'MajorFunction', 'Size',
      'Type',
    ],
    _EPROCESS: [
      'AccountingFolded', 'ActiveProcessLinks', 'ActiveThreads', 'ActiveThreadsHighWatermark', 'AddressCreationLock',
      'AddressSpaceInitialized', 'AffinityPermanent', 'AffinityUpdateEnable', 'AlpcContext', 'AweInfo',
      'BreakOnTermination', 'CloneRoot', 'CommitCharge', 'CommitChargeLimit', 'CommitChargePeak',
      'ConsoleHostProcess', 'Cookie', 'CpuQuotaBlock', 'CreateReported', 'CreateTime', 'CrossSessionCreate',
      'DebugPort', 'DefaultHardErrorProcessing', 'DefaultIoPriority', 'DefaultPagePriority', 'DeprioritizeViews',
      'DeviceMap', 'EtwDataSource', 'ExceptionPort', 'ExceptionPortData', 'ExceptionPortState', 'ExceptionPortValue',
      'ExitProcessReported', 'ExitStatus', 'ExitTime', 'ExplicitAffinity', 'Filler', 'Flags', 'Flags2', 'ForkFailed',
      'ForkInProgress', 'FreeTebHint', 'GrantedAccess', 'HandleTableRundown', 'HardwareTrigger', 'HasAddressSpace',
      'HasPhysicalVad', 'HighestUserAddress', 'HyperSpaceLock', 'ImageFileName', 'ImageNotifyDone', 'ImagePathHash',
      'InheritedFromUniqueProcessId', 'InjectInpageErrors', 'Job', 'JobLinks', 'JobNotReallyActive', 'JobStatus',
      'LastFaultCount', 'LastReportMemory', 'LastThreadExitStatus', 'LaunchPrefetched', 'LdtInformation',
      'LockedPagesList', 'MmProcessLinks', 'ModifiedPageCount', 'NeedsHandleRundown', 'NewProcessReported',
      'NextPageColor', 'NoDebugInherit', 'NumaAware', 'NumberOfLockedPages', 'NumberOfPrivatePages', 'NumberOfVads',
      'ObjectTable', 'OtherOperationCount', 'OtherTransferCount', 'OutswapEnabled', 'Outswapped',
      'OverrideAddressSpace', 'OwnerProcessId', 'PaeTop', 'PageDirectoryPte', 'Pcb', 'PdeUpdateNeeded',
      'PeakVirtualSize', 'Peb', 'PhysicalVadList', 'PhysicalVadRoot', 'PrefetchTrace', 'PrimaryTokenFrozen',
      'PriorityClass', 'ProcessDelete', 'ProcessExiting', 'ProcessInSession', 'ProcessInserted', 'ProcessLock',
      'ProcessQuotaPeak', 'ProcessQuotaUsage', 'ProcessRundown', 'ProcessSelfDelete', 'ProcessVerifierTarget',
      'PropagateNode', 'ProtectedProcess', 'QuotaBlock', 'QuotaPeak', 'QuotaUsage', 'ReadOperationCount',
      'ReadTransferCount', 'RefTraceEnabled', 'ReportCommitChanges', 'ReportPhysicalPageChanges',
      'RequestedTimerResolution', 'RotateInProgress', 'RundownProtect', 'SeAuditProcessCreationInfo',
      'SectionBaseAddress', 'SectionObject', 'SecurityPort', 'Session', 'SessionCreationUnderway',
      'SessionProcessLinks', 'SetTimerResolution', 'SetTimerResolutionLink', 'SmallestTimerResolution', 'Spare8',
      'StackRandomizationDisabled', 'SubSystemMajorVersion', 'SubSystemMinorVersion', 'SubSystemVersion',
      'ThreadListHead', 'ThreadListLock', 'TimerResolutionLink', 'TimerResolutionStackRecord', 'Token',
      'UniqueProcessId', 'Unused', 'Unused1', 'Unused2', 'Unused3', 'Unused4', 'VadFreeHint', 'VadHint', 'VadRoot',
      'VdmAllowed', 'VdmObjects', 'VirtualSize', 'Vm', 'VmDeleted', 'VmTopDown', 'Win32Process',
      'Win32WindowStation', 'WorkingSetAcquiredUnsafe', 'WorkingSetLock', 'WorkingSetPage', 'WorkingSetWatch',
      'Wow64SplitPages', 'Wow64VaSpace4Gb', 'WriteOperationCount', 'WriteTransferCount', 'WriteWatch',
    ],
    _ERESOURCE: [
      'ActiveCount', 'ActiveEntries', 'Address', 'ContentionCount', 'CreatorBackTraceIndex', 'ExclusiveWaiters',
      'Flag', 'NumberOfExclusiveWaiters', 'NumberOfSharedWaiters', 'OwnerEntry', 'OwnerTable', 'OwnerThreads',
      'Reserved2', 'ReservedLowFlags', 'SharedWaiters', 'SpinLock', 'SystemResourcesList', 'WaiterPriority',
    ],
    _ETHREAD: [
      'ActiveExWorker', 'ActiveFaultCount', 'ActiveImpersonationInfo', 'ActiveTimerListHead', 'ActiveTimerListLock',
      'AddressSpaceOwner', 'AlpcMessage', 'AlpcMessageId', 'AlpcReceiveAttributeSet', 'AlpcWaitListEntry',
      'AlpcWaitSemaphore', 'ApcNeeded', 'BreakOnTermination', 'CacheManagerActive', 'CacheManagerCount', 'Cid',
      'ClientSecurity', 'ClonedThread', 'CmCallbackListHead', 'CopyTokenOnOpen', 'CreateTime', 'CrossThreadFlags',
      'DeadThread', 'DeviceToVerify', 'DisablePageFaultClustering', 'EtwPageFaultCalloutActive',
      'ExWorkerCanWaitUser', 'ExitStatus', 'ExitTime', 'ForwardClusterOnly', 'ForwardLinkShadow', 'GrantedAccess',
      'HardErrorsAreDisabled', 'HideFromDebugger', 'ImpersonationInfo', 'IoBoostCount', 'IrpList', 'IrpListLock',
      'KeyedEventInUse', 'KeyedWaitChain', 'KeyedWaitSemaphore', 'KeyedWaitValue', 'LegacyPowerObject',
      'LockEntries', 'LockOrderState', 'LpcExitThreadCalled', 'LpcReceivedMessageId', 'LpcReceivedMsgIdValid', 'LpcReplyChain',
      'LpcReplyMessage', 'LpcReplyMessageId', 'LpcReplySemaphore', 'LpcWaitingOnPort', 'MemoryMaker',
      'MmLockOrdering', 'NeedsWorkingSetAging', 'NestedFaultCount', 'OfsChain', 'OwnsChangeControlAreaExclusive',
      'OwnsChangeControlAreaShared', 'OwnsDynamicMemoryShared', 'OwnsPagedPoolWorkingSetExclusive',
      'OwnsPagedPoolWorkingSetShared', 'OwnsProcessAddressSpaceExclusive', 'OwnsProcessAddressSpaceShared',
      'OwnsProcessWorkingSetExclusive', 'OwnsProcessWorkingSetShared', 'OwnsSessionWorkingSetExclusive',
      'OwnsSessionWorkingSetShared', 'OwnsSystemCacheWorkingSetExclusive', 'OwnsSystemCacheWorkingSetShared',
      'OwnsSystemPtesWorkingSetExclusive', 'OwnsSystemPtesWorkingSetShared', 'PostBlockList', 'Prefetching',
      'PriorityRegionActive', 'RateApcState', 'ReadClusterSize', 'ReaperLink', 'Reserved',
      'ReservedForSynchTracking', 'RundownFail', 'RundownProtect', 'SameThreadApcFlags', 'SameThreadPassiveFlags',
      'SelfTerminate', 'SkipCreationMsg', 'SkipTerminationMsg', 'Spare', 'Spare1', 'StartAddress',
      'StartAddressInvalid', 'SuppressSymbolLoad', 'SystemThread', 'Tcb', 'Terminated', 'TerminationPort',
      'ThreadInserted', 'ThreadIoPriority', 'ThreadListEntry', 'ThreadLock', 'ThreadName', 'ThreadPagePriority',
      'ThreadsProcess', 'TopLevelIrp', 'TrimTrigger', 'Win32StartAddress',
    ],
    _EXCEPTION_REGISTRATION_RECORD: ['Handler', 'Next'],
    _EX_FAST_REF: ['Object', 'RefCnt', 'Value'],
    _EX_PUSH_LOCK: ['Exclusive', 'Locked', 'MultipleShared', 'Ptr', 'Shared', 'Value', 'Waiting', 'Waking'],
    _EX_RUNDOWN_REF: ['Count', 'Ptr'],
    _FAST_MUTEX: ['Contention', 'Count', 'Event', 'Gate', 'OldIrql', 'Owner'],
    _FILE_OBJECT: [
      'Busy', 'CompletionContext', 'CurrentByteOffset', 'DeleteAccess', 'DeletePending', 'DeviceObject', 'Event',
      'FileName', 'FileObjectExtension', 'FinalStatus', 'Flags', 'FsContext', 'FsContext2', 'IrpList', 'IrpListLock',
      'LastLock', 'Lock', 'LockOperation', 'PrivateCacheMap', 'ReadAccess', 'RelatedFileObject',
      'SectionObjectPointer', 'SharedDelete', 'SharedRead', 'SharedWrite', 'Size', 'Type', 'Vpb', 'Waiters',
      'WriteAccess',
    ],
    _HANDLE_TABLE: [
      'ExtraInfoPages', 'Flags', 'HandleContentionEvent', 'HandleTableList', 'HandleTableLock',
      'NextHandleNeedingPool', 'QuotaProcess', 'TableCode', 'UniqueProcessId',
    ],
    _IO_STACK_LOCATION: [
      'CompletionRoutine', 'Context', 'Control', 'DeviceObject', 'FileObject', 'Flags', 'MajorFunction',
      'MinorFunction', 'Parameters',
    ],
    _IO_STATUS_BLOCK: ['Information', 'Pointer', 'Status'],
    _IRP: [
      'AllocationFlags', 'AllocationProcessorNumber', 'ApcEnvironment', 'AssociatedIrp', 'Cancel', 'CancelIrql',
      'CancelRoutine', 'CurrentLocation', 'Flags', 'IoStatus', 'MdlAddress', 'Overlay', 'PendingReturned',
      'RequestorMode', 'Reserved', 'Size', 'StackCount', 'Tail', 'ThreadListEntry', 'Type', 'UserBuffer',
      'UserEvent', 'UserIosb',
    ],
    _KALPC_MESSAGE: [
      'CancelListEntry', 'CancelQueuePort', 'CancelSequenceNo', 'CancelSequencePort', 'CommunicationInfo',
      'ConnectionPort', 'DataSystemVa', 'DataUserVa', 'Entry', 'ExtensionBuffer', 'ExtensionBufferSize',
      'MessageAttributes', 'OwnerPort', 'PortMessage', 'PortQueue', 'QuotaBlock', 'QuotaProcess', 'Reserve',
      'SequenceNo', 'ServerThread', 'WaitingThread', 'WakeReference', 'WakeReference2', 'u1',
    ],
    _KAPC: [
      'AllFlags', 'ApcListEntry', 'ApcMode', 'ApcStateIndex', 'CallbackDataContext', 'Inserted', 'KernelRoutine',
      'NormalContext', 'NormalRoutine', 'Reserved', 'RundownRoutine', 'Size', 'Spare0', 'SpareByte0', 'SpareByte1',
      'SpareLong0', 'SystemArgument1', 'SystemArgument2', 'Thread', 'Type',
    ],
    _KAPC_STATE: [
      'ApcListHead', 'InProgressFlags', 'KernelApcInProgress', 'KernelApcPending', 'Process', 'SpecialApcInProgress',
      'SpecialUserApcPending', 'UserApcPending', 'UserApcPendingAll',
    ],
    _KDEVICE_QUEUE_ENTRY: ['DeviceListEntry', 'Inserted', 'SortKey'],
    _KDPC: [
      'DeferredContext', 'DeferredRoutine', 'DpcData', 'DpcListEntry', 'Importance', 'Lock', 'Number',
      'ProcessorHistory', 'SystemArgument1', 'SystemArgument2', 'TargetInfoAsUlong', 'Type',
    ],
    _KEVENT: ['Header'],
    _KGATE: ['Header'],
    _KGUARDED_MUTEX: [
      'CombinedApcDisable', 'Contention', 'Count', 'Gate', 'KernelApcDisable', 'Owner', 'SpecialApcDisable',
    ],
    // AutoBoost lock entries (push-lock owners, issue 15): mocks/builder/lockEntries.ts, src/kernel/lockEntries.ts.
    _KLOCK_ENTRY: ['AcquiredBit', 'AcquiredByte', 'LockState', 'LockUnsafe', 'WaitingBit', 'WaitingByte'],
    _KLOCK_ENTRY_LOCK_STATE: ['Busy', 'CrossThreadReleasable', 'InTree', 'LockState', 'Waiting'],
    _KLOCK_QUEUE_HANDLE: ['LockQueue', 'OldIrql'],
    _KMUTANT: [
      'AbEnabled', 'Abandoned', 'Abandoned2', 'ApcDisable', 'Header', 'MutantFlags', 'MutantListEntry',
      'OwnerThread', 'Spare1', 'Spare2',
    ],
    _KPCR: [
      'ContextSwitches', 'CurrentPrcb', 'DebugActive', 'GDT', 'HalReserved', 'IDR', 'IDT', 'IRR', 'InterruptMode',
      'Irql', 'IrrActive', 'KdVersionBlock', 'KernelReserved', 'KernelReserved2', 'MajorVersion', 'MinorVersion',
      'NtTib', 'Number', 'Prcb', 'PrcbData', 'SecondLevelCacheAssociativity', 'SecondLevelCacheSize', 'Self',
      'SelfPcr', 'SetMember', 'SetMemberCopy', 'Spare0', 'Spare1', 'Spare2', 'SpareUnused', 'StallScaleFactor',
      'TSS', 'TssCopy', 'Used_ExceptionList', 'Used_Self', 'Used_StackBase', 'VdmAlert',
    ],
    _KPRCB: [
      'BuildType', 'CpuID', 'CpuModel', 'CpuStep', 'CpuStepping', 'CpuType', 'CurrentThread',
      'DeferredReadyListHead', 'DispatcherReadyListHead', 'DpcData', 'DpcRoutineActive', 'DpcStack', 'DpcTime',
      'Group', 'GroupIndex', 'IdleState', 'IdleThread', 'InterruptCount', 'InterruptTime', 'KernelTime',
      'LegacyNumber', 'LockQueue', 'MajorVersion', 'MinorVersion', 'MxCsr', 'NestingLevel', 'NextThread', 'Number',
      'PrcbLock', 'ProcessorState', 'QueueIndex', 'ReadySummary', 'Reserved', 'RspBase', 'SetMember', 'UserTime',
      'WaitListHead',
    ],
    _KPROCESS: [
      'ActiveGroupsMask', 'ActiveProcessors', 'Affinity', 'AutoAlignment', 'BasePriority', 'ContextSwitches',
      'CycleTime', 'DeepFreezeStartTime', 'DirectoryTableBase', 'DisableBoost', 'DisableQuantum', 'ExecuteOptions',
      'Flags', 'FreezeCount', 'Header', 'IdealGlobalNode', 'IdealNode', 'Int21Descriptor', 'Iopl', 'IopmOffset',
      'KernelTime', 'KernelWaitTime', 'LdtDescriptor', 'PowerState', 'ProcessFlags', 'ProcessListEntry',
      'ProcessLock', 'ProcessTimerDelay', 'ProfileListHead', 'QuantumReset', 'ReadyListHead', 'ReadyTime',
      'ReservedFlags', 'StackCount', 'State', 'SwapListEntry', 'ThreadListHead', 'ThreadQuantum', 'ThreadSeed',
      'Unused', 'Unused1', 'Unused3', 'Unused4', 'UserDirectoryTableBase', 'UserTime', 'UserWaitTime',
      'VdmTrapcHandler', 'Visited',
    ],
    _KQUEUE: ['CurrentCount', 'EntryListHead', 'Header', 'MaximumCount', 'ThreadListHead'],
    _KSEMAPHORE: ['Header', 'Limit'],
    _KSPIN_LOCK_QUEUE: ['Lock', 'Next'],
    _KSYSTEM_TIME: ['High1Time', 'High2Time', 'LowPart'],
    _KTHREAD: [
      'AdjustIncrement', 'AdjustReason', 'Affinity', 'AffinityPrimaryGroup', 'AffinityVersion', 'Alertable',
      'Alerted', 'AlertedByThreadId', 'ApcInterruptRequest', 'ApcQueueLock', 'ApcQueueable', 'ApcState',
      'ApcStateFill', 'ApcStateIndex', 'ApcStatePointer', 'AutoAlignment', 'AutoBoostActive', 'BasePriority',
      'CallbackDepth', 'CallbackStack', 'CalloutActive', 'CombinedApcDisable', 'ContextSwitches', 'CycleTime',
      'DebugActive', 'DecrementCount', 'DeferredProcessor', 'DisableBoost', 'EnableStackSwap',
      'EtwStackTraceApc1Inserted', 'EtwStackTraceApc2Inserted', 'FirstArgument', 'ForceDeferSchedule',
      'ForegroundBoost', 'FreezeCount', 'GdiFlushActive', 'GuiThread', 'Header', 'HighCycleTime', 'IdealProcessor',
      'IdleSwapBlock', 'InitialNode', 'InitialStack', 'Iopl', 'KernelApcDisable', 'KernelStack',
      'KernelStackResident', 'KernelTime', 'KernelWaitTime', 'LargeStack', 'LegoData', 'LockEntries', 'MiscFlags', 'MutantListHead',
      'NextProcessor', 'NextProcessorNumber', 'NpxIrql', 'NpxState', 'OtherPlatformFill', 'PowerState', 'Preempted',
      'PreviousMode', 'Priority', 'PriorityDecrement', 'Process', 'ProcessReadyQueue', 'Quantum',
      'QuantumEndMigrate', 'QuantumReset', 'QuantumTarget', 'Queue', 'QueueListEntry', 'QueuePriority',
      'ReadyTransition', 'RelativeTimerBias', 'Reserved', 'ReservedFlags', 'ResourceIndex', 'Running',
      'SListFaultAddress', 'SListFaultCount', 'Saturation', 'SavedApcState', 'SavedApcStateFill', 'SchedulerApc',
      'ServiceTable', 'SharedReadyQueue', 'SoftAffinity', 'Spare0', 'Spare1', 'SpecialApcDisable', 'StackBase',
      'StackLimit', 'State', 'SuspendApc', 'SuspendApcFill0', 'SuspendApcFill1', 'SuspendApcFill2',
      'SuspendApcFill3', 'SuspendApcFill4', 'SuspendApcFill5', 'SuspendCount', 'SuspendEvent', 'SuspendSemaphore',
      'SuspendSemaphorefill', 'SwapListEntry', 'SystemAffinityActive', 'SystemCallNumber', 'SystemThread', 'Teb',
      'ThreadCounters', 'ThreadFlags', 'ThreadFlags2', 'ThreadListEntry', 'ThreadLock', 'Timer', 'TimerActive',
      'TlsArray', 'TrapFrame', 'UmsDirectedSwitchEnable', 'UmsDispatched', 'UmsPerformingSyscall', 'UnusualBoost',
      'UserAffinity', 'UserAffinityPrimaryGroup', 'UserIdealProcessor', 'UserStackWalkActive', 'UserTime',
      'UserWaitTime', 'VdmSafe', 'WaitBlock', 'WaitBlockCount', 'WaitBlockList', 'WaitIrql', 'WaitListEntry',
      'WaitMode', 'WaitNext', 'WaitPrcb', 'WaitReason', 'WaitRegister', 'WaitStatus', 'WaitTime', 'Win32Thread',
      'XStateSave',
    ],
    _KTIMER: ['Dpc', 'DueTime', 'Header', 'Period', 'Processor', 'TimerListEntry', 'TimerType'],
    _KTRAP_FRAME: [
      'EFlags', 'ErrorCode', 'P1Home', 'PreviousIrql', 'PreviousMode', 'R10', 'R11', 'R8', 'R9', 'Rax', 'Rbp', 'Rbx',
      'Rcx', 'Rdi', 'Rdx', 'Rip', 'Rsi', 'Rsp', 'SegCs', 'SegSs',
    ],
    _KUSER_SHARED_DATA: [
      'ActiveConsoleId', 'ActiveGroupCount', 'ActiveProcessorCount', 'AitSamplingValue', 'AltArchitecturePad',
      'AlternativeArchitecture', 'AppCompatFlag', 'ComPlusPackage', 'ConsoleSessionForegroundProcessId', 'Cookie',
      'CookiePad', 'CryptoExponent', 'DataFlagsPad', 'DbgDynProcessorEnabled', 'DbgElevationEnabled',
      'DbgErrorPortPresent', 'DbgInstallerDetectEnabled', 'DbgSEHValidationEnabled', 'DbgSystemDllRelocated',
      'DbgVirtEnabled', 'DismountCount', 'ImageFileExecutionOptions', 'ImageNumberHigh', 'ImageNumberLow',
      'InterruptTime', 'InterruptTimeBias', 'KdDebuggerEnabled', 'LangGenerationCount', 'LargePageMinimum',
      'LastSystemRITEventTickCount', 'MaxStackTraceDepth', 'NXSupportPolicy', 'NtBuildNumber', 'NtMajorVersion',
      'NtMinorVersion', 'NtProductType', 'NtSystemRoot', 'NumberOfPhysicalPages', 'ProcessorFeatures',
      'ProductTypeIsValid', 'Reserved1', 'Reserved2', 'Reserved3', 'Reserved4', 'Reserved5',
      'ReservedTickCountOverlay', 'SafeBootMode', 'SharedDataFlags', 'SpareBits', 'SuiteMask', 'SystemCall',
      'SystemCallPad', 'SystemCallReturn', 'SystemDllNativeRelocation', 'SystemDllWowRelocation',
      'SystemExpirationDate', 'SystemTime', 'TestRetInstruction', 'TickCount', 'TickCountLow',
      'TickCountLowDeprecated', 'TickCountMultiplier', 'TickCountPad', 'TickCountQuad', 'TimeSlip', 'TimeZoneBias',
      'TimeZoneId', 'TraceLogging', 'TscQpcBias', 'TscQpcData', 'TscQpcEnabled', 'TscQpcPad', 'TscQpcShift',
      'TscQpcSpareFlag', 'UserModeGlobalLogger', 'Wow64SharedInformation', 'XState', 'XStatePad',
    ],
    _KWAIT_BLOCK: [
      'BlockState', 'Dpc', 'NextWaitBlock', 'NotificationQueue', 'Object', 'SpareLong', 'SparePtr', 'Thread',
      'WaitKey', 'WaitListEntry', 'WaitType',
    ],
    _KWAIT_CHAIN: ['Head'],
    _KWAIT_CHAIN_ENTRY: ['Event', 'ListEntry', 'Thread'],
    _LARGE_INTEGER: ['HighPart', 'LowPart', 'QuadPart', 'u'],
    _LDR_DATA_TABLE_ENTRY: [
      'BaseDllName', 'CheckSum', 'ContextInformation', 'DllBase', 'EntryPoint', 'EntryPointActivationContext',
      'Flags', 'ForwarderLinks', 'FullDllName', 'HashLinks', 'InInitializationOrderLinks', 'InLoadOrderLinks',
      'InMemoryOrderLinks', 'LoadCount', 'LoadTime', 'LoadedImports', 'OriginalBase', 'PatchInformation',
      'SectionPointer', 'ServiceTagLinks', 'SizeOfImage', 'StaticLinks', 'TimeDateStamp', 'TlsIndex',
    ],
    _LIST_ENTRY: ['Blink', 'Flink'],
    _LPCP_MESSAGE: ['Entry', 'FreeEntry', 'PortContext', 'RepliedToThread', 'Request', 'Reserved0', 'SenderPort'],
    _LPCP_PORT_OBJECT: [
      'ClientSectionBase', 'ClientThread', 'ConnectedPort', 'ConnectionPort', 'Creator', 'Flags',
      'LpcDataInfoChainHead', 'LpcReplyChainHead', 'MappingProcess', 'MaxConnectionInfoLength', 'MaxMessageLength',
      'MsgQueue', 'PortContext', 'SecurityQos', 'ServerProcess', 'ServerSectionBase', 'StaticSecurity', 'WaitEvent',
    ],
    _LPCP_PORT_QUEUE: ['NonPagedPortQueue', 'ReceiveHead', 'Semaphore'],
    _MDL: [
      'AllocationProcessorNumber', 'ByteCount', 'ByteOffset', 'MappedSystemVa', 'MdlFlags', 'Next', 'Process',
      'Reserved', 'Size', 'StartVa',
    ],
    _MM_SESSION_SPACE: ['ProcessList', 'ProcessReferenceToSession', 'ReferenceCount', 'SessionId'],
    _NT_TIB: [
      'ArbitraryUserPointer', 'ExceptionList', 'FiberData', 'Self', 'StackBase', 'StackLimit', 'SubSystemTib',
      'Version',
    ],
    _OBJECT_HEADER: [
      'Body', 'DbgRefTrace', 'DbgTracePermanent', 'DefaultSecurityQuota', 'DeletedInline', 'ExclusiveObject',
      'Flags', 'HandleCount', 'HandleInfoOffset', 'InfoMask', 'KernelObject', 'KernelOnlyAccess', 'Lock',
      'NameInfoOffset', 'NewObject', 'NextToFree', 'ObjectCreateInfo', 'PermanentObject', 'PointerCount',
      'QuotaBlockCharged', 'QuotaInfoOffset', 'Reserved', 'SecurityDescriptor', 'SingleHandleEntry', 'TraceFlags',
      'Type', 'TypeIndex',
    ],
    _OBJECT_HEADER_NAME_INFO: ['Directory', 'Name', 'QueryReferences', 'ReferenceCount'],
    _OBJECT_TYPE: [
      'CallbackList', 'DefaultObject', 'HighWaterNumberOfHandles', 'HighWaterNumberOfObjects', 'Index', 'Key',
      'Mutex', 'Name', 'ObjectLocks', 'TotalNumberOfHandles', 'TotalNumberOfObjects', 'TypeInfo', 'TypeList',
      'TypeLock',
    ],
    _OWNER_ENTRY: [
      'IoPriorityBoosted', 'IoQoSPriorityBoosted', 'OwnerCount', 'OwnerReferenced', 'OwnerThread', 'TableSize',
    ],
    _PEB: [
      'ActivationContextData', 'ActiveProcessAffinityMask', 'AnsiCodePageData', 'ApiSetMap', 'AppCompatFlags',
      'AppCompatFlagsUser', 'AppCompatInfo', 'AtlThunkSListPtr', 'AtlThunkSListPtr32', 'BeingDebugged', 'BitField',
      'CSDVersion', 'CritSecTracingEnabled', 'CriticalSectionTimeout', 'CrossProcessFlags', 'EnvironmentUpdateCount',
      'FastPebLock', 'FastPebLockRoutine', 'FastPebUnlockRoutine', 'FlsBitmap', 'FlsBitmapBits', 'FlsHighIndex',
      'FlsListHead', 'FreeList', 'GdiDCAttributeList', 'GdiHandleBuffer', 'GdiSharedHandleTable',
      'HeapDeCommitFreeBlockThreshold', 'HeapDeCommitTotalFreeThreshold', 'HeapSegmentCommit', 'HeapSegmentReserve',
      'HeapTracingEnabled', 'HotpatchInformation', 'IFEOKey', 'ImageBaseAddress', 'ImageProcessAffinityMask',
      'ImageSubsystem', 'ImageSubsystemMajorVersion', 'ImageSubsystemMinorVersion', 'ImageUsesLargePages',
      'InheritedAddressSpace', 'IsImageDynamicallyRelocated', 'IsLegacyProcess', 'IsProtectedProcess',
      'KernelCallbackTable', 'Ldr', 'LoaderLock', 'MaximumNumberOfHeaps', 'MinimumStackCommit', 'Mutant',
      'NtGlobalFlag', 'NumberOfHeaps', 'NumberOfProcessors', 'OSBuildNumber', 'OSCSDVersion', 'OSMajorVersion',
      'OSMinorVersion', 'OSPlatformId', 'OemCodePageData', 'PostProcessInitRoutine', 'ProcessAssemblyStorageMap',
      'ProcessHeap', 'ProcessHeaps', 'ProcessInJob', 'ProcessInitializing', 'ProcessParameters',
      'ProcessStarterHelper', 'ProcessUsingFTH', 'ProcessUsingVCH', 'ProcessUsingVEH', 'ReadImageFileExecOptions',
      'ReadOnlySharedMemoryBase', 'ReadOnlySharedMemoryHeap', 'ReadOnlyStaticServerData', 'ReservedBits0',
      'SessionId', 'SkipPatchingUser32Forwarders', 'SpareBits', 'SpareBool', 'SpareTracingBits', 'SubSystemData',
      'SystemAssemblyStorageMap', 'SystemDefaultActivationContextData', 'SystemReserved', 'TlsBitmap',
      'TlsBitmapBits', 'TlsExpansionBitmap', 'TlsExpansionBitmapBits', 'TlsExpansionCounter', 'TracingFlags',
      'UnicodeCaseTableData', 'UserSharedInfoPtr', 'WerRegistrationData', 'WerShipAssertPtr', 'pContextData',
      'pImageHeaderHash', 'pShimData',
    ],
    _PEB_LDR_DATA: [
      'EntryInProgress', 'InInitializationOrderModuleList', 'InLoadOrderModuleList', 'InMemoryOrderModuleList',
      'Initialized', 'Length', 'ShutdownInProgress', 'ShutdownThreadId', 'SsHandle',
    ],
    _PORT_MESSAGE: ['CallbackId', 'ClientId', 'ClientViewSize', 'MessageId', 'u1', 'u2'],
    _QUAD: ['UseThisFieldToCopy'],
    _RTL_CRITICAL_SECTION: ['DebugInfo', 'LockCount', 'LockSemaphore', 'OwningThread', 'RecursionCount', 'SpinCount'],
    _RTL_CRITICAL_SECTION_DEBUG: [
      'ContentionCount', 'CreatorBackTraceIndex', 'CreatorBackTraceIndexHigh', 'CriticalSection', 'EntryCount',
      'Flags', 'ProcessLocksList', 'Spare', 'SpareUSHORT', 'Type',
    ],
    _SINGLE_LIST_ENTRY: ['Next'],
    _TEB: [
      'ActivationContextStack', 'ActivationContextStackPointer', 'ActiveFrame', 'ActiveRpcHandle', 'ActivityId',
      'BooleanSpare', 'ClientId', 'ClonedThread', 'CountOfOwnedCriticalSections', 'CrossTebFlags', 'CsrClientThread',
      'CurrentIdealProcessor', 'CurrentLocale', 'CurrentTransactionHandle', 'DbgSsReserved', 'DeallocationStack',
      'DisableUserStackWalk', 'EnvironmentPointer', 'EtwLocalData', 'EtwTraceData', 'ExceptionCode', 'FlsData',
      'FpSoftwareStatusRegister', 'FreeStackOnTermination', 'GdiBatchCount', 'GdiCachedProcessHandle',
      'GdiClientPID', 'GdiClientTID', 'GdiTebBatch', 'GdiThreadLocalInfo', 'GuaranteedStackBytes', 'HardErrorMode',
      'HardErrorsAreDisabled', 'HasFiberData', 'HeapVirtualAffinity', 'IdealProcessor', 'IdealProcessorValue',
      'ImpersonationLocale', 'InDbgPrint', 'InDebugPrint', 'InitialThread', 'Instrumentation', 'IsImpersonating',
      'LastErrorValue', 'LastStatusValue', 'LockCount', 'MergedPrefLanguages', 'MuiGeneration', 'MuiImpersonation',
      'NlsCache', 'NtTib', 'PreferredLanguages', 'ProcessEnvironmentBlock', 'RanProcessInit', 'RealClientId',
      'ReservedForNtRpc', 'ReservedForOle', 'ReservedForPerf', 'ReservedPad0', 'ReservedPad1', 'ReservedPad2',
      'ResourceRetValue', 'RtlExceptionAttached', 'SafeThunkCall', 'SameTebFlags', 'SavedPriorityState',
      'SkipThreadAttach', 'SoftPatchPtr1', 'Spare3', 'SpareBytes', 'SpareBytes1', 'SpareCrossTebBits',
      'SpareSameTebBits', 'SpareUlong0', 'StaticUnicodeBuffer', 'StaticUnicodeString', 'SubProcessTag',
      'SuppressDebugMsg', 'SystemReserved1', 'ThreadLocalStoragePointer', 'ThreadPoolData', 'TlsExpansionSlots',
      'TlsLinks', 'TlsSlots', 'TxFsContext', 'TxnScopeContext', 'TxnScopeEnterCallback', 'TxnScopeExitCallback',
      'User32Reserved', 'UserPrefLanguages', 'UserReserved', 'Vdm', 'WOW32Reserved', 'WaitingOnLoaderLock',
      'WerInShipAssertCode', 'Win32ClientInfo', 'Win32ThreadInfo', 'WinSockData', 'Wx86Thread', 'glContext',
      'glCurrentRC', 'glDispatchTable', 'glReserved1', 'glReserved2', 'glSection', 'glSectionInfo', 'glTable',
      'pShimData',
    ],
    _ULARGE_INTEGER: ['HighPart', 'LowPart', 'QuadPart', 'u'],
    _UNICODE_STRING: ['Buffer', 'Length', 'MaximumLength'],
  },
  ntdll: {
    _CLIENT_ID: ['UniqueProcess', 'UniqueThread'],
    _EXCEPTION_REGISTRATION_RECORD: ['Handler', 'Next'],
    _LARGE_INTEGER: ['HighPart', 'LowPart', 'QuadPart', 'u'],
    _LDR_DATA_TABLE_ENTRY: [
      'BaseDllName', 'CheckSum', 'ContextInformation', 'DllBase', 'EntryPoint', 'EntryPointActivationContext',
      'Flags', 'ForwarderLinks', 'FullDllName', 'HashLinks', 'InInitializationOrderLinks', 'InLoadOrderLinks',
      'InMemoryOrderLinks', 'LoadCount', 'LoadTime', 'LoadedImports', 'OriginalBase', 'PatchInformation',
      'SectionPointer', 'ServiceTagLinks', 'SizeOfImage', 'StaticLinks', 'TimeDateStamp', 'TlsIndex',
    ],
    _LIST_ENTRY: ['Blink', 'Flink'],
    _NT_TIB: [
      'ArbitraryUserPointer', 'ExceptionList', 'FiberData', 'Self', 'StackBase', 'StackLimit', 'SubSystemTib',
      'Version',
    ],
    _PEB: [
      'ActivationContextData', 'ActiveProcessAffinityMask', 'AnsiCodePageData', 'ApiSetMap', 'AppCompatFlags',
      'AppCompatFlagsUser', 'AppCompatInfo', 'AtlThunkSListPtr', 'AtlThunkSListPtr32', 'BeingDebugged', 'BitField',
      'CSDVersion', 'CritSecTracingEnabled', 'CriticalSectionTimeout', 'CrossProcessFlags', 'EnvironmentUpdateCount',
      'FastPebLock', 'FastPebLockRoutine', 'FastPebUnlockRoutine', 'FlsBitmap', 'FlsBitmapBits', 'FlsHighIndex',
      'FlsListHead', 'FreeList', 'GdiDCAttributeList', 'GdiHandleBuffer', 'GdiSharedHandleTable',
      'HeapDeCommitFreeBlockThreshold', 'HeapDeCommitTotalFreeThreshold', 'HeapSegmentCommit', 'HeapSegmentReserve',
      'HeapTracingEnabled', 'HotpatchInformation', 'IFEOKey', 'ImageBaseAddress', 'ImageProcessAffinityMask',
      'ImageSubsystem', 'ImageSubsystemMajorVersion', 'ImageSubsystemMinorVersion', 'ImageUsesLargePages',
      'InheritedAddressSpace', 'IsImageDynamicallyRelocated', 'IsLegacyProcess', 'IsProtectedProcess',
      'KernelCallbackTable', 'Ldr', 'LoaderLock', 'MaximumNumberOfHeaps', 'MinimumStackCommit', 'Mutant',
      'NtGlobalFlag', 'NumberOfHeaps', 'NumberOfProcessors', 'OSBuildNumber', 'OSCSDVersion', 'OSMajorVersion',
      'OSMinorVersion', 'OSPlatformId', 'OemCodePageData', 'PostProcessInitRoutine', 'ProcessAssemblyStorageMap',
      'ProcessHeap', 'ProcessHeaps', 'ProcessInJob', 'ProcessInitializing', 'ProcessParameters',
      'ProcessStarterHelper', 'ProcessUsingFTH', 'ProcessUsingVCH', 'ProcessUsingVEH', 'ReadImageFileExecOptions',
      'ReadOnlySharedMemoryBase', 'ReadOnlySharedMemoryHeap', 'ReadOnlyStaticServerData', 'ReservedBits0',
      'SessionId', 'SkipPatchingUser32Forwarders', 'SpareBits', 'SpareBool', 'SpareTracingBits', 'SubSystemData',
      'SystemAssemblyStorageMap', 'SystemDefaultActivationContextData', 'SystemReserved', 'TlsBitmap',
      'TlsBitmapBits', 'TlsExpansionBitmap', 'TlsExpansionBitmapBits', 'TlsExpansionCounter', 'TracingFlags',
      'UnicodeCaseTableData', 'UserSharedInfoPtr', 'WerRegistrationData', 'WerShipAssertPtr', 'pContextData',
      'pImageHeaderHash', 'pShimData',
    ],
    _PEB_LDR_DATA: [
      'EntryInProgress', 'InInitializationOrderModuleList', 'InLoadOrderModuleList', 'InMemoryOrderModuleList',
      'Initialized', 'Length', 'ShutdownInProgress', 'ShutdownThreadId', 'SsHandle',
    ],
    _RTL_CRITICAL_SECTION: ['DebugInfo', 'LockCount', 'LockSemaphore', 'OwningThread', 'RecursionCount', 'SpinCount'],
    _RTL_CRITICAL_SECTION_DEBUG: [
      'ContentionCount', 'CreatorBackTraceIndex', 'CreatorBackTraceIndexHigh', 'CriticalSection', 'EntryCount',
      'Flags', 'ProcessLocksList', 'Spare', 'SpareUSHORT', 'Type',
    ],
    _TEB: [
      'ActivationContextStack', 'ActivationContextStackPointer', 'ActiveFrame', 'ActiveRpcHandle', 'ActivityId',
      'BooleanSpare', 'ClientId', 'ClonedThread', 'CountOfOwnedCriticalSections', 'CrossTebFlags', 'CsrClientThread',
      'CurrentIdealProcessor', 'CurrentLocale', 'CurrentTransactionHandle', 'DbgSsReserved', 'DeallocationStack',
      'DisableUserStackWalk', 'EnvironmentPointer', 'EtwLocalData', 'EtwTraceData', 'ExceptionCode', 'FlsData',
      'FpSoftwareStatusRegister', 'FreeStackOnTermination', 'GdiBatchCount', 'GdiCachedProcessHandle',
      'GdiClientPID', 'GdiClientTID', 'GdiTebBatch', 'GdiThreadLocalInfo', 'GuaranteedStackBytes', 'HardErrorMode',
      'HardErrorsAreDisabled', 'HasFiberData', 'HeapVirtualAffinity', 'IdealProcessor', 'IdealProcessorValue',
      'ImpersonationLocale', 'InDbgPrint', 'InDebugPrint', 'InitialThread', 'Instrumentation', 'IsImpersonating',
      'LastErrorValue', 'LastStatusValue', 'LockCount', 'MergedPrefLanguages', 'MuiGeneration', 'MuiImpersonation',
      'NlsCache', 'NtTib', 'PreferredLanguages', 'ProcessEnvironmentBlock', 'RanProcessInit', 'RealClientId',
      'ReservedForNtRpc', 'ReservedForOle', 'ReservedForPerf', 'ReservedPad0', 'ReservedPad1', 'ReservedPad2',
      'ResourceRetValue', 'RtlExceptionAttached', 'SafeThunkCall', 'SameTebFlags', 'SavedPriorityState',
      'SkipThreadAttach', 'SoftPatchPtr1', 'Spare3', 'SpareBytes', 'SpareBytes1', 'SpareCrossTebBits',
      'SpareSameTebBits', 'SpareUlong0', 'StaticUnicodeBuffer', 'StaticUnicodeString', 'SubProcessTag',
      'SuppressDebugMsg', 'SystemReserved1', 'ThreadLocalStoragePointer', 'ThreadPoolData', 'TlsExpansionSlots',
      'TlsLinks', 'TlsSlots', 'TxFsContext', 'TxnScopeContext', 'TxnScopeEnterCallback', 'TxnScopeExitCallback',
      'User32Reserved', 'UserPrefLanguages', 'UserReserved', 'Vdm', 'WOW32Reserved', 'WaitingOnLoaderLock',
      'WerInShipAssertCode', 'Win32ClientInfo', 'Win32ThreadInfo', 'WinSockData', 'Wx86Thread', 'glContext',
      'glCurrentRC', 'glDispatchTable', 'glReserved1', 'glReserved2', 'glSection', 'glSectionInfo', 'glTable',
      'pShimData',
    ],
    _ULARGE_INTEGER: ['HighPart', 'LowPart', 'QuadPart', 'u'],
    _UNICODE_STRING: ['Buffer', 'Length', 'MaximumLength'],
  },
};

/** Enums every build's nt layout carries (from its own table, else the nearest build whose table has it). */
export const ALWAYS_ENUMS = ['_KTHREAD_STATE', '_KWAIT_REASON', '_KOBJECTS', '_MODE', '_PNP_DEVNODE_STATE', '_NT_PRODUCT_TYPE'];

/**
 * Enums a build carries only when its own structures show the mechanism (probed from the layout's members,
 * never the build number): `_KWAIT_BLOCK_STATE` where `_KWAIT_BLOCK` has `BlockState`.
 */
export const PROBED_ENUMS: Array<{ name: string; whenType: string; whenMember: string }> = [
  { name: '_KWAIT_BLOCK_STATE', whenType: '_KWAIT_BLOCK', whenMember: 'BlockState' },
];

export type SourceRef =
  | { kind: 'isf'; file: string }
  | { kind: 'vtypes'; file: string }
  | { kind: 'pdbex'; folder: string };

export interface BuildSpec {
  name: string;
  /** Human name of the release, for --list-layouts and the README. */
  release: string;
  arch: 'x86' | 'x64';
  osVersion: string;
  ntMajor: number;
  ntMinor: number;
  buildNumber: number;
  /** Update revision of the table's kernel, where known (orders 19041.804 before 19041.1586). */
  revision?: number;
  source: SourceRef;
}

/** Paths are relative to ../shared/symbols. */
export const BUILDS: BuildSpec[] = [
  { name: 'xpsp3-x86', release: 'Windows XP SP3', arch: 'x86', osVersion: '5.1.2600 SP3', ntMajor: 5, ntMinor: 1, buildNumber: 2600, source: { kind: 'vtypes', file: 'vtypes/xp_sp3_x86_vtypes.py' } },
  { name: 'srv2003sp2-3790-x86', release: 'Windows Server 2003 SP2', arch: 'x86', osVersion: '5.2.3790 SP2', ntMajor: 5, ntMinor: 2, buildNumber: 3790, source: { kind: 'vtypes', file: 'vtypes/win2003_sp2_x86_vtypes.py' } },
  { name: 'srv2003sp2-3790-x64', release: 'Windows Server 2003 SP2 x64', arch: 'x64', osVersion: '5.2.3790 SP2', ntMajor: 5, ntMinor: 2, buildNumber: 3790, source: { kind: 'vtypes', file: 'vtypes/win2003_sp2_x64_vtypes.py' } },
  { name: 'vistasp2-6002-x86', release: 'Windows Vista SP2', arch: 'x86', osVersion: '6.0.6002 SP2', ntMajor: 6, ntMinor: 0, buildNumber: 6002, source: { kind: 'vtypes', file: 'vtypes/vista_sp2_x86_vtypes.py' } },
  { name: 'vistasp2-6002-x64', release: 'Windows Vista SP2 x64', arch: 'x64', osVersion: '6.0.6002 SP2', ntMajor: 6, ntMinor: 0, buildNumber: 6002, source: { kind: 'vtypes', file: 'vtypes/vista_sp2_x64_vtypes.py' } },
  { name: 'win7sp1-x86', release: 'Windows 7 SP1', arch: 'x86', osVersion: '6.1.7601 SP1', ntMajor: 6, ntMinor: 1, buildNumber: 7601, source: { kind: 'vtypes', file: 'vtypes/win7_sp1_x86_vtypes.py' } },
  { name: 'win7sp1-7601-x64', release: 'Windows 7 SP1 x64', arch: 'x64', osVersion: '6.1.7601.24540', ntMajor: 6, ntMinor: 1, buildNumber: 7601, revision: 24540, source: { kind: 'isf', file: 'isf/339E74133576439CBCDF7E0229DA3773-1.json.xz' } },
  { name: 'win8-9200-x86', release: 'Windows 8', arch: 'x86', osVersion: '6.2.9200', ntMajor: 6, ntMinor: 2, buildNumber: 9200, source: { kind: 'vtypes', file: 'vtypes/win8_sp1_x86_vtypes.py' } },
  { name: 'win81-9600-x86', release: 'Windows 8.1 Update 1', arch: 'x86', osVersion: '6.3.9600', ntMajor: 6, ntMinor: 3, buildNumber: 9600, source: { kind: 'vtypes', file: 'vtypes/win81_u1_x86_vtypes.py' } },
  { name: 'win81-9600-x64', release: 'Windows 8.1 x64', arch: 'x64', osVersion: '6.3.9600.19913', ntMajor: 6, ntMinor: 3, buildNumber: 9600, revision: 19913, source: { kind: 'isf', file: 'isf/22597D0B40394E23936F6A24C6C52D5B-1.json.xz' } },
  { name: 'win10-14393-x64', release: 'Windows 10 1607 / Server 2016', arch: 'x64', osVersion: '10.0.14393.4583', ntMajor: 10, ntMinor: 0, buildNumber: 14393, revision: 4583, source: { kind: 'isf', file: 'isf/517E128F7B7C4EA79491DE6B9B9CE190-1.json.xz' } },
  { name: 'win10-15063-x64', release: 'Windows 10 1703', arch: 'x64', osVersion: '10.0.15063', ntMajor: 10, ntMinor: 0, buildNumber: 15063, source: { kind: 'vtypes', file: 'vtypes/win10_x64_15063_vtypes.py' } },
  { name: 'win10-17763-x86', release: 'Windows 10 1809', arch: 'x86', osVersion: '10.0.17763', ntMajor: 10, ntMinor: 0, buildNumber: 17763, source: { kind: 'vtypes', file: 'vtypes/win10_x86_17763_vtypes.py' } },
  { name: 'win10-17763-x64', release: 'Windows 10 1809 / Server 2019', arch: 'x64', osVersion: '10.0.17763.379', ntMajor: 10, ntMinor: 0, buildNumber: 17763, revision: 379, source: { kind: 'isf', file: 'isf/8B11040A5928757B11390AC78F6B6925-1.json.xz' } },
  { name: 'win10-18362-x64', release: 'Windows 10 1903', arch: 'x64', osVersion: '10.0.18362.836', ntMajor: 10, ntMinor: 0, buildNumber: 18362, revision: 836, source: { kind: 'isf', file: 'isf/DCA4AD4BEEB4746D48F84C0125019E43-1.json.xz' } },
  { name: 'win10-19041-x86', release: 'Windows 10 2004', arch: 'x86', osVersion: '10.0.19041', ntMajor: 10, ntMinor: 0, buildNumber: 19041, source: { kind: 'vtypes', file: 'vtypes/win10_x86_19041_vtypes.py' } },
  { name: 'win10-19041-x64', release: 'Windows 10 2004 (19041.329-.1526)', arch: 'x64', osVersion: '10.0.19041.804', ntMajor: 10, ntMinor: 0, buildNumber: 19041, revision: 804, source: { kind: 'isf', file: 'isf/5278AFF86C341677D7D7835C85B7B844-1.json.xz' } },
  { name: 'win10-19041.1586-x64', release: 'Windows 10 20H2-22H2 (19041.1586 and later)', arch: 'x64', osVersion: '10.0.19041.1586', ntMajor: 10, ntMinor: 0, buildNumber: 19041, revision: 1586, source: { kind: 'isf', file: 'isf/118018959D8D7CA5AAB45B75AED5A976-1.json.xz' } },
  { name: 'srv2022-20348-x64', release: 'Windows Server 2022', arch: 'x64', osVersion: '10.0.20348.2529', ntMajor: 10, ntMinor: 0, buildNumber: 20348, revision: 2529, source: { kind: 'isf', file: 'isf/879AD95F3461091BB6318FA98072AD8E-1.json.xz' } },
  { name: 'win11-22000-x64', release: 'Windows 11 21H2', arch: 'x64', osVersion: '10.0.22000.2538', ntMajor: 10, ntMinor: 0, buildNumber: 22000, revision: 2538, source: { kind: 'isf', file: 'isf/0CE4A95C0CD782A7596B034D8648E585-1.json.xz' } },
  { name: 'win11-24h2-x64', release: 'Windows 11 24H2', arch: 'x64', osVersion: '10.0.26100', ntMajor: 10, ntMinor: 0, buildNumber: 26100, source: { kind: 'pdbex', folder: 'ntdiff/Win11_2409_24H2' } },
];

/**
 * Tables read only to fill what a build's own table lacks (nearest build first); listed so that the
 * generation reads a fixed, documented set.
 */
export const EXTRA_SOURCES: Array<{ source: SourceRef; arch: 'x86' | 'x64'; buildNumber: number; revision?: number }> = [
  { source: { kind: 'vtypes', file: 'vtypes/win7_sp1_x64_vtypes.py' }, arch: 'x64', buildNumber: 7601 },
  { source: { kind: 'isf', file: 'isf/606FF669409B00F7FC8C61A9C1670129-1.json.xz' }, arch: 'x64', buildNumber: 19041, revision: 3570 },
  { source: { kind: 'isf', file: 'isf/32C1A669D5FFEFD41091F636CFDB6E99-1.json.xz' }, arch: 'x64', buildNumber: 22000, revision: 318 },
];

export interface GlobalSpec {
  module: string;
  name: string;
  /** Type per architecture. */
  x86?: TypeRef;
  x64?: TypeRef;
  /** Tables without symbols (vtypes, pdbex): the first NT version that has the global. With symbols: the table decides. */
  sinceNt?: [number, number];
  /** Last NT version that has it (tables without symbols). */
  untilNt?: [number, number];
}

/**
 * The globals the builder lays out and the bundle reads. Types as the kernel declares them; where a table
 * has symbols, a global it lacks is left out and the others get their real RVA.
 */
export const GLOBALS: GlobalSpec[] = [
  { module: 'nt', name: 'PsActiveProcessHead', x86: '_LIST_ENTRY', x64: '_LIST_ENTRY' },
  { module: 'nt', name: 'PsLoadedModuleList', x86: '_LIST_ENTRY', x64: '_LIST_ENTRY' },
  // x64 kernels export no KeTickCount: the tick count is KUSER_SHARED_DATA.TickCount.
  { module: 'nt', name: 'KeTickCount', x86: '_KSYSTEM_TIME' },
  { module: 'nt', name: 'KeMaximumIncrement', x86: 'ULONG', x64: 'ULONG' },
  { module: 'nt', name: 'KeTimeIncrement', x86: 'ULONG', x64: 'ULONG' },
  { module: 'nt', name: 'ExpSystemResourcesList', x86: '_LIST_ENTRY', x64: '_LIST_ENTRY' },
  { module: 'nt', name: 'KiProcessorBlock', x86: '_KPRCB*[32]', x64: '_KPRCB*[64]' },
  // CCHAR until Vista; ULONG from Windows 7 (more than 64 processors).
  { module: 'nt', name: 'KeNumberProcessors', x86: 'CHAR', x64: 'CHAR', untilNt: [6, 0] },
  { module: 'nt', name: 'KeNumberProcessors', x86: 'ULONG', x64: 'ULONG', sinceNt: [6, 1] },
  // Array lengths as the hand-written layouts this generator replaced declared them (unconfirmed: symbols carry no length here).
  { module: 'nt', name: 'ObTypeIndexTable', x86: '_OBJECT_TYPE*[64]', x64: '_OBJECT_TYPE*[256]', sinceNt: [6, 1] },
  { module: 'nt', name: 'ObHeaderCookie', x86: 'UCHAR', x64: 'UCHAR', sinceNt: [10, 0] },
  { module: 'nt', name: 'ObpTypeObjectType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*' },
  { module: 'nt', name: 'IopRootDeviceNode', x86: '_DEVICE_NODE*', x64: '_DEVICE_NODE*' },
  { module: 'nt', name: 'LpcPortObjectType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*', untilNt: [5, 2] },
  { module: 'nt', name: 'AlpcPortObjectType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*', sinceNt: [6, 0] },
  { module: 'nt', name: 'PsThreadType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*' },
  { module: 'nt', name: 'PsProcessType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*' },
  { module: 'nt', name: 'ExEventObjectType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*' },
  { module: 'nt', name: 'ExMutantObjectType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*' },
  { module: 'nt', name: 'ExSemaphoreObjectType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*' },
  { module: 'nt', name: 'IoFileObjectType', x86: '_OBJECT_TYPE*', x64: '_OBJECT_TYPE*' },
  { module: 'ntdll', name: 'RtlCriticalSectionList', x86: '_LIST_ENTRY', x64: '_LIST_ENTRY' },
  { module: 'ntdll', name: 'LdrpLoaderLock', x86: '_RTL_CRITICAL_SECTION', x64: '_RTL_CRITICAL_SECTION' },
];

/** KUSER_SHARED_DATA's fixed kernel address per architecture (ntddk.h KI_USER_SHARED_DATA). */
export const FIXED_ADDRESSES: Record<'x86' | 'x64', Record<string, string>> = {
  x86: { KUSER_SHARED_DATA: 'ffdf0000' },
  x64: { KUSER_SHARED_DATA: 'fffff78000000000' },
};

/**
 * Facts no table here holds, with why. Applied only where the build's own table lacks the enum and no
 * other table of the same NT version has it (the nearest-build rule would otherwise give a later kernel's
 * numbering to an older one).
 */
export const HAND_KEPT_ENUMS: Array<{ name: string; beforeNt: [number, number]; values: Record<string, number>; why: string }> = [
  {
    name: '_KOBJECTS', beforeNt: [5, 2],
    values: { EventNotificationObject: 0, EventSynchronizationObject: 1, MutantObject: 2, ProcessObject: 3, QueueObject: 4, SemaphoreObject: 5, ThreadObject: 6, SpareObject: 7, TimerNotificationObject: 8, TimerSynchronizationObject: 9, Spare2Object: 10, Spare3Object: 11, Spare4Object: 12, Spare5Object: 13, Spare6Object: 14, Spare7Object: 15, Spare8Object: 16, Spare9Object: 17, ApcObject: 18, DpcObject: 19, DeviceQueueObject: 20, EventPairObject: 21, InterruptObject: 22, ProfileObject: 23, MaximumKernelObject: 24 },
    why: 'pre-Vista PDBs carry no _KOBJECTS; 5.1 numbering from Geoff Chappell, https://www.geoffchappell.com/studies/windows/km/ntoskrnl/inc/ntos/ke/kobjects.htm (7 unused before 2003 SP1, no ThreadedDpcObject)',
  },
  {
    name: '_KTHREAD_STATE', beforeNt: [5, 2],
    values: { Initialized: 0, Ready: 1, Running: 2, Standby: 3, Terminated: 4, Waiting: 5, Transition: 6 },
    why: 'pre-Vista PDBs carry no _KTHREAD_STATE; 5.1 has values 0-6 only (DeferredReady is 5.2+): https://www.geoffchappell.com/studies/windows/km/ntoskrnl/inc/ntos/ke/kthread_state.htm',
  },
  {
    name: '_KWAIT_REASON', beforeNt: [5, 2],
    values: { Executive: 0, FreePage: 1, PageIn: 2, PoolAllocation: 3, DelayExecution: 4, Suspended: 5, UserRequest: 6, WrExecutive: 7, WrFreePage: 8, WrPageIn: 9, WrPoolAllocation: 10, WrDelayExecution: 11, WrSuspended: 12, WrUserRequest: 13, WrEventPair: 14, WrQueue: 15, WrLpcReceive: 16, WrLpcReply: 17, WrVirtualMemory: 18, WrPageOut: 19, WrRendezvous: 20, Spare2: 21, Spare3: 22, Spare4: 23, Spare5: 24, Spare6: 25, WrKernel: 26, WrResource: 27, WrPushLock: 28, WrMutex: 29, WrQuantumEnd: 30, WrDispatchInt: 31, WrPreempted: 32, WrYieldExecution: 33, MaximumWaitReason: 34 },
    why: 'pre-Vista PDBs carry no _KWAIT_REASON; spelled as in the XP/2003-era DDK wdm.h (21-25 Spare2..Spare6)',
  },
];

/** _WAIT_TYPE is a WDK enum (wdm.h) no kernel PDB here carries: per NT version. */
export const WAIT_TYPE_ENUMS: Array<{ sinceNt: [number, number]; values: Record<string, number>; why: string }> = [
  { sinceNt: [0, 0], values: { WaitAll: 0, WaitAny: 1 }, why: 'WDK wdm.h of the XP/2003 era (WaitAll 0, WaitAny 1)' },
  { sinceNt: [6, 0], values: { WaitAll: 0, WaitAny: 1, WaitNotification: 2 }, why: 'WDK wdm.h from Vista (WaitNotification 2)' },
  { sinceNt: [10, 0], values: { WaitAll: 0, WaitAny: 1, WaitNotification: 2, WaitDequeue: 3, WaitDpc: 4 }, why: 'Windows 10 WDK wdm.h (WaitDequeue 3, WaitDpc 4)' },
];
