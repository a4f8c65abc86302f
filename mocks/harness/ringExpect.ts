// Checks a scenario's `expect.ring` against !ringdump's structured result (--json).
// `expect.ring` is `{ array, entries: [...] }` or a list of them (docs/scenario-format.md §Rings): entries
// oldest to newest, each an object of field values (only the fields given are compared) or, for a
// device node's StateHistory, a state name. Only what is given is checked: the number of entries
// and each given field, plus `capacity`/`newestSlot`/`wrapped` when given.
//
// Which command line each expectation needs (`ringCommand`):
//   "mydriver!g_History"      -> !ringdump (mydriver!g_History, mydriver!g_Index)   (…History -> …Index)
//   "mydriver!g_MyStructCache" -> !ringdump "-array mydriver!g_MyStructCache"       (no History suffix)
//   "8b56f5d0.StateHistory"   -> !ringdump "-devnode 8b56f5d0"
// Optional keys of ours: `index` (the index symbol), `seq` (a -seq field), `command` (the whole line).
// The expectation must already be relocated to the target (relocateExpect), like the other kinds.

export interface RingExpectation {
  array: string;
  entries?: unknown[];
  capacity?: number;
  newestSlot?: number;
  wrapped?: boolean;
  index?: string;
  seq?: string;
  command?: string;
}

interface RingEntryJson {
  position: number;
  slot: number;
  unreadable?: boolean;
  fields: Record<string, unknown>;
  symbols?: Record<string, unknown>;
  enumValues?: Record<string, number>;
}

interface RingJson {
  array: string;
  capacity: number;
  newestSlot: number | null;
  wrapped: boolean | null;
  entries: RingEntryJson[];
  error?: string;
}

export function ringExpectations(expected: unknown): RingExpectation[] {
  if (!expected) return [];
  return (Array.isArray(expected) ? expected : [expected]) as RingExpectation[];
}

/** The !ringdump command line an expectation is checked against. */
export function ringCommand(e: RingExpectation): string {
  if (e.command) return e.command;
  const devnode = /^(?:0x)?([0-9a-f`]+)\.StateHistory$/i.exec(e.array);
  if (devnode) return `!ringdump "-devnode ${devnode[1].replace(/`/g, '')}"`;
  if (e.seq) return `!ringdump "${e.array} -seq ${e.seq}"`;
  const index = e.index || (/History$/.test(e.array) ? e.array.replace(/History$/, 'Index') : undefined);
  return index ? `!ringdump (${e.array}, ${index})` : `!ringdump "-array ${e.array}"`;
}

/**
 * Unmet expectations (empty when met). `json` is one !ringdump result, a `{ rings }` result, or a list
 * of results; each expectation is matched to the ring whose `array` it names.
 */
export function checkRing(expected: unknown, json: unknown): string[] {
  const rings = collectRings(json);
  const fails: string[] = [];
  for (const e of ringExpectations(expected)) {
    const ring = rings.find((r) => sameArray(r.array, e.array));
    if (!ring) {
      fails.push(`ring ${e.array}: not in the result (got ${rings.map((r) => r.array).join(', ') || 'none'})`);
      continue;
    }
    fails.push(...checkOne(e, ring));
  }
  return fails;
}

/** Runs each expectation's command (`run` returns the command's --json and error) and checks it. */
export function checkRingOn(expected: unknown, run: (command: string) => { json: unknown; error?: string }): string[] {
  const fails: string[] = [];
  for (const e of ringExpectations(expected)) {
    const command = ringCommand(e);
    const r = run(command);
    if (r.error) fails.push(`${command}: ${r.error}`);
    else if (!r.json) fails.push(`${command} returned no result`);
    else fails.push(...checkRing(e, r.json).map((f) => `${command}: ${f}`));
  }
  return fails;
}

function collectRings(json: unknown): RingJson[] {
  if (!json) return [];
  if (Array.isArray(json)) return json.flatMap(collectRings);
  const j = json as { rings?: unknown[]; array?: string };
  if (Array.isArray(j.rings)) return j.rings as RingJson[];
  return j.array !== undefined ? [json as RingJson] : [];
}

function normHex(s: string): string | undefined {
  const t = s.trim().toLowerCase().replace(/`/g, '').replace(/^0x/, '');
  if (!/^[0-9a-f]+$/.test(t)) return undefined;
  return t.replace(/^0+/, '') || '0';
}

function sameArray(a: string, b: string): boolean {
  const [ha, ...ra] = a.split('.');
  const [hb, ...rb] = b.split('.');
  const na = normHex(ha);
  const nb = normHex(hb);
  const head = na !== undefined && nb !== undefined ? na === nb : ha.toLowerCase() === hb.toLowerCase();
  return head && ra.join('.').toLowerCase() === rb.join('.').toLowerCase();
}

function checkOne(e: RingExpectation, ring: RingJson): string[] {
  const fails: string[] = [];
  const where = `ring ${e.array}`;
  if (ring.error) return [`${where}: ${ring.error}`];
  if (e.capacity !== undefined && ring.capacity !== e.capacity) fails.push(`${where}: capacity ${ring.capacity}, expected ${e.capacity}`);
  if (e.newestSlot !== undefined && ring.newestSlot !== e.newestSlot) fails.push(`${where}: newest slot ${ring.newestSlot}, expected ${e.newestSlot}`);
  if (e.wrapped !== undefined && ring.wrapped !== e.wrapped) fails.push(`${where}: wrapped ${ring.wrapped}, expected ${e.wrapped}`);
  if (!e.entries) return fails;
  if (ring.entries.length !== e.entries.length) {
    fails.push(`${where}: ${ring.entries.length} entries, expected ${e.entries.length}`);
  }
  const n = Math.min(ring.entries.length, e.entries.length);
  for (let i = 0; i < n; i++) {
    const got = ring.entries[i];
    const want = e.entries[i];
    const at = `${where} entry ${i} (slot ${got.slot})`;
    if (got.unreadable) {
      fails.push(`${at}: unreadable`);
      continue;
    }
    if (typeof want === 'string' || typeof want === 'number') {
      // a device node's history: the state of the entry's only field
      const keys = Object.keys(got.fields);
      const key = keys.indexOf('State') >= 0 ? 'State' : keys[0];
      if (key === undefined || !matches(want, got, key, got.fields[key])) fails.push(`${at}: ${show(got.fields[key])}, expected ${show(want)}`);
      continue;
    }
    for (const [key, value] of Object.entries(flatten(want as Record<string, unknown>))) {
      if (!(key in got.fields)) {
        fails.push(`${at}: no field ${key} (fields: ${Object.keys(got.fields).join(', ')})`);
        continue;
      }
      if (!matches(value, got, key, got.fields[key])) fails.push(`${at}: ${key} = ${show(got.fields[key])}, expected ${show(value)}`);
    }
  }
  return fails;
}

/** `{ Reserved: { Flink: x } }` (the scenario's globals spelling) -> `{ "Reserved.Flink": x }`. */
function flatten(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, path));
    else out[path] = v;
  }
  return out;
}

function matches(want: unknown, entry: RingEntryJson, key: string, got: unknown, index?: number): boolean {
  if (Array.isArray(want)) {
    return Array.isArray(got) && got.length >= want.length && want.every((w, i) => matches(w, entry, key, got[i], i));
  }
  const symbols = entry.symbols ? entry.symbols[key] : undefined;
  const symbol = index === undefined ? symbols : Array.isArray(symbols) ? symbols[index] : undefined;
  if (typeof want === 'number') {
    if (typeof got === 'number') return got === want;
    if (typeof got === 'string' && entry.enumValues && index === undefined && entry.enumValues[key] === want) return true;
    return typeof got === 'string' && normHex(got) === want.toString(16);
  }
  if (typeof want === 'string') {
    if (want.indexOf('!') > 0) return typeof symbol === 'string' && symbol.toLowerCase() === want.toLowerCase();
    if (typeof got === 'string' && got === want) return true;
    const wh = normHex(want);
    if (wh !== undefined && typeof got === 'string' && normHex(got) === wh) return true;
    if (wh !== undefined && typeof got === 'number') return got.toString(16) === wh;
    return false;
  }
  if (typeof want === 'boolean') return got === want;
  if (want === null) return got === null || got === 0 || (typeof got === 'string' && normHex(got) === '0');
  return false;
}

function show(v: unknown): string {
  return JSON.stringify(v);
}
