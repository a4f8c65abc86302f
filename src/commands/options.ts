// Command options. dx hands an alias one quoted string for options (`!waitchain "-p svchost.exe"`),
// so every command parses its own small option language from that string.
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

/** A number as WinDbg reads one: hex by default, 0x prefix, 0n for decimal. */
export function parseNumber(token: string): number | undefined {
  const t = token.trim().toLowerCase();
  if (/^0n\d+$/.test(t)) return parseInt(t.slice(2), 10);
  const hex = t.startsWith('0x') ? t.slice(2) : t;
  if (/^[0-9a-f]{1,13}$/.test(hex)) return parseInt(hex, 16);
  return undefined;
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
