// Caching, one mechanism for the whole run:
// - RunCache: values built once per run (per KernelContext), looked up by a typed key, so a value
//   comes back with the type its key was made with and no call site casts;
// - getOrBuild / getOrRead: a per-object Map filled on first use (an index by address, a reader's
//   decoded objects), the one spelling of "look up, else build and remember".

/** A typed name for one value of a RunCache; make it once, at module level, and use the same object. */
export interface CacheKey<T> {
  readonly name: string;
  /** Phantom: ties the key to its value type (never set). */
  readonly valueType?: (value: T) => T;
}

export function cacheKey<T>(name: string): CacheKey<T> {
  return { name };
}

/** Values built at most once per run, each under its own key (keys compare by identity, not by name). */
export class RunCache {
  /** Keyed by the key object: each key's value has that key's type (`get` is the one place that says so). */
  private readonly values = new Map<object, unknown>();

  get<T>(key: CacheKey<T>, build: () => T): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = build();
    this.values.set(key, value);
    return value;
  }

  has<T>(key: CacheKey<T>): boolean {
    return this.values.has(key);
  }
}

/** Adds `item` to the list under `key` (grouping: the list is made on the first item). */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, item: V): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** The value under `key`, built and remembered on first use (`build` must not return undefined). */
export function getOrBuild<K, V>(map: Map<K, V>, key: K, build: (key: K) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = build(key);
    map.set(key, value);
  }
  return value;
}

/** Like getOrBuild for a lookup that may find nothing: the absence is remembered too (as null), so it is read once. */
export function getOrRead<K, V>(map: Map<K, V | null>, key: K, read: (key: K) => V | undefined): V | undefined {
  let value = map.get(key);
  if (value === undefined) {
    const found = read(key);
    value = found === undefined ? null : found;
    map.set(key, value);
  }
  return value === null ? undefined : value;
}
