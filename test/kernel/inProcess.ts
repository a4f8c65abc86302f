// The kernel readers in-process over a scenario: the scenario builder lays it out under a layout, the mock
// debugger (mocks/host) answers as WinDbg would, and src/host/hostTarget.ts reads it as in the bundle.
// For tests that need a reader's result itself (the IRPs of a thread), not a command's text.
import { createMockHost } from '../../mocks/host';
import { buildSnapshot, relocationFor, validateScenario } from '../../mocks/builder/index';
import type { Scenario } from '../../mocks/builder/scenario';
import type { Snapshot } from '../../mocks/format/snapshot';
import { KernelContext } from '../../src/kernel/context';
import { HostTarget } from '../../src/host/hostTarget';
import { readProcesses, type ProcessTable } from '../../src/kernel/processes';
import { warningLines } from '../../src/render/vocabulary';
import { h, Reader } from '../builder/reader';

export type InlineScenario = Partial<Scenario> & Pick<Scenario, 'threads' | 'processes'>;

/** A scenario given inline, laid out under `layout`, and how its addresses map to the layout's. */
export function layOut(scenario: InlineScenario, layout: string): { snapshot: Snapshot; reader: Reader; at: (a: string) => bigint; back: (a: string) => string } {
  const s = validateScenario({ format: 'waitchain-scenario/1', id: 'inline', system: { arch: 'x86', currentTick: 1000 }, ...scenario } as Scenario);
  const snapshot = buildSnapshot(s, layout);
  const relocation = relocationFor(s, layout);
  return {
    snapshot,
    reader: new Reader(snapshot),
    at: (a) => h(relocation?.toTarget(a) ?? a),
    back: (a) => (relocation ? relocation.toScenario(a) ?? a : a),
  };
}

/** Overwrites a pointer in the laid-out memory: damage a scenario's `corruption` cannot name (a pool-allocated APC's link). */
export function smash(reader: Reader, address: bigint, value: bigint): void {
  const bytes = reader.bytes(address, reader.ptr)!;
  for (let i = 0; i < reader.ptr; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
}

/** The list entries from a LIST_ENTRY head, following Flink (the intact list, before any smash). */
export function entries(reader: Reader, head: bigint): bigint[] {
  const out: bigint[] = [];
  for (let e = reader.p(head); e !== head && out.length < 100; e = reader.p(e)) out.push(e);
  return out;
}

export interface InProcess {
  k: KernelContext;
  table: ProcessTable;
  /** The summary lines the commands would print. */
  warnings(): string[];
}

/** Reads a laid-out snapshot in-process, as the bundle would: processes and threads first. */
export function readSnapshot(snapshot: Snapshot): InProcess {
  const mock = createMockHost(snapshot, { phase: 2, apiVersion: { major: 1, minor: 9 } });
  (globalThis as { host?: unknown }).host = mock.host;
  const k = new KernelContext(new HostTarget());
  const table = readProcesses(k);
  return { k, table, warnings: () => warningLines(k.warnings.summary()) };
}
