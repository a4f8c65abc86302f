// The name of a lock or address when it is a named global (`ln` gives module!symbol within a page
// of it: ntdll!LdrpLoaderLock, ipnathlp!gFwMain), not a bare module offset.
import type { Addr } from '../../../core/addr';
import type { RuleEnv } from '../waitgraph';

/** A symbol further than this from the address is not its name. */
const MAX_SYMBOL_OFFSET = 0x1000;

export function globalSymbol(address: Addr, env: RuleEnv): string | undefined {
  const s = env.k.target.nearestSymbol(address);
  if (!s || s.indexOf('!') < 0) return undefined;
  const m = /\+0x([0-9a-f]+)$/i.exec(s);
  return m && parseInt(m[1], 16) >= MAX_SYMBOL_OFFSET ? undefined : s;
}
