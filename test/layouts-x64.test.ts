// Sanity checks of the x64 kernel layouts (win10-19041-x64, win11-24h2-x64): internal consistency of every
// TypeDef plus spot checks of offsets from the PDB-derived tables (docs/kernel-structures.md §Offsets).
import { describe, expect, it } from 'vitest';
import type { FieldDef, Layout, TypeDef } from '../mocks/format/typedef';
import { layout as win10 } from '../mocks/layouts/win10-19041-x64';
import { layout as win11 } from '../mocks/layouts/win11-24h2-x64';

const LAYOUTS: Layout[] = [win10, win11];

const BASE_SIZES: Record<string, number | 'ptr'> = {
  UCHAR: 1, CHAR: 1, BOOLEAN: 1, USHORT: 2, SHORT: 2, WCHAR: 2, ULONG: 4, LONG: 4,
  ULONG64: 8, LONG64: 8, ULONGLONG: 8, LONGLONG: 8, VOID: 0,
  ULONG_PTR: 'ptr', LONG_PTR: 'ptr', PVOID: 'ptr', SIZE_T: 'ptr',
};

/**
 * Members that are a union container of the real type (a union of the member with anonymous structs of
 * "Fill" arrays and other members), so other listed members legitimately lie inside them at other offsets.
 * Members at the *same* offset are union alternatives and are always allowed to overlap.
 */
const OVERLAY_CONTAINERS: Record<string, string[]> = {
  _KTHREAD: ['ApcState', 'WaitBlock', 'SavedApcState', 'SchedulerApc', 'CombinedApcDisable', 'MiscFlags', 'ThreadFlags', 'UserAffinity', 'Affinity'],
  _KPRCB: ['CpuStep'],
  _TEB: ['CurrentIdealProcessor', 'IdealProcessorValue'],
  _LPCP_MESSAGE: ['Entry'],
  _KGUARDED_MUTEX: ['CombinedApcDisable'],
  '_IO_STACK_LOCATION::<Parameters>::<SetFile>': ['ClusterCount', 'DeleteHandle'],
  _ETHREAD: ['PostBlockList'],
  _DISPATCHER_HEADER: ['Lock', 'LockNV'],
  _KAPC: ['Reserved'],
  _KPCR: ['NtTib'],
  _ERESOURCE: ['Flag'],
  _KDPC: ['TargetInfoAsUlong'],
};

/** Pointee types a layout names in a pointer but deliberately does not model (documented in its provenance). */
const OPAQUE_POINTEES: Record<string, string[]> = {
  'win11-24h2-x64': ['_PSP_SESSION_SPACE'],
};

function typeMap(layout: Layout, module: string): Map<string, TypeDef> {
  return new Map((layout.types[module] ?? []).map((t) => [t.name, t]));
}

/** Size of a TypeRef, or an error string when it does not resolve. */
function sizeOf(layout: Layout, types: Map<string, TypeDef>, ref: string): number | string {
  const arr = /^(.*)\[(\d+)\]$/.exec(ref);
  if (arr) {
    const inner = sizeOf(layout, types, arr[1]);
    return typeof inner === 'string' ? inner : inner * Number(arr[2]);
  }
  if (ref.endsWith('*')) {
    let pointee = ref.slice(0, -1);
    while (pointee.endsWith('*')) pointee = pointee.slice(0, -1);
    if (pointee in BASE_SIZES || types.has(pointee) || (OPAQUE_POINTEES[layout.name] ?? []).includes(pointee)) {
      return layout.pointerSize;
    }
    return `unresolved pointee '${pointee}' in '${ref}'`;
  }
  const base = BASE_SIZES[ref];
  if (base !== undefined) return base === 'ptr' ? layout.pointerSize : base;
  const named = types.get(ref);
  if (named) return named.size;
  return `unresolved type '${ref}'`;
}

function fieldSize(layout: Layout, types: Map<string, TypeDef>, f: FieldDef): number {
  const s = sizeOf(layout, types, f.type);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

function field(layout: Layout, typeName: string, fieldName: string, module = 'nt'): FieldDef {
  const t = typeMap(layout, module).get(typeName);
  if (!t) throw new Error(`${layout.name}: no type ${module}!${typeName}`);
  const f = t.fields?.find((x) => x.name === fieldName);
  if (!f) throw new Error(`${layout.name}: no field ${typeName}.${fieldName}`);
  return f;
}

function typeDef(layout: Layout, typeName: string, module = 'nt'): TypeDef {
  const t = typeMap(layout, module).get(typeName);
  if (!t) throw new Error(`${layout.name}: no type ${module}!${typeName}`);
  return t;
}

/** Resolve a dotted member path (e.g. "Tail.Overlay.Thread") to [absolute offset, type]. */
function path(layout: Layout, typeName: string, dotted: string, module = 'nt'): [number, string] {
  let offset = 0;
  let current = typeName;
  for (const part of dotted.split('.')) {
    const f = field(layout, current, part, module);
    offset += f.offset;
    current = f.type;
  }
  return [offset, current];
}

const REQUIRED_NT_TYPES = [
  '_LIST_ENTRY', '_SINGLE_LIST_ENTRY', '_UNICODE_STRING', '_CLIENT_ID', '_LARGE_INTEGER', '_DISPATCHER_HEADER',
  '_KEVENT', '_KSEMAPHORE', '_KMUTANT', '_KTIMER', '_KQUEUE', '_KGATE', '_KAPC_STATE', '_KAPC', '_KWAIT_BLOCK',
  '_KWAIT_CHAIN', '_KWAIT_CHAIN_ENTRY', '_KTHREAD', '_ETHREAD', '_KPROCESS', '_EPROCESS', '_OBJECT_HEADER',
  '_OBJECT_TYPE', '_OBJECT_HEADER_NAME_INFO', '_ERESOURCE', '_OWNER_ENTRY', '_FAST_MUTEX', '_EX_PUSH_LOCK',
  '_KSPIN_LOCK_QUEUE', '_KLOCK_QUEUE_HANDLE', '_KPRCB', '_KPCR', '_IRP', '_IRP::<Tail>', '_IRP::<Tail>::<Overlay>',
  '_IO_STACK_LOCATION', '_IO_STATUS_BLOCK', '_DEVICE_OBJECT', '_DRIVER_OBJECT', '_FILE_OBJECT', '_DEVOBJ_EXTENSION',
  '_DEVICE_NODE', '_KUSER_SHARED_DATA', '_KSYSTEM_TIME', '_ALPC_PORT', '_ALPC_COMMUNICATION_INFO', '_KALPC_MESSAGE',
  '_PORT_MESSAGE', '_RTL_CRITICAL_SECTION', '_RTL_CRITICAL_SECTION_DEBUG', '_NT_TIB', '_TEB', '_PEB',
  '_KTHREAD_STATE', '_KWAIT_REASON', '_KOBJECTS', '_PNP_DEVNODE_STATE', '_MODE', '_WAIT_TYPE',
];
const REQUIRED_NTDLL_TYPES = ['_RTL_CRITICAL_SECTION', '_RTL_CRITICAL_SECTION_DEBUG', '_NT_TIB', '_TEB', '_PEB'];

for (const layout of LAYOUTS) {
  describe(`layout ${layout.name}`, () => {
    it('declares x64 metadata', () => {
      expect(layout.arch).toBe('x64');
      expect(layout.pointerSize).toBe(8);
      expect(layout.ntMajor).toBe(10);
      expect(layout.ntMinor).toBe(0);
      expect(layout.osVersion.startsWith(`10.0.${layout.buildNumber}`)).toBe(true);
      expect(layout.fixedAddresses.KUSER_SHARED_DATA).toBe('fffff78000000000');
      expect(layout.provenance.length).toBeGreaterThan(3);
    });

    it('has every required type', () => {
      const nt = typeMap(layout, 'nt');
      const ntdll = typeMap(layout, 'ntdll');
      expect(REQUIRED_NT_TYPES.filter((n) => !nt.has(n))).toEqual([]);
      expect(REQUIRED_NTDLL_TYPES.filter((n) => !ntdll.has(n))).toEqual([]);
      // 19041's PDB has no _KGUARDED_MUTEX (the guarded mutex is a _FAST_MUTEX); 22000's has one again, and the
      // 24H2 layout takes it from there (its headers here do not include it).
      expect(nt.has('_KGUARDED_MUTEX')).toBe(layout.name !== 'win10-19041-x64');
    });

    for (const module of Object.keys(layout.types)) {
      const types = typeMap(layout, module);

      it(`${module}: type names are unique, field names unique per type`, () => {
        expect(types.size).toBe(layout.types[module].length);
        for (const t of layout.types[module]) {
          const names = (t.fields ?? []).map((f) => f.name);
          expect(new Set(names).size, t.name).toBe(names.length);
        }
      });

      it(`${module}: every TypeRef resolves`, () => {
        const problems: string[] = [];
        for (const t of layout.types[module]) {
          if (t.kind === 'enum') {
            if (t.baseType && typeof sizeOf(layout, types, t.baseType) === 'string') problems.push(`${t.name}: baseType`);
            continue;
          }
          for (const f of t.fields ?? []) {
            const s = sizeOf(layout, types, f.type);
            if (typeof s === 'string') problems.push(`${t.name}.${f.name}: ${s}`);
          }
        }
        expect(problems).toEqual([]);
      });

      it(`${module}: every field lies inside its type (bit fields inside their integer)`, () => {
        const problems: string[] = [];
        for (const t of layout.types[module]) {
          for (const f of t.fields ?? []) {
            const size = fieldSize(layout, types, f);
            if (f.offset < 0 || f.offset + size > t.size) problems.push(`${t.name}.${f.name} @${f.offset.toString(16)}+${size.toString(16)} > ${t.size.toString(16)}`);
            if (f.bitPos !== undefined || f.bitLen !== undefined) {
              if (f.bitPos === undefined || f.bitLen === undefined || f.bitLen < 1 || f.bitPos + f.bitLen > size * 8) {
                problems.push(`${t.name}.${f.name}: bits ${f.bitPos}/${f.bitLen} in ${f.type}`);
              }
            }
          }
        }
        expect(problems).toEqual([]);
      });

      it(`${module}: struct members overlap only as union alternatives / inside union containers`, () => {
        const problems: string[] = [];
        for (const t of layout.types[module]) {
          if (t.kind !== 'struct') continue;
          const fields = [...(t.fields ?? [])].sort((a, b) => a.offset - b.offset);
          const containers = OVERLAY_CONTAINERS[t.name] ?? [];
          for (let i = 0; i < fields.length; i++) {
            const a = fields[i];
            const aEnd = a.offset + fieldSize(layout, types, a);
            for (let j = i + 1; j < fields.length; j++) {
              const b = fields[j];
              if (b.offset >= aEnd) continue;
              if (b.offset === a.offset) continue; // union alternatives (incl. bit fields sharing their integer)
              if (containers.includes(a.name)) continue;
              problems.push(`${t.name}: ${a.name}@${a.offset.toString(16)} overlaps ${b.name}@${b.offset.toString(16)}`);
            }
          }
        }
        expect(problems).toEqual([]);
      });

      it(`${module}: fields are listed in offset order`, () => {
        for (const t of layout.types[module]) {
          const offs = (t.fields ?? []).map((f) => f.offset);
          expect(offs, t.name).toEqual([...offs].sort((a, b) => a - b));
        }
      });
    }

    it('globals resolve in their module', () => {
      for (const g of layout.globals) {
        const s = sizeOf(layout, typeMap(layout, g.module), g.type);
        expect(typeof s, `${g.module}!${g.name}: ${String(s)}`).toBe('number');
      }
      const names = layout.globals.map((g) => `${g.module}!${g.name}`);
      expect(new Set(names).size).toBe(names.length);
      for (const n of ['nt!PsActiveProcessHead', 'nt!KiProcessorBlock', 'nt!ObTypeIndexTable', 'nt!ObHeaderCookie',
        'nt!KeMaximumIncrement', 'nt!IopRootDeviceNode', 'nt!AlpcPortObjectType', 'ntdll!RtlCriticalSectionList',
        'ntdll!LdrpLoaderLock']) {
        expect(names).toContain(n);
      }
      expect(names).not.toContain('nt!KeTickCount');
    });

    it('enums carry the expected values', () => {
      const e = (n: string) => typeDef(layout, n).values ?? {};
      expect(e('_KTHREAD_STATE')).toMatchObject({ Waiting: 5, GateWaitObsolete: 8, WaitingForProcessInSwap: 9 });
      expect(e('_KOBJECTS')).toMatchObject({ PriQueueObject: 21, Timer2NotificationObject: 24, ThreadedDpcObject: 26, MaximumKernelObject: 27 });
      expect(e('_KWAIT_REASON')).toMatchObject({ Executive: 0, WrLpcReply: 17, WrAlertByThreadId: 37, WrPhysicalFault: 39 });
      // 24H2 inserts DeviceNodeUninitializedPending and DeviceNodeInitializedPending (ntdiff 24H2 _PNP_DEVNODE_STATE.h).
      if (layout.name === 'win11-24h2-x64') expect(e('_PNP_DEVNODE_STATE')).toMatchObject({ DeviceNodeStarted: 0x30a, DeviceNodeInitializedPending: 0x303 });
      else expect(e('_PNP_DEVNODE_STATE')).toMatchObject({ DeviceNodeStarted: 0x308, DeviceNodeEnumerateCompletion: 0x30d });
      expect(e('_MODE')).toMatchObject({ KernelMode: 0, UserMode: 1 });
      expect(e('_WAIT_TYPE')).toMatchObject({ WaitAll: 0, WaitAny: 1 });
    });

    it('IRP tail paths resolve (docs/kernel-structures.md §IRPs)', () => {
      expect(path(layout, '_IRP', 'Tail.Overlay.Thread')).toEqual([0x98, '_ETHREAD*']);
      expect(path(layout, '_IRP', 'Tail.Overlay.ListEntry')).toEqual([0xa8, '_LIST_ENTRY']);
      expect(path(layout, '_IRP', 'Tail.Overlay.CurrentStackLocation')).toEqual([0xb8, '_IO_STACK_LOCATION*']);
      expect(path(layout, '_IRP', 'Tail.Overlay.OriginalFileObject')).toEqual([0xc0, '_FILE_OBJECT*']);
      expect(path(layout, '_IRP', 'Tail.Apc')).toEqual([0x78, '_KAPC']);
      expect(typeDef(layout, '_IRP').size).toBe(0xd0);
      expect(typeDef(layout, '_IRP::<Tail>').kind).toBe('union');
    });

    it('shared offsets (docs/kernel-structures.md §Offsets, identical in 19041 and 24H2)', () => {
      const off = (t: string, f: string) => field(layout, t, f).offset;
      expect(off('_KTHREAD', 'WaitReason')).toBe(0x283);
      expect(off('_KTHREAD', 'WaitBlockCount')).toBe(0x24b);
      expect(off('_KTHREAD', 'State')).toBe(0x184);
      expect(off('_KTHREAD', 'WaitBlockList')).toBe(0xd0);
      expect(off('_KTHREAD', 'WaitBlock')).toBe(0x140);
      expect(field(layout, '_KTHREAD', 'WaitBlock').type).toBe('_KWAIT_BLOCK[4]');
      expect(off('_KTHREAD', 'WaitTime')).toBe(0x1b4);
      expect(off('_KTHREAD', 'Process')).toBe(0x220);
      expect(off('_KTHREAD', 'ThreadListEntry')).toBe(0x2f8);
      expect(off('_KTHREAD', 'SuspendEvent')).toBe(0x2e0);
      expect(field(layout, '_KTHREAD', 'Alertable')).toMatchObject({ offset: 0x74, bitPos: 4, bitLen: 1 });
      expect(field(layout, '_KTHREAD', 'WaitNext')).toMatchObject({ offset: 0x74, bitPos: 2, bitLen: 1 });
      expect(field(layout, '_KTHREAD', 'KernelStackResident')).toMatchObject({ offset: 0x78, bitPos: 17, bitLen: 1 });
      expect(path(layout, '_KTHREAD', 'ApcState.KernelApcPending')[0]).toBe(0xc1);
      const kwb = typeDef(layout, '_KWAIT_BLOCK');
      expect(kwb.size).toBe(0x30);
      expect(kwb.fields?.some((f) => f.name === 'NextWaitBlock')).toBe(false);
      expect(off('_KWAIT_BLOCK', 'Thread')).toBe(0x18);
      expect(off('_KWAIT_BLOCK', 'Object')).toBe(0x20);
      expect(off('_KWAIT_BLOCK', 'SparePtr')).toBe(0x28);
      expect(typeDef(layout, '_KWAIT_CHAIN_ENTRY').size).toBe(0x30);
      expect(off('_KWAIT_CHAIN_ENTRY', 'Thread')).toBe(0x10);
      expect(field(layout, '_KWAIT_CHAIN_ENTRY', 'Event')).toMatchObject({ offset: 0x18, type: '_KEVENT' });
      expect(field(layout, '_KMUTANT', 'Abandoned')).toMatchObject({ offset: 0x30, bitPos: 0, bitLen: 1 });
      expect(off('_KMUTANT', 'OwnerThread')).toBe(0x28);
      expect(field(layout, '_ERESOURCE', 'SharedWaiters').type).toBe('VOID*');
      expect(typeDef(layout, '_ERESOURCE').size).toBe(0x68);
      expect(off('_OBJECT_HEADER', 'TypeIndex')).toBe(0x18);
      expect(off('_OBJECT_HEADER', 'Body')).toBe(0x30);
      // 24H2's _KPCR (0x178 bytes) no longer embeds the _KPRCB.
      if (layout.name === 'win10-19041-x64') expect(off('_KPCR', 'Prcb')).toBe(0x180);
      else expect(typeDef(layout, '_KPCR').fields?.some((f) => f.name === 'Prcb')).toBe(false);
      expect(off('_KPRCB', 'CurrentThread')).toBe(0x8);
      expect(off('_KPRCB', 'Number')).toBe(0x24);
      expect(field(layout, '_KUSER_SHARED_DATA', 'TickCount')).toMatchObject({ offset: 0x320, type: '_KSYSTEM_TIME' });
      expect(off('_KUSER_SHARED_DATA', 'TickCountQuad')).toBe(0x320);
      expect(off('_DEVICE_NODE', 'StateHistory')).toBe(0x134);
      expect(field(layout, '_DEVICE_NODE', 'StateHistory').type).toBe('_PNP_DEVNODE_STATE[20]');
      expect(off('_DEVICE_NODE', 'StateHistoryEntry')).toBe(0x184);
      expect(off('_KALPC_MESSAGE', 'ServerThread')).toBe(0xc8);
      expect(off('_KALPC_MESSAGE', 'PortMessage')).toBe(0xf0);
      expect(off('_ALPC_PORT', 'WaitQueue')).toBe(0xe8);
      expect(off('_RTL_CRITICAL_SECTION', 'OwningThread')).toBe(0x10);
      expect(field(layout, '_TEB', 'WaitingOnLoaderLock', 'ntdll').offset).toBe(0x1760);
      expect(field(layout, '_PEB', 'LoaderLock', 'ntdll').offset).toBe(0x110);
      expect(field(layout, '_EPROCESS', 'ImageFileName').type).toBe('UCHAR[15]');
    });
  });
}

describe('win10-19041-x64 specifics (docs/kernel-structures.md §KTHREAD, §ETHREAD, §Processes, §Offsets)', () => {
  const off = (t: string, f: string) => field(win10, t, f).offset;
  it('build identity', () => {
    expect(win10.name).toBe('win10-19041-x64');
    expect(win10.buildNumber).toBe(19041);
  });
  it('thread and process sizes / offsets', () => {
    expect(typeDef(win10, '_KTHREAD').size).toBe(0x430);
    expect(typeDef(win10, '_ETHREAD').size).toBe(0x898);
    expect(typeDef(win10, '_EPROCESS').size).toBe(0xa40);
    expect(typeDef(win10, '_KPROCESS').size).toBe(0x438);
    expect(off('_ETHREAD', 'Cid')).toBe(0x478);
    expect(off('_ETHREAD', 'KeyedWaitSemaphore')).toBe(0x488);
    expect(off('_ETHREAD', 'AlpcWaitSemaphore')).toBe(0x488);
    expect(off('_ETHREAD', 'IrpList')).toBe(0x4b0);
    expect(off('_ETHREAD', 'ThreadListEntry')).toBe(0x4e8);
    expect(off('_ETHREAD', 'AlpcMessage')).toBe(0x530);
    expect(field(win10, '_ETHREAD', 'Terminated')).toMatchObject({ offset: 0x510, bitPos: 0, bitLen: 1 });
    expect(off('_EPROCESS', 'UniqueProcessId')).toBe(0x440);
    expect(off('_EPROCESS', 'ActiveProcessLinks')).toBe(0x448);
    expect(off('_EPROCESS', 'ImageFileName')).toBe(0x5a8);
    expect(off('_EPROCESS', 'ThreadListHead')).toBe(0x5e0);
    expect(off('_KPROCESS', 'ThreadListHead')).toBe(0x30);
    expect(off('_EPROCESS', 'Peb')).toBe(0x550);
    expect(typeDef(win10, '_KPRCB').size).toBe(0xaf00);
    expect(typeDef(win10, '_KPCR').size).toBe(0xb080);
    expect(off('_KPRCB', 'LockQueue')).toBe(0x6f0);
    expect(typeDef(win10, '_KUSER_SHARED_DATA').size).toBe(0x720);
    expect(typeDef(win10, '_DEVICE_NODE').size).toBe(0x310);
  });
  it('wait reasons end at WrPhysicalFault', () => {
    expect(typeDef(win10, '_KWAIT_REASON').values).toMatchObject({ WrPhysicalFault: 39, MaximumWaitReason: 40 });
    expect(typeDef(win10, '_KWAIT_REASON').values?.WrRcu).toBeUndefined();
  });
});

describe('win11-24h2-x64 specifics (ntdiff/headers Win11_2409_24H2; docs/kernel-structures.md §KTHREAD, §ETHREAD, §Processes, §Offsets)', () => {
  const off = (t: string, f: string) => field(win11, t, f).offset;
  it('build identity', () => {
    expect(win11.name).toBe('win11-24h2-x64');
    expect(win11.buildNumber).toBe(26100);
  });
  it('thread and process sizes / offsets', () => {
    expect(typeDef(win11, '_KTHREAD').size).toBe(0x4c0);
    expect(typeDef(win11, '_ETHREAD').size).toBe(0x788);
    expect(typeDef(win11, '_EPROCESS').size).toBe(0x840);
    expect(typeDef(win11, '_KPROCESS').size).toBe(0x1c8);
    expect(off('_ETHREAD', 'Cid')).toBe(0x508);
    expect(off('_ETHREAD', 'KeyedWaitSemaphore')).toBe(0x518);
    expect(off('_ETHREAD', 'AlpcWaitSemaphore')).toBe(0x518);
    expect(off('_ETHREAD', 'IrpList')).toBe(0x540);
    expect(off('_ETHREAD', 'ThreadListEntry')).toBe(0x578);
    expect(off('_ETHREAD', 'AlpcMessage')).toBe(0x5c0);
    expect(off('_ETHREAD', 'ExitStatus')).toBe(0x5d8);
    expect(field(win11, '_ETHREAD', 'Terminated')).toMatchObject({ offset: 0x5a0, bitPos: 0, bitLen: 1 });
    expect(off('_EPROCESS', 'UniqueProcessId')).toBe(0x1d0);
    expect(off('_EPROCESS', 'ActiveProcessLinks')).toBe(0x1d8);
    expect(off('_EPROCESS', 'Peb')).toBe(0x2e0);
    expect(off('_EPROCESS', 'ImageFileName')).toBe(0x338);
    expect(off('_EPROCESS', 'ThreadListHead')).toBe(0x370);
    expect(off('_EPROCESS', 'ObjectTable')).toBe(0x300);
    expect(field(win11, '_EPROCESS', 'ProcessExiting')).toMatchObject({ offset: 0x1f4, bitPos: 2, bitLen: 1 });
    expect(off('_KPROCESS', 'ThreadListHead')).toBe(0x30);
    expect(field(win11, '_KPROCESS', 'KernelTime').type).toBe('ULONG64');
    expect(field(win11, '_KWAIT_BLOCK', 'Dpc').offset).toBe(0x18);
    expect(typeDef(win11, '_PEB', 'ntdll').size).toBe(0x7d0);
  });
  it('wait reasons extend to WrRcu', () => {
    expect(typeDef(win11, '_KWAIT_REASON').values).toMatchObject({ WrIoRing: 40, WrMdlCache: 41, WrRcu: 42, MaximumWaitReason: 43 });
  });
});
