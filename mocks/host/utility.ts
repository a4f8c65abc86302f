// Debugger.Utility.Control.ExecuteCommand and Debugger.Utility.Collections (docs/jsprovider.md §Debugger.Utility).
// ExecuteCommand supports only what the snapshot determines:
//   ln <address>   → WinDbg's `ln` lines: "(<start>)   mod!sym+0xNN   |  (<next>)   mod!next"
//                    then "Exact matches:" / "    mod!sym (<no parameter info>)" for exact hits;
//                    "(<base>)   mod+0xNN" inside a module without a covering symbol; no lines
//                    outside modules. Addresses are MASM-style hex (0x and ` accepted).
//   .echo <text>   → one line, the text.
//   dt <mod>!<enum> → the enumerators as dt prints an enum type: "   Waiting = 0n5" (DT); an unknown
//                    type prints "Symbol <mod>!<name> not found." (no throw, as dt only prints).
// Anything else throws Error("mock: ExecuteCommand('<cmd>') is not supported by the mock ...").
// The result is an iterable collection of strings with the LINQ methods (`.First()`).
import type { Env } from './env';
import { makeCollection } from './collections';
import { walkList } from './kernelWalk';
import { makeNative } from './typedObjects';
import { normalizeModuleName } from './modules';

export function debuggerAddress(env: Env, v: bigint): string {
  const h = v.toString(16).padStart(env.pointerSize * 2, '0');
  return env.pointerSize === 8 ? `${h.slice(0, 8)}\`${h.slice(8)}` : h;
}

function lnLines(env: Env, address: bigint): string[] {
  const hit = env.modules.nearest(address);
  const name = (mod: string, sym: string) => `${normalizeModuleName(mod)}!${sym}`;
  if (!hit) {
    const m = env.modules.containing(address);
    if (!m) return [];
    return [`(${debuggerAddress(env, m.base)})   ${normalizeModuleName(m.name)}+0x${(address - m.base).toString(16)}`];
  }
  const { symbol, offset, next } = hit;
  let line = `(${debuggerAddress(env, symbol.address)})   ${name(symbol.module.name, symbol.name)}`;
  if (offset !== 0n) line += `+0x${offset.toString(16)}`;
  if (next) line += `   |  (${debuggerAddress(env, next.address)})   ${name(next.module.name, next.name)}`;
  const lines = [line];
  if (offset === 0n) lines.push('Exact matches:', `    ${name(symbol.module.name, symbol.name)} (<no parameter info>)`);
  return lines;
}

function dtLines(env: Env, spec: string): string[] {
  const bang = spec.indexOf('!');
  const t = env.types.resolve(spec.slice(0, bang), spec.slice(bang + 1));
  if (!t) return [`Symbol ${spec} not found.`];
  if (t.kind !== 'enum') return [`mock: dt of a non-enum type (${spec}) is not supported by the mock`];
  return Object.entries(t.def?.values ?? {}).map(([name, value]) => `   ${name} = 0n${value}`);
}

export function createControl(env: Env): object {
  return {
    ExecuteCommand(command: unknown, _second?: unknown) {
      env.counters.count('ExecuteCommand');
      const cmd = String(command).trim();
      let lines: string[];
      const ln = /^ln\s+(?:0x)?([0-9a-f`]+)$/i.exec(cmd);
      if (ln) lines = lnLines(env, BigInt('0x' + ln[1].replace(/`/g, '')));
      else if (/^\.echo(\s|$)/.test(cmd)) lines = [cmd.slice(5).trim()];
      else if (/^dt\s+\S+!\S+$/i.test(cmd)) lines = dtLines(env, cmd.replace(/^dt\s+/i, ''));
      else {
        throw new env.realm.Error(`mock: ExecuteCommand('${cmd}') is not supported by the mock (supported: ln <address>, .echo <text>, dt <module>!<enum type>)`);
      }
      return makeCollection(env, undefined, () => lines);
    },
  };
}

export function createCollections(env: Env): object {
  return {
    /** FromListEntry(listEntryObject, "module!TYPE", "Field.Path") (DOC-LINQ). */
    FromListEntry(listEntry: unknown, typeName: unknown, fieldPath: unknown) {
      env.counters.count('FromListEntry');
      const st = typeof listEntry === 'object' && listEntry !== null ? env.natives.get(listEntry) : undefined;
      if (!st || st.address === undefined) throw new env.realm.TypeError('FromListEntry: expected a native LIST_ENTRY object');
      const spec = String(typeName);
      const bang = spec.indexOf('!');
      const module = bang >= 0 ? spec.slice(0, bang) : st.type.module;
      const type = env.types.resolve(module, bang >= 0 ? spec.slice(bang + 1) : spec);
      if (!type) throw new env.realm.Error(`FromListEntry: unknown type '${spec}'`);
      const field = env.types.fieldPath(type, String(fieldPath));
      if (!field) throw new env.realm.Error(`FromListEntry: '${String(fieldPath)}' is not a field of ${type.name}`);
      const head = st.address;
      return makeCollection(env, 'FromListEntry', () => walkList(env, head, st.process)
        .map((e) => makeNative(env, { type, address: e - BigInt(field.offset), process: st.process })));
    },
    CreateArray(...values: unknown[]) {
      return makeCollection(env, undefined, () => values, { indexable: true });
    },
  };
}
