// Hex/address helpers shared by the scenario builder (Node side; BigInt addresses).

/** Parses a scenario hex string: tolerates `0x`, WinDbg backticks, upper case and surrounding blanks. */
export function parseHex(text: string): bigint {
  const s = normHex(text);
  if (!/^[0-9a-f]+$/.test(s)) throw new Error(`not a hex value: ${JSON.stringify(text)}`);
  return BigInt('0x' + s);
}

/** Normalised spelling of a hex string: lower case, no `0x`, no backtick, no blanks (leading zeros kept). */
export function normHex(text: string): string {
  let s = String(text).trim().toLowerCase().replace(/`/g, '');
  if (s.startsWith('0x')) s = s.slice(2);
  return s;
}

export function isHex(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const s = normHex(text);
  return s.length > 0 && /^[0-9a-f]+$/.test(s);
}

/** Snapshot spelling: lower-case hex, no leading zeros ("0" for zero). */
export function fmt(v: bigint): string {
  return v.toString(16);
}

export function alignUp(v: bigint, a: bigint): bigint {
  return ((v + a - 1n) / a) * a;
}

export function alignDown(v: bigint, a: bigint): bigint {
  return (v / a) * a;
}

export function maskFor(bytes: number): bigint {
  return (1n << BigInt(bytes * 8)) - 1n;
}
