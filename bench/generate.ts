// Synthetic systems for the benchmark, generated as waitchain-scenario/1 documents (x86 addresses,
// so the same system runs on an x86 layout and, relocated, on an x64 one). Deterministic per size.
//
// Shape, scaled from the targets (100k threads: 5,000 processes, 20,000 dispatcher objects,
// 500 locked ERESOURCEs with 1-800 waiters, critical sections, LPC chains of depth 1-50, a few cycles):
// most threads wait on their own events or queues (idle workers), the rest form the chains.

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

export interface BenchSystem {
  scenario: Record<string, unknown>;
  threads: number;
}

/** Address plan (x86 kernel space), strides large enough for x64 structures after relocation. */
const PROCESS_BASE = 0x81000000;
const THREAD_BASE = 0x90000000;
const THREAD_STRIDE = 0x400;
const OBJECT_BASE = 0x88000000;
const STACK_BASE = 0xa0000000;
const STACK_STRIDE = 0x3000;
const RESOURCE_BASE = 0x86000000;

export function generateSystem(threadCount: number, seed = 1): BenchSystem {
  let state = seed;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const processCount = Math.max(4, Math.round(threadCount / 20));
  const processes = Array.from({ length: processCount }, (_, i) => ({
    address: hex(PROCESS_BASE + i * 0x1000),
    name: `proc${i}.exe`,
    pid: hex(0x100 + i * 4).slice(4),
  }));
  const threads: Record<string, unknown>[] = [];
  const objects: Record<string, unknown>[] = [];
  const resources: Record<string, unknown>[] = [];
  const lpcMessages: Record<string, unknown>[] = [];
  let objectIndex = 0;
  const newObject = (type: string, extra: Record<string, unknown> = {}) => {
    const address = hex(OBJECT_BASE + objectIndex++ * 0x40);
    objects.push({ address, type, ...extra });
    return address;
  };
  const tick = 10000000;
  for (let i = 0; i < threadCount; i++) {
    const address = hex(THREAD_BASE + i * THREAD_STRIDE);
    threads.push({
      address,
      process: processes[i % processCount].address,
      tid: hex(0x1000 + i * 4).slice(0, 8).replace(/^0+(?=.{4})/, ''),
      state: 'Waiting',
      waitReason: 'UserRequest',
      waitMode: 'UserMode',
      // Idle threads waited seconds (under the long-wait threshold); chain members are set older below.
      waitTime: tick - Math.floor(rand() * 3000),
      kernelStack: { limit: hex(STACK_BASE + i * STACK_STRIDE), base: hex(STACK_BASE + (i + 1) * STACK_STRIDE), current: hex(STACK_BASE + (i + 1) * STACK_STRIDE - 0x100) },
    });
  }
  // Dispatcher objects: one per five threads, every thread waits on one (idle workers, events, semaphores).
  const objectCount = Math.max(1, Math.round(threadCount / 5));
  const pool = Array.from({ length: objectCount }, (_, i) => newObject(i % 3 === 0 ? 'SynchronizationEvent' : i % 3 === 1 ? 'NotificationEvent' : 'Semaphore'));
  const t = (i: number) => threads[i] as Record<string, any>;
  for (let i = 0; i < threadCount; i++) t(i).waits = [{ object: pool[i % objectCount] }];

  let next = 0;
  const take = () => next++ % threadCount;
  // Mutant chains of depth 1-50 (LPC chains need LPC fields on every layout: kept as mutant hops so the
  // same system runs everywhere; the per-kind costs are covered by the seed scenarios).
  const chains = Math.max(1, Math.round(threadCount / 1000));
  for (let c = 0; c < chains; c++) {
    const depth = 1 + Math.floor(rand() * 50);
    let waiter = take();
    for (let d = 0; d < depth; d++) {
      const owner = take();
      t(waiter).waits = [{ object: newObject('Mutant', { owner: t(owner).address }) }];
      t(waiter).waitTime = tick - 50000 - Math.floor(rand() * 100000);
      waiter = owner;
    }
    t(waiter).state = 'Ready';
    delete t(waiter).waits;
  }
  // A few cycles.
  for (let c = 0; c < 3; c++) {
    const a = take();
    const b = take();
    t(a).waits = [{ object: newObject('Mutant', { owner: t(b).address }) }];
    t(b).waits = [{ object: newObject('Mutant', { owner: t(a).address }) }];
  }
  // Locked ERESOURCEs with 1-800 waiters (scaled: 500 at 100k threads).
  const resourceCount = Math.max(1, Math.round((threadCount * 500) / 100000));
  for (let r = 0; r < resourceCount; r++) {
    const owner = take();
    const waiters: string[] = [];
    const n = 1 + Math.floor(rand() * Math.min(800, Math.max(1, threadCount / resourceCount / 4)));
    for (let w = 0; w < n; w++) {
      const x = take();
      delete t(x).waits;
      t(x).waitReason = 'WrResource';
      t(x).waitMode = 'KernelMode';
      waiters.push(t(x).address);
    }
    resources.push({ address: hex(RESOURCE_BASE + r * 0x100), exclusiveOwner: t(owner).address, exclusiveWaiters: waiters, contentionCount: n });
  }
  // LPC: client/server pairs (legacy LPC on XP layouts, ALPC messages on Vista+).
  const lpcCount = Math.max(1, Math.round(threadCount / 200));
  for (let m = 0; m < lpcCount; m++) {
    const client = take();
    const server = take();
    delete t(client).waits;
    t(client).waitReason = 'WrLpcReply';
    const id = hex(0x00100000 + m);
    t(client).lpc = { replyMessageId: id };
    t(server).lpc = { ...(t(server).lpc || {}), receivedMessageId: id };
    lpcMessages.push({ id, client: t(client).address, server: t(server).address, serverProcess: t(server).process });
  }
  const scenario = {
    format: 'waitchain-scenario/1',
    id: `bench-${threadCount}`,
    title: `benchmark system: ${threadCount} threads`,
    system: { arch: 'x86', currentTick: tick, tickIncrement: 156250, dumpKind: 'kernel' },
    processes,
    threads,
    objects,
    resources,
    lpcMessages,
  };
  return { scenario, threads: threadCount };
}

/**
 * A driver ring of `entries` slots (wrapped), for !ringdump's benchmark: Information holds pool
 * addresses, or with `codeEvery` every n-th slot a code address inside benchdrv (BenchRead+slot).
 */
export function generateRing(entries: number, codeEvery = 0): Record<string, unknown> {
  const index = entries * 3 + 17; // wrapped three times and then some
  const information = (slot: number) => (codeEvery && slot % codeEvery === 0 ? 0x8f001000 + (slot % 0x100) : 0x89000000 + slot * 16);
  const history = Array.from({ length: entries }, (_, slot) => ({ Sequence: slot, Information: hex(information(slot)), State: slot % 3 }));
  return {
    format: 'waitchain-scenario/1',
    id: `bench-ring-${entries}`,
    system: { arch: 'x86', currentTick: 1000, dumpKind: 'kernel' },
    processes: [],
    threads: [],
    modules: [{ name: 'benchdrv', symbols: { BenchRead: '8f001000' } }],
    types: [
      { module: 'benchdrv', name: '_BENCH_STATE', kind: 'enum', size: 4, values: { Idle: 0, Queued: 1, Completed: 2 } },
      { module: 'benchdrv', name: '_BENCH_ENTRY', kind: 'struct', fields: [{ name: 'Sequence', type: 'ULONG' }, { name: 'Information', type: 'PVOID' }, { name: 'State', type: '_BENCH_STATE' }] },
    ],
    globals: [
      { module: 'benchdrv', name: 'g_RingIndex', type: 'LONG', value: index },
      { module: 'benchdrv', name: 'g_Ring', type: `_BENCH_ENTRY[${entries}]`, value: history },
    ],
  };
}
