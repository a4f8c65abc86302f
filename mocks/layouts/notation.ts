// The compact notation of the generated layout files (scripts/layouts.ts writes them; mocks/layouts/spec.ts
// says what goes in). Only shapes live here: every offset, size and value is per-build data in those files.
import type { FieldDef, TypeDef, TypeRef } from '../format/typedef';

/** [name, offset, type] or, for a bit field, [name, offset, storage type, bitPos, bitLen]. */
export type FieldTuple =
  | readonly [name: string, offset: number, type: TypeRef]
  | readonly [name: string, offset: number, type: TypeRef, bitPos: number, bitLen: number];

function toFields(fields: readonly FieldTuple[]): FieldDef[] {
  return fields.map((f) => (f.length === 5
    ? { name: f[0], offset: f[1], type: f[2], bitPos: f[3], bitLen: f[4] }
    : { name: f[0], offset: f[1], type: f[2] }));
}

/** A struct with (the used subset of) its real members at their real offsets and its real size. */
export function struct(name: string, size: number, fields: readonly FieldTuple[] = []): TypeDef {
  return { name, kind: 'struct', size, fields: toFields(fields) };
}

/** A union, same notation. */
export function union(name: string, size: number, fields: readonly FieldTuple[] = []): TypeDef {
  return { name, kind: 'union', size, fields: toFields(fields) };
}

/** An enum: its values, its size and underlying type. */
export function enumeration(name: string, values: Record<string, number>, size = 4, baseType: TypeRef = 'LONG'): TypeDef {
  return { name, kind: 'enum', size, values, baseType };
}
