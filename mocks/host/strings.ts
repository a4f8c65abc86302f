// Low-level string reads shared by host.memory.readString/readWideString and display formats.
// Narrow strings decode as Latin-1 (a fixed stand-in for "the current code page", docs/jsprovider.md §host.memory).
import { MemoryFault } from './memory';
import type { Env } from './env';

/** Upper bound for NUL-terminated reads without an explicit length. */
export const MAX_STRING_UNITS = 0x10000;

/**
 * Reads up to `maxUnits` characters (1 or 2 bytes each), stopping at NUL.
 * Throws MemoryFault when the first unit is unreadable, or when `exact` (an explicit length was
 * given) and a unit before NUL is unreadable; otherwise stops quietly at unreadable memory.
 */
export function readUnits(env: Env, address: bigint, unit: 1 | 2, maxUnits: number,
  process: bigint | undefined, exact: boolean): { text: string; bytes: number } {
  const codes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < maxUnits; i++) {
    const at = address + BigInt(i * unit);
    let b: Uint8Array;
    try {
      b = env.mem.read(at, unit, process);
    } catch (e) {
      if (e instanceof MemoryFault && i > 0 && !exact) break;
      throw e;
    }
    bytes += unit;
    const code = unit === 1 ? b[0] : b[0] | (b[1] << 8);
    if (code === 0) break;
    codes.push(code);
  }
  let text = '';
  for (let i = 0; i < codes.length; i += 4096) text += String.fromCharCode(...codes.slice(i, i + 4096));
  return { text, bytes };
}
