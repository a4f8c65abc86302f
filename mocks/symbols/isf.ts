// Reader of Volatility 3 Intermediate Symbol Format (ISF) files, `.json` or `.json.xz`, and their conversion
// into the mock's layout notation (mocks/format/typedef.ts).
//
// ISF is the JSON Volatility 3 generates from a Microsoft PDB: `metadata` (producer, the PDB GUID/age),
// `base_types`, `user_types` (name -> {kind, size, fields: {name -> {offset, type}}}), `enums`
// (name -> {base, size, constants}) and `symbols` (name -> {address: RVA from the image base}).
// Format description: https://volatility3.readthedocs.io/en/latest/symbol-tables.html and the schema
// volatility3/schemas/schema-6.x.json in https://github.com/volatilityfoundation/volatility3.
//
// Runs in Node only (tests, the harness, the layout generator); never part of the bundle.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { FieldDef, TypeDef, TypeRef } from '../format/typedef';

// ---------------------------------------------------------------------------------------------------------
// The table as the file holds it.

/** A type reference inside an ISF table. */
export interface IsfTypeRef {
  kind: 'base' | 'pointer' | 'array' | 'struct' | 'union' | 'class' | 'enum' | 'bitfield' | 'function';
  /** base/struct/union/class/enum: the referenced name. */
  name?: string;
  /** pointer/array: the element type. */
  subtype?: IsfTypeRef;
  /** array: element count. */
  count?: number;
  /** bitfield: the storage type, the lowest bit and the width. */
  type?: IsfTypeRef;
  bit_position?: number;
  bit_length?: number;
}

export interface IsfField {
  offset: number;
  type: IsfTypeRef;
  anonymous?: boolean;
}

export interface IsfUserType {
  kind: 'struct' | 'union' | 'class';
  size: number;
  fields: Record<string, IsfField>;
}

export interface IsfEnum {
  /** Name of a base type of the table (e.g. "int", "unsigned char"). */
  base: string;
  size: number;
  constants: Record<string, number>;
}

export interface IsfBaseType {
  kind: 'int' | 'char' | 'bool' | 'float' | 'void';
  size: number;
  signed: boolean;
  endian: 'little' | 'big';
}

export interface IsfSymbol {
  /** RVA from the image base (Volatility 3 ISF from a PDB). */
  address: number;
  type?: IsfTypeRef;
  constant_data?: string;
}

export interface IsfPdbInfo {
  GUID: string;
  age: number;
  database: string;
  /** IMAGE_FILE_MACHINE_*: 0x8664 (34404) AMD64, 0x14c (332) i386. */
  machine_type?: number;
}

export interface IsfMetadata {
  format: string;
  producer?: { name?: string; version?: string; datetime?: string };
  windows?: { pdb?: IsfPdbInfo };
  [key: string]: unknown;
}

export interface IsfTable {
  metadata: IsfMetadata;
  base_types: Record<string, IsfBaseType>;
  user_types: Record<string, IsfUserType>;
  enums: Record<string, IsfEnum>;
  symbols: Record<string, IsfSymbol>;
}

/** A table read from a file, with what identifies it. */
export interface LoadedIsf {
  /** The path it was read from. */
  path: string;
  /** sha256 (hex) of the file's bytes as stored (the compressed bytes for `.json.xz`). */
  sha256: string;
  table: IsfTable;
  /** PDB identity from `metadata.windows.pdb`, when present. */
  pdb?: { guid: string; age: number; database: string; machineType?: number };
  /** From the PDB machine type, else from the size of the `pointer` base type. */
  arch?: 'x86' | 'x64';
  pointerSize?: 4 | 8;
}

// ---------------------------------------------------------------------------------------------------------
// Reading.

/** Parses ISF JSON text; throws an Error naming what is missing when it is not an ISF table. */
export function parseIsf(text: string, origin = 'ISF text'): IsfTable {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${origin}: not JSON (${(error as Error).message})`);
  }
  if (!raw || typeof raw !== 'object') throw new Error(`${origin}: not an ISF table (not an object)`);
  const table = raw as Partial<IsfTable>;
  for (const key of ['metadata', 'base_types', 'user_types', 'enums', 'symbols'] as const) {
    if (!table[key] || typeof table[key] !== 'object') throw new Error(`${origin}: not an ISF table (no '${key}')`);
  }
  if (typeof table.metadata!.format !== 'string') throw new Error(`${origin}: not an ISF table (no metadata.format)`);
  return table as IsfTable;
}

/** The bytes of an ISF file as JSON text: `.xz` files through the `xz` binary (package xz-utils). */
export function readIsfText(path: string): { text: string; bytes: Buffer } {
  const bytes = readFileSync(path);
  if (!path.endsWith('.xz')) return { text: bytes.toString('utf8'), bytes };
  let text: string;
  try {
    text = execFileSync('xz', ['-dc'], { input: bytes, maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string | Buffer };
    if (failure.code === 'ENOENT') throw new Error(`${path}: cannot decompress: the 'xz' program is not installed (apt-get install xz-utils)`);
    const reason = String(failure.stderr ?? '').trim().split('\n')[0] || failure.message.split('\n')[0];
    throw new Error(`${path}: xz -dc failed (${reason})`);
  }
  return { text, bytes };
}

/** Loads a `.json` or `.json.xz` ISF file. Synchronous; tables of tens of MB parse in well under a second. */
export function loadIsf(path: string): LoadedIsf {
  const { text, bytes } = readIsfText(path);
  return describeIsf(parseIsf(text, path), path, createHash('sha256').update(bytes).digest('hex'));
}

/** Identity of an already parsed table (PDB, architecture). */
export function describeIsf(table: IsfTable, path: string, sha256: string): LoadedIsf {
  const pdbInfo = table.metadata.windows?.pdb;
  const pdb = pdbInfo ? { guid: pdbInfo.GUID, age: pdbInfo.age, database: pdbInfo.database, machineType: pdbInfo.machine_type } : undefined;
  let pointerSize: 4 | 8 | undefined;
  if (pdb?.machineType === 0x8664) pointerSize = 8;
  else if (pdb?.machineType === 0x14c) pointerSize = 4;
  else {
    const size = table.base_types.pointer?.size;
    if (size === 4 || size === 8) pointerSize = size;
  }
  return { path, sha256, table, pdb, pointerSize, arch: pointerSize === 8 ? 'x64' : pointerSize === 4 ? 'x86' : undefined };
}

/** `<GUID><AGE>` as symbol servers spell a PDB's identity (age in hex), e.g. "5278AFF8...B8441". */
export function pdbSignature(loaded: LoadedIsf): string | undefined {
  return loaded.pdb ? `${loaded.pdb.guid.toUpperCase()}${loaded.pdb.age.toString(16).toUpperCase()}` : undefined;
}

/** A symbol's RVA from the image base, or undefined when the table has no such symbol. */
export function symbolRva(table: IsfTable, name: string): number | undefined {
  const symbol = table.symbols[name];
  return symbol && typeof symbol.address === 'number' ? symbol.address : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Conversion into the layout notation.

/** ISF base type name -> the TypeRef spelling of mocks/format/typedef.ts. */
const BASE_TYPE_REFS: Record<string, TypeRef> = {
  char: 'CHAR', 'unsigned char': 'UCHAR', 'signed char': 'CHAR', bool: 'BOOLEAN',
  short: 'SHORT', 'unsigned short': 'USHORT', wchar: 'WCHAR',
  int: 'LONG', 'unsigned int': 'ULONG', long: 'LONG', 'unsigned long': 'ULONG', HRESULT: 'LONG',
  'long long': 'LONG64', 'unsigned long long': 'ULONG64',
  void: 'VOID',
  // The notation has no floating-point types; same-sized integers keep offsets and sizes right.
  f32: 'ULONG', float: 'ULONG', double: 'ULONG64', f64: 'ULONG64',
  pointer: 'ULONG_PTR',
};

/** True for the names PDB tools give anonymous structs/unions (`__anonymous_19e7`, `__unnamed_1234`, `<unnamed-tag>`). */
export function isAnonymousTypeName(name: string): boolean {
  return /^__(anonymous|unnamed)_|^<unnamed|^<anonymous/.test(name);
}

export interface IsfConversionOptions {
  /**
   * The types to convert (user types or enums), by name. Default: every user type and enum.
   * Anonymous nested types are named after the member holding them, as WinDbg shows them in dx
   * (`_IRP::<Tail>`, `_IRP::<Tail>::<Overlay>`), and come with their parent.
   */
  types?: string[];
  /** Per type, the only members to keep (others dropped; the size stays the real one). Default: all. */
  fields?: Record<string, string[]>;
  /**
   * Also convert every type a converted type embeds by value (struct/union/enum members and array
   * elements), so the result resolves on its own. Default true. Pointees are not followed.
   */
  closure?: boolean;
}

export interface IsfConversion {
  types: TypeDef[];
  /** One line per fact worth knowing about where the result came from. */
  provenance: string[];
  /** Requested names the table does not have. */
  missing: string[];
}

/** The TypeRef spelling of an ISF type reference; `anonymousName` names an anonymous struct/union member type. */
export function isfTypeRefToC(ref: IsfTypeRef, anonymousName?: (isfName: string) => string): TypeRef {
  switch (ref.kind) {
    case 'base':
      return BASE_TYPE_REFS[ref.name ?? ''] ?? (ref.name ?? 'VOID');
    case 'pointer': {
      const sub = ref.subtype;
      if (!sub || sub.kind === 'function') return 'VOID*';
      return `${isfTypeRefToC(sub, anonymousName)}*`;
    }
    case 'array': {
      const element = isfTypeRefToC(ref.subtype ?? { kind: 'base', name: 'unsigned char' }, anonymousName);
      // "T[a][b]": an array of arrays keeps C order (outer count first).
      const inner = /^(.*?)((\[\d+\])+)$/.exec(element);
      return inner ? `${inner[1]}[${ref.count ?? 0}]${inner[2]}` : `${element}[${ref.count ?? 0}]`;
    }
    case 'bitfield':
      return isfTypeRefToC(ref.type ?? { kind: 'base', name: 'unsigned long' }, anonymousName);
    case 'function':
      return 'VOID';
    default: {
      const name = ref.name ?? '';
      return anonymousName && isAnonymousTypeName(name) ? anonymousName(name) : name;
    }
  }
}

/** Named user types and enums a reference embeds by value (not through a pointer). */
function embeddedNames(ref: IsfTypeRef): string[] {
  switch (ref.kind) {
    case 'array':
      return ref.subtype ? embeddedNames(ref.subtype) : [];
    case 'bitfield':
      return ref.type ? embeddedNames(ref.type) : [];
    case 'struct': case 'union': case 'class': case 'enum':
      return ref.name ? [ref.name] : [];
    default:
      return [];
  }
}

/** Converts one ISF enum to a TypeDef. */
export function isfEnumToTypeDef(table: IsfTable, name: string): TypeDef {
  const isfEnum = table.enums[name];
  if (!isfEnum) throw new Error(`enum '${name}' is not in the table`);
  return {
    name, kind: 'enum', size: isfEnum.size, values: { ...isfEnum.constants },
    baseType: isfTypeRefToC({ kind: 'base', name: isfEnum.base }),
  };
}

/**
 * Converts a table (all of it, or the chosen types with what they embed) into TypeDefs.
 * Fields are listed in offset order (then by name, for a stable result), bit fields with bitPos/bitLen.
 */
export function isfToTypeDefs(loaded: LoadedIsf | IsfTable, options: IsfConversionOptions = {}): IsfConversion {
  const table = 'table' in loaded ? loaded.table : loaded;
  const closure = options.closure ?? true;
  const requested = options.types ?? [...Object.keys(table.user_types).filter((n) => !isAnonymousTypeName(n)), ...Object.keys(table.enums)];
  const out = new Map<string, TypeDef>();
  const missing: string[] = [];
  const queue: string[] = [...requested];

  const convertUserType = (isfName: string, name: string): void => {
    if (out.has(name)) return;
    const source = table.user_types[isfName];
    const keep = options.fields?.[name];
    const fields: FieldDef[] = [];
    const def: TypeDef = { name, kind: source.kind === 'union' ? 'union' : 'struct', size: source.size, fields };
    out.set(name, def);
    const entries = Object.entries(source.fields)
      .filter(([fieldName]) => !keep || keep.includes(fieldName))
      .sort(([a, fa], [b, fb]) => fa.offset - fb.offset || (a < b ? -1 : a > b ? 1 : 0));
    for (const [fieldName, field] of entries) {
      const nested: Array<[string, string]> = [];
      const type = isfTypeRefToC(field.type, (anon) => {
        const nestedName = `${name}::<${fieldName}>`;
        nested.push([anon, nestedName]);
        return nestedName;
      });
      const fieldDef: FieldDef = { name: fieldName, offset: field.offset, type };
      if (field.type.kind === 'bitfield') {
        fieldDef.bitPos = field.type.bit_position ?? 0;
        fieldDef.bitLen = field.type.bit_length ?? 1;
      }
      fields.push(fieldDef);
      for (const [anon, nestedName] of nested) {
        if (table.user_types[anon]) convertUserType(anon, nestedName);
      }
      if (closure) {
        for (const embedded of embeddedNames(field.type)) {
          if (!isAnonymousTypeName(embedded)) queue.push(embedded);
        }
      }
    }
  };

  while (queue.length > 0) {
    const name = queue.shift()!;
    if (out.has(name)) continue;
    if (table.user_types[name]) convertUserType(name, name);
    else if (table.enums[name]) out.set(name, isfEnumToTypeDef(table, name));
    else if (!missing.includes(name)) missing.push(name);
  }

  const provenance: string[] = [];
  if ('table' in loaded) provenance.push(isfProvenance(loaded));
  if (missing.length > 0) provenance.push(`not in the table: ${missing.join(', ')}`);
  return { types: [...out.values()], provenance, missing };
}

/** One provenance line naming the file, its sha256 and the PDB it was generated from. */
export function isfProvenance(loaded: LoadedIsf): string {
  const pdb = loaded.pdb ? `, PDB ${loaded.pdb.database} GUID ${loaded.pdb.guid} age ${loaded.pdb.age}` : '';
  const producer = loaded.table.metadata.producer;
  const by = producer?.name ? `, produced by ${producer.name} ${producer.version ?? ''}`.trimEnd() : '';
  return `ISF ${basename(loaded.path)} (sha256 ${loaded.sha256}${pdb}${by}, ISF format ${loaded.table.metadata.format})`;
}
