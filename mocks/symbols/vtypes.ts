// Reader of Volatility 2 "vtypes" files (volatility/plugins/overlays/windows/*_vtypes.py): one Python dict
// literal `name = { '_TYPE' : [ size, { 'Field' : [ offset, typeExpr ] } ] }`, machine-generated from a
// Microsoft PDB. Read here into the ISF table shape (mocks/symbols/isf.ts) so one converter serves both.
// Format: https://github.com/volatilityfoundation/volatility/wiki (vtypes) and the files themselves.
// vtypes carry no symbols, no enum types (enum members appear inline as 'Enumeration' choices) and do not
// say whether an anonymous type is a struct or a union; `VtypesTable` records what had to be inferred.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IsfTable, IsfTypeRef, IsfUserType } from './isf';

type PyValue = string | number | PyValue[] | { [key: string]: PyValue };

/** A tiny reader of the Python literal subset the vtypes files use: str, int, list, dict {...}, dict(k=v). */
function parsePython(text: string, origin: string): PyValue {
  let pos = text.indexOf('{');
  if (pos < 0) throw new Error(`${origin}: no dictionary literal`);
  const fail = (what: string): never => {
    const line = text.slice(0, pos).split('\n').length;
    throw new Error(`${origin}:${line}: ${what}`);
  };
  const skip = (): void => {
    for (;;) {
      const c = text[pos];
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === ',') pos++;
      else if (c === '#') while (pos < text.length && text[pos] !== '\n') pos++;
      else return;
    }
  };
  const value = (): PyValue => {
    skip();
    const c = text[pos];
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      pos++;
      const list: PyValue[] = [];
      for (;;) {
        skip();
        if (text[pos] === close) { pos++; return list; }
        if (pos >= text.length) fail('unterminated list');
        list.push(value());
      }
    }
    if (c === '{') {
      pos++;
      const dict: Record<string, PyValue> = {};
      for (;;) {
        skip();
        if (text[pos] === '}') { pos++; return dict; }
        if (pos >= text.length) fail('unterminated dict');
        const key = value();
        skip();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        dict[String(key)] = value();
      }
    }
    if (c === 'u' && (text[pos + 1] === "'" || text[pos + 1] === '"')) pos++;
    if (text[pos] === "'" || text[pos] === '"') {
      const quote = text[pos];
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    if (text.startsWith('dict(', pos)) {
      pos += 5;
      const dict: Record<string, PyValue> = {};
      for (;;) {
        skip();
        if (text[pos] === ')') { pos++; return dict; }
        const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text.slice(pos, pos + 64));
        if (!m) fail('expected name= in dict(...)');
        pos += m![0].length;
        dict[m![1]] = value();
      }
    }
    const m = /^-?(0x[0-9a-fA-F]+|\d+)L?/.exec(text.slice(pos, pos + 32));
    if (m) {
      pos += m[0].length;
      const digits = m[1];
      const n = digits.startsWith('0x') ? parseInt(digits.slice(2), 16) : parseInt(digits, 10);
      return m[0].startsWith('-') ? -n : n;
    }
    if (text.startsWith('None', pos)) { pos += 4; return 0; }
    return fail(`unexpected '${text.slice(pos, pos + 20)}'`);
  };
  return value();
}

/** Base type names as the vtypes spell them (they match ISF's, plus a few). */
const VTYPE_BASES = new Set([
  'char', 'unsigned char', 'short', 'unsigned short', 'long', 'unsigned long', 'int', 'unsigned int',
  'long long', 'unsigned long long', 'void', 'wchar', 'double', 'float', 'address', 'signed char', 'unsigned be short',
]);

const BASE_SIZES: Record<string, number> = {
  char: 1, 'unsigned char': 1, 'signed char': 1, short: 2, 'unsigned short': 2, wchar: 2, long: 4, 'unsigned long': 4,
  int: 4, 'unsigned int': 4, 'long long': 8, 'unsigned long long': 8,
};

export interface VtypesTable {
  table: IsfTable;
  path: string;
  sha256: string;
  pointerSize: 4 | 8;
  /** Fields whose type was an inline 'Enumeration': type -> field -> {target base type, choices}. */
  inlineEnums: Record<string, Record<string, { base: string; constants: Record<string, number> }>>;
  /** Types whose struct/union kind was inferred (vtypes do not record it). */
  inferredKinds: string[];
  /** Fields dropped because the vtypes gave something unusable (e.g. a negative array count). */
  oddities: string[];
}

/** Reads a vtypes .py file into the ISF shape. `pointerSize` comes from the file name (x86/x64) when not given. */
export function loadVtypes(path: string, pointerSize?: 4 | 8): VtypesTable {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const size = pointerSize ?? (/x64/.test(path) ? 8 : 4);
  const root = parsePython(text, path) as Record<string, PyValue>;
  const inlineEnums: VtypesTable['inlineEnums'] = {};
  const oddities: string[] = [];
  const inferredKinds: string[] = [];
  const userTypes: Record<string, IsfUserType> = {};

  const typeRef = (expr: PyValue, where: string): IsfTypeRef | null => {
    if (!Array.isArray(expr) || typeof expr[0] !== 'string') return null;
    const head = expr[0];
    if (head === 'pointer' || head === 'pointer32' || head === 'pointer64') {
      const sub = expr[1] === undefined ? { kind: 'base' as const, name: 'void' } : typeRef(expr[1], where);
      return { kind: 'pointer', subtype: sub ?? { kind: 'base', name: 'void' } };
    }
    if (head === 'array') {
      const count = expr[1];
      const sub = typeRef(expr[2], where);
      if (typeof count !== 'number' || !sub) { oddities.push(`${where}: array count ${JSON.stringify(count)} dropped`); return null; }
      if (count < 0) {
        // A generator bug of the vtypes: arrays of enums carry minus their size in bytes (StateHistory -80 =
        // 20 four-byte _PNP_DEVNODE_STATE entries: StateHistoryEntry - StateHistory = 0x50).
        const elementSize = sub.kind === 'base' ? BASE_SIZES[sub.name ?? ''] : undefined;
        if (!elementSize) { oddities.push(`${where}: array count ${count} dropped`); return null; }
        oddities.push(`${where}: array count ${count} read as ${-count / elementSize} elements of ${elementSize} bytes (the vtypes write minus the byte size for arrays of enums)`);
        return { kind: 'array', count: -count / elementSize, subtype: sub };
      }
      return { kind: 'array', count, subtype: sub };
    }
    if (head === 'BitField') {
      const d = expr[1] as Record<string, PyValue>;
      const start = Number(d.start_bit);
      const end = Number(d.end_bit);
      return { kind: 'bitfield', bit_position: start, bit_length: end - start, type: { kind: 'base', name: String(d.native_type ?? 'unsigned long') } };
    }
    if (head === 'Enumeration') {
      const d = expr[1] as Record<string, PyValue>;
      const choices = (d.choices ?? {}) as Record<string, PyValue>;
      const constants: Record<string, number> = {};
      for (const [value, name] of Object.entries(choices)) constants[String(name)] = Number(value);
      const [typeName, fieldName] = where.split('.');
      (inlineEnums[typeName] ??= {})[fieldName] = { base: String(d.target ?? 'long'), constants };
      return { kind: 'base', name: String(d.target ?? 'long') };
    }
    if (VTYPE_BASES.has(head)) return { kind: 'base', name: head === 'address' ? 'pointer' : head };
    return { kind: 'struct', name: head };
  };

  for (const [typeName, entry] of Object.entries(root)) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'number') continue;
    const fields: IsfUserType['fields'] = {};
    for (const [fieldName, def] of Object.entries((entry[1] ?? {}) as Record<string, PyValue>)) {
      if (!Array.isArray(def) || typeof def[0] !== 'number') continue;
      const ref = typeRef(def[1], `${typeName}.${fieldName}`);
      if (ref) fields[fieldName] = { offset: def[0], type: ref };
    }
    // vtypes do not record struct vs union: a union when two or more members all start at 0 and none is a bit field.
    const members = Object.values(fields);
    const union = members.length >= 2 && members.every((f) => f.offset === 0 && f.type.kind !== 'bitfield');
    if (union) inferredKinds.push(typeName);
    userTypes[typeName] = { kind: union ? 'union' : 'struct', size: entry[0], fields };
  }

  // A referenced name that is not a user type is a base type the set above does not know: keep it visible.
  for (const [typeName, t] of Object.entries(userTypes)) {
    for (const [fieldName, f] of Object.entries(t.fields)) {
      let ref: IsfTypeRef | undefined = f.type;
      while (ref && (ref.kind === 'array' || ref.kind === 'pointer')) ref = ref.subtype;
      if (ref?.kind === 'struct' && ref.name && !userTypes[ref.name] && f.type.kind !== 'pointer') {
        oddities.push(`${typeName}.${fieldName}: type ${ref.name} not defined in the file`);
      }
    }
  }

  const table: IsfTable = {
    metadata: { format: 'vtypes', producer: { name: 'volatility2 vtypes' } },
    base_types: { pointer: { kind: 'int', size, signed: false, endian: 'little' } },
    user_types: userTypes,
    enums: {},
    symbols: {},
  };
  return { table, path, sha256: createHash('sha256').update(bytes).digest('hex'), pointerSize: size, inlineEnums, inferredKinds, oddities };
}
