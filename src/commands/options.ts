// The option language. dx hands an alias one quoted string for options (`!waitchain "-p svchost.exe"`):
// the runner (declaration.ts, run.ts) splits it into tokens and each command's declared options read
// their values with the number rules below.
import { parseAddr, type Addr } from '../core/addr';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Splits on white space; double quotes group words. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push(m[1] !== undefined ? m[1] : m[2]);
  return out;
}

// Numeric options, one rule for every command (README "Numbers in options"):
//   addresses, pids, ring index values: hex as WinDbg prints them (0x optional), 0n for decimal
//     -- parseNumber;
//   counts and durations (-t seconds, -n entries, -count slots): decimal as people count, 0x for hex
//     -- parseCount.
// Anything else (abc, 1e3, 1.5, -3, 20s) is an error naming the option, never a guess.

/** A number as WinDbg reads an address or pid: hex by default, 0x prefix, 0n for decimal. */
export function parseNumber(token: string): number | undefined {
  const t = token.trim().toLowerCase();
  if (/^0n\d{1,15}$/.test(t)) return parseInt(t.slice(2), 10);
  if (/^0n\d+$/.test(t)) return Number.POSITIVE_INFINITY;
  const hex = t.startsWith('0x') ? t.slice(2) : t;
  if (/^[0-9a-f]{1,13}$/.test(hex)) return parseInt(hex, 16);
  return undefined;
}

/** A count or duration: decimal digits (0n allowed), or 0x hex; at least `min`. */
export function parseCount(option: string, token: string, min: number, unit = 'number'): number {
  const t = token.trim().toLowerCase();
  let n: number | undefined;
  if (/^(0n)?\d{1,15}$/.test(t)) n = parseInt(t.replace(/^0n/, ''), 10);
  else if (/^0x[0-9a-f]{1,13}$/.test(t)) n = parseInt(t.slice(2), 16);
  if (n === undefined) throw new UsageError(`${option} takes a decimal ${unit} (0x for hex), not '${token}'`);
  if (n < min) throw new UsageError(`${option} must be at least ${min}, not '${token}'`);
  return n;
}

export function parseAddressToken(token: string): Addr | undefined {
  return parseAddr(token);
}

/** Walks tokens; each option consumes what it needs. */
export class TokenStream {
  private i = 0;
  constructor(private readonly tokens: string[]) {}
  get done(): boolean {
    return this.i >= this.tokens.length;
  }
  next(): string {
    return this.tokens[this.i++];
  }
  value(option: string): string {
    if (this.done) throw new UsageError(`${option} needs a value`);
    return this.next();
  }
}
