// The kernel-mode data model reachable from a script (docs/jsprovider.md §Data model): sessions, processes, threads, stack
// frames, modules, registers. Processes and threads are derived from target memory on every
// access (kernelWalk.ts), so linking/unlinking in memory is what makes them appear/disappear.
// Decisions ([UNCONFIRMED] in §Data model / open questions):
//   - Process.Id and Thread.Id are JS numbers (brief; KDEXTS-JS code accepts both).
//   - Processes/Threads: iterable and getValueAt(id) only; `Processes[pid]` is NOT supported (the
//     mock refuses what is unconfirmed). getValueAt(absent) throws RangeError("No process with Id
//     0x<pid>") (message ours). getValueAt also accepts a hostContext (ImageInfo.js).
//   - Machine.PointerSize is a JS number (public scripts compare it with === 8); PageSize Int64.
//   - Frames display as dx shows them, "nt!Foo + 0x2ab", with toString() and ToDisplayString()
//     (host variants `k-frames`, `no-frame-todisplaystring` switch to the other possibilities).
//   - Frame Attributes (InstructionOffset, FrameOffset, StackOffset, ReturnOffset, FrameNumber)
//     are all Int64. ReturnOffset is the next (caller) frame's InstructionOffset, 0 for the last.
//   - Process.Modules lists every snapshot module (kernel modules first, then user modules, which
//     the snapshot does not attribute to processes). There is no Session.Modules.
//   - Registers.User and Registers.Kernel both expose the snapshot's registers (Int64), empty
//     when the snapshot has none for the thread.
import type { Env } from './env';
import { contextOf } from './env';
import { makeCollection, makeModel } from './collections';
import { hex } from './memory';
import { ownerOf, processByPid, processInfo, threadInfo, walkProcesses, walkThreads } from './kernelWalk';
import { makeNative } from './typedObjects';
import type { SnapshotThread } from '../format/snapshot';
import { dxFrameText } from './variants';

export interface DataModel {
  session: object;
  sessions: object;
  process(eprocess: bigint): object;
  thread(ethread: bigint, eprocess?: bigint): object;
}

export function createDataModel(env: Env): DataModel {
  const i64 = env.i64;
  const ntType = (name: string) => {
    const t = env.types.resolve('nt', name);
    if (!t) throw new Error(`mock: type nt!${name} is not in the snapshot`);
    return t;
  };
  const stacks = new Map<bigint, SnapshotThread>();
  for (const t of env.snapshot.threads) stacks.set(hex(t.address), t);

  const idKey = (key: unknown, what: string): bigint | undefined => {
    if (typeof key === 'number' || i64.isInt64(key)) return i64.toBigInt(key, what);
    return undefined;
  };

  function modules(): object {
    const list = [...env.modules.modules].sort((a, b) => Number(b.kernel) - Number(a.kernel));
    const moduleObject = (m: (typeof list)[number]) => makeModel(env, {
      Name: () => m.name,
      BaseAddress: () => i64.make(m.base),
      Size: () => i64.make(m.size),
    }, { toString: () => m.name, ToDisplayString: () => m.name });
    return makeCollection(env, 'Modules', () => list.map(moduleObject), {
      getValueAt: (name: unknown) => {
        const m = env.modules.find(String(name));
        if (!m) throw new env.realm.RangeError(`No module named '${String(name)}'`);
        return moduleObject(m);
      },
    });
  }

  function frames(ethread: bigint): object {
    const st = stacks.get(ethread);
    const list = st?.frames ?? [];
    const frameObject = (i: number) => {
      const f = list[i];
      // dx displays a frame as "nt!KeWaitForSingleObject + 0x2ab" (DX, TTDJS); `k-frames` keeps k's spelling.
      const text = env.variants.has('k-frames') ? f.text : dxFrameText(f.text);
      const conversions: Record<string, () => string> = { toString: () => text };
      if (!env.variants.has('no-frame-todisplaystring')) conversions.ToDisplayString = () => text;
      return makeModel(env, {
        Attributes: () => makeModel(env, {
          InstructionOffset: () => i64.make(hex(f.instructionOffset)),
          FrameOffset: () => i64.make(hex(f.frameOffset)),
          StackOffset: () => i64.make(hex(f.stackOffset)),
          ReturnOffset: () => i64.make(i + 1 < list.length ? hex(list[i + 1].instructionOffset) : 0n),
          FrameNumber: () => i64.make(i),
        }),
      }, conversions);
    };
    return makeCollection(env, 'Frames', () => list.map((_, i) => frameObject(i)), { indexable: true });
  }

  function registers(ethread: bigint): object {
    const regs = stacks.get(ethread)?.registers ?? {};
    const set = () => makeModel(env, Object.fromEntries(
      Object.entries(regs).map(([name, v]) => [name, () => i64.make(hex(v))])));
    return makeModel(env, { User: set, Kernel: set });
  }

  function thread(ethread: bigint, eprocess?: bigint): object {
    const owner = () => eprocess ?? ownerOf(env, ethread) ?? env.currentProcess();
    const info = { kind: 'thread' as const, ethread, eprocess: eprocess ?? owner() ?? 0n };
    return makeModel(env, {
      Id: () => threadInfo(env, ethread, info.eprocess).tid,
      KernelObject: () => makeNative(env, { type: ntType('_ETHREAD'), address: ethread, process: info.eprocess }),
      Stack: () => makeModel(env, { Frames: () => frames(ethread) }),
      Registers: () => registers(ethread),
    }, {
      toString: () => `Thread 0x${threadInfo(env, ethread, info.eprocess).tid.toString(16)}`,
      equals: (o: unknown) => { const m = typeof o === 'object' && o ? env.models.get(o) : undefined; return m?.kind === 'thread' && m.ethread === ethread; },
    }, info);
  }

  function process(eprocess: bigint): object {
    const pinfo = () => processInfo(env, eprocess);
    return makeModel(env, {
      Name: () => pinfo().name,
      Id: () => pinfo().pid,
      KernelObject: () => makeNative(env, { type: ntType('_EPROCESS'), address: eprocess, process: eprocess }),
      Threads: () => makeCollection(env, 'Threads',
        () => walkThreads(env, eprocess).map((t) => thread(t.ethread, eprocess)), {
          getValueAt: (key: unknown) => {
            const tid = idKey(key, 'getValueAt');
            const t = walkThreads(env, eprocess).find((x) => BigInt(x.tid) === tid);
            if (!t) throw new env.realm.RangeError(`No thread with Id 0x${tid?.toString(16) ?? String(key)}`);
            return thread(t.ethread, eprocess);
          },
        }),
      Modules: modules,
    }, {
      toString: () => pinfo().name,
      equals: (o: unknown) => { const m = typeof o === 'object' && o ? env.models.get(o) : undefined; return m?.kind === 'process' && m.eprocess === eprocess; },
    }, { kind: 'process', eprocess });
  }

  const processes = () => makeCollection(env, 'Processes',
    () => walkProcesses(env).map((p) => process(p.eprocess)), {
      getValueAt: (key: unknown) => {
        const pid = idKey(key, 'getValueAt');
        if (pid === undefined) {
          const ctx = contextOf(env, key, () => env.currentProcess());
          if (ctx === undefined) throw new env.realm.RangeError('No process for this context');
          return process(ctx);
        }
        const p = pid <= BigInt(Number.MAX_SAFE_INTEGER) ? processByPid(env, Number(pid)) : undefined;
        if (!p) throw new env.realm.RangeError(`No process with Id 0x${pid.toString(16)}`);
        return process(p.eprocess);
      },
    });

  const h = env.snapshot.header;
  const session = makeModel(env, {
    Id: () => 0,
    Processes: processes,
    Attributes: () => makeModel(env, {
      Target: () => makeModel(env, {
        IsKernelTarget: () => h.targetKind !== 'user',
        IsUserTarget: () => h.targetKind === 'user',
        IsLiveTarget: () => h.dumpKind === 'live',
        IsTTDTarget: () => false,
      }),
      Machine: () => makeModel(env, {
        // A JS number in real scripts (SAMP, hugsy/windbg_js_scripts compare it with === 8).
        PointerSize: () => h.pointerSize,
        PageSize: () => i64.make(0x1000),
      }),
    }),
  }, { toString: () => `${h.targetKind === 'user' ? 'User' : 'Kernel'} session (${h.source})` }, { kind: 'session' });

  const sessions = makeCollection(env, 'Sessions', () => [session], {
    indexable: true,
    getValueAt: (key: unknown) => {
      if (key === 0 || (i64.isInt64(key) && i64.toBigInt(key) === 0n)) return session;
      contextOf(env, key, () => undefined); // validates a context object
      return session;
    },
  });

  return { session, sessions, process, thread };
}
