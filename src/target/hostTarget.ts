// The Target over WinDbg's JavaScript provider. The only place (with its siblings) that calls `host`.
// Processes and threads are NOT taken from the data model here: the kernel readers walk the kernel's
// own lists with one batched read per structure, which costs ~1 round trip per object where the data
// model costs one per property. The data model is used for what only the debugger can compute:
// unwound stacks, and the process context for user-mode reads.
import { addrDiff, addrFromParts, isKernelAddress, type Addr } from '../core/addr';
import type { Bytes } from '../core/bytes';
import {
  TargetUnsupported,
  type FrameInfo,
  type ProcessContext,
  type Target,
  type TargetStats,
  type ThreadKey,
  type TypeLayout,
} from '../core/target';
import { toAddr, toHostAddress, toNumber } from './int64';
import { HostTypeLayout, readEnum } from './typeLayout';

export class HostTarget implements Target {
  readonly pointerSize: 4 | 8;
  readonly isKernel: boolean;
  readonly isLive: boolean;
  readonly stats: TargetStats = { unreadableReads: 0 };
  private readonly types = new Map<string, TypeLayout | null>();
  private readonly enums = new Map<string, Map<number, string> | null>();
  private readonly symbols = new Map<string, Addr | null>();
  private readonly nearest = new Map<Addr, string | null>();
  private readonly processObjects = new Map<number, host.Process | null>();

  constructor() {
    const session = host.currentSession;
    if (!session) throw new TargetUnsupported('no debugging session');
    const attributes = session.Attributes;
    this.isKernel = !!attributes.Target.IsKernelTarget;
    this.isLive = !!attributes.Target.IsLiveTarget;
    const size = toNumber(attributes.Machine.PointerSize);
    this.pointerSize = size === 4 ? 4 : 8;
  }

  type(module: string, name: string): TypeLayout | undefined {
    const key = `${module}!${name}`;
    let hit = this.types.get(key);
    if (hit === undefined) {
      let t: host.TypeObject | null = null;
      try {
        t = host.getModuleType(module, name);
      } catch (e) {
        t = null; // API < 1.1 throws instead of returning null (reference §1.5)
      }
      hit = t ? new HostTypeLayout(module, name, t, this.pointerSize) : null;
      this.types.set(key, hit);
    }
    return hit || undefined;
  }

  enumNames(module: string, name: string): Map<number, string> | undefined {
    const key = `${module}!${name}`;
    let hit = this.enums.get(key);
    if (hit === undefined) {
      let t: host.TypeObject | null = null;
      try {
        t = host.getModuleType(module, name);
      } catch (e) {
        t = null;
      }
      hit = t && t.typeKind === 'enum' ? readEnum(t) : null;
      this.enums.set(key, hit);
    }
    return hit || undefined;
  }

  symbolAddress(module: string, name: string): Addr | undefined {
    const key = `${module}!${name}`;
    let hit = this.symbols.get(key);
    if (hit === undefined) {
      let a: host.Int64 | null = null;
      try {
        a = host.getModuleSymbolAddress(module, name);
      } catch (e) {
        a = null;
      }
      hit = a === null || a === undefined ? null : toAddr(a);
      this.symbols.set(key, hit);
    }
    return hit || undefined;
  }

  nearestSymbol(address: Addr): string | undefined {
    let hit = this.nearest.get(address);
    if (hit === undefined) {
      hit = null;
      try {
        const info = host.getModuleContainingSymbolInformation(toHostAddress(address));
        if (info && info.name) {
          const start = toAddr(info.address);
          const delta = addrDiff(address, start) || 0;
          const name = info.module && info.name.indexOf('!') < 0 ? `${info.module}!${info.name}` : info.name;
          hit = delta > 0 ? `${name}+0x${delta.toString(16)}` : name;
        }
      } catch (e) {
        hit = null;
      }
      this.nearest.set(address, hit);
    }
    return hit || undefined;
  }

  read(address: Addr, size: number, context?: ProcessContext): Bytes | undefined {
    try {
      const where = toHostAddress(address);
      if (context && !isKernelAddress(address, this.pointerSize)) {
        const process = this.processObject(context.pid);
        if (!process) {
          this.stats.unreadableReads++;
          return undefined;
        }
        return host.memory.readMemoryValues(where, size, 1, false, process);
      }
      return host.memory.readMemoryValues(where, size, 1, false);
    } catch (e) {
      this.stats.unreadableReads++;
      return undefined;
    }
  }

  frames(thread: ThreadKey): FrameInfo[] | undefined {
    try {
      const process = this.processObject(thread.pid);
      if (!process) return undefined;
      const modelThread = process.Threads.getValueAt(thread.tid);
      const out: FrameInfo[] = [];
      for (const frame of modelThread.Stack.Frames) {
        const attributes = frame.Attributes;
        out.push({
          text: frame.ToDisplayString(),
          instruction: addrOf(attributes.InstructionOffset),
          frameOffset: addrOf(attributes.FrameOffset),
          stackOffset: addrOf(attributes.StackOffset),
        });
      }
      return out;
    } catch (e) {
      return undefined;
    }
  }

  native(address: Addr, module: string, typeName: string): unknown {
    try {
      return host.createTypedObject(toHostAddress(address), module, typeName);
    } catch (e) {
      return undefined;
    }
  }

  private processObject(pid: number): host.Process | null {
    let hit = this.processObjects.get(pid);
    if (hit === undefined) {
      try {
        hit = host.currentSession.Processes.getValueAt(pid);
      } catch (e) {
        hit = null;
      }
      this.processObjects.set(pid, hit);
    }
    return hit;
  }
}

function addrOf(value: number | host.Int64 | undefined): Addr {
  return value === undefined ? addrFromParts(0, 0) : toAddr(value);
}
