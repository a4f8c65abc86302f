// buildSnapshot: lays a scenario out in synthetic memory for one layout (docs/scenario-extensions.md).
import { SNAPSHOT_FORMAT, type MemoryRange, type Snapshot } from '../format/snapshot';
import type { TypeDef } from '../format/typedef';
import { layoutNamed } from '../layouts/index';
import { layoutApcs } from './apcs';
import { Ctx } from './context';
import { applyCorruption } from './corruption';
import { layoutCriticalSections, planCriticalSections } from './critsecs';
import { layoutDevnodes } from './devnodes';
import { driverTypeDefs, globalSize, layoutDriverGlobals } from './driverTypes';
import { allocateLayoutGlobals } from './globals';
import { alignUp, fmt } from './hex';
import { layoutIrps } from './irps';
import { planLpc } from './lpc';
import { planFastMutexes } from './mutexes';
import { createStandardObjectTypes, layoutObjects } from './objects';
import { claimScenarioStructures, collectPoints, collectSymbols, planProcessesAndThreads } from './plan';
import { layoutProcesses } from './processes';
import { currentOfProcessor0, layoutProcessors, planProcessors, processorCount } from './processors';
import { planPushLocks } from './pushlocks';
import { relocationHeader } from './relocate';
import { planAddressWaits, planSrwLocks } from './srwlocks';
import { layoutResources, planResources } from './resources';
import type { Scenario } from './scenario';
import { layoutSpinLocks } from './spinlocks';
import { allocateStacks, layoutFrames } from './stacks';
import { layoutThreads } from './threads';
import { layoutTime } from './time';
import { layoutWaits } from './waits';

export interface BuildResult { snapshot: Snapshot; ctx: Ctx }

/** `waitVariant`: a name from mocks/builder/waitVariants.ts (default: probed from the layout). */
export interface BuildOptions { waitVariant?: string }

export function buildWithContext(s: Scenario, layoutName: string, options: BuildOptions = {}): BuildResult {
  const layout = layoutNamed(layoutName);
  const ctx = new Ctx(s, layout, options.waitVariant);
  const driverTypes = driverTypeDefs(ctx);
  collectPoints(ctx);
  planProcessesAndThreads(ctx);
  claimScenarioStructures(ctx);
  collectSymbols(ctx);
  // data sections big enough for the globals
  for (const g of layout.globals) {
    const m = ctx.modules.declare(g.module, undefined, 0);
    m.dataReserve += alignUp(BigInt(ctx.types.sizeOf(g.type)), 16n);
    // A global with a real RVA (the build's symbol table) lies inside the image at base + RVA: the image spans it.
    if (g.rva !== undefined) {
      const end = BigInt(g.rva + ctx.types.sizeOf(g.type));
      if (end > m.maxDirect) m.maxDirect = end;
    }
  }
  for (const g of s.globals ?? []) ctx.modules.declare(g.module, undefined, 0).dataReserve += alignUp(BigInt(globalSize(ctx, g.module, g.type)), 16n);
  ctx.placeModules();
  allocateLayoutGlobals(ctx);
  createStandardObjectTypes(ctx);
  planProcessors(ctx);
  planResources(ctx);
  planFastMutexes(ctx);
  planCriticalSections(ctx);
  planSrwLocks(ctx);
  planAddressWaits(ctx);
  planPushLocks(ctx);
  allocateStacks(ctx);
  layoutProcesses(ctx);
  layoutThreads(ctx);
  layoutObjects(ctx);
  planLpc(ctx);
  layoutIrps(ctx);
  layoutApcs(ctx);
  layoutSpinLocks(ctx);
  const threads = layoutFrames(ctx);
  layoutResources(ctx);
  layoutCriticalSections(ctx);
  layoutWaits(ctx);
  layoutProcessors(ctx);
  layoutTime(ctx, processorCount(ctx));
  layoutDevnodes(ctx);
  layoutDriverGlobals(ctx);
  applyCorruption(ctx);
  return { snapshot: emit(ctx, s, driverTypes, threads), ctx };
}

export function buildSnapshot(s: Scenario, layoutName: string, options: BuildOptions = {}): Snapshot {
  return buildWithContext(s, layoutName, options).snapshot;
}

function emit(ctx: Ctx, s: Scenario, driverTypes: Record<string, TypeDef[]>, threads: Snapshot['threads']): Snapshot {
  const layout = ctx.layout;
  const memory: MemoryRange[] = [];
  for (const r of ctx.kernel.ranges()) memory.push({ address: fmt(r.address), bytes: r.bytes });
  for (const [p, sp] of ctx.users) for (const r of sp.ranges()) memory.push({ address: fmt(r.address), bytes: r.bytes, process: fmt(p) });
  const types: Record<string, TypeDef[]> = {};
  for (const [m, defs] of Object.entries(layout.types)) types[m] = [...defs];
  for (const [m, defs] of Object.entries(driverTypes)) types[m] = [...(types[m] ?? []), ...defs];
  const cur = currentOfProcessor0(ctx);
  const curThread = cur !== undefined ? ctx.threads.get(cur) : undefined;
  const snap: Snapshot = {
    format: SNAPSHOT_FORMAT,
    header: {
      arch: layout.arch,
      pointerSize: layout.pointerSize,
      layout: layout.name,
      osVersion: layout.osVersion,
      buildNumber: layout.buildNumber,
      dumpKind: s.system.dumpKind ?? 'complete',
      source: s.id,
    },
    modules: ctx.modules.snapshotModules(),
    types,
    memory,
    unreadable: ctx.unreadable.map((u) => ({ address: fmt(u.address), size: Number(u.size), ...(u.process !== undefined ? { process: fmt(u.process) } : {}) })),
    threads,
    current: curThread ? { process: fmt(curThread.proc), thread: fmt(curThread.addr), processor: 0 } : { processor: 0 },
    notes: [...ctx.notes],
  };
  if (ctx.relocated) snap.header.relocation = relocationHeader();
  return snap;
}

/** JSON form of a snapshot: memory bytes become hex. */
export function snapshotToJson(s: Snapshot): object {
  return {
    ...s,
    memory: s.memory.map((m) => {
      const { bytes, ...rest } = m;
      return bytes ? { ...rest, hex: Buffer.from(bytes).toString('hex') } : m;
    }),
  };
}
