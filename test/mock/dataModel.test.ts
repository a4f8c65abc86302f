import { describe, expect, it } from 'vitest';
import { host2, buildSystem } from './fixtures';
import { createMockHost } from '../../mocks/host';

const I = (host: any, v: bigint) => host.parseInt64(v.toString(16), 16);

describe('data model (docs/jsprovider.md §Data model)', () => {
  it('§Data model: processes are derived from memory: PsActiveProcessHead → ActiveProcessLinks', () => {
    const { host } = host2();
    const procs = Array.from(host.currentSession.Processes as Iterable<any>);
    expect(procs.map((p) => p.Name)).toEqual(['System', 'foo.exe', 'bar.exe']);
    expect(procs.map((p) => p.Id)).toEqual([4, 0x1b4, 0x2c0]);
    expect(typeof procs[0].Id).toBe('number');
  });

  it('§Data model: a process unlinked in memory disappears from Processes (and getValueAt throws)', () => {
    const { host } = host2('x64', { unlink: ['foo.exe'] });
    const names = Array.from(host.currentSession.Processes as Iterable<any>).map((p) => p.Name);
    expect(names).toEqual(['System', 'bar.exe']);
    expect(() => host.currentSession.Processes.getValueAt(0x1b4)).toThrow(RangeError);
    expect(() => host.currentSession.Processes.getValueAt(0x1b4)).toThrow('No process with Id 0x1b4');
  });

  it('§Data model: a corrupt (non-closing) process list does not hang the mock', () => {
    const { host } = host2('x64', { corruptProcessList: true });
    expect(Array.from(host.currentSession.Processes as Iterable<any>).map((p) => p.Name)).toEqual(['System', 'foo.exe', 'bar.exe']);
  });

  it('§Data model: Processes.getValueAt(pid) finds a process; bracket indexing is not supported [UNCONFIRMED]', () => {
    const { host, a } = host2();
    const p = host.currentSession.Processes.getValueAt(0x2c0);
    expect(p.Name).toBe('bar.exe');
    expect(p.KernelObject.targetType.name).toBe('_EPROCESS');
    expect(p.KernelObject.address).toBe(I(host, a.processes[2].eprocess));
    expect(host.currentSession.Processes[4]).toBeUndefined();
    expect(host.currentSession.Processes.getValueAt(host.Int64(4)).Name).toBe('System');
  });

  it('§Data model: threads are derived from ThreadListHead → ThreadListEntry; tid from Cid.UniqueThread', () => {
    const { host, a } = host2('x86');
    const foo = host.currentSession.Processes.getValueAt(0x1b4);
    const threads = Array.from(foo.Threads as Iterable<any>);
    expect(threads.map((t) => t.Id)).toEqual([0x1c0, 0x1c4]);
    expect(threads[1].KernelObject.address).toBe(I(host, a.processes[1].threads[1].ethread));
    expect(foo.Threads.getValueAt(0x1c4).Id).toBe(0x1c4);
    expect(() => foo.Threads.getValueAt(0x999)).toThrow(RangeError);
  });

  it('§Data model: currentSession/currentProcess/currentThread and Debugger.Sessions', () => {
    const { host } = host2();
    expect(host.currentProcess.Name).toBe('foo.exe');
    expect(host.currentThread.Id).toBe(0x1c0);
    const sessions = host.namespace.Debugger.Sessions;
    expect(sessions[0].Processes.getValueAt(4).Name).toBe('System');
    expect(Array.from(sessions as Iterable<unknown>).length).toBe(1);
    expect(sessions.getValueAt(0)).toBe(sessions[0]);
    expect(sessions.getValueAt(host.currentThread.KernelObject.hostContext)).toBe(host.currentSession);
    expect(host.namespace.Debugger.State.DebuggerVariables.curprocess.Id).toBe(0x1b4);
  });

  it('§Data model: without a current block: the first process and its first thread', () => {
    const mock = createMockHost(buildSystem('x64', { noCurrent: true }), { phase: 2 });
    const host = mock.host as any;
    expect(host.currentProcess.Name).toBe('System');
    expect(host.currentThread.Id).toBe(8);
  });

  it('§Data model: Attributes.Target and Attributes.Machine (PointerSize a JS number as in real scripts, PageSize Int64)', () => {
    const { host } = host2('x86');
    const attr = host.currentSession.Attributes;
    expect(attr.Target.IsKernelTarget).toBe(true);
    expect(attr.Target.IsUserTarget).toBe(false);
    expect(attr.Target.IsLiveTarget).toBe(false);
    expect(attr.Machine.PointerSize).toBe(4);
    expect(attr.Machine.PageSize.asNumber()).toBe(0x1000);
  });

  it('§Data model: Stack.Frames: indexable, iterable; toString/ToDisplayString are the frame text as dx shows it', () => {
    const { host } = host2();
    const frames = host.currentThread.Stack.Frames;
    expect(Array.from(frames as Iterable<any>).map((f) => f.toString())).toEqual([
      'nt!KiSwapContext + 0x7a', 'nt!KeWaitForSingleObject + 0x346', 'mydriver!Worker + 0x10']);
    expect(frames[1].ToDisplayString()).toBe('nt!KeWaitForSingleObject + 0x346');
    expect(String(frames[0]).split('+')[0].trim()).toBe('nt!KiSwapContext');
    expect(() => frames[3]).toThrow(RangeError);
  });

  it('§Data model: frame Attributes are Int64: InstructionOffset, FrameOffset, StackOffset, ReturnOffset, FrameNumber', () => {
    const { host, a } = host2();
    const frames = host.currentThread.Stack.Frames;
    const at = frames[0].Attributes;
    expect(at.InstructionOffset).toBe(I(host, a.ntBase + 0x107an));
    expect(at.StackOffset).toBe(host.Int64(0x1000));
    expect(at.FrameOffset).toBe(host.Int64(0));
    expect(at.ReturnOffset).toBe(I(host, a.ntBase + 0x2346n));
    expect(at.FrameNumber).toBe(host.Int64(0));
    expect(frames[2].Attributes.ReturnOffset).toBe(host.Int64(0));
  });

  it('§Data model: a thread without a snapshot stack has no frames', () => {
    const { host } = host2();
    const t = host.currentSession.Processes.getValueAt(4).Threads.getValueAt(8);
    expect(Array.from(t.Stack.Frames as Iterable<unknown>)).toEqual([]);
  });

  it('§Data model: Registers.User holds the snapshot registers as Int64', () => {
    const { host, a } = host2();
    expect(host.currentThread.Registers.User.rsp).toBe(host.Int64(0x1000));
    expect(host.currentThread.Registers.Kernel.rip).toBe(I(host, a.ntBase + 0x107an));
  });

  it('§Data model: Process.Modules: kernel modules then user modules, Name/BaseAddress/Size', () => {
    const { host, a } = host2();
    const mods = Array.from(host.currentProcess.Modules as Iterable<any>);
    expect(mods.map((m) => m.Name)).toEqual(['ntkrnlmp.exe', 'mydriver.sys', 'ntdll.dll']);
    expect(mods[0].BaseAddress).toBe(I(host, a.ntBase));
    expect(mods[0].Size.asNumber()).toBe(0x800000);
    expect(host.currentProcess.Modules.getValueAt('ntdll.dll').Name).toBe('ntdll.dll');
  });

  it('§Data model: LINQ on model collections: First, Where, Select, Count', () => {
    const { host } = host2();
    const ps = host.currentSession.Processes;
    expect(ps.Count()).toBe(3);
    expect(ps.Where((p: any) => p.Id > 4).Select((p: any) => p.Name).First()).toBe('foo.exe');
    expect(ps.First((p: any) => p.Name === 'bar.exe').Id).toBe(0x2c0);
  });

  it('§Data model: counters: data-model property reads and iteration steps', () => {
    const { host, mock } = host2();
    mock.counters.reset();
    for (const p of host.currentSession.Processes) void p.Name;
    void host.currentThread.Stack.Frames[0];
    const c = mock.counters.snapshot().byApi;
    expect(c.currentSession).toBe(1);
    expect(c['dataModel.Processes']).toBe(1);
    expect(c['dataModel.Processes.iterate']).toBe(3);
    expect(c['dataModel.Name']).toBe(3);
    expect(c['dataModel.Frames']).toBe(1);
    expect(c['dataModel.Frames.index']).toBe(1);
  });
});
