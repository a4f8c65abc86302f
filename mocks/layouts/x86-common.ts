// Compact declaration helpers for the 32-bit kernel layouts (xpsp3-x86, win7sp1-x86).
// Only notation lives here: every offset, size and enumerator is per-build data in the layout files.
import type { FieldDef, TypeDef, TypeRef } from '../format/typedef';

/** [name, offset, type] or, for a bit field, [name, offset, storage type, bitPos, bitLen]. */
export type FieldTuple =
  | readonly [name: string, offset: number, type: TypeRef]
  | readonly [name: string, offset: number, type: TypeRef, bitPos: number, bitLen: number];

function toFields(fields: readonly FieldTuple[]): FieldDef[] {
  return fields.map((f) => {
    const def: FieldDef = { name: f[0], offset: f[1], type: f[2] };
    if (f.length === 5) {
      def.bitPos = f[3];
      def.bitLen = f[4];
    }
    return def;
  });
}

/** A struct with (a subset of) its real members at their real offsets. */
export function struct(name: string, size: number, fields: readonly FieldTuple[]): TypeDef {
  return { name, kind: 'struct', size, fields: toFields(fields) };
}

/** A union; every member starts at offset 0 (members of anonymous structs inside it may not). */
export function union(name: string, size: number, fields: readonly FieldTuple[]): TypeDef {
  return { name, kind: 'union', size, fields: toFields(fields) };
}

/**
 * A struct of the module whose size is real but whose members are not listed (nothing in the product or
 * the builder reads them). Declared so that every TypeRef of the layout resolves.
 */
export function opaque(name: string, size: number): TypeDef {
  return { name, kind: 'struct', size, fields: [] };
}

/** An enum (LONG unless said otherwise). */
export function enumeration(name: string, values: Record<string, number>, baseType?: TypeRef): TypeDef {
  const def: TypeDef = { name, kind: 'enum', size: 4, values };
  if (baseType) def.baseType = baseType;
  return def;
}
