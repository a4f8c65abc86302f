// Runs a classic script (dist/waitchain.js) the way WinDbg's JsProvider does (docs/jsprovider.md §Phases–§Registrations, §Function aliases):
//   .scriptload: a FRESH node:vm context whose only non-standard global is `host` (no console,
//   require, process, timers — §Host limits), root code in phase 1, initializeScript() in
//   phase 1, its records applied (apiVersionSupport, functionAlias, ...), then phase 2.
//   run('!name args' | 'dx @$name(args)'): parse the dx arguments (§Function aliases), clear the output,
//   call the alias, return what debugLog printed, the value, and the error as WinDbg prints it.
//   invokeScript(): what .scriptrun adds (only .scriptrun calls it, §Script commands table).
//   unload(): .scriptunload → uninitializeScript(), aliases gone.
// Decisions:
//   - Error text: "Error: <message> [at <scriptName> (line L col C)]" with L/C from the innermost
//     frame of the script in the V8 stack (1-based, as V8 counts), without the suffix when the
//     stack names no script line. (WinDbg prints `!alias` errors as "Error: Error: ..." in one
//     report, §Errors; the brief's single prefix is used.) Non-Error throws print String(value).
//   - Unknown alias: `!name` → "No export name found" (dbgeng's text for an unknown bang command);
//     `dx @$name(...)` → "Error: Couldn't resolve error at '@$name'" (dx's unknown-name text).
//   - An argument error (dx syntax) → "Error: <DxError message>"; the function is not called.
//   - A load failure (syntax error, root code or initializeScript throwing, a bad record) throws
//     ScriptLoadError "Error: Unable to execute JavaScript script '<name>.js': <detail>"
//     (the .scriptload page's wording, §Script commands).
//   - Without an apiVersionSupport record the script gets API 1.0 (DTS-MS), which changes
//     getModuleType/getModuleSymbol "not found" from null to a throw (§API versions).
import vm from 'node:vm';
import type { Snapshot } from './format/snapshot';
import { createMockHost, type MockHost } from './host/host';
import { DxError, parseAliasCommand } from './host/dxArgs';
import type { Counters } from './host/counters';
import type { MockFileSystem } from './host/fileSystem';
import type { ApiVersion } from './host/env';
import { REALM_PROBE_SOURCE, type Realm } from './host/realm';
import * as records from './host/records';
import type { VariantSet } from './host/variants';
import type { FieldSkew } from './host/env';

export interface LoadOptions {
  /** Script name as WinDbg derives it from the file name (Debugger.State.Scripts.<Name>). Default 'waitchain'. */
  scriptName?: string;
  /** Host round trips one command may make before every further call throws (hang detection). */
  stepLimit?: number;
  /** Wall-clock bound of one command, enforced by node:vm (catches loops that make no host calls). */
  timeoutMs?: number;
  /** Host variants switched on (mocks/host/variants.ts); default: the documented behaviour. */
  hostVariants?: VariantSet;
  /** Members the type objects report at a wrong offset (a layout that does not fit the target). */
  fieldSkews?: FieldSkew[];
}

export interface RunResult {
  /** Everything debugLog printed during the call. */
  output: string;
  /** The function's return value (undefined on error). */
  value: unknown;
  /** The error line WinDbg would print, when the call (or the argument parsing) failed. */
  error?: string;
  /** The raw thrown value, for tests. */
  thrown?: unknown;
  /** The command went past the step limit or the time bound: a hang. */
  hang?: 'steps' | 'timeout';
}

export interface Registrations {
  /** From the apiVersionSupport record; undefined = 1.0. */
  apiVersion?: ApiVersion;
  /** Every record returned by initializeScript (optionalRecord wrappers unwrapped). */
  records: unknown[];
  /** Records of kinds other than apiVersionSupport/functionAlias (named models, type signatures...). */
  others: unknown[];
}

export interface LoadedScript {
  host: Record<string, unknown>;
  mock: MockHost;
  counters: Counters;
  registrations: Registrations;
  /** Alias name → function, from functionAlias records. */
  aliases: Map<string, Function>;
  context: vm.Context;
  fileSystem: MockFileSystem;
  run(commandLine: string): RunResult;
  /** The output buffer (debugLog since the last run cleared it, or since load). */
  output(): string;
  invokeScript(): RunResult;
  unload(): RunResult;
}

export class ScriptLoadError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'ScriptLoadError';
  }
}

export function loadScript(code: string, snapshot: Snapshot, options: LoadOptions = {}): LoadedScript {
  const scriptName = options.scriptName ?? 'waitchain';
  const filename = `${scriptName}.js`;
  const context = vm.createContext({}, { name: filename });
  // V8 installs its own `console` in every context; WinDbg's engine has none (§Printing, §Host limits): remove it.
  vm.runInContext('delete globalThis.console;', context);
  const realm = vm.runInContext(REALM_PROBE_SOURCE, context) as Realm;
  // Deeper stacks so the script frame is found under the host's own frames.
  (realm.Error as unknown as { stackTraceLimit: number }).stackTraceLimit = 64;
  const mock = createMockHost(snapshot, { realm, numberMethods: true, variants: options.hostVariants, fieldSkews: options.fieldSkews });
  Object.defineProperty(context, 'host', { value: mock.host, enumerable: true, writable: false, configurable: false });

  const loadFailure = (detail: string, cause?: unknown): never => {
    throw new ScriptLoadError(`Error: Unable to execute JavaScript script '${filename}': ${detail}`, cause);
  };
  const global = (name: string): unknown =>
    vm.runInContext(`typeof ${name} === 'function' ? ${name} : undefined`, context);

  // Root code, phase 1.
  let script: vm.Script;
  try {
    script = new vm.Script(code, { filename });
  } catch (e) {
    return loadFailure(messageOf(e), e);
  }
  try {
    script.runInContext(context);
  } catch (e) {
    return loadFailure(formatError(e, filename, scriptName), e);
  }

  // initializeScript, phase 1, and its records.
  const registrations: Registrations = { records: [], others: [] };
  const aliases = new Map<string, Function>();
  const init = global('initializeScript') as (() => unknown) | undefined;
  if (init) {
    let result: unknown;
    try {
      result = init();
    } catch (e) {
      return loadFailure(formatError(e, filename, scriptName), e);
    }
    if (result !== undefined && result !== null) {
      if (!Array.isArray(result)) loadFailure('initializeScript must return an array of registration records');
      for (const raw of result as unknown[]) {
        const optional = raw instanceof records.optionalRecord;
        const record = optional ? (raw as records.optionalRecord).record : raw;
        if (record instanceof records.apiVersionSupport) registrations.apiVersion = { major: record.major, minor: record.minor };
        else if (record instanceof records.functionAlias) aliases.set(record.name, record.func);
        else if (isRecord(record)) registrations.others.push(record);
        else if (!optional) loadFailure(`initializeScript returned an object that is not a registration record`);
        else continue; // a failed optional registration does not fail the load (§Registrations)
        registrations.records.push(record);
      }
    }
  }
  const v = registrations.apiVersion ?? { major: 1, minor: 0 };
  mock.setApiVersion(v.major, v.minor);
  mock.enterPhase2();

  let unloaded = false;

  if (options.stepLimit !== undefined) mock.counters.stepLimit = options.stepLimit;

  /** Calls into the script inside the vm, so a time bound can interrupt it. */
  const invoke = (fn: Function, args: unknown[]): unknown => {
    if (options.timeoutMs === undefined) return fn(...args);
    const g = context as Record<string, unknown>;
    g.__mockInvoke = () => fn(...args);
    try {
      return vm.runInContext('__mockInvoke()', context, { timeout: options.timeoutMs });
    } finally {
      delete g.__mockInvoke;
    }
  };

  const call = (fn: Function, args: unknown[]): RunResult => {
    mock.output.clear();
    mock.counters.limitHit = false;
    try {
      const value = invoke(fn, args);
      const r: RunResult = { output: mock.output.text(), value };
      if (mock.counters.limitHit) r.hang = 'steps';
      return r;
    } catch (e) {
      const r: RunResult = { output: mock.output.text(), value: undefined, error: formatError(e, filename, scriptName), thrown: e };
      if (mock.counters.limitHit) r.hang = 'steps';
      else if (e && typeof e === 'object' && (e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') r.hang = 'timeout';
      return r;
    }
  };

  function run(commandLine: string): RunResult {
    const inv = parseAliasCommand(commandLine);
    if (!inv) {
      return { output: '', value: undefined, error: `mock: '${commandLine}' is not an alias invocation (!name args or dx @$name(args))` };
    }
    const fn = unloaded ? undefined : aliases.get(inv.name);
    if (!fn) {
      const error = inv.form === 'bang' ? `No export ${inv.name} found` : `Error: Couldn't resolve error at '@$${inv.name}'`;
      return { output: '', value: undefined, error };
    }
    let args: unknown[];
    try {
      args = mock.parseArguments(inv.argText);
    } catch (e) {
      if (e instanceof DxError) return { output: '', value: undefined, error: `Error: ${e.message}`, thrown: e };
      // Errors from evaluating an argument (e.g. a symbol's memory is unreadable).
      return { output: '', value: undefined, error: `Error: ${messageOf(e)}`, thrown: e };
    }
    return call(fn, args);
  }

  return {
    host: mock.host,
    mock,
    counters: mock.counters,
    registrations,
    aliases,
    context,
    fileSystem: mock.fileSystem,
    run,
    output: () => mock.output.text(),
    invokeScript() {
      const fn = global('invokeScript') as Function | undefined;
      if (!fn) return { output: '', value: undefined, error: `mock: ${filename} has no invokeScript function` };
      return call(fn, []);
    },
    unload() {
      unloaded = true;
      aliases.clear();
      const fn = global('uninitializeScript') as Function | undefined;
      return fn ? call(fn, []) : { output: '', value: undefined };
    },
  };
}

function isRecord(x: unknown): boolean {
  return Object.values(records).some((C) => typeof C === 'function' && x instanceof (C as new (...a: never[]) => unknown));
}

function messageOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    return (e as { message: string }).message;
  }
  return String(e);
}

/** "Error: <message> [at <script> (line L col C)]" (§Errors), the location from the V8 stack. */
export function formatError(e: unknown, filename: string, scriptName: string): string {
  const stack = typeof e === 'object' && e !== null ? (e as { stack?: unknown }).stack : undefined;
  const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = typeof stack === 'string' ? new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack) : null;
  const suffix = m ? ` [at ${scriptName} (line ${m[1]} col ${m[2]})]` : '';
  return `Error: ${messageOf(e)}${suffix}`;
}
