// What the end of a chain says, through the real bundle on every layout: the own terminal-*.json
// scenarios (each chain end has a waiter, so its description is a root blocker's in the JSON), and the
// seed scenarios whose ends are not all root blockers (read from `dx @$waitchain(<thread>)`.Threads).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario, relocationFor } from '../../mocks/builder';
import { bundleCode, displayRelocation, layoutsOf, relocateText, runOnScenario } from '../../mocks/harness/run';
import { loadScript } from '../../mocks/loader';
import { irqlReadable, lpcOnly, testLayoutsOf } from '../layoutMatrix';

const own = (name: string) => join(__dirname, '..', 'scenarios', `terminal-${name}.json`);

interface Json {
  rootBlockers: { thread: string; description?: string }[];
}

/** Root blocker -> description, and the text report, for one scenario under one layout. */
function run(id: string, layout: string): { descriptions: Map<string, string>; output: string } {
  const r = runOnScenario(id, layout, '!waitchain');
  expect(r.error).toBeUndefined();
  const descriptions = new Map<string, string>();
  for (const root of (r.json as Json).rootBlockers) descriptions.set(root.thread, root.description || '');
  return { descriptions, output: r.output };
}

/** What `dx @$waitchain(<thread>)` says the thread is doing, addresses shown as the scenario names them. */
function doing(id: string, layout: string, threads: string[]): Map<string, string> {
  const scenario = loadScenario(id);
  const reloc = relocationFor(scenario as Parameters<typeof relocationFor>[0], layout);
  const back = displayRelocation(scenario, layout);
  const script = loadScript(bundleCode(), buildSnapshot(scenario, layout));
  const out = new Map<string, string>();
  for (const thread of threads) {
    const target = reloc ? reloc.toTarget(thread) : thread;
    const r = script.run(`dx @$waitchain(0x${target})`);
    expect(r.error).toBeUndefined();
    const model = r.value as { Threads: { Address: string; Doing: string }[] };
    const node = model.Threads.find((t) => t.Address === target);
    out.set(thread, node ? (back ? relocateText(node.Doing, back) : node.Doing) : '(not described)');
  }
  return out;
}

describe.each(testLayoutsOf(own('processors')))('terminal-processors %s', (layout) => {
  const { descriptions: d, output } = run(own('processors'), layout);

  it('running on processor 1, with processor 0 idle for the ready thread', () => {
    expect(d.get('87000000')).toBe('running on processor 1');
    expect(d.get('87001000')).toBe('ready (priority 9), while processor 0 is idle');
    expect(output).toContain('\n     running on processor 1');
  });

  it('running at DISPATCH_LEVEL, and the other thread that claims its processor', () => {
    const irql = irqlReadable(layout) ? ' at IRQL 2' : ''; // 24H2: no KPRCB inside the KPCR, IRQL unknown (warned)
    expect(d.get('87003000')).toBe(`running on processor 2${irql}; 87006000 also claims to be running on processor 2 (inconsistent dump)`);
  });

  it('terminated', () => {
    expect(d.get('87005000')).toBe('terminated');
  });

  it('near miss: a Running thread that no processor runs is not "running on processor 0"', () => {
    expect(d.get('87002000')).toMatch(/^claims to be running on processor 0, but processor 0 runs its idle thread \S+ \(inconsistent dump\)$/);
    expect(d.get('87006000')).toBe('claims to be running on processor 2, but processor 2 runs thread 87003000 (inconsistent dump)');
  });
});

describe.each(testLayoutsOf(own('sleeping')))('terminal-sleeping %s', (layout) => {
  const { descriptions: d } = run(own('sleeping'), layout);

  it('a driver delay loop sleeps in the driver', () => {
    expect(d.get('87000000')).toBe('sleeping (KeDelayExecutionThread) in 3rdPartyAVDriver+0x1394');
  });

  it('a user-mode Sleep sleeps in its caller, or says the kernel stack is not resident', () => {
    expect(d.get('87002000')).toBe('sleeping (KeDelayExecutionThread) in userinit!WaitForShell+0x44');
    expect(d.get('87001000')).toBe('sleeping (KeDelayExecutionThread), kernel stack not resident');
  });

  it('near miss: a timed wait on an event is not a sleep', () => {
    expect(d.get('87003000')).toBe('waiting on SynchronizationEvent 88000000, no known owner, blocked in DriverQ!WaitForDevice+0x10');
  });
});

describe.each(testLayoutsOf(own('io')))('terminal-io %s', (layout) => {
  const { descriptions: d } = run(own('io'), layout);

  it('a pending IOCTL names the IRP, the driver and the device', () => {
    expect(d.get('87000000')).toBe(
      'waiting on SynchronizationEvent 88000000, no known owner, blocked in DriverA!Block+0x1b; I/O pending: IRP 89000000 IRP_MJ_DEVICE_CONTROL to \\Driver\\DriverB (device 8a000000)',
    );
  });

  it('a create pending in Mup waits on a remote machine, with the file name', () => {
    expect(d.get('87001000')).toBe(
      'waiting on a remote machine: IRP 89001000 IRP_MJ_CREATE to \\FileSystem\\Mup (device 8a001000) on \\SERVER_B\\IPC$; waiting on SynchronizationEvent 88001000, no known owner, blocked in Mup!MupiIssueQueryRequest+0x2f',
    );
  });

  it('three IRPs are named, the rest counted; the current location is the lowest driver reached', () => {
    const text = d.get('87003000')!;
    expect(text).toContain('I/O pending: IRP 89004000 IRP_MJ_WRITE to \\Driver\\Disk (device 8a003000), IRP 89005000');
    expect(text).toMatch(/IRP 89006000 IRP_MJ_WRITE to \\Driver\\Disk \(device 8a003000\), and 2 more$/);
    expect(text).not.toContain('Ntfs');
  });

  it('a remote IRP leads, the local one follows', () => {
    expect(d.get('87004000')).toMatch(
      /^waiting on a remote machine: IRP 8900a000 IRP_MJ_CREATE to \\FileSystem\\MRxSmb \(device 8a004000\) on \\SERVER_C\\share\\report\.txt, IRP 89009000 IRP_MJ_READ to \\Driver\\Disk \(device 8a003000\); /,
    );
  });

  it('an IRP deeper than the first read is read to its current location', () => {
    expect(d.get('87005000')).toMatch(/I\/O pending: IRP 8900b000 IRP_MJ_READ to \\Driver\\Deep \(device 8a005000\)$/);
  });

  it('near miss: IRPs not yet sent or completed back (CurrentLocation > StackCount) are not pending in a driver', () => {
    expect(d.get('87002000')).toBe('waiting on SynchronizationEvent 88002000, no known owner, blocked in DriverC!Wait+0x10');
  });
});

describe.each(testLayoutsOf(own('gui')))('terminal-gui %s', (layout) => {
  const { descriptions: d } = run(own('gui'), layout);

  it('a message box, with who showed it', () => {
    expect(d.get('87000000')).toBe('waiting in the GUI: a message box (USER32!MessageBoxA+0x45, called from printerdriverUI!ReportError+0x30)');
  });

  it('a SendMessage to another thread, and a message loop', () => {
    expect(d.get('87001000')).toMatch(/^waiting in the GUI: sending a window message to another thread \(win32k!\w*SendMessage/);
    expect(d.get('87002000')).toBe('waiting in the GUI: a message loop (USER32!GetMessageW+0x33, called from spoolsv!MessageLoop+0x20)');
  });

  it('a kernel stack that is not resident is said instead of a frame', () => {
    expect(d.get('87003000')).toBe('waiting on SynchronizationEvent 88003000, no known owner, kernel stack not resident');
  });

  it('near miss: a driver wait under win32k is not a GUI wait', () => {
    expect(d.get('87004000')).toBe('waiting on SynchronizationEvent 88004000, no known owner, blocked in DriverG!WaitForVsync+0x22');
  });
});

describe.each(testLayoutsOf(own('damage')))('terminal-damage %s', (layout) => {
  const r = runOnScenario(own('damage'), layout, '!waitchain');
  const d = new Map((r.json as Json).rootBlockers.map((root) => [root.thread, root.description || ''] as [string, string]));

  it('a cyclic IRP list is cut: each IRP named once', () => {
    expect(d.get('87000000')).toBe(
      'waiting on SynchronizationEvent 88000000, no known owner, blocked in DriverD!Wait+0x10; I/O pending: IRP 89000000 IRP_MJ_READ to \\Driver\\DriverD (device 8a000000), IRP 89001000 IRP_MJ_WRITE to \\Driver\\DriverD (device 8a000000)',
    );
  });

  it('a garbage driver pointer reads as an unreadable driver; a list entry that is not an IRP is not named', () => {
    expect(d.get('87001000')).toMatch(/I\/O pending: IRP 89002000 IRP_MJ_DEVICE_CONTROL to an unreadable driver \(device 8a001000\)$/);
    expect(d.get('87002000')).toBe('waiting on SynchronizationEvent 88002000, no known owner, blocked in DriverD!Wait+0x10');
  });

  it('counts the damage in the summary', () => {
    expect(r.error).toBeUndefined();
    expect(r.output).toMatch(/Summary: .*list cycles? cut/);
    expect(r.output).toMatch(/Summary: .*I\/O objects? of the wrong type/);
  });
});

describe('seed scenarios', () => {
  describe.each(testLayoutsOf('002-userinit-lpc-cs-mup-coupled-machines'))('userinit/Mup %s', (layout) => {
    const d = doing('002-userinit-lpc-cs-mup-coupled-machines', layout, ['8a04cb30', '89cd9c10']);
    it('the system worker waits on \\SERVER_B\\IPC$ through Mup: a remote machine', () => {
      expect(d.get('8a04cb30')).toBe(
        'waiting on a remote machine: IRP 89901348 IRP_MJ_CREATE to \\FileSystem\\Mup (device 89f46ee8) on \\SERVER_B\\IPC$; waiting on SynchronizationEvent 89e344a8, no known owner, blocked in Mup!MupiIssueQueryRequest+0x2f',
      );
    });
    it('the root blocker waits on Mup too; its unsent IRP is not listed', () => {
      expect(d.get('89cd9c10')).toMatch(/^waiting on a remote machine: IRP 89a2e130 IRP_MJ_CREATE to \\FileSystem\\Mup \(device 89f46ee8\); .*blocked in Mup!PktPostSystemWork\+0x3d$/);
      expect(d.get('89cd9c10')).not.toContain('89a13008');
    });
  });

  describe.each(testLayoutsOf('002-mistake8-mutant-owner-vs-older-driver-wait'))('mistake8 %s', (layout) => {
    const d = doing('002-mistake8-mutant-owner-vs-older-driver-wait', layout, ['89edadb0', '882e8730']);
    it('the longest waiter has a pending IOCTL to \\Driver\\DriverB', () => {
      expect(d.get('89edadb0')).toBe(
        'waiting on SynchronizationEvent 8a38b82c, no known owner, blocked in DriverA!Block+0x1b; I/O pending: IRP 893a7470 IRP_MJ_DEVICE_CONTROL to \\Driver\\DriverB (device 8a216f18)',
      );
      const { output } = run('002-mistake8-mutant-owner-vs-older-driver-wait', layout);
      expect(output).toContain('I/O pending: IRP 893a7470 IRP_MJ_DEVICE_CONTROL to \\Driver\\DriverB (device 8a216f18)');
    });
    it('an IRP with no stack location sent is not pending in a driver', () => {
      expect(d.get('882e8730')).not.toContain('883fbba0');
    });
  });

  describe.each(testLayoutsOf('002-av-driver-delay-loop-zero-ticks'))('AV delay loop %s', (layout) => {
    it('sleeps in the AV driver', () => {
      const d = doing('002-av-driver-delay-loop-zero-ticks', layout, ['878f0790']);
      expect(d.get('878f0790')).toBe('sleeping (KeDelayExecutionThread) in 3rdPartyAVDriver+0x1394');
    });
  });

  describe.each(testLayoutsOf('002-busy-system-eresource-ready-owner'))('busy system %s', (layout) => {
    const d = doing('002-busy-system-eresource-ready-owner', layout, ['83b46db0', '85c25db0']);
    it('the resource owner is ready', () => {
      expect(d.get('83b46db0')).toMatch(/^ready \(priority 9\)/);
    });
    it('the application thread sends a message to another thread', () => {
      expect(d.get('85c25db0')).toMatch(/^waiting in the GUI: sending a window message to another thread/);
    });
  });

  describe.each(testLayoutsOf('002-spiking-running-threads-truncated-hooked'))('spiking threads %s', (layout) => {
    it('each runs on its processor', () => {
      const d = doing('002-spiking-running-threads-truncated-hooked', layout, ['8a0b2890', '8a2ed5d0']);
      expect(d.get('8a0b2890')).toBe('running on processor 0');
      expect(d.get('8a2ed5d0')).toBe('running on processor 1');
    });
  });

  describe.each(testLayoutsOf('002-double-fault-stack-overflow-running'))('double fault %s', (layout) => {
    it('the overflowing thread runs on processor 1', () => {
      const d = doing('002-double-fault-stack-overflow-running', layout, ['8a241db0']);
      expect(d.get('8a241db0')).toBe('running on processor 1');
    });
  });

  describe.each(testLayoutsOf('002-irp-anomaly-inconsistent-running'))('inconsistent LiveKd dump %s', (layout) => {
    it('the page writer claims processor 0, which runs its idle thread', () => {
      const d = doing('002-irp-anomaly-inconsistent-running', layout, ['8b56cb10']);
      expect(d.get('8b56cb10')).toBe('claims to be running on processor 0, but processor 0 runs its idle thread 8089d8c0 (inconsistent dump)');
    });
  });

  describe.each(testLayoutsOf('002-app-lpc-spooler-messagebox-loaderlock'))('spooler message box %s', (layout) => {
    const d = doing('002-app-lpc-spooler-messagebox-loaderlock', layout, ['891e9db0', '8a6aedb0']);
    it('the spooler thread shows a message box', () => {
      expect(d.get('891e9db0')).toBe('waiting in the GUI: a message box (USER32!MessageBoxA+0x45)');
    });
    it('a paged-out kernel stack is said instead of a frame', () => {
      expect(d.get('8a6aedb0')).toBe('waiting on SynchronizationEvent 8abb2f40, no known owner, kernel stack not resident');
    });
  });
});
