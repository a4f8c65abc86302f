// Data-model collections and objects (docs/jsprovider.md §Arrays and iteration, §Data model): iterable, optionally ordinal-indexable
// (`Sessions[0]`, `Frames[0]`), optionally keyed through getValueAt(...), with the LINQ methods
// scripts call from JS (First, Last, Count, Where, Select, Any, All, Take, Skip).
// Counters: dataModel.<Collection>.iterate per element, .index, .getValueAt; and
// dataModel.<Property> for each property read on a model object.
import type { Env, ModelInfo } from './env';

export interface CollectionOptions<T> {
  getValueAt?: (...keys: unknown[]) => T;
  /** `[i]` indexing (Sessions, Frames). Processes/Threads are not: [UNCONFIRMED] in JS, §Data model. */
  indexable?: boolean;
}

export function makeCollection<T>(env: Env, name: string | undefined, source: () => Iterable<T>,
  opts: CollectionOptions<T> = {}): object {
  const count = (what: string) => { if (name) env.counters.count(`dataModel.${name}.${what}`); };
  const iterate = function* (): Generator<T> {
    for (const x of source()) {
      count('iterate');
      yield x;
    }
  };
  const derived = (gen: () => Iterable<T> | Iterable<unknown>) => makeCollection(env, undefined, gen as () => Iterable<T>);
  const fn = (f: unknown, what: string) => {
    if (typeof f !== 'function') throw new env.realm.TypeError(`${what}: expected a function`);
    return f as (x: T) => unknown;
  };
  const coll: Record<string | symbol, unknown> = {
    [Symbol.iterator]: iterate,
    First(pred?: unknown) {
      for (const x of iterate()) if (pred === undefined || fn(pred, 'First')(x)) return x;
      throw new env.realm.Error('First: the collection has no matching element');
    },
    Last(pred?: unknown) {
      let last: T | undefined;
      let found = false;
      for (const x of iterate()) if (pred === undefined || fn(pred, 'Last')(x)) { last = x; found = true; }
      if (!found) throw new env.realm.Error('Last: the collection has no matching element');
      return last;
    },
    Count() { let n = 0; for (const _ of iterate()) n++; return n; },
    Any(pred?: unknown) { for (const x of iterate()) if (pred === undefined || fn(pred, 'Any')(x)) return true; return false; },
    All(pred: unknown) { const p = fn(pred, 'All'); for (const x of iterate()) if (!p(x)) return false; return true; },
    Where(pred: unknown) { const p = fn(pred, 'Where'); return derived(function* () { for (const x of iterate()) if (p(x)) yield x; }); },
    Select(map: unknown) { const m = fn(map, 'Select'); return derived(function* () { for (const x of iterate()) yield m(x); }); },
    Take(n: number) { return derived(function* () { let i = 0; for (const x of iterate()) { if (i++ >= n) return; yield x; } }); },
    Skip(n: number) { return derived(function* () { let i = 0; for (const x of iterate()) if (i++ >= n) yield x; }); },
  };
  if (opts.getValueAt) {
    const get = opts.getValueAt;
    coll.getValueAt = (...keys: unknown[]) => { count('getValueAt'); return get(...keys); };
  }
  for (const k of Object.keys(coll)) Object.defineProperty(coll, k, { enumerable: false });
  if (!opts.indexable) return coll;
  return new Proxy(coll, {
    get(t, key, receiver) {
      if (typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key)) {
        count('index');
        let i = 0;
        for (const x of source()) if (i++ === Number(key)) return x;
        throw new env.realm.RangeError(`Index ${key} is out of bounds`);
      }
      return Reflect.get(t, key, receiver);
    },
  });
}

/**
 * A data-model object: one counted getter per property (dataModel.<name>), plus plain methods.
 * `info` registers the object as a contextInheritor.
 */
export function makeModel(env: Env, props: Record<string, () => unknown>,
  methods: Record<string, (...a: any[]) => unknown> = {}, info?: ModelInfo): object {
  const obj = {};
  for (const [name, get] of Object.entries(props)) {
    Object.defineProperty(obj, name, {
      get() { env.counters.count(`dataModel.${name}`); return get(); },
      enumerable: true,
    });
  }
  for (const [name, m] of Object.entries(methods)) {
    Object.defineProperty(obj, name, { value: m, enumerable: false, writable: true, configurable: true });
  }
  if (info) env.models.set(obj, info);
  return obj;
}
