// The JavaScript realm the script runs in. Values the host hands to the script (errors, typed
// arrays, arrays) are built with that realm's constructors, so `e instanceof Error` and
// `a instanceof Uint8Array` behave inside a node:vm context as they do in WinDbg, where the host
// creates them in the script's own engine.

export interface Realm {
  Error: ErrorConstructor;
  TypeError: TypeErrorConstructor;
  RangeError: RangeErrorConstructor;
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  Uint8Array: Uint8ArrayConstructor;
  Uint16Array: Uint16ArrayConstructor;
  Uint32Array: Uint32ArrayConstructor;
  Int8Array: Int8ArrayConstructor;
  Int16Array: Int16ArrayConstructor;
  Int32Array: Int32ArrayConstructor;
  /** Number.prototype of the realm: the loader adds the Int64 math methods there (docs/jsprovider.md §API versions, §Int64). */
  NumberPrototype: object;
}

/** The Node realm itself: used when the host is driven directly from a test. */
export const nodeRealm: Realm = {
  Error, TypeError, RangeError, Array, Object,
  Uint8Array, Uint16Array, Uint32Array, Int8Array, Int16Array, Int32Array,
  NumberPrototype: Number.prototype,
};

/** Source evaluated inside a vm context to collect its constructors (see loader.ts). */
export const REALM_PROBE_SOURCE = `({ Error, TypeError, RangeError, Array, Object,
  Uint8Array, Uint16Array, Uint32Array, Int8Array, Int16Array, Int32Array,
  NumberPrototype: Number.prototype })`;
