// Conversions between host values (numbers, Int64, native objects) and waitchain's Addr strings.
// Only this folder sees host values; everything else gets Addr or plain numbers.
import { addrFromParts, type Addr } from '../core/addr';
import { TWO32 } from '../core/numbers';

export function isInt64(value: unknown): value is host.Int64 {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return typeof (value as host.Int64).getLowPart === 'function' && typeof (value as host.Int64).getHighPart === 'function';
  } catch (e) {
    // A pointer-typed native object dereferences itself to look up a name it has no field for
    // (a NULL or wild pointer throws here): it is not an Int64.
    return false;
  }
}

/** Int64 or number -> Addr without going through JS number precision. */
export function toAddr(value: number | host.Int64): Addr {
  if (typeof value === 'number') {
    if (value < 0) return addrFromParts(value >>> 0, value < -TWO32 ? 0 : 0xffffffff);
    return addrFromParts(value % TWO32, Math.floor(value / TWO32));
  }
  return addrFromParts(value.getLowPart() >>> 0, value.getHighPart() >>> 0);
}

/**
 * An address as the host takes it: a plain number while it is exact in a double (every x86 address,
 * x64 user addresses), an Int64 above that. Locations accept both (docs/jsprovider.md §host.memory), and a number
 * costs the debugger no Int64 object.
 */
export function toHostAddress(a: Addr): number | host.Int64 {
  return a.length <= 13 ? parseInt(a, 16) : host.parseInt64(a, 16);
}

/** A size or offset the host may give as number or Int64. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (isInt64(value)) return value.asNumber();
  return Number(value);
}
