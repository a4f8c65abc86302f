// Sanity of the 32-bit kernel layouts (mocks/layouts/xpsp3-x86.ts, win7sp1-x86.ts): every TypeRef resolves,
// every member lies inside its type, struct members overlap only the way flattened unions / bit fields do,
// and spot checks of the offsets and sizes from the PDB-derived tables (docs/kernel-structures.md §Offsets).
import { describe, expect, it } from 'vitest';
import type { FieldDef, Layout, TypeDef } from '../mocks/format/typedef';
import { layout as xp } from '../mocks/layouts/xpsp3-x86';
import { layout as w7 } from '../mocks/layouts/win7sp1-x86';

const BASE_SIZES: Record<string, number> = {
  UCHAR: 1, CHAR: 1, BOOLEAN: 1, USHORT: 2, SHORT: 2, WCHAR: 2, ULONG: 4, LONG: 4,
  ULONG64: 8, LONG64: 8, ULONGLONG: 8, LONGLONG: 8, VOID: 0,
};
const POINTER_SIZED = new Set(['ULONG_PTR', 'LONG_PTR', 'PVOID', 'SIZE_T']);
const INTEGER_TYPES = new Set(['UCHAR', 'CHAR', 'BOOLEAN', 'USHORT', 'SHORT', 'WCHAR', 'ULONG', 'LONG', 'ULONG64', 'LONG64', 'ULONGLONG', 'LONGLONG', 'ULONG_PTR', 'LONG_PTR']);

function typeMap(layout: Layout, module: string): Map<string, TypeDef> {
  const map = new Map<string, TypeDef>();
  for (const t of layout.types[module] ?? []) map.set(t.name, t);
  return map;
}

/** Size of a TypeRef, throwing when it does not resolve. */
function sizeOf(layout: Layout, types: Map<string, TypeDef>, ref: string): number {
  const arr = /^(.*)\[(\d+)\]$/.exec(ref);
  if (arr) {
    const n = Number(arr[2]);
    if (!(n > 0)) throw new Error(`bad array length in ${ref}`);
    return n * sizeOf(layout, types, arr[1]);
  }
  if (ref.endsWith('*')) {
    sizeOf(layout, types, ref.slice(0, -1)); // the pointee must resolve too
    return layout.pointerSize;
  }
  if (ref in BASE_SIZES) return BASE_SIZES[ref];
  if (POINTER_SIZED.has(ref)) return layout.pointerSize;
  const t = types.get(ref);
  if (!t) throw new Error(`unresolved TypeRef '${ref}'`);
  return t.size;
}

const LAYOUTS: [string, Layout][] = [['xpsp3-x86', xp], ['win7sp1-x86', w7]];

describe.each(LAYOUTS)('%s: structural sanity', (_label, layout) => {
  it('has the header of a 32-bit build', () => {
    expect(layout.arch).toBe('x86');
    expect(layout.pointerSize).toBe(4);
    expect(layout.fixedAddresses.KUSER_SHARED_DATA).toBe('ffdf0000');
    expect(layout.provenance.length).toBeGreaterThan(5);
    expect(Object.keys(layout.types).sort()).toEqual(['nt', 'ntdll']);
  });

  for (const module of ['nt', 'ntdll']) {
    it(`${module}: type names are unique`, () => {
      const names = (layout.types[module] ?? []).map((t) => t.name);
      expect(new Set(names).size).toBe(names.length);
    });

    it(`${module}: every TypeRef resolves and every field lies inside its type`, () => {
      const types = typeMap(layout, module);
      const problems: string[] = [];
      for (const t of types.values()) {
        if (t.kind === 'enum') {
          if (!t.values || Object.keys(t.values).length === 0) problems.push(`${t.name}: enum without values`);
          if (t.baseType && !INTEGER_TYPES.has(t.baseType)) problems.push(`${t.name}: enum base ${t.baseType}`);
          for (const v of Object.values(t.values ?? {})) if (!Number.isInteger(v)) problems.push(`${t.name}: ${v}`);
          continue;
        }
        if (!(t.size > 0)) problems.push(`${t.name}: size ${t.size}`);
        for (const f of t.fields ?? []) {
          let size: number;
          try {
            size = sizeOf(layout, types, f.type);
          } catch (e) {
            problems.push(`${t.name}.${f.name}: ${(e as Error).message}`);
            continue;
          }
          if (f.offset < 0 || f.offset + size > t.size) {
            problems.push(`${t.name}.${f.name}: [0x${f.offset.toString(16)}, +0x${size.toString(16)}) outside size 0x${t.size.toString(16)}`);
          }
          if (f.bitPos !== undefined || f.bitLen !== undefined) {
            if (!INTEGER_TYPES.has(f.type)) problems.push(`${t.name}.${f.name}: bit field of ${f.type}`);
            if (f.bitPos === undefined || f.bitLen === undefined || f.bitLen < 1 || f.bitPos < 0 || f.bitPos + f.bitLen > 8 * size) {
              problems.push(`${t.name}.${f.name}: bits ${f.bitPos}+${f.bitLen} in ${f.type}`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it(`${module}: struct members overlap only as flattened unions do (same start or nested)`, () => {
      const types = typeMap(layout, module);
      const problems: string[] = [];
      for (const t of types.values()) {
        if (t.kind !== 'struct' || !t.fields) continue;
        const spans = t.fields.map((f: FieldDef) => ({ f, start: f.offset, end: f.offset + sizeOf(layout, types, f.type) }));
        for (let i = 0; i < spans.length; i++) {
          for (let j = i + 1; j < spans.length; j++) {
            const a = spans[i];
            const b = spans[j];
            if (a.end <= b.start || b.end <= a.start) continue; // disjoint
            if (a.start === b.start) continue; // union members (or bit fields of one storage unit)
            const nested = (a.start <= b.start && b.end <= a.end) || (b.start <= a.start && a.end <= b.end);
            if (!nested) problems.push(`${t.name}: ${a.f.name} [${a.start.toString(16)},${a.end.toString(16)}) x ${b.f.name} [${b.start.toString(16)},${b.end.toString(16)})`);
          }
        }
        // Bit fields of the same storage unit that are not in different union arms do not collide:
        // check that any two bit fields at one offset either are disjoint or are at least in a type
        // that also lists a whole-unit member there (a union of flag words, as the PDB has).
        const byUnit = new Map<string, FieldDef[]>();
        for (const f of t.fields) {
          if (f.bitPos === undefined) continue;
          const key = `${f.offset}:${f.type}`;
          byUnit.set(key, [...(byUnit.get(key) ?? []), f]);
        }
        for (const [key, bits] of byUnit) {
          const sorted = [...bits].sort((x, y) => (x.bitPos ?? 0) - (y.bitPos ?? 0));
          for (let k = 1; k < sorted.length; k++) {
            const prev = sorted[k - 1];
            const cur = sorted[k];
            if ((prev.bitPos ?? 0) + (prev.bitLen ?? 0) > (cur.bitPos ?? 0)) {
              const offset = Number(key.split(':')[0]);
              const hasWhole = t.fields.some((f) => f.offset === offset && f.bitPos === undefined);
              if (!hasWhole) problems.push(`${t.name}: bit fields ${prev.name} and ${cur.name} collide`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('globals resolve in their module', () => {
    for (const g of layout.globals) {
      expect(() => sizeOf(layout, typeMap(layout, g.module), g.type), `${g.module}!${g.name}`).not.toThrow();
    }
    const names = layout.globals.map((g) => `${g.module}!${g.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const n of [
      'nt!PsActiveProcessHead', 'nt!PsLoadedModuleList', 'nt!KeTickCount', 'nt!KeMaximumIncrement', 'nt!KeTimeIncrement',
      'nt!ExpSystemResourcesList', 'nt!KiProcessorBlock', 'nt!KeNumberProcessors', 'nt!ObpTypeObjectType',
      'nt!IopRootDeviceNode', 'nt!PsThreadType', 'nt!PsProcessType', 'nt!ExEventObjectType', 'nt!ExMutantObjectType',
      'nt!ExSemaphoreObjectType', 'nt!IoFileObjectType', 'ntdll!RtlCriticalSectionList', 'ntdll!LdrpLoaderLock',
    ]) expect(names).toContain(n);
  });

  it('declares the enums the analyser reads, with real field types kept as integers', () => {
    const nt = typeMap(layout, 'nt');
    for (const e of ['_KTHREAD_STATE', '_KWAIT_REASON', '_KOBJECTS', '_PNP_DEVNODE_STATE', '_MODE', '_WAIT_TYPE']) {
      expect(nt.get(e)?.kind, e).toBe('enum');
    }
    expect(nt.get('_MODE')?.values).toEqual({ KernelMode: 0, UserMode: 1, MaximumMode: 2 });
    const kthread = nt.get('_KTHREAD')!;
    for (const f of ['State', 'WaitReason', 'WaitMode']) {
      expect(kthread.fields?.find((x) => x.name === f)?.type, f).toBe('UCHAR');
    }
    const kobj = nt.get('_KOBJECTS')!.values!;
    expect(kobj.EventNotificationObject).toBe(0);
    expect(kobj.EventSynchronizationObject).toBe(1);
    expect(kobj.MutantObject).toBe(2);
    expect(kobj.ProcessObject).toBe(3);
    expect(kobj.QueueObject).toBe(4);
    expect(kobj.SemaphoreObject).toBe(5);
    expect(kobj.ThreadObject).toBe(6);
    expect(kobj.TimerNotificationObject).toBe(8);
    expect(kobj.TimerSynchronizationObject).toBe(9);
    expect(kobj.ApcObject).toBe(18);
    expect(kobj.DpcObject).toBe(19);
    const wr = nt.get('_KWAIT_REASON')!.values!;
    expect(wr.Executive).toBe(0);
    expect(wr.UserRequest).toBe(6);
    expect(wr.WrQueue).toBe(15);
    expect(wr.WrLpcReceive).toBe(16);
    expect(wr.WrLpcReply).toBe(17);
    expect(wr.WrResource).toBe(27);
    expect(wr.WrPushLock).toBe(28);
    expect(wr.WrMutex).toBe(29);
    const st = nt.get('_KTHREAD_STATE')!.values!;
    expect([st.Initialized, st.Ready, st.Running, st.Standby, st.Terminated, st.Waiting, st.Transition]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const pnp = nt.get('_PNP_DEVNODE_STATE')!.values!;
    expect(pnp.DeviceNodeUnspecified).toBe(0x300);
    expect(pnp.DeviceNodeStarted).toBe(0x308);
    expect(pnp.DeviceNodeDeleted).toBe(0x314);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Spot checks against the PDB-derived tables (docs/kernel-structures.md §Sources).

/** Offset and type of a dotted member path ("Tail.Overlay.Thread", "ApcState.Process"). */
function member(layout: Layout, module: string, typeName: string, path: string): { offset: number; field: FieldDef } | undefined {
  const types = typeMap(layout, module);
  let t = types.get(typeName);
  let offset = 0;
  let field: FieldDef | undefined;
  for (const part of path.split('.')) {
    if (!t) return undefined;
    field = t.fields?.find((f) => f.name === part);
    if (!field) return undefined;
    offset += field.offset;
    t = types.get(field.type);
  }
  return field && { offset, field };
}

type Spot = [type: string, path: string, xp: number | null, w7: number | null, bit?: [xpBit: number | null, w7Bit: number | null]];

// null = the member does not exist in that build.
const SPOTS: Spot[] = [
  // 1.1 _KTHREAD
  ['_KTHREAD', 'Header', 0x0, 0x0],
  ['_KTHREAD', 'InitialStack', 0x18, 0x28],
  ['_KTHREAD', 'StackLimit', 0x1c, 0x2c],
  ['_KTHREAD', 'StackBase', 0x168, 0x190],
  ['_KTHREAD', 'KernelStack', 0x28, 0x30],
  ['_KTHREAD', 'Running', null, 0x39],
  ['_KTHREAD', 'Alertable', 0x164, 0x3c, [null, 5]],
  ['_KTHREAD', 'WaitNext', 0x5a, 0x3c, [null, 3]],
  ['_KTHREAD', 'ApcState', 0x34, 0x40],
  ['_KTHREAD', 'ApcState.Process', 0x44, 0x50],
  ['_KTHREAD', 'ApcState.KernelApcPending', 0x49, 0x55],
  ['_KTHREAD', 'Priority', 0x33, 0x57],
  ['_KTHREAD', 'WaitStatus', 0x54, 0x6c],
  ['_KTHREAD', 'WaitBlockList', 0x5c, 0x70],
  ['_KTHREAD', 'WaitListEntry', 0x60, 0x74],
  ['_KTHREAD', 'Queue', 0xe4, 0x7c],
  ['_KTHREAD', 'Teb', 0x20, 0x88],
  ['_KTHREAD', 'Timer', 0xf0, 0x90],
  ['_KTHREAD', 'WaitBlock', 0x70, 0xc0],
  ['_KTHREAD', 'State', 0x2d, 0x68],
  ['_KTHREAD', 'WaitIrql', 0x58, 0x6a],
  ['_KTHREAD', 'WaitMode', 0x59, 0x6b],
  ['_KTHREAD', 'WaitTime', 0x68, 0x80],
  ['_KTHREAD', 'NextProcessor', 0x12b, 0x58],
  ['_KTHREAD', 'Process', null, 0x150],
  ['_KTHREAD', 'PreviousMode', 0x140, 0x13a],
  ['_KTHREAD', 'BasePriority', 0x6c, 0x135],
  ['_KTHREAD', 'WaitReason', 0x5b, 0x187],
  ['_KTHREAD', 'KernelTime', 0x144, 0x198],
  ['_KTHREAD', 'UserTime', 0x148, 0x1c4],
  ['_KTHREAD', 'SuspendSemaphore', 0x19c, 0x1c8],
  ['_KTHREAD', 'ThreadListEntry', 0x1b0, 0x1e0],
  ['_KTHREAD', 'MutantListHead', 0x10, 0x1e8],
  ['_KTHREAD', 'Win32Thread', 0x130, 0x18c],
  ['_KTHREAD', 'TrapFrame', 0x134, 0x128],
  ['_KTHREAD', 'KernelApcDisable', 0xd4, 0x84],
  ['_KTHREAD', 'ContextSwitches', 0x4c, 0x64],
  ['_KTHREAD', 'KernelStackResident', 0x12a, 0x3c, [null, 0]],
  ['_KTHREAD', 'CallbackStack', 0x12c, 0x130],
  // 1.2 _ETHREAD
  ['_ETHREAD', 'Tcb', 0x0, 0x0],
  ['_ETHREAD', 'CreateTime', 0x1c0, 0x200],
  ['_ETHREAD', 'ExitTime', 0x1c8, 0x208],
  ['_ETHREAD', 'KeyedWaitChain', 0x1c8, 0x208],
  ['_ETHREAD', 'LpcReplyChain', 0x1c8, null],
  ['_ETHREAD', 'ExitStatus', 0x1d0, 0x210],
  ['_ETHREAD', 'PostBlockList', 0x1d4, 0x214],
  ['_ETHREAD', 'StartAddress', 0x224, 0x218],
  ['_ETHREAD', 'KeyedWaitValue', 0x1dc, 0x21c],
  ['_ETHREAD', 'ActiveTimerListHead', 0x1e4, 0x224],
  ['_ETHREAD', 'Cid', 0x1ec, 0x22c],
  ['_ETHREAD', 'Cid.UniqueThread', 0x1f0, 0x230],
  ['_ETHREAD', 'KeyedWaitSemaphore', 0x1f4, 0x234],
  ['_ETHREAD', 'LpcReplySemaphore', 0x1f4, null],
  ['_ETHREAD', 'AlpcWaitSemaphore', null, 0x234],
  ['_ETHREAD', 'LpcReplyMessage', 0x208, null],
  ['_ETHREAD', 'LpcWaitingOnPort', 0x208, null],
  ['_ETHREAD', 'IrpList', 0x210, 0x24c],
  ['_ETHREAD', 'ThreadsProcess', 0x220, null],
  ['_ETHREAD', 'Win32StartAddress', 0x228, 0x260],
  ['_ETHREAD', 'LpcReceivedMessageId', 0x228, null],
  ['_ETHREAD', 'ThreadListEntry', 0x22c, 0x268],
  ['_ETHREAD', 'RundownProtect', 0x234, 0x270],
  ['_ETHREAD', 'ThreadLock', 0x238, 0x274],
  ['_ETHREAD', 'LpcReplyMessageId', 0x23c, null],
  ['_ETHREAD', 'CrossThreadFlags', 0x248, 0x280],
  ['_ETHREAD', 'Terminated', 0x248, 0x280, [0, 0]],
  ['_ETHREAD', 'SameThreadPassiveFlags', 0x24c, 0x284],
  ['_ETHREAD', 'SameThreadApcFlags', 0x250, 0x288],
  ['_ETHREAD', 'LpcReceivedMsgIdValid', 0x250, null, [0, null]],
  ['_ETHREAD', 'LpcExitThreadCalled', 0x250, null, [1, null]],
  ['_ETHREAD', 'AlpcMessageId', null, 0x290],
  ['_ETHREAD', 'AlpcMessage', null, 0x294],
  ['_ETHREAD', 'AlpcWaitListEntry', null, 0x298],
  // 1.3 / 1.6
  ['_KAPC_STATE', 'ApcListHead', 0x0, 0x0],
  ['_KAPC_STATE', 'Process', 0x10, 0x10],
  ['_KAPC_STATE', 'KernelApcInProgress', 0x14, 0x14],
  ['_KAPC_STATE', 'KernelApcPending', 0x15, 0x15],
  ['_KAPC_STATE', 'UserApcPending', 0x16, 0x16],
  ['_KWAIT_BLOCK', 'WaitListEntry', 0x0, 0x0],
  ['_KWAIT_BLOCK', 'Thread', 0x8, 0x8],
  ['_KWAIT_BLOCK', 'Object', 0xc, 0xc],
  ['_KWAIT_BLOCK', 'NextWaitBlock', 0x10, 0x10],
  ['_KWAIT_BLOCK', 'WaitKey', 0x14, 0x14],
  ['_KWAIT_BLOCK', 'WaitType', 0x16, 0x16],
  ['_KWAIT_BLOCK', 'BlockState', null, 0x17],
  // _KAPC (Volatility vtypes)
  ['_KAPC', 'Type', 0x0, 0x0],
  ['_KAPC', 'Size', 0x2, 0x2],
  ['_KAPC', 'Thread', 0x8, 0x8],
  ['_KAPC', 'ApcListEntry', 0xc, 0xc],
  ['_KAPC', 'KernelRoutine', 0x14, 0x14],
  ['_KAPC', 'RundownRoutine', 0x18, 0x18],
  ['_KAPC', 'NormalRoutine', 0x1c, 0x1c],
  ['_KAPC', 'NormalContext', 0x20, 0x20],
  ['_KAPC', 'SystemArgument1', 0x24, 0x24],
  ['_KAPC', 'SystemArgument2', 0x28, 0x28],
  ['_KAPC', 'ApcStateIndex', 0x2c, 0x2c],
  ['_KAPC', 'ApcMode', 0x2d, 0x2d],
  ['_KAPC', 'Inserted', 0x2e, 0x2e],
  // 2.1 - 2.3 dispatcher objects
  ['_DISPATCHER_HEADER', 'Type', 0x0, 0x0],
  ['_DISPATCHER_HEADER', 'Signalling', null, 0x1],
  ['_DISPATCHER_HEADER', 'Absolute', 0x1, 0x1, [null, 0]],
  ['_DISPATCHER_HEADER', 'Abandoned', null, 0x1],
  ['_DISPATCHER_HEADER', 'Size', 0x2, 0x2],
  ['_DISPATCHER_HEADER', 'Inserted', 0x3, 0x3, [null, 6]],
  ['_DISPATCHER_HEADER', 'DebugActive', null, 0x3],
  ['_DISPATCHER_HEADER', 'SignalState', 0x4, 0x4],
  ['_DISPATCHER_HEADER', 'WaitListHead', 0x8, 0x8],
  ['_KEVENT', 'Header', 0x0, 0x0],
  ['_KMUTANT', 'MutantListEntry', 0x10, 0x10],
  ['_KMUTANT', 'OwnerThread', 0x18, 0x18],
  ['_KMUTANT', 'Abandoned', 0x1c, 0x1c],
  ['_KMUTANT', 'ApcDisable', 0x1d, 0x1d],
  ['_KSEMAPHORE', 'Limit', 0x10, 0x10],
  ['_KQUEUE', 'EntryListHead', 0x10, 0x10],
  ['_KQUEUE', 'CurrentCount', 0x18, 0x18],
  ['_KQUEUE', 'MaximumCount', 0x1c, 0x1c],
  ['_KQUEUE', 'ThreadListHead', 0x20, 0x20],
  ['_KTIMER', 'DueTime', 0x10, 0x10],
  ['_KTIMER', 'TimerListEntry', 0x18, 0x18],
  ['_KTIMER', 'Dpc', 0x20, 0x20],
  ['_KTIMER', 'Period', 0x24, 0x24],
  ['_KGATE', 'Header', null, 0x0],
  // 2.4 object headers
  ['_OBJECT_HEADER', 'PointerCount', 0x0, 0x0],
  ['_OBJECT_HEADER', 'HandleCount', 0x4, 0x4],
  ['_OBJECT_HEADER', 'Lock', null, 0x8],
  ['_OBJECT_HEADER', 'Type', 0x8, null],
  ['_OBJECT_HEADER', 'TypeIndex', null, 0xc],
  ['_OBJECT_HEADER', 'NameInfoOffset', 0xc, null],
  ['_OBJECT_HEADER', 'TraceFlags', null, 0xd],
  ['_OBJECT_HEADER', 'InfoMask', null, 0xe],
  ['_OBJECT_HEADER', 'Flags', 0xf, 0xf],
  ['_OBJECT_HEADER', 'ObjectCreateInfo', 0x10, 0x10],
  ['_OBJECT_HEADER', 'SecurityDescriptor', 0x14, 0x14],
  ['_OBJECT_HEADER', 'Body', 0x18, 0x18],
  ['_OBJECT_TYPE', 'TypeList', 0x38, 0x0],
  ['_OBJECT_TYPE', 'Name', 0x40, 0x8],
  ['_OBJECT_TYPE', 'DefaultObject', 0x48, 0x10],
  ['_OBJECT_TYPE', 'Index', 0x4c, 0x14],
  ['_OBJECT_TYPE', 'TotalNumberOfObjects', 0x50, 0x18],
  ['_OBJECT_TYPE', 'TypeInfo', 0x60, 0x28],
  ['_OBJECT_TYPE', 'Key', 0xac, 0x7c],
  ['_OBJECT_HEADER_NAME_INFO', 'Directory', 0x0, 0x0],
  ['_OBJECT_HEADER_NAME_INFO', 'Name', 0x4, 0x4],
  ['_OBJECT_HEADER_NAME_INFO', 'ReferenceCount', null, 0xc],
  // 3.1 - 3.4
  ['_ERESOURCE', 'SystemResourcesList', 0x0, 0x0],
  ['_ERESOURCE', 'OwnerTable', 0x8, 0x8],
  ['_ERESOURCE', 'ActiveCount', 0xc, 0xc],
  ['_ERESOURCE', 'Flag', 0xe, 0xe],
  ['_ERESOURCE', 'SharedWaiters', 0x10, 0x10],
  ['_ERESOURCE', 'ExclusiveWaiters', 0x14, 0x14],
  ['_ERESOURCE', 'OwnerEntry', null, 0x18],
  ['_ERESOURCE', 'OwnerThreads', 0x18, null],
  ['_ERESOURCE', 'ActiveEntries', null, 0x20],
  ['_ERESOURCE', 'ContentionCount', 0x28, 0x24],
  ['_ERESOURCE', 'NumberOfSharedWaiters', 0x2c, 0x28],
  ['_ERESOURCE', 'NumberOfExclusiveWaiters', 0x2e, 0x2c],
  ['_ERESOURCE', 'Address', 0x30, 0x30],
  ['_ERESOURCE', 'CreatorBackTraceIndex', 0x30, 0x30],
  ['_ERESOURCE', 'SpinLock', 0x34, 0x34],
  ['_OWNER_ENTRY', 'OwnerThread', 0x0, 0x0],
  ['_OWNER_ENTRY', 'OwnerCount', 0x4, 0x4, [null, 2]],
  ['_OWNER_ENTRY', 'TableSize', 0x4, 0x4],
  ['_OWNER_ENTRY', 'OwnerReferenced', null, 0x4, [null, 1]],
  ['_FAST_MUTEX', 'Count', 0x0, 0x0],
  ['_FAST_MUTEX', 'Owner', 0x4, 0x4],
  ['_FAST_MUTEX', 'Contention', 0x8, 0x8],
  ['_FAST_MUTEX', 'Event', 0xc, 0xc],
  ['_FAST_MUTEX', 'OldIrql', 0x1c, 0x1c],
  ['_KGUARDED_MUTEX', 'Owner', null, 0x4],
  ['_KGUARDED_MUTEX', 'Gate', null, 0xc],
  ['_KGUARDED_MUTEX', 'KernelApcDisable', null, 0x1c],
  ['_KGUARDED_MUTEX', 'SpecialApcDisable', null, 0x1e],
  ['_KGUARDED_MUTEX', 'CombinedApcDisable', null, 0x1c],
  ['_EX_PUSH_LOCK', 'Locked', null, 0x0, [null, 0]],
  ['_EX_PUSH_LOCK', 'Waiting', 0x0, 0x0, [0, 1]],
  ['_EX_PUSH_LOCK', 'Exclusive', 0x0, null, [1, null]],
  ['_EX_PUSH_LOCK', 'Shared', 0x0, 0x0, [2, 4]],
  ['_EX_PUSH_LOCK', 'Value', 0x0, 0x0],
  ['_KSPIN_LOCK_QUEUE', 'Next', 0x0, 0x0],
  ['_KSPIN_LOCK_QUEUE', 'Lock', 0x4, 0x4],
  ['_KLOCK_QUEUE_HANDLE', 'LockQueue', 0x0, 0x0],
  ['_KLOCK_QUEUE_HANDLE', 'OldIrql', 0x8, 0x8],
  ['_KPRCB', 'MinorVersion', 0x0, 0x0],
  ['_KPRCB', 'MajorVersion', 0x2, 0x2],
  ['_KPRCB', 'CurrentThread', 0x4, 0x4],
  ['_KPRCB', 'NextThread', 0x8, 0x8],
  ['_KPRCB', 'IdleThread', 0xc, 0xc],
  ['_KPRCB', 'Number', 0x10, 0x3cc],
  ['_KPRCB', 'ProcessorState', 0x1c, 0x18],
  ['_KPRCB', 'LockQueue', 0x418, 0x418],
  ['_KPRCB', 'DpcData', null, 0x18e0],
  ['_KPRCB', 'DpcStack', 0x868, 0x1908],
  ['_KPRCB', 'WaitListHead', null, 0x31e0],
  ['_KPRCB', 'ReadySummary', null, 0x31ec],
  ['_KPRCB', 'DispatcherReadyListHead', null, 0x3220],
  ['_KPRCB', 'InterruptCount', 0x4a4, 0x4a4],
  ['_KPRCB', 'KernelTime', 0x4a8, 0x4a8],
  ['_KPRCB', 'UserTime', 0x4ac, 0x4ac],
  ['_KPRCB', 'DpcTime', 0x4b0, 0x4b0],
  ['_KPRCB', 'InterruptTime', 0x4b8, 0x4b8],
  ['_KPCR', 'NtTib', 0x0, 0x0],
  ['_KPCR', 'SelfPcr', 0x1c, 0x1c],
  ['_KPCR', 'Prcb', 0x20, 0x20],
  ['_KPCR', 'Irql', 0x24, 0x24],
  ['_KPCR', 'Number', 0x51, 0x51],
  ['_KPCR', 'PrcbData', 0x120, 0x120],
  ['_KPCR', 'PrcbData.CurrentThread', 0x124, 0x124],
  // 5.1 LPC
  ['_LPCP_PORT_OBJECT', 'ConnectionPort', 0x0, 0x0],
  ['_LPCP_PORT_OBJECT', 'ConnectedPort', 0x4, 0x4],
  ['_LPCP_PORT_OBJECT', 'MsgQueue', 0x8, 0x8],
  ['_LPCP_PORT_OBJECT', 'MsgQueue.Semaphore', 0xc, 0xc],
  ['_LPCP_PORT_OBJECT', 'MsgQueue.ReceiveHead', 0x10, 0x10],
  ['_LPCP_PORT_OBJECT', 'Creator', 0x18, 0x18],
  ['_LPCP_PORT_OBJECT', 'ClientThread', 0x2c, 0x2c],
  ['_LPCP_PORT_OBJECT', 'LpcReplyChainHead', 0x78, 0x78],
  ['_LPCP_PORT_OBJECT', 'LpcDataInfoChainHead', 0x80, 0x80],
  ['_LPCP_PORT_OBJECT', 'ServerProcess', 0x88, 0x88],
  ['_LPCP_PORT_OBJECT', 'MappingProcess', 0x88, 0x88],
  ['_LPCP_PORT_OBJECT', 'MaxMessageLength', 0x8c, 0x8c],
  ['_LPCP_PORT_OBJECT', 'Flags', 0x90, 0x90],
  ['_LPCP_PORT_OBJECT', 'WaitEvent', 0x94, 0x94],
  ['_LPCP_MESSAGE', 'Entry', 0x0, 0x0],
  ['_LPCP_MESSAGE', 'FreeEntry', 0x0, 0x0],
  ['_LPCP_MESSAGE', 'SenderPort', 0x8, 0x8],
  ['_LPCP_MESSAGE', 'RepliedToThread', 0xc, 0xc],
  ['_LPCP_MESSAGE', 'PortContext', 0x10, 0x10],
  ['_LPCP_MESSAGE', 'Request', 0x18, 0x18],
  ['_LPCP_MESSAGE', 'Request.MessageId', 0x28, 0x28],
  ['_PORT_MESSAGE', 'u1.Length', 0x0, 0x0],
  ['_PORT_MESSAGE', 'u1.s1.DataLength', 0x0, 0x0],
  ['_PORT_MESSAGE', 'u1.s1.TotalLength', 0x2, 0x2],
  ['_PORT_MESSAGE', 'u2.s2.Type', 0x4, 0x4],
  ['_PORT_MESSAGE', 'u2.s2.DataInfoOffset', 0x6, 0x6],
  ['_PORT_MESSAGE', 'ClientId', 0x8, 0x8],
  ['_PORT_MESSAGE', 'MessageId', 0x10, 0x10],
  ['_PORT_MESSAGE', 'CallbackId', 0x14, 0x14],
  ['_PORT_MESSAGE', 'ClientViewSize', 0x14, 0x14],
  // 5.2 ALPC
  ['_ALPC_PORT', 'PortListEntry', null, 0x0],
  ['_ALPC_PORT', 'CommunicationInfo', null, 0x8],
  ['_ALPC_PORT', 'OwnerProcess', null, 0xc],
  ['_ALPC_PORT', 'PortContext', null, 0x1c],
  ['_ALPC_PORT', 'MainQueue', null, 0x5c],
  ['_ALPC_PORT', 'PendingQueue', null, 0x64],
  ['_ALPC_PORT', 'LargeMessageQueue', null, 0x6c],
  ['_ALPC_PORT', 'WaitQueue', null, 0x74],
  ['_ALPC_PORT', 'Semaphore', null, 0x7c],
  ['_ALPC_PORT', 'DummyEvent', null, 0x7c],
  ['_ALPC_PORT', 'Lock', null, 0xac],
  ['_ALPC_PORT', 'CanceledQueue', null, 0xcc],
  ['_ALPC_PORT', 'SequenceNo', null, 0xd4],
  ['_ALPC_PORT', 'TargetQueuePort', null, 0xdc],
  ['_ALPC_PORT', 'CachedMessage', null, 0xe4],
  ['_ALPC_PORT', 'MainQueueLength', null, 0xe8],
  ['_ALPC_PORT', 'PendingQueueLength', null, 0xec],
  ['_ALPC_PORT', 'LargeMessageQueueLength', null, 0xf0],
  ['_ALPC_PORT', 'CanceledQueueLength', null, 0xf4],
  ['_ALPC_PORT', 'WaitQueueLength', null, 0xf8],
  ['_ALPC_COMMUNICATION_INFO', 'ConnectionPort', null, 0x0],
  ['_ALPC_COMMUNICATION_INFO', 'ServerCommunicationPort', null, 0x4],
  ['_ALPC_COMMUNICATION_INFO', 'ClientCommunicationPort', null, 0x8],
  ['_ALPC_COMMUNICATION_INFO', 'CommunicationList', null, 0xc],
  ['_ALPC_COMMUNICATION_INFO', 'HandleTable', null, 0x14],
  ['_KALPC_MESSAGE', 'Entry', null, 0x0],
  ['_KALPC_MESSAGE', 'ExtensionBuffer', null, 0x8],
  ['_KALPC_MESSAGE', 'ExtensionBufferSize', null, 0xc],
  ['_KALPC_MESSAGE', 'QuotaProcess', null, 0x10],
  ['_KALPC_MESSAGE', 'SequenceNo', null, 0x14],
  ['_KALPC_MESSAGE', 'u1', null, 0x18],
  ['_KALPC_MESSAGE', 'CancelSequencePort', null, 0x1c],
  ['_KALPC_MESSAGE', 'CancelQueuePort', null, 0x20],
  ['_KALPC_MESSAGE', 'CancelSequenceNo', null, 0x24],
  ['_KALPC_MESSAGE', 'CancelListEntry', null, 0x28],
  ['_KALPC_MESSAGE', 'WaitingThread', null, 0x30],
  ['_KALPC_MESSAGE', 'Reserve', null, 0x34],
  ['_KALPC_MESSAGE', 'PortQueue', null, 0x38],
  ['_KALPC_MESSAGE', 'OwnerPort', null, 0x3c],
  ['_KALPC_MESSAGE', 'MessageAttributes', null, 0x40],
  ['_KALPC_MESSAGE', 'DataUserVa', null, 0x5c],
  ['_KALPC_MESSAGE', 'DataSystemVa', null, 0x60],
  ['_KALPC_MESSAGE', 'CommunicationInfo', null, 0x64],
  ['_KALPC_MESSAGE', 'ConnectionPort', null, 0x68],
  ['_KALPC_MESSAGE', 'ServerThread', null, 0x6c],
  ['_KALPC_MESSAGE', 'PortMessage', null, 0x70],
  ['_KALPC_MESSAGE', 'PortMessage.MessageId', null, 0x80],
  // 6 I/O
  ['_IRP', 'Type', 0x0, 0x0],
  ['_IRP', 'Size', 0x2, 0x2],
  ['_IRP', 'MdlAddress', 0x4, 0x4],
  ['_IRP', 'Flags', 0x8, 0x8],
  ['_IRP', 'AssociatedIrp.MasterIrp', 0xc, 0xc],
  ['_IRP', 'AssociatedIrp.SystemBuffer', 0xc, 0xc],
  ['_IRP', 'ThreadListEntry', 0x10, 0x10],
  ['_IRP', 'IoStatus', 0x18, 0x18],
  ['_IRP', 'IoStatus.Information', 0x1c, 0x1c],
  ['_IRP', 'RequestorMode', 0x20, 0x20],
  ['_IRP', 'PendingReturned', 0x21, 0x21],
  ['_IRP', 'StackCount', 0x22, 0x22],
  ['_IRP', 'CurrentLocation', 0x23, 0x23],
  ['_IRP', 'Cancel', 0x24, 0x24],
  ['_IRP', 'CancelIrql', 0x25, 0x25],
  ['_IRP', 'ApcEnvironment', 0x26, 0x26],
  ['_IRP', 'AllocationFlags', 0x27, 0x27],
  ['_IRP', 'UserIosb', 0x28, 0x28],
  ['_IRP', 'UserEvent', 0x2c, 0x2c],
  ['_IRP', 'Overlay', 0x30, 0x30],
  ['_IRP', 'CancelRoutine', 0x38, 0x38],
  ['_IRP', 'UserBuffer', 0x3c, 0x3c],
  ['_IRP', 'Tail.Overlay.DriverContext', 0x40, 0x40],
  ['_IRP', 'Tail.Overlay.Thread', 0x50, 0x50],
  ['_IRP', 'Tail.Overlay.AuxiliaryBuffer', 0x54, 0x54],
  ['_IRP', 'Tail.Overlay.ListEntry', 0x58, 0x58],
  ['_IRP', 'Tail.Overlay.CurrentStackLocation', 0x60, 0x60],
  ['_IRP', 'Tail.Overlay.OriginalFileObject', 0x64, 0x64],
  ['_IRP', 'Tail.Apc', 0x40, 0x40],
  ['_IRP', 'Tail.Apc.Thread', 0x48, 0x48],
  ['_IRP', 'Tail.CompletionKey', 0x40, 0x40],
  ['_IO_STATUS_BLOCK', 'Status', 0x0, 0x0],
  ['_IO_STATUS_BLOCK', 'Pointer', 0x0, 0x0],
  ['_IO_STATUS_BLOCK', 'Information', 0x4, 0x4],
  ['_IO_STACK_LOCATION', 'MajorFunction', 0x0, 0x0],
  ['_IO_STACK_LOCATION', 'MinorFunction', 0x1, 0x1],
  ['_IO_STACK_LOCATION', 'Flags', 0x2, 0x2],
  ['_IO_STACK_LOCATION', 'Control', 0x3, 0x3],
  ['_IO_STACK_LOCATION', 'Parameters', 0x4, 0x4],
  ['_IO_STACK_LOCATION', 'Parameters.Others.Argument1', 0x4, 0x4],
  ['_IO_STACK_LOCATION', 'Parameters.DeviceIoControl.IoControlCode', 0xc, 0xc],
  ['_IO_STACK_LOCATION', 'DeviceObject', 0x14, 0x14],
  ['_IO_STACK_LOCATION', 'FileObject', 0x18, 0x18],
  ['_IO_STACK_LOCATION', 'CompletionRoutine', 0x1c, 0x1c],
  ['_IO_STACK_LOCATION', 'Context', 0x20, 0x20],
  ['_DEVICE_OBJECT', 'Type', 0x0, 0x0],
  ['_DEVICE_OBJECT', 'Size', 0x2, 0x2],
  ['_DEVICE_OBJECT', 'ReferenceCount', 0x4, 0x4],
  ['_DEVICE_OBJECT', 'DriverObject', 0x8, 0x8],
  ['_DEVICE_OBJECT', 'NextDevice', 0xc, 0xc],
  ['_DEVICE_OBJECT', 'AttachedDevice', 0x10, 0x10],
  ['_DEVICE_OBJECT', 'CurrentIrp', 0x14, 0x14],
  ['_DEVICE_OBJECT', 'Flags', 0x1c, 0x1c],
  ['_DEVICE_OBJECT', 'DeviceExtension', 0x28, 0x28],
  ['_DEVICE_OBJECT', 'DeviceType', 0x2c, 0x2c],
  ['_DEVICE_OBJECT', 'StackSize', 0x30, 0x30],
  ['_DEVICE_OBJECT', 'DeviceObjectExtension', 0xb0, 0xb0],
  ['_DRIVER_OBJECT', 'DeviceObject', 0x4, 0x4],
  ['_DRIVER_OBJECT', 'Flags', 0x8, 0x8],
  ['_DRIVER_OBJECT', 'DriverStart', 0xc, 0xc],
  ['_DRIVER_OBJECT', 'DriverSize', 0x10, 0x10],
  ['_DRIVER_OBJECT', 'DriverSection', 0x14, 0x14],
  ['_DRIVER_OBJECT', 'DriverExtension', 0x18, 0x18],
  ['_DRIVER_OBJECT', 'DriverName', 0x1c, 0x1c],
  ['_DRIVER_OBJECT', 'MajorFunction', 0x38, 0x38],
  ['_FILE_OBJECT', 'DeviceObject', 0x4, 0x4],
  ['_FILE_OBJECT', 'Vpb', 0x8, 0x8],
  ['_FILE_OBJECT', 'FsContext', 0xc, 0xc],
  ['_FILE_OBJECT', 'Flags', 0x2c, 0x2c],
  ['_FILE_OBJECT', 'FileName', 0x30, 0x30],
  ['_FILE_OBJECT', 'CurrentByteOffset', 0x38, 0x38],
  ['_FILE_OBJECT', 'Waiters', 0x40, 0x40],
  ['_FILE_OBJECT', 'Busy', 0x44, 0x44],
  ['_FILE_OBJECT', 'Lock', 0x4c, 0x4c],
  ['_FILE_OBJECT', 'Event', 0x5c, 0x5c],
  ['_FILE_OBJECT', 'CompletionContext', 0x6c, 0x6c],
  ['_FILE_OBJECT', 'IrpList', null, 0x74],
  ['_DEVOBJ_EXTENSION', 'DeviceObject', 0x4, 0x4],
  ['_DEVOBJ_EXTENSION', 'DeviceNode', 0x14, 0x14],
  ['_DEVOBJ_EXTENSION', 'AttachedTo', 0x18, 0x18],
  // 7 time
  ['_KUSER_SHARED_DATA', 'TickCountLow', 0x0, null],
  ['_KUSER_SHARED_DATA', 'TickCountLowDeprecated', null, 0x0],
  ['_KUSER_SHARED_DATA', 'TickCountMultiplier', 0x4, 0x4],
  ['_KUSER_SHARED_DATA', 'InterruptTime', 0x8, 0x8],
  ['_KUSER_SHARED_DATA', 'SystemTime', 0x14, 0x14],
  ['_KUSER_SHARED_DATA', 'TimeZoneBias', 0x20, 0x20],
  ['_KUSER_SHARED_DATA', 'NtProductType', 0x264, 0x264],
  ['_KUSER_SHARED_DATA', 'NtMajorVersion', 0x26c, 0x26c],
  ['_KUSER_SHARED_DATA', 'NtMinorVersion', 0x270, 0x270],
  ['_KUSER_SHARED_DATA', 'KdDebuggerEnabled', 0x2d4, 0x2d4],
  ['_KUSER_SHARED_DATA', 'NumberOfPhysicalPages', 0x2e8, 0x2e8],
  ['_KUSER_SHARED_DATA', 'TickCount', 0x320, 0x320],
  ['_KUSER_SHARED_DATA', 'TickCountQuad', 0x320, 0x320],
  ['_KUSER_SHARED_DATA', 'ActiveProcessorCount', null, 0x3c0],
  ['_KSYSTEM_TIME', 'LowPart', 0x0, 0x0],
  ['_KSYSTEM_TIME', 'High1Time', 0x4, 0x4],
  ['_KSYSTEM_TIME', 'High2Time', 0x8, 0x8],
  // 8.1 processes
  ['_EPROCESS', 'Pcb', 0x0, 0x0],
  ['_EPROCESS', 'ProcessLock', 0x6c, 0x98],
  ['_EPROCESS', 'CreateTime', 0x70, 0xa0],
  ['_EPROCESS', 'ExitTime', 0x78, 0xa8],
  ['_EPROCESS', 'RundownProtect', 0x80, 0xb0],
  ['_EPROCESS', 'UniqueProcessId', 0x84, 0xb4],
  ['_EPROCESS', 'ActiveProcessLinks', 0x88, 0xb8],
  ['_EPROCESS', 'ObjectTable', 0xc4, 0xf4],
  ['_EPROCESS', 'Token', 0xc8, 0xf8],
  ['_EPROCESS', 'Win32Process', 0x130, 0x120],
  ['_EPROCESS', 'InheritedFromUniqueProcessId', 0x14c, 0x140],
  ['_EPROCESS', 'Peb', 0x1b0, 0x1a8],
  ['_EPROCESS', 'Session', 0x170, 0x168],
  ['_EPROCESS', 'ImageFileName', 0x174, 0x16c],
  ['_EPROCESS', 'ThreadListHead', 0x190, 0x188],
  ['_EPROCESS', 'ActiveThreads', 0x1a0, 0x198],
  ['_EPROCESS', 'Flags2', null, 0x26c],
  ['_EPROCESS', 'Flags', 0x248, 0x270],
  ['_EPROCESS', 'ProcessExiting', 0x248, 0x270, [2, 2]],
  ['_EPROCESS', 'ProcessDelete', 0x248, 0x270, [3, 3]],
  ['_EPROCESS', 'ExitStatus', 0x24c, 0x274],
  ['_EPROCESS', 'VadRoot', 0x11c, 0x278],
  ['_KPROCESS', 'Header', 0x0, 0x0],
  ['_KPROCESS', 'ProfileListHead', 0x10, 0x10],
  ['_KPROCESS', 'DirectoryTableBase', 0x18, 0x18],
  ['_KPROCESS', 'ThreadListHead', 0x50, 0x2c],
  ['_KPROCESS', 'ProcessLock', 0x58, 0x34],
  ['_KPROCESS', 'ReadyListHead', 0x40, 0x44],
  ['_KPROCESS', 'SwapListEntry', 0x48, 0x4c],
  ['_KPROCESS', 'BasePriority', 0x62, 0x60],
  ['_KPROCESS', 'StackCount', 0x60, 0x74],
  ['_KPROCESS', 'ProcessListEntry', null, 0x78],
  ['_KPROCESS', 'KernelTime', 0x38, 0x88],
  ['_KPROCESS', 'UserTime', 0x3c, 0x8c],
  // 8.2 PEB (module nt; ntdll checked below)
  ['_PEB', 'BeingDebugged', 0x2, 0x2],
  ['_PEB', 'ImageBaseAddress', 0x8, 0x8],
  ['_PEB', 'Ldr', 0xc, 0xc],
  ['_PEB', 'ProcessParameters', 0x10, 0x10],
  ['_PEB', 'ProcessHeap', 0x18, 0x18],
  ['_PEB', 'FastPebLock', 0x1c, 0x1c],
  ['_PEB', 'NtGlobalFlag', 0x68, 0x68],
  ['_PEB', 'CriticalSectionTimeout', 0x70, 0x70],
  ['_PEB', 'NumberOfHeaps', 0x88, 0x88],
  ['_PEB', 'ProcessHeaps', 0x90, 0x90],
  ['_PEB', 'LoaderLock', 0xa0, 0xa0],
  ['_PEB', 'OSMajorVersion', 0xa4, 0xa4],
  ['_PEB', 'OSMinorVersion', 0xa8, 0xa8],
  ['_PEB', 'OSBuildNumber', 0xac, 0xac],
  ['_PEB_LDR_DATA', 'InLoadOrderModuleList', 0xc, 0xc],
  ['_LDR_DATA_TABLE_ENTRY', 'DllBase', 0x18, 0x18],
  ['_LDR_DATA_TABLE_ENTRY', 'BaseDllName', 0x2c, 0x2c],
  // 9.1 device nodes
  ['_DEVICE_NODE', 'Sibling', 0x0, 0x0],
  ['_DEVICE_NODE', 'Child', 0x4, 0x4],
  ['_DEVICE_NODE', 'Parent', 0x8, 0x8],
  ['_DEVICE_NODE', 'LastChild', 0xc, 0xc],
  ['_DEVICE_NODE', 'Level', 0x10, 0x28],
  ['_DEVICE_NODE', 'PhysicalDeviceObject', 0x88, 0x10],
  ['_DEVICE_NODE', 'InstancePath', 0x94, 0x14],
  ['_DEVICE_NODE', 'ServiceName', 0x9c, 0x1c],
  ['_DEVICE_NODE', 'PendingIrp', 0x78, 0x24],
  ['_DEVICE_NODE', 'State', 0x18, 0x78],
  ['_DEVICE_NODE', 'PreviousState', 0x1c, 0x7c],
  ['_DEVICE_NODE', 'StateHistory', 0x20, 0x80],
  ['_DEVICE_NODE', 'StateHistoryEntry', 0x70, 0xd0],
  ['_DEVICE_NODE', 'CompletionStatus', 0x74, 0xd4],
  ['_DEVICE_NODE', 'Flags', 0x7c, 0xd8],
  ['_DEVICE_NODE', 'UserFlags', 0x80, 0xdc],
  ['_DEVICE_NODE', 'Problem', 0x84, 0xe0],
];

const SIZES: [string, number, number | null][] = [
  ['_LIST_ENTRY', 0x8, 0x8], ['_SINGLE_LIST_ENTRY', 0x4, 0x4], ['_UNICODE_STRING', 0x8, 0x8], ['_CLIENT_ID', 0x8, 0x8],
  ['_LARGE_INTEGER', 0x8, 0x8], ['_DISPATCHER_HEADER', 0x10, 0x10], ['_KEVENT', 0x10, 0x10], ['_KSEMAPHORE', 0x14, 0x14],
  ['_KMUTANT', 0x20, 0x20], ['_KTIMER', 0x28, 0x28], ['_KQUEUE', 0x28, 0x28], ['_KAPC_STATE', 0x18, 0x18], ['_KAPC', 0x30, 0x30],
  ['_KWAIT_BLOCK', 0x18, 0x18], ['_KTHREAD', 0x1c0, 0x200], ['_ETHREAD', 0x258, 0x2b8], ['_KPROCESS', 0x6c, 0x98],
  ['_EPROCESS', 0x260, 0x2c0], ['_OBJECT_HEADER', 0x20, 0x20], ['_OBJECT_TYPE', 0x190, 0x88], ['_OBJECT_HEADER_NAME_INFO', 0x10, 0x10],
  ['_ERESOURCE', 0x38, 0x38], ['_OWNER_ENTRY', 0x8, 0x8], ['_FAST_MUTEX', 0x20, 0x20], ['_EX_PUSH_LOCK', 0x4, 0x4],
  ['_KSPIN_LOCK_QUEUE', 0x8, 0x8], ['_KLOCK_QUEUE_HANDLE', 0xc, 0xc], ['_KPRCB', 0xc50, 0x3628], ['_KPCR', 0xd70, 0x3748],
  ['_IRP', 0x70, 0x70], ['_IO_STACK_LOCATION', 0x24, 0x24], ['_IO_STATUS_BLOCK', 0x8, 0x8], ['_DEVICE_OBJECT', 0xb8, 0xb8],
  ['_DRIVER_OBJECT', 0xa8, 0xa8], ['_FILE_OBJECT', 0x70, 0x80], ['_DEVOBJ_EXTENSION', 0x2c, 0x3c], ['_DEVICE_NODE', 0x118, 0x188],
  ['_KUSER_SHARED_DATA', 0x338, 0x5f0], ['_KSYSTEM_TIME', 0xc, 0xc], ['_PORT_MESSAGE', 0x18, 0x18],
  ['_RTL_CRITICAL_SECTION', 0x18, 0x18], ['_RTL_CRITICAL_SECTION_DEBUG', 0x20, 0x20], ['_TEB', 0xfb8, 0xfe4],
  ['_NT_TIB', 0x1c, 0x1c], ['_PEB', 0x210, 0x248],
  ['_KGATE', -1, 0x10], ['_KGUARDED_MUTEX', -1, 0x20],
  // Windows 7's kernel PDB still carries the LPC port types (win7_sp1_x86_vtypes.py), at XP's offsets.
  ['_LPCP_PORT_OBJECT', 0xa4, 0xa4], ['_LPCP_PORT_QUEUE', 0x10, 0x10], ['_LPCP_MESSAGE', 0x30, 0x30],
  ['_ALPC_PORT', -1, 0xfc], ['_ALPC_COMMUNICATION_INFO', -1, 0x24], ['_KALPC_MESSAGE', -1, 0x88],
];

describe.each([['xpsp3-x86', xp, 0], ['win7sp1-x86', w7, 1]] as const)('%s: docs/kernel-structures.md §Offsets spot checks', (_label, layout, col) => {
  it.each(SPOTS.map((s) => [`${s[0]}.${s[1]}`, s] as const))('%s', (_name, spot) => {
    const expected = col === 0 ? spot[2] : spot[3];
    const found = member(layout, 'nt', spot[0], spot[1]);
    if (expected === null) {
      expect(found).toBeUndefined();
      return;
    }
    expect(found, `${spot[0]}.${spot[1]} missing`).toBeDefined();
    expect(found!.offset).toBe(expected);
    const bit = spot[4]?.[col];
    if (bit !== undefined && bit !== null) expect(found!.field.bitPos).toBe(bit);
    if (bit === null) expect(found!.field.bitPos).toBeUndefined();
  });

  it('real sizes', () => {
    const nt = typeMap(layout, 'nt');
    for (const [name, xpSize, w7Size] of SIZES) {
      const size = col === 0 ? xpSize : w7Size;
      if (size === -1) expect(nt.has(name), `${name} should not exist`).toBe(false);
      else expect(nt.get(name)?.size, name).toBe(size);
    }
  });

  it('types of key members', () => {
    const t = (type: string, path: string) => member(layout, 'nt', type, path)?.field.type;
    expect(t('_KTHREAD', 'WaitBlock')).toBe('_KWAIT_BLOCK[4]');
    expect(t('_KTHREAD', 'WaitBlockList')).toBe('_KWAIT_BLOCK*');
    expect(t('_KTHREAD', 'Queue')).toBe('_KQUEUE*');
    expect(t('_KTHREAD', 'SuspendSemaphore')).toBe('_KSEMAPHORE');
    expect(t('_KWAIT_BLOCK', 'NextWaitBlock')).toBe('_KWAIT_BLOCK*');
    expect(t('_KWAIT_BLOCK', 'Thread')).toBe('_KTHREAD*');
    expect(t('_KWAIT_BLOCK', 'WaitType')).toBe(col === 0 ? 'USHORT' : 'UCHAR');
    expect(t('_ETHREAD', 'Cid')).toBe('_CLIENT_ID');
    expect(t('_ETHREAD', 'KeyedWaitSemaphore')).toBe('_KSEMAPHORE');
    expect(t('_ETHREAD', 'CrossThreadFlags')).toBe('ULONG');
    expect(t('_EPROCESS', 'ImageFileName')).toBe('UCHAR[16]'.replace('16', col === 0 ? '16' : '15'));
    expect(t('_ERESOURCE', 'SharedWaiters')).toBe('_KSEMAPHORE*');
    expect(t('_ERESOURCE', 'ExclusiveWaiters')).toBe('_KEVENT*');
    expect(t('_ERESOURCE', col === 0 ? 'OwnerThreads' : 'OwnerEntry')).toBe(col === 0 ? '_OWNER_ENTRY[2]' : '_OWNER_ENTRY');
    expect(t('_FAST_MUTEX', 'Owner')).toBe('_KTHREAD*');
    expect(t('_KPRCB', 'LockQueue')).toBe(col === 0 ? '_KSPIN_LOCK_QUEUE[16]' : '_KSPIN_LOCK_QUEUE[17]');
    expect(t('_KPCR', 'PrcbData')).toBe('_KPRCB');
    expect(t('_KPCR', 'Prcb')).toBe('_KPRCB*');
    expect(t('_IRP', 'Tail')).toBe('_IRP::<Tail>');
    expect(t('_IRP', 'Tail.Overlay')).toBe('_IRP::<Tail>::<Overlay>');
    expect(t('_IRP', 'Tail.Overlay.Thread')).toBe('_ETHREAD*');
    expect(t('_IRP', 'Tail.Overlay.CurrentStackLocation')).toBe('_IO_STACK_LOCATION*');
    expect(t('_IRP', 'Tail.Apc')).toBe('_KAPC');
    expect(t('_IO_STACK_LOCATION', 'Parameters')).toBe('_IO_STACK_LOCATION::<Parameters>');
    expect(t('_DEVICE_NODE', 'StateHistory')).toBe('_PNP_DEVNODE_STATE[20]');
    expect(t('_DEVICE_NODE', 'State')).toBe('_PNP_DEVNODE_STATE');
    expect(t('_KUSER_SHARED_DATA', 'TickCount')).toBe('_KSYSTEM_TIME');
    expect(t('_OBJECT_TYPE', 'Name')).toBe('_UNICODE_STRING');
    if (col === 0) {
      expect(t('_OBJECT_HEADER', 'Type')).toBe('_OBJECT_TYPE*');
      expect(t('_LPCP_PORT_OBJECT', 'MsgQueue')).toBe('_LPCP_PORT_QUEUE');
      expect(t('_LPCP_PORT_QUEUE', 'Semaphore')).toBe('_KSEMAPHORE*');
      expect(t('_LPCP_MESSAGE', 'Request')).toBe('_PORT_MESSAGE');
    } else {
      expect(t('_KTHREAD', 'Process')).toBe('_KPROCESS*');
      expect(t('_OBJECT_HEADER', 'TypeIndex')).toBe('UCHAR');
      expect(t('_KALPC_MESSAGE', 'PortQueue')).toBe('_ALPC_PORT*');
      expect(t('_KALPC_MESSAGE', 'WaitingThread')).toBe('_ETHREAD*');
      expect(t('_KALPC_MESSAGE', 'PortMessage')).toBe('_PORT_MESSAGE');
      expect(t('_ALPC_PORT', 'OwnerProcess')).toBe('_EPROCESS*');
      expect(t('_ALPC_PORT', 'CommunicationInfo')).toBe('_ALPC_COMMUNICATION_INFO*');
      expect(t('_KGUARDED_MUTEX', 'Gate')).toBe('_KGATE');
    }
  });

  it('ntdll carries the user-mode structures with the same layout', () => {
    const ntdll = typeMap(layout, 'ntdll');
    const nt = typeMap(layout, 'nt');
    for (const name of ['_RTL_CRITICAL_SECTION', '_RTL_CRITICAL_SECTION_DEBUG', '_TEB', '_NT_TIB', '_PEB']) {
      expect(ntdll.get(name), name).toEqual(nt.get(name));
    }
    const u = (type: string, path: string) => member(layout, 'ntdll', type, path)?.offset;
    expect(u('_RTL_CRITICAL_SECTION', 'DebugInfo')).toBe(0x0);
    expect(u('_RTL_CRITICAL_SECTION', 'LockCount')).toBe(0x4);
    expect(u('_RTL_CRITICAL_SECTION', 'RecursionCount')).toBe(0x8);
    expect(u('_RTL_CRITICAL_SECTION', 'OwningThread')).toBe(0xc);
    expect(u('_RTL_CRITICAL_SECTION', 'LockSemaphore')).toBe(0x10);
    expect(u('_RTL_CRITICAL_SECTION', 'SpinCount')).toBe(0x14);
    expect(u('_RTL_CRITICAL_SECTION_DEBUG', 'CriticalSection')).toBe(0x4);
    expect(u('_RTL_CRITICAL_SECTION_DEBUG', 'ProcessLocksList')).toBe(0x8);
    expect(u('_RTL_CRITICAL_SECTION_DEBUG', 'EntryCount')).toBe(0x10);
    expect(u('_RTL_CRITICAL_SECTION_DEBUG', 'ContentionCount')).toBe(0x14);
    expect(u('_RTL_CRITICAL_SECTION_DEBUG', 'Flags')).toBe(col === 0 ? undefined : 0x18);
    expect(u('_TEB', 'NtTib.StackBase')).toBe(0x4);
    expect(u('_TEB', 'NtTib.StackLimit')).toBe(0x8);
    expect(u('_TEB', 'ClientId')).toBe(0x20);
    expect(u('_TEB', 'ClientId.UniqueThread')).toBe(0x24);
    expect(u('_TEB', 'ProcessEnvironmentBlock')).toBe(0x30);
    expect(u('_TEB', 'LastErrorValue')).toBe(0x34);
    expect(u('_TEB', 'CountOfOwnedCriticalSections')).toBe(0x38);
    expect(u('_TEB', 'WaitingOnLoaderLock')).toBe(0xf84);
    expect(u('_PEB', 'Ldr')).toBe(0xc);
    expect(u('_PEB', 'FastPebLock')).toBe(0x1c);
    expect(u('_PEB', 'LoaderLock')).toBe(0xa0);
    expect(u('_PEB', 'OSMajorVersion')).toBe(0xa4);
    expect(ntdll.get('_TEB')?.size).toBe(col === 0 ? 0xfb8 : 0xfe4);
    expect(ntdll.get('_PEB')?.size).toBe(col === 0 ? 0x210 : 0x248);
  });

  it('globals of the build', () => {
    const g = (name: string) => layout.globals.find((x) => x.name === name)?.type;
    expect(g('KeNumberProcessors')).toBe(col === 0 ? 'CHAR' : 'ULONG');
    expect(g('KiProcessorBlock')).toBe('_KPRCB*[32]');
    expect(g('KeTickCount')).toBe('_KSYSTEM_TIME');
    expect(g('ObTypeIndexTable')).toBe(col === 0 ? undefined : '_OBJECT_TYPE*[64]');
    expect(g('LpcPortObjectType')).toBe(col === 0 ? '_OBJECT_TYPE*' : undefined);
    expect(g('AlpcPortObjectType')).toBe(col === 0 ? undefined : '_OBJECT_TYPE*');
    expect(g('LdrpLoaderLock')).toBe('_RTL_CRITICAL_SECTION');
  });
});

it('the two builds are what they say they are', () => {
  expect([xp.name, xp.osVersion, xp.ntMajor, xp.ntMinor, xp.buildNumber]).toEqual(['xpsp3-x86', '5.1.2600 SP3', 5, 1, 2600]);
  expect([w7.name, w7.osVersion, w7.ntMajor, w7.ntMinor, w7.buildNumber]).toEqual(['win7sp1-x86', '6.1.7601 SP1', 6, 1, 7601]);
});
