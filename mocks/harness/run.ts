// Runs a command of the real bundle (dist/waitchain.js) on the mock debugger, for one scenario
// under one layout or for a snapshot: the harness CLI, the tests and the benchmark all go through here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSnapshot, loadScenario, relocationFor, scenarioLayouts, type Relocation, type Scenario } from '../builder';
import type { Snapshot } from '../format/snapshot';
import { loadScript } from '../loader';
import { COMMAND_OF, checkStaleCheck, checkWaitChain, expectKinds, type ExpectKind } from './expect';
import { relocateExpect } from '../builder';
import { checkRingOn } from './ringExpect';
import { buildScenarioInput, resolveScenarioPath } from './inputs';
import type { VariantSet } from '../host/variants';

export const BUNDLE_PATH = fileURLToPath(new URL('../../dist/waitchain.js', import.meta.url));

let bundle: string | undefined;
export function bundleCode(): string {
  if (bundle === undefined) bundle = readFileSync(BUNDLE_PATH, 'utf8');
  return bundle;
}

export interface CommandRun {
  layout: string;
  command: string;
  /** What the script printed, with relocated addresses mapped back to the scenario's. */
  output: string;
  /** The structured result (`__toJSON()` of the returned object), addresses mapped back. */
  json: unknown;
  /** The error WinDbg would print when the command threw (it never should). */
  error?: string;
  hostCalls: number;
  bytesRead: number;
  callsByApi: Record<string, number>;
}

export function runOnSnapshot(snapshot: Snapshot, command: string, relocation: Relocation | null = null, variants?: VariantSet): CommandRun {
  const script = loadScript(bundleCode(), snapshot, { hostVariants: variants });
  script.counters.reset();
  const r = script.run(command);
  const counts = script.counters.snapshot();
  const json = r.value && typeof (r.value as { __toJSON?: unknown }).__toJSON === 'function' ? (r.value as { __toJSON(): unknown }).__toJSON() : undefined;
  return {
    layout: snapshot.header.layout,
    command,
    output: relocation ? relocateText(r.output, relocation) : r.output,
    json: relocation ? relocateJson(json, relocation) : json,
    error: r.error,
    hostCalls: counts.total,
    bytesRead: counts.bytesRead,
    callsByApi: counts.byApi,
  };
}

/**
 * How a run departs from the defaults: `waitVariant` lays user-mode lock waits out as one of the open Windows
 * behaviours (mocks/builder/waitVariants.ts); `hostVariants` switches the mock debugger to open JsProvider
 * behaviours (mocks/host/variants.ts).
 */
export interface RunOptions { waitVariant?: string; hostVariants?: VariantSet }

/** A scenario given by id (mocks/scenarios, then test/scenarios), path, or already loaded. */
export type ScenarioRef = string | Scenario;

function scenarioOf(ref: ScenarioRef): Scenario {
  return typeof ref === 'string' ? loadScenario(resolveScenarioPath(ref)) : ref;
}

export function runOnScenario(scenarioRef: ScenarioRef, layout: string, command: string, options: RunOptions = {}): CommandRun {
  const scenario = scenarioOf(scenarioRef);
  const snapshot = buildScenarioInput(scenario, layout, { waitVariant: options.waitVariant });
  const relocation = displayRelocation(scenario, layout);
  return runOnSnapshot(snapshot, relocation ? relocateCommand(command, relocation) : command, relocation, options.hostVariants);
}

/**
 * True when the command reported an error rather than a result: the debugger failed the call (a dx
 * argument error, an exception), or the command printed its one error line `<command>: <message>`
 * (src/commands/run.ts) as its first line. The harness exits 1 on it.
 */
export function commandFailed(run: Pick<CommandRun, 'error' | 'output'>): boolean {
  if (run.error) return true;
  return /^(waitchain|stalecheck|ringdump): (?!recorded to )/.test(run.output);
}

/**
 * The command as typed against the scenario's addresses, mapped to the target's (x86 scenarios on
 * x64 layouts): reports show addresses relocated back, so the same addresses are accepted back.
 * Only addresses the scenario names are mapped, and only where dx reads an address: a `0x` number,
 * or a hex word inside a string literal (a bare 8-digit word is as much a dx error as on x86).
 */
export function relocateCommand(command: string, r: Relocation): string {
  const map = (hex: string): string | undefined => {
    const target = r.toTarget(hex.toLowerCase());
    return r.toScenario(target) === hex.toLowerCase() ? `${target.slice(0, -8).padStart(8, '0')}\`${target.slice(-8)}` : undefined;
  };
  let out = '';
  let inString = false;
  const re = /"|\\.|\b(0x)?([0-9a-f]{8})\b(?![`\w])/gi;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(command)) !== null) {
    if (m[0] === '"') inString = !inString;
    if (m[2] === undefined || (!inString && !m[1]) || m.index > 0 && command[m.index - 1] === '`') continue;
    const mapped = map(m[2]);
    if (!mapped) continue;
    out += command.slice(last, m.index) + (m[1] || '') + mapped;
    last = m.index + m[0].length;
  }
  return out + command.slice(last);
}

/**
 * Maps back only the relocated images of addresses the scenario names: an address the builder
 * computed (a field inside an object, an allocated event) has no x86 original and stays as laid out.
 */
export function displayRelocation(scenario: object, layout: string): Relocation | null {
  const r = relocationFor(scenario as Parameters<typeof relocationFor>[0], layout);
  if (!r) return null;
  const known = new Map<string, string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = /^(?:0x)?([0-9a-f]{8})$/i.exec(v.replace(/`/g, ''));
      // Null and small values (ids, counts) are not addresses: mapping them back would rewrite numbers.
      if (m && parseInt(m[1], 16) >= 0x10000) known.set(r.toTarget(m[1].toLowerCase()), m[1].toLowerCase());
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        visit(k);
        visit(x);
      }
    }
  };
  visit(scenario);
  return { toTarget: (a) => r.toTarget(a), toScenario: (a) => known.get(a) ?? null };
}

export function layoutsOf(scenarioRef: ScenarioRef): string[] {
  return scenarioLayouts(scenarioOf(scenarioRef));
}

/** Commands of waitchain that have landed; the others answer "not available yet". */
export const LANDED = new Set(['waitchain', 'stalecheck', 'ringdump']);

export interface CheckResult {
  layout: string;
  /** Unmet expectations by kind (only kinds present in `expect`). */
  unmet: Partial<Record<ExpectKind, string[]>>;
  /** Kinds whose command has not landed: listed, not checked. */
  pending: ExpectKind[];
  errors: string[];
  /** What each command printed (target addresses), for the warning lines a host variant calls for. */
  outputs: Record<string, string>;
}

/** Runs every landed command the scenario's expect block concerns and checks each expectation. */
export function checkScenario(scenarioRef: ScenarioRef, layout: string, options: RunOptions = {}, prebuilt?: Snapshot): CheckResult {
  const scenario = scenarioOf(scenarioRef);
  const expect = (scenario as { expect?: Record<string, unknown> }).expect;
  const result: CheckResult = { layout, unmet: {}, pending: [], errors: [], outputs: {} };
  const kinds = expectKinds(expect);
  const snapshot = prebuilt ?? buildScenarioInput(scenario, layout, { waitVariant: options.waitVariant });
  const relocation = displayRelocation(scenario, layout);
  const targetExpect = relocateExpect(expect, relocation) as Record<string, unknown>;
  const results = new Map<string, CommandRun>();
  for (const kind of kinds) {
    const command = COMMAND_OF[kind];
    if (!LANDED.has(command)) {
      result.pending.push(kind);
      continue;
    }
    if (kind === 'ring') {
      // Each ring names its own command line (mocks/harness/ringExpect.ts).
      const fails = checkRingOn(targetExpect.ring, (c) => {
        const ringRun = runOnSnapshot(snapshot, c, null, options.hostVariants);
        result.outputs[c] = (result.outputs[c] || '') + ringRun.output;
        return ringRun;
      }).map((f) => (relocation ? relocateText(f, relocation) : f));
      if (fails.length) result.unmet.ring = fails;
      continue;
    }
    let run = results.get(command);
    if (!run) {
      run = runOnSnapshot(snapshot, `!${command}`, null, options.hostVariants);
      results.set(command, run);
      result.outputs[command] = run.output;
      if (run.error) result.errors.push(`!${command}: ${run.error}`);
    }
    if (!run.json) {
      result.unmet[kind] = [`!${command} returned no result`];
      continue;
    }
    const fails = (
      command === 'stalecheck'
        ? checkStaleCheck(kind, targetExpect[kind] as Parameters<typeof checkStaleCheck>[1], run.json as Parameters<typeof checkStaleCheck>[2])
        : checkWaitChain(kind, targetExpect[kind], run.json as Parameters<typeof checkWaitChain>[2])
    ).map((f) => (relocation ? relocateText(f, relocation) : f));
    if (fails.length) result.unmet[kind] = fails;
  }
  return result;
}

const HEX_TOKEN = /\b([0-9a-f]{8})`([0-9a-f]{8})\b|\b([0-9a-f]{6,16})\b/g;

/** Maps relocated 64-bit addresses in text back to the scenario's 32-bit ones. */
export function relocateText(text: string, r: Relocation): string {
  return text.replace(HEX_TOKEN, (whole, high?: string, low?: string, plain?: string) => {
    const value = plain !== undefined ? plain : `${high}${low}`;
    const back = r.toScenario(value.replace(/^0+/, '') || '0');
    return back === null ? whole : back.padStart(8, '0');
  });
}

export function relocateJson(value: unknown, r: Relocation): unknown {
  if (typeof value === 'string') {
    if (/^[0-9a-f]{1,16}$/.test(value)) {
      const back = r.toScenario(value);
      return back === null ? value : back;
    }
    return relocateText(value, r);
  }
  if (Array.isArray(value)) return value.map((v) => relocateJson(v, r));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[relocateKey(k, r)] = relocateJson(v, r);
    return out;
  }
  return value;
}

function relocateKey(key: string, r: Relocation): string {
  if (!/^[0-9a-f]{1,16}$/.test(key)) return key;
  const back = r.toScenario(key);
  return back === null ? key : back;
}
