// stale-iosb on user-mode stacks (complete dumps): the builder places TEBs and user stacks itself, so the
// IRPs' UserIosb values are written into the built snapshot here, relative to the TEB bounds and the
// innermost user frame it laid out, under every layout (x86 scenario, relocated on the x64 ones).
import { describe, expect, it } from 'vitest';
import { buildSnapshot, relocationFor, validateScenario } from '../../mocks/builder';
import { runOnSnapshot } from '../../mocks/harness/run';
import type { Snapshot } from '../../mocks/format/snapshot';
import { Reader } from '../builder/reader';

const USER_FRAMES = ['ntdll!KiFastSystemCallRet', 'ntdll!NtWaitForSingleObject+0xc', 'app!Worker+0x20', 'kernel32!BaseThreadStart+0x37'];
const KERNEL_FRAMES = ['nt!KiSwapContext+0x26', 'nt!KiSwapThread+0x2e5', 'nt!KeWaitForSingleObject+0x346', 'nt!NtWaitForSingleObject+0xf6', 'nt!KiFastCallEntry+0xfc'];

const waiter = (address: string, tid: string, event: string, irps: string[]) => ({
  address, process: '86001000', tid, state: 'Waiting', waitReason: 'UserRequest', waitMode: 'UserMode', alertable: false, waitTime: 499000,
  waits: [{ object: event }], irps, stack: [...KERNEL_FRAMES, ...USER_FRAMES],
});

const scenario = validateScenario({
  format: 'waitchain-scenario/1',
  id: 'stale-iosb-user-stacks',
  system: { arch: 'x86', currentTick: 500000, tickIncrement: 156250, dumpKind: 'complete' },
  processes: [{ address: '86001000', name: 'app.exe', pid: '0300' }],
  threads: [waiter('87300000', '0304', '88300000', ['89300000', '89301000']), waiter('87301000', '0308', '88301000', ['89302000'])],
  objects: [
    { address: '88300000', type: 'SynchronizationEvent' },
    { address: '88301000', type: 'SynchronizationEvent' },
  ],
  irps: [
    { address: '89300000', thread: '87300000', pending: true, stack: [{ major: 'IRP_MJ_READ', device: '8a000000', driver: '\\FileSystem\\Ntfs' }] },
    { address: '89301000', thread: '87300000', pending: true, stack: [{ major: 'IRP_MJ_READ', device: '8a000000', driver: '\\FileSystem\\Ntfs' }] },
    { address: '89302000', thread: '87301000', pending: true, stack: [{ major: 'IRP_MJ_READ', device: '8a000000', driver: '\\FileSystem\\Ntfs' }] },
  ],
});

function writePointer(snap: Snapshot, at: bigint, value: bigint, size: number): void {
  for (const m of snap.memory) {
    if (m.process !== undefined) continue;
    const base = BigInt('0x' + m.address);
    if (at >= base && at + BigInt(size) <= base + BigInt(m.bytes!.length)) {
      for (let i = 0; i < size; i++) m.bytes![Number(at - base) + i] = Number((value >> BigInt(8 * i)) & 0xffn);
      return;
    }
  }
  throw new Error(`no kernel memory at ${at.toString(16)}`);
}

describe.each(['xpsp3-x86', 'win7sp1-x86', 'win10-19041-x64', 'win11-24h2-x64'])('user-mode stacks on %s', (layout) => {
  const snap = buildSnapshot(scenario, layout);
  const r = new Reader(snap);
  const reloc = relocationFor(scenario, layout);
  const at = (a: string) => BigInt('0x' + (reloc ? reloc.toTarget(a) : a));
  const hex = (v: bigint) => v.toString(16);
  const proc = hex(at('86001000'));
  const userStack = (thread: string) => {
    const teb = r.get(at(thread), '_ETHREAD', 'Tcb.Teb');
    const limit = r.get(teb, '_TEB', 'NtTib.StackLimit', proc);
    const base = r.get(teb, '_TEB', 'NtTib.StackBase', proc);
    const frames = snap.threads.find((t) => t.address === hex(at(thread)))!.frames;
    const sp = BigInt('0x' + frames.find((f) => BigInt('0x' + f.stackOffset) >= limit && BigInt('0x' + f.stackOffset) < base)!.stackOffset);
    return { limit, base, sp };
  };
  const t1 = userStack('87300000');
  const iosb = r.off('_IRP', 'UserIosb');
  const returned = t1.sp - 0x100n;
  const live = t1.sp + 0x40n;
  const otherThreads = t1.sp + 0x80n;
  writePointer(snap, at('89300000') + iosb, returned, r.ptr);
  writePointer(snap, at('89301000') + iosb, live, r.ptr);
  writePointer(snap, at('89302000') + iosb, otherThreads, r.ptr);

  it('reports an IoStatusBlock below the innermost user frame and one on another thread\'s user stack, not one in a live frame', () => {
    expect(t1.limit < returned && live < t1.base).toBe(true);
    const run = runOnSnapshot(snap, '!stalecheck "-r stale-iosb"');
    expect(run.error).toBeUndefined();
    const findings = (run.json as { findings: { rule: string; thread: string; irp: string; object: string; evidence: string[] }[] }).findings;
    const byIrp = (irp: string) => findings.find((f) => f.irp === hex(at(irp)));
    const a = byIrp('89300000');
    expect(a).toBeDefined();
    expect(a!.thread).toBe(hex(at('87300000')));
    expect(a!.object).toBe(hex(returned));
    expect(a!.evidence.join('\n')).toMatch(/user-mode stack \(TEB bounds\) of the issuing thread/);
    expect(a!.evidence.join('\n')).toMatch(/0x100 bytes below the innermost frame: in a frame that has returned/);
    const c = byIrp('89302000');
    expect(c).toBeDefined();
    expect(c!.thread).toBe(hex(at('87301000')));
    expect(c!.evidence.join('\n').replace(/`/g, '')).toMatch(new RegExp(`thread 0*${hex(at('87300000'))}.* not the issuing thread`));
    expect(byIrp('89301000')).toBeUndefined();
    expect(findings).toHaveLength(2);
  });

  it('says nothing about user stacks in a kernel dump (no TEBs to read), without warnings', () => {
    const kernelOnly = buildSnapshot(validateScenario({ ...scenario, system: { ...scenario.system, dumpKind: 'kernel' } }), layout);
    const rk = new Reader(kernelOnly);
    writePointer(kernelOnly, at('89300000') + rk.off('_IRP', 'UserIosb'), returned, rk.ptr);
    const run = runOnSnapshot(kernelOnly, '!stalecheck "-r stale-iosb"');
    expect(run.error).toBeUndefined();
    expect((run.json as { findings: unknown[]; warnings: string[] }).findings).toEqual([]);
    // Only the one line saying user memory is absent (critical sections and user stacks unknowable).
    expect((run.json as { warnings: string[] }).warnings.filter((w) => !/^user memory unreadable in /.test(w))).toEqual([]);
  });
});
