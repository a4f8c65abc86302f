// The rough edges of the reports a new user meets (issue 18 items 7-19), each on the scenario the
// issue names: unserved servers lead the verdict, the root line says its state once, one vocabulary,
// one error style, scoped views that say so, listed vs lock-counted waiters, @$curthread on an idle
// thread, bare and decimal addresses, numeric option bases, repeated arguments, -p hints, DOT edges once.
import { describe, expect, it } from 'vitest';
import { runOnScenario } from '../../mocks/harness/run';

const S = '002-lpc-chain-mutant-lpc-deadlock-cycle';
const USERINIT = '002-userinit-lpc-cs-mup-coupled-machines';
const ALPC = '002-alpc-serviceA-372-narrative';
const run = (id: string, command: string, layout = 'xpsp3-x86') => runOnScenario(id, layout, command);

describe('item 7: a wait on a server that does not serve leads the verdict', () => {
  it('ALPC: ServiceA has no threads, ServiceC waits on its port (372 queued)', () => {
    const out = run(ALPC, '!waitchain', 'win10-19041-x64').output;
    expect(out).toMatch(/^UNSERVED: thread fffffa80`03c4a060 \(ServiceC\.exe 041c\.0e18\) waiting 0:00:23:26\.250 for a reply to ALPC message fffff8a0`012c4d50 on port fffffa80`03a55e30, 372 queued: no server thread works on it \(and 1 more unserved wait\)\n/);
    expect(out).toContain('\nWaiting on a server that does not serve them (longest first):\n  1. fffffa80`03c4a060 ServiceC.exe 041c.0e18  Ticks: 90000 (0:00:23:26.250); 372 messages queued on ServiceA.exe\'s port');
    expect(out).not.toContain('No blocking chains');
    const json = run(ALPC, '!waitchain', 'win10-19041-x64').json as { unserved: { thread: string; queued: number }[] };
    expect(json.unserved.map((u) => [u.thread, u.queued])).toEqual([['fffffa8003c4a060', 372], ['fffffa8003b9d870', 201]]);
  });
  it('LPC: a client of an exiting server with no thread left', () => {
    const out = run('lpc-unserved-exiting-server', '!waitchain').output;
    expect(out).toMatch(/^UNSERVED: thread 87101000 \(app\.exe 0600\.0604\) waiting 0:01:18:07\.500 for a reply to LPC message 00000200 on port 89100000, 3 queued: no server thread works on it \(and 3 more unserved waits\)\n/);
    expect(out).toContain('\n  1. 87101000 app.exe 0600.0604  Ticks: 300000 (0:01:18:07.500); LPC message 00000200 to svc.exe (port 89100000): no thread is serving it;');
  });
});

describe('item 8: a root that is not waiting says its state once', () => {
  it('userinit: "initialized", not "Initialized; initialized"', () => {
    const out = run(USERINIT, '!waitchain').output;
    expect(out).not.toMatch(/Initialized; initialized/);
    expect(out).toContain('     holds critical section 01e70cc8 with 2 waiters the dump does not show\n     initialized\n');
  });
});

describe('items 9, 10, 19: one vocabulary, plurals, DOT', () => {
  it('the longest waiter names a critical section in words', () => {
    expect(run(USERINIT, '!waitchain').output).toContain('Longest waiter: 898aa600 svchost.exe 03a8.09e8  Ticks: 3130069 (0:13:35:07.328)  waiting on critical section 7c980600 (ntdll!FastPebLock');
  });
  it('DOT labels say "LPC message", each edge once (red where it is in the cycle)', () => {
    for (const [id, layout] of [[S, 'xpsp3-x86'], ['resource-deadlock', undefined]] as const) {
      const dot = run(id, '!waitchain "-dot"', layout ?? 'xpsp3-x86').output;
      const edges = dot.split('\n').filter((l) => l.includes('->')).map((l) => l.replace(/ \[.*\]/, '').trim());
      expect(edges.length, id).toBeGreaterThan(0);
      expect(new Set(edges).size, id).toBe(edges.length);
      expect(dot).not.toMatch(/label="(lpc|alpc|resource|critical-section) /);
    }
    const dot = run(S, '!waitchain "-dot"').output;
    expect(dot).toContain('label="LPC message 06345018"');
    expect(dot).toContain('"o89293390" -> "t89a9dc38" [color=red, penwidth=2];');
  });
  it('counts agree with their noun', () => {
    const stale = run('001-dispatch-level-spin-inqueued-lock', '!stalecheck').output;
    expect(stale).toMatch(/\nSummary: 1 finding \(1 error, 0 warnings, 0 info\), 1 thread scanned, 0 warnings\n$/);
  });
});

describe('item 11: one error style, with the command name and the usage for argument mistakes', () => {
  it.each([
    ['!waitchain "-x"', /^waitchain: unknown option -x\nusage: !waitchain/],
    ['!waitchain 0x1234', /^waitchain: 1234 is not a thread of any process in this dump.*\nusage: !waitchain/],
    ['!waitchain "-p nosuch.exe"', /^waitchain: no process matches 'nosuch.exe'.*\nusage: !waitchain/],
    ['!stalecheck "-t abc"', /^stalecheck: -t takes a decimal number of seconds \(0x for hex\), not 'abc'\nusage: !stalecheck/],
    ['!ringdump "nosuchdriver!g_Ring"', /^ringdump: nosuchdriver!g_Ring: no such symbol/],
  ])('%s', (command, pattern) => {
    const r = run(S, command);
    expect(r.output).toMatch(pattern);
    expect(r.output).not.toMatch(/^ERROR:/m);
  });
});

describe('item 12: scoped views name their scope first and count within it', () => {
  it('-p AppB.exe is not the unscoped report', () => {
    const all = run(S, '!waitchain').output;
    const scoped = run(S, '!waitchain "-p AppB.exe"').output;
    expect(scoped).not.toBe(all);
    const lines = scoped.split('\n');
    expect(lines[0]).toBe('Scope: process AppB.exe (pid 1884, 8a608020): 1 thread, 1 waiting, 1 in chains');
    expect(lines[2]).toBe('System-wide: 1 deadlock, 0 root blockers, 0 unserved waits (!waitchain without arguments for all of them)');
    expect(scoped).toMatch(/\nSummary: 1 thread in this scope \(7 scanned\), 1 waiting, 1 in chains, 0 warnings\n$/);
    // The "N threads wait on X" lines count the scope: AppB's one thread waits on none of the busy objects.
    expect(scoped).not.toContain('2 threads wait on mutant 89293390');
  });
  it('a thread scope names the thread first', () => {
    const out = run(S, '!waitchain 0x87f0d790').output;
    expect(out.split('\n')[0]).toMatch(/^Scope: thread 87f0d790 AppA\.exe 0de4\.5b2c, with its chain and waiters: \d+ threads$/);
    expect(out).toMatch(/\nSummary: \d+ threads in this scope \(7 scanned\)/);
  });
});

describe('item 13: listed and lock-counted waiters apart', () => {
  it('16 waiters of FastPebLock: 1 in the dump, 15 counted by the lock', () => {
    expect(run(USERINIT, '!waitchain').output).toContain('\n16 threads wait on critical section 7c980600 (1 in this dump, 15 more counted by the lock)\n');
  });
});

describe('item 14: @$curthread on an idle processor', () => {
  it('says it is the idle thread and what to do', () => {
    const out = run(S, '!waitchain @$curthread').output;
    expect(out).toMatch(/^waitchain: [0-9a-f]+ is processor 0's idle thread, not a thread of any process: it waits on nothing and nothing waits on it \(@\$curthread is the idle thread when processor 0 was idle at the break\)\. Run !waitchain for the whole system, or give a thread from !process 0 7\n/);
  });
});

describe('item 15: a decimal-looking address', () => {
  it('says dx read it as decimal and how to type hex', () => {
    expect(run(S, '!waitchain 1234').output).toMatch(/^waitchain: 4d2 is not a thread of any process in this dump; a bare number is decimal in dx \(1234 = 0x4d2\): type an address as 0x<hex>/);
  });
});

describe('item 16: numeric options, one rule', () => {
  it.each(['-t abc', '-t 1e3', '-t 1.5', '-t -3', '-t 20s'])('!stalecheck "%s" is rejected', (opt) => {
    expect(run(S, `!stalecheck "${opt}"`).output).toMatch(/^stalecheck: -t takes a decimal number of seconds/);
  });
  it('-t is decimal, 0x hex: both give the same threshold', () => {
    const dec = run(S, '!stalecheck "-r long-wait -t 600"').output;
    expect(run(S, '!stalecheck "-r long-wait -t 0x258"').output).toBe(dec);
  });
  it('!ringdump -n is a decimal count like -t (-n 10 = ten entries)', () => {
    const out = run('004-codemachine-circular-trace-buffers', '!ringdump "mydriver!g_History mydriver!g_Index -n 6"').output;
    expect(out).toMatch(/6 of \d+ entries shown/);
    expect(run('004-codemachine-circular-trace-buffers', '!ringdump "mydriver!g_History mydriver!g_Index -n 6x"').output).toMatch(/^ringdump: -n takes a decimal count/);
  });
});

describe('item 17: repeated arguments', () => {
  it('several threads are one question', () => {
    const out = run(S, '!waitchain "87f0d790 89137780"').output;
    expect(out).toContain('\nThread 87f0d790 AppA.exe 0de4.5b2c: ');
    expect(out).toContain('\nThread 89137780 AppB.exe 1884.41f8: ');
    expect(out.split('\n')[0]).toMatch(/^Scope: threads 87f0d790 AppA\.exe 0de4\.5b2c, 89137780 AppB\.exe 1884\.41f8, with their chains and waiters/);
  });
  it.each([
    ['!waitchain "-p AppA.exe -p AppB.exe"', /^waitchain: -p given twice \(AppA\.exe, AppB\.exe\): one process per run\n/],
    ['!waitchain "87f0d790 -p AppB.exe"', /^waitchain: a thread and -p exclude each other/],
    ['!stalecheck "-t 60 -t 600"', /^stalecheck: -t given twice \(60, 600 seconds\)/],
    ['!ringdump "mydriver!g_History mydriver!g_Index -pre -post"', /^ringdump: -pre and -post contradict each other/],
    ['!ringdump "mydriver!g_History mydriver!g_Index -n 3 -n 5"', /^ringdump: -n given twice \(3, 5\)/],
  ])('%s is rejected', (command, pattern) => {
    const id = command.startsWith('!ringdump') ? '004-codemachine-circular-trace-buffers' : S;
    expect(run(id, command).output).toMatch(pattern);
  });
});

describe('item 18: -p hints and bounds', () => {
  it('-p userinit suggests userinit.exe', () => {
    expect(run(USERINIT, '!waitchain "-p userinit"').output).toMatch(/^waitchain: no process matches 'userinit': did you mean -p userinit\.exe\?/);
  });
  it('-p 0n99999999999999999999 is no pid', () => {
    expect(run(S, '!waitchain "-p 0n99999999999999999999"').output).toMatch(/^waitchain: -p: 0n99999999999999999999 is no pid/);
  });
});
