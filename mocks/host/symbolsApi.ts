// host.getModuleType / getModuleSymbol / getModuleSymbolAddress / getModuleContainingSymbolInformation /
// createTypedObject / createPointerObject (docs/jsprovider.md §host members, §Property lookup).
// - Not found: null from API 1.1 on; before 1.1 (no apiVersionSupport record) getModuleType and
//   getModuleSymbol throw Error("Unable to find type|symbol '<mod>!<name>'") (§API versions; message ours).
//   getModuleSymbolAddress returns null whatever the version (only the two above are documented
//   as changing).
// - getModuleSymbol of a global whose type is unknown (public symbols only, no typeName) throws
//   Error("Unable to determine the type of '<mod>!<name>': pass a type name") (message ours, §host members).
//   Scalar globals arrive as values (number/Int64), struct globals as native objects.
// - getModuleContainingSymbolInformation(location) → { name, address, type, value, module } or null:
//   `name` is the bare symbol name (no "mod!"); there is no `module` member (JsProvider.d.ts lists
//   name, address, type, value only); `type` a type object for data symbols, else null (always
//   null under the host variant `no-symbol-info-type`);
//   `value` undefined. The symbol is the nearest one at or before the address, within its size
//   when the size is known (as `ln` picks it).
// - getModuleContainingSymbol needs private symbols (§host members): the mock throws "not supported".
import type { Env } from './env';
import { atLeast, contextOf } from './env';
import { resolveLocation } from './hostMemory';
import { makeTypeObject, mtypeOf } from './typeObjects';
import { makeNative, valueAt } from './typedObjects';
import type { MType } from './types';

export function createSymbolsApi(env: Env) {
  const R = env.realm;
  const notFound = (what: string, module: string, name: string) => {
    if (atLeast(env.apiVersion, 1, 1)) return null;
    throw new R.Error(`Unable to find ${what} '${module}!${name}'`);
  };
  const str = (x: unknown, what: string): string => {
    if (typeof x !== 'string') throw new R.TypeError(`${what} must be a string`);
    return x;
  };

  /** (module, typeName | typeObject) or (typeObject): returns the type and how many args it used. */
  const typeArgs = (a: unknown, b: unknown, method: string): { type: MType; used: number } => {
    const direct = mtypeOf(a);
    if (direct) return { type: direct, used: 1 };
    const module = str(a, `${method}: module name`);
    const t = mtypeOf(b) ?? env.types.resolve(module, str(b, `${method}: type name`));
    if (!t) throw new R.Error(`${method}: unable to find type '${module}!${String(b)}'`);
    return { type: t, used: 2 };
  };

  return {
    getModuleType(module: unknown, typeName: unknown, _ctx?: unknown) {
      env.counters.count('getModuleType');
      const m = str(module, 'getModuleType: module name');
      const n = str(typeName, 'getModuleType: type name');
      const t = env.types.resolve(m, n);
      return t ? makeTypeObject(env, t) : notFound('type', m, n);
    },

    getModuleSymbol(module: unknown, symbolName: unknown, typeName?: unknown, ctx?: unknown) {
      env.counters.count('getModuleSymbol');
      const m = str(module, 'getModuleSymbol: module name');
      const n = str(symbolName, 'getModuleSymbol: symbol name');
      // getModuleSymbol(module, name, contextInheritor): the third argument may be the context.
      if (typeName !== undefined && typeof typeName !== 'string') { ctx = typeName; typeName = undefined; }
      const sym = env.modules.symbol(m, n);
      if (!sym) return notFound('symbol', m, n);
      const ref = (typeName as string | undefined) ?? sym.type;
      const t = ref !== undefined ? env.types.resolve(m, ref) : null;
      if (!t) throw new R.Error(`Unable to determine the type of '${m}!${n}': pass a type name`);
      const process = contextOf(env, ctx, () => env.currentProcess());
      return valueAt(env, t, sym.address, process);
    },

    getModuleSymbolAddress(module: unknown, symbolName: unknown, _typeName?: unknown, _ctx?: unknown) {
      env.counters.count('getModuleSymbolAddress');
      const sym = env.modules.symbol(str(module, 'module name'), str(symbolName, 'symbol name'));
      return sym ? env.i64.make(sym.address) : null;
    },

    getModuleContainingSymbolInformation(location: unknown, _ctx?: unknown) {
      env.counters.count('getModuleContainingSymbolInformation');
      const { address } = resolveLocation(env, location, 'getModuleContainingSymbolInformation');
      const hit = env.modules.nearest(address);
      if (!hit) return null;
      const { symbol } = hit;
      const t = symbol.type && !env.variants.has('no-symbol-info-type') ? env.types.resolve(symbol.module.name, symbol.type) : null;
      return {
        name: symbol.name,
        address: env.i64.make(symbol.address),
        type: t ? makeTypeObject(env, t) : null,
        value: undefined,
      };
    },

    getModuleContainingSymbol(_location: unknown, _ctx?: unknown): never {
      env.counters.count('getModuleContainingSymbol');
      throw new R.Error('mock: getModuleContainingSymbol needs private symbols and is not supported by the mock');
    },

    createTypedObject(location: unknown, a: unknown, b?: unknown, c?: unknown) {
      env.counters.count('createTypedObject');
      const { type, used } = typeArgs(a, b, 'createTypedObject');
      const ctx = used === 1 ? b : c;
      const loc = resolveLocation(env, location, 'createTypedObject');
      const process = contextOf(env, ctx, () => (loc.fromObject && loc.process !== undefined ? loc.process : env.currentProcess()));
      return makeNative(env, { type, address: loc.address, process });
    },

    createPointerObject(address: unknown, a: unknown, b?: unknown, c?: unknown) {
      env.counters.count('createPointerObject');
      const { type, used } = typeArgs(a, b, 'createPointerObject');
      if (type.kind !== 'pointer') throw new R.Error(`createPointerObject: '${type.name}' is not a pointer type`);
      const ctx = used === 1 ? b : c;
      const loc = resolveLocation(env, address, 'createPointerObject');
      const process = contextOf(env, ctx, () => (loc.fromObject && loc.process !== undefined ? loc.process : env.currentProcess()));
      return makeNative(env, { type, value: loc.address, process });
    },
  };
}
