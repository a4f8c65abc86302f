// The report stays readable with thousands of waiters: identical leaves fold into one line with a
// count, long child lists end with "and N more"; and a 2,000-thread chain prints without recursion.
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../mocks/builder';
import { runOnSnapshot } from '../../mocks/harness/run';

const hex = (n: number) => n.toString(16).padStart(8, '0');

function fanIn(waiters: number) {
  const owner = hex(0x87000000);
  const threads = [{ address: owner, process: '86000000', tid: '0004', state: 'Ready', priority: 8 }] as object[];
  for (let i = 1; i <= waiters; i++) {
    threads.push({
      address: hex(0x87000000 + i * 0x1000),
      process: '86000000',
      tid: (4 + i * 4).toString(16).padStart(4, '0'),
      state: 'Waiting',
      waitReason: 'UserRequest',
      waitMode: 'UserMode',
      waitTime: 1000 + i,
      waits: [{ object: i % 10 === 0 ? '90001000' : '90000000' }],
      kernelStack: { limit: hex(0xa0000000 + i * 0x3000), base: hex(0xa0003000 + i * 0x3000), current: hex(0xa0002f00 + i * 0x3000) },
    });
  }
  return {
    format: 'waitchain-scenario/1',
    id: `fan-in-${waiters}`,
    system: { arch: 'x86', currentTick: 100000, dumpKind: 'kernel' },
    processes: [{ address: '86000000', name: 'busy.exe', pid: '0100' }],
    threads,
    objects: [
      { address: '90000000', type: 'Mutant', owner },
      { address: '90001000', type: 'Mutant', owner },
    ],
  };
}

describe('readability at scale', () => {
  it('folds 5,000 waiters on two mutants into a few lines', () => {
    const run = runOnSnapshot(buildSnapshot(fanIn(5000) as never, 'win7sp1-x86'), '!waitchain');
    expect(run.error).toBeUndefined();
    const lines = run.output.split('\n');
    expect(lines.length).toBeLessThan(40);
    expect(run.output).toMatch(/^ROOT BLOCKER: thread 87000000 \(busy.exe 0100.0004\), blocks 5000 threads in 1 process/);
    expect(run.output).toContain('<- 4500 threads wait on mutant 90000000 (owner)');
    expect(run.output).toContain('<- 500 threads wait on mutant 90001000 (owner)');
    expect(run.output).toContain('4500 threads wait on mutant 90000000');
    expect((run.json as { waiterCounts: Record<string, number> }).waiterCounts['90000000']).toBe(4500);
  });

  it('prints a 2,000-thread chain to its root', () => {
    const threads: object[] = [];
    const objects: object[] = [];
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const t = hex(0x87000000 + i * 0x1000);
      const waits = i + 1 < n ? [{ object: hex(0x88000000 + i * 0x100) }] : undefined;
      threads.push({ address: t, process: '86000000', tid: (4 + i * 4).toString(16).padStart(4, '0'), state: waits ? 'Waiting' : 'Ready', waitTime: 500, waits });
      if (i > 0) objects.push({ address: hex(0x88000000 + (i - 1) * 0x100), type: 'Mutant', owner: t });
    }
    const scenario = { format: 'waitchain-scenario/1', id: 'long-chain', system: { arch: 'x86', currentTick: 1000, dumpKind: 'kernel' }, processes: [{ address: '86000000', name: 'chain.exe', pid: '0100' }], threads, objects };
    const run = runOnSnapshot(buildSnapshot(scenario as never, 'xpsp3-x86'), '!waitchain');
    expect(run.error).toBeUndefined();
    expect(run.output).toMatch(new RegExp(`^ROOT BLOCKER: thread ${hex(0x87000000 + (n - 1) * 0x1000)} .*blocks ${n - 1} threads`));
    const chains = (run.json as { chains: { path: string[] }[] }).chains;
    expect(chains).toHaveLength(1);
    expect(chains[0].path).toHaveLength(n);
  });
});
