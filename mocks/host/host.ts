// The mock of WinDbg's JsProvider `host` object (docs/jsprovider.md §host members), assembled from the parts in this folder.
//
// Phase rule (§Phases, DOC-OBJ "Host APIs"): the provider fills `host` in two phases. In phase 1
// (root code and initializeScript) `host` has ONLY Int64, parseInt64, diagnostics.debugLog,
// metadata and the record constructors; every target member (memory, currentSession/Process/
// Thread, namespace, getModule*, createTypedObject, createPointerObject, evaluateExpression, ...)
// is simply ABSENT (undefined), so using one fails the way JS fails on a missing member:
// `host.memory.readMemoryValues(...)` → TypeError "Cannot read properties of undefined (reading
// 'readMemoryValues')", `host.getModuleType(...)` → TypeError "host.getModuleType is not a
// function", `host.currentProcess` → undefined. Phase 2 adds them once initializeScript returns.
import type { Snapshot } from '../format/snapshot';
import { Counters } from './counters';
import { createDataModel, type DataModel } from './dataModel';
import { parseAliasArguments, type DxEvaluator } from './dxArgs';
import type { ApiVersion, Env, FieldSkew } from './env';
import { MockFileSystem } from './fileSystem';
import { createMemoryApi } from './hostMemory';
import { createInt64Factory, installNumberMethods, type Int64Factory } from './int64';
import { walkProcesses, walkThreads } from './kernelWalk';
import { hex, MemoryImage } from './memory';
import { ModuleTable } from './modules';
import { nodeRealm, type Realm } from './realm';
import { RECORD_CONSTRUCTORS, valueWithMetadata } from './records';
import { createSymbolsApi } from './symbolsApi';
import { makeCollection, makeModel } from './collections';
import { TypeSystem } from './types';
import { createCollections, createControl } from './utility';
import { NO_VARIANTS, printfNoArgs, type VariantSet } from './variants';

export interface MockHostOptions {
  /** Realm whose Error/Array/typed arrays the host hands out (the loader passes the vm's). */
  realm?: Realm;
  /** Version the script declared (apiVersionSupport); default 1.0, as for a script without one. */
  apiVersion?: ApiVersion;
  /** Start in phase 2 (for tests driving the host directly). Default: phase 1. */
  phase?: 1 | 2;
  /** Also give the realm's numbers the Int64 math methods (§API versions). Default: only when realm is given. */
  numberMethods?: boolean;
  /** Host variants (variants.ts); default none: the documented behaviour. */
  variants?: VariantSet;
  /** Report these members at a wrong offset in type objects only (a wrong layout for the target). */
  fieldSkews?: FieldSkew[];
}

export interface OutputBuffer {
  /** Everything debugLog wrote since the last clear. */
  text(): string;
  clear(): void;
}

export interface MockHost {
  /** The object the script sees as the global `host`. */
  host: Record<string, unknown>;
  env: Env;
  counters: Counters;
  output: OutputBuffer;
  fileSystem: MockFileSystem;
  int64: Int64Factory;
  readonly phase: 1 | 2;
  enterPhase2(): void;
  setApiVersion(major: number, minor: number): void;
  /** Data model (created on first use; phase-independent, for tests and the loader). */
  dataModel(): DataModel;
  /** Evaluator for alias arguments (§Function aliases) against this target. */
  dxEvaluator(): DxEvaluator;
  /** parseAliasArguments against this target. */
  parseArguments(text: string): unknown[];
}

export function createMockHost(snapshot: Snapshot, options: MockHostOptions = {}): MockHost {
  const realm = options.realm ?? nodeRealm;
  const counters = new Counters();
  const i64 = createInt64Factory(realm);
  if (options.numberMethods ?? options.realm !== undefined) installNumberMethods(realm.NumberPrototype, i64);
  const fileSystem = new MockFileSystem();
  let out = '';
  let phase: 1 | 2 = 1;
  let model: DataModel | undefined;

  const env: Env = {
    snapshot, realm, counters, i64,
    mem: new MemoryImage(snapshot),
    types: new TypeSystem(snapshot),
    modules: new ModuleTable(snapshot),
    pointerSize: snapshot.header.pointerSize,
    apiVersion: options.apiVersion ?? { major: 1, minor: 0 },
    variants: options.variants ?? NO_VARIANTS,
    fieldSkews: options.fieldSkews ?? [],
    natives: new WeakMap(), models: new WeakMap(), locations: new WeakMap(), contexts: new WeakMap(),
    currentProcess: () => {
      if (snapshot.current?.process) return hex(snapshot.current.process);
      try {
        return walkProcesses(env)[0]?.eprocess;
      } catch {
        return undefined;
      }
    },
    currentThread: () => {
      if (snapshot.current?.thread) return hex(snapshot.current.thread);
      const p = env.currentProcess();
      try {
        return p === undefined ? undefined : walkThreads(env, p)[0]?.ethread;
      } catch {
        return undefined;
      }
    },
  };
  const dataModel = () => (model ??= createDataModel(env));

  const unsupported = (name: string) => () => {
    counters.count(name);
    throw new realm.Error(`mock: host.${name} is not supported by the mock`);
  };

  // ---- phase 1 ----
  const host: Record<string, unknown> = {
    Int64: i64.ctor,
    parseInt64: (text: string, radix?: number) => i64.parseInt64(text, radix),
    diagnostics: {
      // §debugLog: String() of every argument, no separator, no newline added.
      // Under debuglog-printf each argument is a format string (variants.ts).
      debugLog: (...args: unknown[]) => {
        const printf = env.variants.has('debuglog-printf');
        out += args.map((a) => (printf ? printfNoArgs(String(a)) : String(a))).join('');
      },
      logUnhandledExceptions: false,
    },
    metadata: {
      defineMetadata: (_obj: unknown, _metadata: unknown) => undefined,
      valueWithMetadata,
    },
    ...RECORD_CONSTRUCTORS,
  };

  const currentProcessObject = () => {
    const p = env.currentProcess();
    return p === undefined ? undefined : dataModel().process(p);
  };
  const currentThreadObject = () => {
    const t = env.currentThread();
    return t === undefined ? undefined : dataModel().thread(t, snapshot.current?.thread ? undefined : env.currentProcess());
  };

  function enterPhase2(): void {
    if (phase === 2) return;
    phase = 2;
    const symbols = createSymbolsApi(env);
    const namedModels = new Map<string, unknown>();
    Object.assign(host, {
      memory: createMemoryApi(env),
      ...symbols,
      evaluateExpression: unsupported('evaluateExpression'),
      evaluateExpressionInContext: unsupported('evaluateExpressionInContext'),
      setModuleSymbol: unsupported('setModuleSymbol'),
      createInstance: unsupported('createInstance'),
      getNamedModel: (name: string) => {
        counters.count('getNamedModel');
        if (!namedModels.has(name)) namedModels.set(name, {});
        return namedModels.get(name);
      },
      registerNamedModel: (obj: unknown, name: string) => { counters.count('registerNamedModel'); namedModels.set(name, obj); },
      unregisterNamedModel: (name: string) => { counters.count('unregisterNamedModel'); namedModels.delete(name); },
      registerPrototypeForTypeSignature: () => { counters.count('registerPrototypeForTypeSignature'); },
      registerExtensionForTypeSignature: () => { counters.count('registerExtensionForTypeSignature'); },
      unregisterPrototypeForTypeSignature: () => { counters.count('unregisterPrototypeForTypeSignature'); },
      unregisterExtensionForTypeSignature: () => { counters.count('unregisterExtensionForTypeSignature'); },
      typeSystem: {
        pointerKind: { standard: 'standard', reference: 'reference', rValueReference: 'rValueReference', cxHat: 'cxHat' },
        arrayDimension: class arrayDimension {
          constructor(readonly lowerBound: number, readonly length: number, readonly stride: number) {}
        },
        marshalAs: unsupported('typeSystem.marshalAs'),
      },
    });
    Object.defineProperty(host.diagnostics, 'debugBreak', { value: unsupported('diagnostics.debugBreak'), enumerable: true });
    for (const [name, get] of Object.entries({
      currentSession: () => dataModel().session,
      currentProcess: currentProcessObject,
      currentThread: currentThreadObject,
      namespace: () => namespace,
    })) {
      Object.defineProperty(host, name, { get() { counters.count(name); return get(); }, enumerable: true, configurable: true });
    }
    const namespace = makeModel(env, {
      Debugger: () => makeModel(env, {
        Sessions: () => dataModel().sessions,
        State: () => makeModel(env, {
          DebuggerVariables: () => makeModel(env, {
            cursession: () => dataModel().session,
            curprocess: currentProcessObject,
            curthread: currentThreadObject,
          }),
          Scripts: () => makeCollection(env, 'Scripts', () => []),
        }),
        Utility: () => makeModel(env, {
          Control: () => createControl(env),
          FileSystem: () => fileSystem.api(realm, (n) => counters.count(n)),
          Collections: () => createCollections(env),
        }),
      }),
    });
  }

  function dxEvaluator(): DxEvaluator {
    return {
      integer: (v) => (v >= -0x80000000n && v < 0x80000000n ? Number(v) : i64.make(v)),
      symbol: (module, name) => {
        const sym = env.modules.symbol(module, name);
        if (!sym) return undefined;
        const t = sym.type ? env.types.resolve(module, sym.type) : null;
        if (!t) return i64.make(sym.address);
        // dx evaluates the global itself: debugger work before the script runs, not counted.
        return counters.uncounted(() => (createSymbolsApi(env).getModuleSymbol as (...a: unknown[]) => unknown)(module, name));
      },
      variable: (name) => ({
        curthread: currentThreadObject,
        curprocess: currentProcessObject,
        cursession: () => dataModel().session,
      } as Record<string, () => unknown>)[name]?.(),
      register: (name) => {
        const t = env.currentThread();
        const regs = t === undefined ? undefined : snapshot.threads.find((x) => hex(x.address) === t)?.registers;
        const v = regs?.[name.toLowerCase()];
        return v === undefined ? undefined : i64.make(hex(v));
      },
    };
  }

  if ((options.phase ?? 1) === 2) enterPhase2();

  return {
    host, env, counters, fileSystem, int64: i64,
    output: { text: () => out, clear: () => { out = ''; } },
    get phase() { return phase; },
    enterPhase2,
    setApiVersion(major: number, minor: number) { env.apiVersion = { major, minor }; },
    dataModel,
    dxEvaluator,
    parseArguments: (text: string) => parseAliasArguments(text, dxEvaluator()),
  };
}
