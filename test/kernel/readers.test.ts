// The kernel seam (src/kernel/readers.ts): readers and tables built once per run, per-thread facts
// without reads, typed thread states; and the import rules that make it the only way in.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Addr } from '../../src/core/addr';
import type { ProcessContext, Target, TypeLayout } from '../../src/core/target';
import { KernelContext } from '../../src/kernel/context';
import type { ProcessInfo, ThreadInfo } from '../../src/kernel/model';
import { KernelReaders } from '../../src/kernel/readers';
import { threadState, waitReason } from '../../src/kernel/threads';

/** A target without kernel symbols, counting what the readers ask of it. */
function countingTarget(pointerSize: 4 | 8 = 8, cells: { [address: string]: number } = {}) {
  const calls: string[] = [];
  const target = {
    pointerSize,
    isKernel: true,
    isLive: false,
    stats: { unreadableReads: 0 },
    type(module: string, name: string): TypeLayout | undefined {
      calls.push(`type ${module}!${name}`);
      return undefined;
    },
    enumNames(module: string, name: string) {
      calls.push(`enum ${module}!${name}`);
      if (name === '_KTHREAD_STATE') return new Map([[5, 'Waiting'], [9, 'SomeFutureState']]);
      if (name === '_KWAIT_REASON') return new Map([[17, 'WrLpcReply'], [99, 'WrSomethingNew']]);
      return undefined;
    },
    symbolAddress(module: string, name: string) {
      calls.push(`symbol ${module}!${name}`);
      return undefined;
    },
    nearestSymbol: () => undefined,
    frames: () => undefined,
    native: () => undefined,
    read(address: Addr, size: number, context?: ProcessContext) {
      calls.push(`read ${address} ${size}${context ? ` in ${context.pid}` : ''}`);
      const value = cells[address];
      if (value === undefined) return undefined;
      const out: number[] = [];
      for (let b = 0; b < size; b++) out.push(b < 4 ? (value >>> (8 * b)) & 0xff : 0);
      return out;
    },
  };
  return { target: target as unknown as Target, calls };
}

describe('KernelReaders', () => {
  it('builds each reader once per run: every facade over one KernelContext shares it', () => {
    const k = new KernelContext(countingTarget().target);
    const a = new KernelReaders(k);
    const b = new KernelReaders(k);
    expect(a.stacks).toBe(b.stacks);
    expect(a.irps).toBe(b.irps);
    expect(a.lpcPorts).toBe(b.lpcPorts);
    expect(a.alpc).toBe(b.alpc);
    expect(a.routineNames).toBe(a.routineNames);
    expect(a.queuedLocks).toBe(b.queuedLocks);
    expect(a.cache).toBe(k.cache);
  });

  it('gives another run its own readers', () => {
    const one = new KernelReaders(new KernelContext(countingTarget().target));
    const two = new KernelReaders(new KernelContext(countingTarget().target));
    expect(one.stacks).not.toBe(two.stacks);
  });

  it('asks the target once per run for a table, also when the answer is "unknown"', () => {
    const { target, calls } = countingTarget();
    const kernel = new KernelReaders(new KernelContext(target));
    expect(kernel.processors().known).toBe(false);
    expect(kernel.processors().known).toBe(false);
    expect(kernel.osVersion()).toBeUndefined();
    expect(kernel.osVersion()).toBeUndefined();
    expect(kernel.resources).toBeUndefined();
    expect(kernel.resources).toBeUndefined();
    expect(calls.filter((c) => c === 'type nt!_KPRCB')).toHaveLength(1);
    expect(calls.filter((c) => c === 'type nt!_KUSER_SHARED_DATA')).toHaveLength(1);
    expect(calls.filter((c) => c === 'type nt!_ERESOURCE')).toHaveLength(1);
  });

  it('reads one pointer of user memory in the process’s own context', () => {
    const { target, calls } = countingTarget(8, { '7ff0000': 0x1234 });
    const kernel = new KernelReaders(new KernelContext(target));
    const process = { address: 'ffffa00012340000', pid: 0x2a4, name: 'app.exe' } as ProcessInfo;
    expect(kernel.readUserPointer(process, '7ff0000')).toBe('1234');
    expect(kernel.readUserPointer(process, '7ff1000')).toBeUndefined();
    expect(calls.filter((c) => c.startsWith('read'))).toEqual(['read 7ff0000 8 in 676', 'read 7ff1000 8 in 676']);
  });

  it('reads no TEB when the symbols have no _TEB (and no TEB of a thread without one)', () => {
    const { target, calls } = countingTarget();
    const kernel = new KernelReaders(new KernelContext(target));
    const thread = { address: 'ffffa00012350000', teb: '7ffde000', process: { pid: 4 } } as unknown as ThreadInfo;
    expect(kernel.userStackBounds(thread)).toBeUndefined();
    expect(kernel.userStackBounds(thread)).toBeUndefined();
    expect(calls.filter((c) => c.startsWith('read'))).toEqual([]);
    expect(calls.filter((c) => c === 'type nt!_TEB')).toHaveLength(1);
  });
});

describe('thread states and wait reasons are typed', () => {
  const k = new KernelContext(countingTarget().target);
  it('keeps the names waitchain knows', () => {
    expect(threadState(k, 5)).toBe('Waiting');
    expect(waitReason(k, 17)).toBe('WrLpcReply');
  });

  it('gives #<n> for a value the build does not name, or names in a way waitchain does not know', () => {
    expect(threadState(k, 12)).toBe('#12');
    expect(threadState(k, 9)).toBe('#9');
    expect(waitReason(k, 99)).toBe('#99');
    expect(waitReason(k, 200)).toBe('#200');
  });
});

// ---- the seam, as imports: analysis/ takes kernel facts by type only; kernel/ looks up to nothing ----

const SRC = join(__dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Pure helpers over facts (no memory, no reader) that analysis/ may import as values, by kernel module. */
const PURE_KERNEL_HELPERS: { [module: string]: string[] } = {
  alpc: ['messageBelongsTo'],
  apcs: ['specialApcDeliverable'],
  critsecs: ['listHolds'],
  irps: ['majorFunctionName'],
  lpc: ['formatMessageId', 'replyChainHead'],
  queuedSpinLocks: ['entryMap', 'flagText', 'innermostFirst', 'LOCK_QUEUE_OWNER', 'LOCK_QUEUE_WAIT'],
};

function imports(path: string): { names: string[]; typeOnly: boolean; from: string }[] {
  const text = readFileSync(path, 'utf8');
  const out: { names: string[]; typeOnly: boolean; from: string }[] = [];
  for (const m of text.matchAll(/^import (type )?\{([^}]*)\} from '([^']+)';/gm)) {
    const names = m[2].split(',').map((n) => n.trim()).filter((n) => n && !n.startsWith('type '));
    out.push({ names, typeOnly: !!m[1] || names.length === 0, from: m[3] });
  }
  for (const m of text.matchAll(/^import (?!type )(?!\{)(\S+) from '([^']+)';/gm)) out.push({ names: [m[1]], typeOnly: false, from: m[2] });
  return out;
}

describe('the kernel seam in imports', () => {
  it('analysis/ imports from kernel/ types only, besides the pure helpers listed', () => {
    const offenders: string[] = [];
    for (const f of files(join(SRC, 'analysis'))) {
      for (const i of imports(f)) {
        const m = /(?:^|\/)kernel\/(\w+)$/.exec(i.from);
        if (!m || i.typeOnly) continue;
        const allowed = PURE_KERNEL_HELPERS[m[1]] || [];
        for (const n of i.names) if (allowed.indexOf(n) < 0) offenders.push(`${relative(SRC, f)}: ${n} from kernel/${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('kernel/ imports nothing from analysis/ or render/', () => {
    const offenders = files(join(SRC, 'kernel')).filter((f) => imports(f).some((i) => /(^|\/)(analysis|render)\//.test(i.from)));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('nothing above kernel/ decodes the ETHREAD bytes (ThreadInfo.view is kernel-internal)', () => {
    const offenders = files(SRC)
      .filter((f) => !relative(SRC, f).startsWith('kernel'))
      .filter((f) => /\.view\.(ptr|num|addressOf|has|layout|bytes)\b|\bethreadView\(/.test(readFileSync(f, 'utf8')) && !/commands\/selftest\.ts$/.test(f));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });
});
