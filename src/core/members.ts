// A member of a type by path (`Irp.Sequence`, `Entries[2].Key`), from the type's shape alone: pure.
import type { MemberShape, TypeShape } from './target';

/**
 * A member by path inside `shape` (`Irp.Sequence`, `Entries[2].Key`, `[3].Field` on an array): its
 * offset and type; undefined when the type has no such member or the index is past the array.
 */
export function memberAt(shape: TypeShape, path: string): { offset: number; type: TypeShape; bitPos?: number; bitLen?: number } | undefined {
  let t = shape;
  let offset = 0;
  let bits: MemberShape | undefined;
  const re = /\.?([^.[\]]+)|\[(\d+)\]|(.)/g;
  let m: RegExpExecArray | null;
  let parts = 0;
  while ((m = re.exec(path)) !== null) {
    parts++;
    if (m[3] !== undefined) return undefined;
    if (m[1] !== undefined) {
      const name = m[1].toLowerCase();
      const member = t.kind === 'struct' ? (t.members || []).filter((x) => x.name.toLowerCase() === name)[0] : undefined;
      if (!member) return undefined;
      offset += member.offset;
      t = member.type;
      bits = member.bitLen !== undefined ? member : undefined;
    } else {
      const i = parseInt(m[2], 10);
      if (t.kind !== 'array' || !t.element || i >= (t.count || 0)) return undefined;
      offset += i * t.element.size;
      t = t.element;
      bits = undefined;
    }
  }
  if (!parts) return undefined;
  return bits ? { offset, type: t, bitPos: bits.bitPos, bitLen: bits.bitLen } : { offset, type: t };
}
