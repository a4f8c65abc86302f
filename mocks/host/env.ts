// State shared by the host's parts: one Env per mock host.
import type { Snapshot } from '../format/snapshot';
import type { Counters } from './counters';
import type { Int64Factory } from './int64';
import type { MemoryImage } from './memory';
import type { ModuleTable } from './modules';
import type { Realm } from './realm';
import type { MType, TypeSystem } from './types';
import type { VariantSet } from './variants';

/** A native (typed) object handed to the script: the state behind its Proxy. */
export interface NativeState {
  type: MType;
  /** Where the object lives in target memory; undefined for pure values. */
  address?: bigint;
  /** Pointers: the pointer value; enums: the value. Read lazily from `address` when undefined. */
  value?: bigint;
  /** Address-space context: EPROCESS address of the process, undefined = kernel/current. */
  process: bigint | undefined;
}

/** What a data-model object stands for, to use it as a contextInheritor. */
export type ModelInfo =
  | { kind: 'session' }
  | { kind: 'process'; eprocess: bigint }
  | { kind: 'thread'; ethread: bigint; eprocess: bigint };

export interface FieldSkew { type: string; field: string; delta: number }

export interface ApiVersion { major: number; minor: number }

export interface Env {
  snapshot: Snapshot;
  realm: Realm;
  counters: Counters;
  i64: Int64Factory;
  mem: MemoryImage;
  types: TypeSystem;
  modules: ModuleTable;
  pointerSize: number;
  apiVersion: ApiVersion;
  /** Host variants switched on (variants.ts); empty = the documented behaviour. */
  variants: VariantSet;
  /** A deliberately wrong layout: member offsets the type objects report off by `delta` (typed objects keep the true ones). */
  fieldSkews: readonly FieldSkew[];
  /** Objects handed out, by kind (WeakMaps keep them invisible to the script). */
  natives: WeakMap<object, NativeState>;
  models: WeakMap<object, ModelInfo>;
  /** Location objects (targetLocation) and hostContext objects. */
  locations: WeakMap<object, { address: bigint; process: bigint | undefined }>;
  contexts: WeakMap<object, { process: bigint | undefined }>;
  /** EPROCESS of host.currentProcess. */
  currentProcess(): bigint | undefined;
  /** ETHREAD of host.currentThread. */
  currentThread(): bigint | undefined;
}

export const atLeast = (v: ApiVersion, major: number, minor: number): boolean =>
  v.major > major || (v.major === major && v.minor >= minor);

export const hex0x = (v: bigint): string => '0x' + v.toString(16);

/**
 * The process context for an API taking a contextInheritor (docs/jsprovider.md §host members): a data-model process or
 * thread, a native object (its own context), a hostContext or location object; else `fallback`.
 */
export function contextOf(env: Env, inheritor: unknown, fallback: () => bigint | undefined): bigint | undefined {
  if (inheritor === undefined || inheritor === null) return fallback();
  if (typeof inheritor === 'object' || typeof inheritor === 'function') {
    const native = env.natives.get(inheritor);
    if (native) return native.process ?? fallback();
    const model = env.models.get(inheritor);
    if (model) return model.kind === 'session' ? fallback() : model.eprocess;
    const ctx = env.contexts.get(inheritor) ?? env.locations.get(inheritor);
    if (ctx) return ctx.process ?? fallback();
  }
  throw new env.realm.TypeError('Invalid context inheritor: expected a native or data-model object');
}

export function makeLocation(env: Env, address: bigint, process: bigint | undefined): object {
  // A location object (§Projected names targetLocation): supports add/subtract of byte counts.
  const loc = {
    add(n: unknown) { return makeLocation(env, address + env.i64.toBigInt(n, 'add'), process); },
    subtract(n: unknown) { return makeLocation(env, address - env.i64.toBigInt(n, 'subtract'), process); },
    toString() { return hex0x(address); },
  };
  env.locations.set(loc, { address: BigInt.asUintN(64, address), process });
  return loc;
}

export function makeHostContext(env: Env, process: bigint | undefined): object {
  const ctx = { toString: () => '[object HostContext]' };
  env.contexts.set(ctx, { process });
  return ctx;
}
