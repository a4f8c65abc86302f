// Reader of pdbex C headers (https://github.com/wbenny/pdbex output, as published by
// https://github.com/ntdiff/headers): `typedef struct _X { /* 0x0010 */ unsigned char Field; ... } X; /* size: 0x.. */`,
// bit fields `T Name : n; /* bit position: p */`, anonymous unions/structs inline, named nested ones as
// `union { ... } /* size: 0x.. */ Name;`, enums `Name = value,`. Offsets in the comments are from the start
// of the outermost type. Read into the ISF table shape (mocks/symbols/isf.ts) so one converter serves all.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IsfField, IsfTable, IsfTypeRef, IsfUserType } from './isf';

const BASE_NAMES: Record<string, string> = {
  char: 'char', 'unsigned char': 'unsigned char', 'signed char': 'signed char', short: 'short', 'unsigned short': 'unsigned short',
  wchar_t: 'wchar', int: 'int', 'unsigned int': 'unsigned int', long: 'long', 'unsigned long': 'unsigned long',
  __int64: 'long long', 'unsigned __int64': 'unsigned long long', void: 'void', float: 'f32', double: 'double', bool: 'unsigned char',
};

function typeOf(spelling: string): IsfTypeRef {
  let s = spelling.replace(/\b(volatile|const)\b/g, ' ').replace(/\s+/g, ' ').trim();
  let pointers = 0;
  while (s.endsWith('*')) { pointers++; s = s.slice(0, -1).trim(); }
  let ref: IsfTypeRef;
  const tagged = /^(struct|union|enum) (\S+)$/.exec(s);
  if (tagged) ref = { kind: tagged[1] as 'struct' | 'union' | 'enum', name: tagged[2] };
  else ref = { kind: 'base', name: BASE_NAMES[s] ?? s };
  for (let i = 0; i < pointers; i++) ref = { kind: 'pointer', subtype: ref };
  return ref;
}

interface Member { name: string; offset: number; type: IsfTypeRef }

export interface PdbexTable {
  table: IsfTable;
  /** Header file -> sha256, for provenance. */
  files: Record<string, string>;
}

/** Reads every `*.h` of a folder (one pdbex typedef each) into one table. */
export function loadPdbexFolder(folder: string): PdbexTable {
  const table: IsfTable = {
    metadata: { format: 'pdbex', producer: { name: 'pdbex' } },
    base_types: { pointer: { kind: 'int', size: 8, signed: false, endian: 'little' } },
    user_types: {}, enums: {}, symbols: {},
  };
  const files: Record<string, string> = {};
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.h')).sort()) {
    const bytes = readFileSync(join(folder, file));
    files[file] = createHash('sha256').update(bytes).digest('hex');
    parsePdbexHeader(bytes.toString('utf8'), table, file);
  }
  return { table, files };
}

let anonymousCounter = 0;

/** Parses the typedefs of one header into `table`. */
export function parsePdbexHeader(text: string, table: IsfTable, origin: string): void {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  let i = 0;
  const fail = (what: string): never => { throw new Error(`${origin}: line ${i + 1}: ${what} ('${lines[i] ?? ''}')`); };

  /** Parses members up to the closing brace of the current block; returns them with absolute offsets. */
  const block = (owner: string): Member[] => {
    const members: Member[] = [];
    if (lines[i] !== '{') fail("expected '{'");
    i++;
    for (;;) {
      const line = lines[i];
      if (line === undefined) fail('unterminated block');
      if (line.startsWith('}')) return members;
      const nested = /^(struct|union)\b/.exec(line);
      if (nested && !/^\/\*/.test(line)) {
        const kind = nested[1] as 'struct' | 'union';
        i++;
        const inner = block(owner);
        const close = lines[i];
        // "} /* size: 0x0008 */ Name;" (named) or "}; /* size: 0x0008 */" / "}; /* bitfield */" (anonymous)
        const named = /^\}\s*\/\*\s*size:\s*(0x[0-9a-fA-F]+)\s*\*\/\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\[[\d\]\[]+)?\s*;/.exec(close);
        i++;
        if (!named) { members.push(...inner); continue; }
        const size = parseInt(named[1], 16);
        const start = inner.length ? Math.min(...inner.map((m) => m.offset)) : 0;
        const typeName = `__anonymous_pdbex_${++anonymousCounter}`;
        const fields: Record<string, IsfField> = {};
        for (const m of inner) fields[m.name] = { offset: m.offset - start, type: m.type };
        table.user_types[typeName] = { kind, size, fields };
        let type: IsfTypeRef = { kind, name: typeName };
        for (const dim of [...(named[3] ?? '').matchAll(/\[(\d+)\]/g)].reverse()) type = { kind: 'array', count: Number(dim[1]), subtype: type };
        members.push({ name: named[2], offset: start, type });
        continue;
      }
      const m = /^\/\*\s*(0x[0-9a-fA-F]+)\s*\*\/\s*(.+?)\s+([A-Za-z_][A-Za-z0-9_]*)\s*((?:\[\d+\])*)\s*(?::\s*(\d+))?\s*(?:\/\*[^*]*\*\/\s*)?;\s*(?:\/\*\s*bit position:\s*(\d+)\s*\*\/)?/.exec(line);
      if (!m) fail(`unrecognised member in ${owner}`);
      const [, offsetText, spelling, name, dims, bitLength, bitPosition] = m!;
      let type = typeOf(spelling);
      if (bitLength !== undefined) {
        type = { kind: 'bitfield', bit_position: Number(bitPosition ?? 0), bit_length: Number(bitLength), type };
      }
      for (const dim of [...dims.matchAll(/\[(\d+)\]/g)].reverse()) type = { kind: 'array', count: Number(dim[1]), subtype: type };
      members.push({ name, offset: parseInt(offsetText, 16), type });
      i++;
    }
  };

  while (i < lines.length) {
    const head = /^typedef (struct|union|enum) (\S+)$/.exec(lines[i]);
    if (!head) { i++; continue; }
    const [, kind, name] = head;
    i++;
    if (kind === 'enum') {
      if (lines[i] !== '{') fail("expected '{'");
      i++;
      const constants: Record<string, number> = {};
      while (!lines[i].startsWith('}')) {
        const c = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(-?(?:0x[0-9a-fA-F]+|\d+)),?/.exec(lines[i]);
        if (!c) fail(`unrecognised enumerator in ${name}`);
        constants[c![1]] = c![2].includes('0x') ? Number.parseInt(c![2].replace('0x', ''), 16) * (c![2].startsWith('-') ? -1 : 1) : Number(c![2]);
        i++;
      }
      table.enums[name] = { base: 'int', size: 4, constants };
      i++;
      continue;
    }
    const members = block(name);
    const close = /\/\*\s*size:\s*(0x[0-9a-fA-F]+)\s*\*\/\s*$/.exec(lines[i]);
    if (!close) fail(`no size comment closing ${name}`);
    i++;
    const fields: Record<string, IsfField> = {};
    for (const m of members) fields[m.name] = { offset: m.offset, type: m.type };
    const userType: IsfUserType = { kind: kind as 'struct' | 'union', size: parseInt(close![1], 16), fields };
    table.user_types[name] = userType;
  }
}
