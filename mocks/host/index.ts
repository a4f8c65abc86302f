// The mock of WinDbg's JsProvider host (see host.ts) and its parts tests may need.
export { createMockHost } from './host';
export { snapshotFromJson } from './snapshotJson';
export type { MockHost, MockHostOptions, OutputBuffer } from './host';
export { Counters, StepLimitExceeded } from './counters';
export type { CounterSnapshot } from './counters';
export { PRECISION_MESSAGE, createInt64Factory, installNumberMethods } from './int64';
export type { Int64, Int64Constructor, Int64Factory } from './int64';
export { DxError, parseAliasArguments, parseAliasCommand } from './dxArgs';
export type { AliasInvocation, DxEvaluator } from './dxArgs';
export { MockFileSystem, TEMP_DIRECTORY, CURRENT_DIRECTORY } from './fileSystem';
export { MAX_LIST_ENTRIES, walkProcesses, walkThreads } from './kernelWalk';
export type { ProcessRecord, ThreadRecord } from './kernelWalk';
export * as records from './records';
export { nodeRealm, REALM_PROBE_SOURCE } from './realm';
export type { Realm } from './realm';
export type { ApiVersion, Env, NativeState } from './env';
