// How WinDbg marshals `!name args` and `dx @$name(args)` (docs/jsprovider.md §Function aliases): the text after the alias is a
// dx (C++-style) expression. Supported forms:
//   integers   42 (decimal, C++ rules), 0x2a, 0n42, 052 (octal, C++), ffffe001`2345a080 and
//              0xffffe001`2345a080 (backtick-split 64-bit hex), a leading '-'.
//              Values in [-0x80000000, 0x80000000) arrive as JS numbers, others as Int64 (the
//              two's-complement pattern for negatives) (§Function aliases, §Numbers and Int64).
//   strings    "..." with C escapes (\\ \" \' \n \r \t \0 \a \b \f \v \xHH \uHHHH).
//   module!symbol  → the global as dx evaluates it: the native object (or the scalar value);
//              code symbols (no type) → their address as an Int64 (our choice).
//   @$curthread @$curprocess @$cursession → data-model objects; @reg → the current thread's
//              register (Int64) when the snapshot has it.
//   Several arguments only as a parenthesized, comma-separated list: `!f (a, b)`, `!f(a, b)`;
//   a single argument may be bare or parenthesized; no text → no arguments (undefined).
// Errors (messages ours, dx-like; the loader prints them as "Error: <message>"):
//   Unexpected token at '<rest of the text>'   Unexpected end of expression
//   Couldn't resolve error at '<name>'          (dx's wording for an unknown name)
//   Unterminated string literal                 Integer literal is too large

export class DxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DxError';
  }
}

export interface DxEvaluator {
  /** Marshals an integer literal (already range-checked to 64 bits, may be negative). */
  integer(value: bigint): unknown;
  /** `module!name`; undefined when unknown. */
  symbol(module: string, name: string): unknown;
  /** `@$name` (without the @$); undefined when unknown. */
  variable(name: string): unknown;
  /** `@name` register; undefined when unknown. */
  register(name: string): unknown;
}

type Tok =
  | { k: 'punct'; v: '(' | ')' | ',' | '-'; pos: number }
  | { k: 'num'; v: bigint; pos: number }
  | { k: 'str'; v: string; pos: number }
  | { k: 'sym'; module: string; name: string; pos: number }
  | { k: 'var'; v: string; pos: number }
  | { k: 'reg'; v: string; pos: number }
  | { k: 'end'; pos: number };

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const rest = (p: number) => text.slice(p);
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === ',' || c === '-') { out.push({ k: 'punct', v: c, pos: i }); i++; continue; }
    if (c === '"') {
      let s = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new DxError('Unterminated string literal');
        const ch = text[j];
        if (ch === '"') { j++; break; }
        if (ch === '\\') {
          const e = text[j + 1];
          if (e === undefined) throw new DxError('Unterminated string literal');
          if (e === 'x' && /^[0-9a-f]{2}/i.test(text.slice(j + 2))) { s += String.fromCharCode(parseInt(text.slice(j + 2, j + 4), 16)); j += 4; continue; }
          if (e === 'u' && /^[0-9a-f]{4}/i.test(text.slice(j + 2))) { s += String.fromCharCode(parseInt(text.slice(j + 2, j + 6), 16)); j += 6; continue; }
          s += ESCAPES[e] ?? e;
          j += 2;
          continue;
        }
        s += ch;
        j++;
      }
      out.push({ k: 'str', v: s, pos: i });
      i = j;
      continue;
    }
    const r = rest(i);
    let m: RegExpExecArray | null;
    if ((m = /^@\$([A-Za-z_]\w*)/.exec(r))) { out.push({ k: 'var', v: m[1], pos: i }); i += m[0].length; continue; }
    if ((m = /^@([A-Za-z_]\w*)/.exec(r))) { out.push({ k: 'reg', v: m[1], pos: i }); i += m[0].length; continue; }
    if ((m = /^(?:0x)?([0-9a-f]+`[0-9a-f]+)(?![\w`])/i.exec(r)) || (m = /^0x([0-9a-f]+)(?![\w`])/i.exec(r))) {
      out.push({ k: 'num', v: BigInt('0x' + m[1].replace('`', '')), pos: i }); i += m[0].length; continue;
    }
    if ((m = /^0n([0-9]+)(?!\w)/i.exec(r))) { out.push({ k: 'num', v: BigInt(m[1]), pos: i }); i += m[0].length; continue; }
    if ((m = /^0([0-7]+)(?!\w)/.exec(r))) { out.push({ k: 'num', v: BigInt('0o' + m[1]), pos: i }); i += m[0].length; continue; }
    if ((m = /^([0-9]+)(?!\w)/.exec(r))) { out.push({ k: 'num', v: BigInt(m[1]), pos: i }); i += m[0].length; continue; }
    if ((m = /^([A-Za-z_][\w.]*)!([A-Za-z_?@$][\w:?@$<>~]*)/.exec(r))) {
      out.push({ k: 'sym', module: m[1], name: m[2], pos: i }); i += m[0].length; continue;
    }
    if ((m = /^[A-Za-z_]\w*/.exec(r))) throw new DxError(`Couldn't resolve error at '${m[0]}'`);
    throw new DxError(`Unexpected token at '${r}'`);
  }
  out.push({ k: 'end', pos: text.length });
  return out;
}

const MAX_U64 = (1n << 64n) - 1n;

export function parseAliasArguments(text: string, ev: DxEvaluator): unknown[] {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const unexpected = (t: Tok): never => {
    if (t.k === 'end') throw new DxError('Unexpected end of expression');
    throw new DxError(`Unexpected token at '${text.slice(t.pos)}'`);
  };
  const isPunct = (t: Tok, v: string) => t.k === 'punct' && t.v === v;

  const integer = (v: bigint): unknown => {
    if (v > MAX_U64 || v < -(1n << 63n)) throw new DxError('Integer literal is too large');
    return ev.integer(v);
  };

  function expr(): unknown {
    const t = toks[p++];
    switch (t.k) {
      case 'punct':
        if (t.v === '-') {
          const n = peek();
          if (n.k === 'num') { p++; return integer(-n.v); }
          return unexpected(n);
        }
        if (t.v === '(') {
          const v = expr();
          if (!isPunct(peek(), ')')) unexpected(peek());
          p++;
          return v;
        }
        return unexpected(t);
      case 'num': return integer(t.v);
      case 'str': return t.v;
      case 'sym': {
        const v = ev.symbol(t.module, t.name);
        if (v === undefined) throw new DxError(`Couldn't resolve error at '${t.module}!${t.name}'`);
        return v;
      }
      case 'var': {
        const v = ev.variable(t.v);
        if (v === undefined) throw new DxError(`Couldn't resolve error at '@$${t.v}'`);
        return v;
      }
      case 'reg': {
        const v = ev.register(t.v);
        if (v === undefined) throw new DxError(`Couldn't resolve error at '@${t.v}'`);
        return v;
      }
      default: return unexpected(t);
    }
  }

  if (peek().k === 'end') return [];
  let args: unknown[];
  if (isPunct(peek(), '(')) {
    p++;
    args = [];
    if (isPunct(peek(), ')')) p++;
    else {
      for (;;) {
        args.push(expr());
        const t = toks[p++];
        if (isPunct(t, ')')) break;
        if (!isPunct(t, ',')) unexpected(t);
      }
    }
  } else {
    args = [expr()];
  }
  if (peek().k !== 'end') unexpected(peek());
  return args;
}

export interface AliasInvocation {
  name: string;
  argText: string;
  form: 'bang' | 'dx';
}

/** `!name args`, `!name(args)` or `dx @$name(args)`; undefined when the line is neither. */
export function parseAliasCommand(line: string): AliasInvocation | undefined {
  const bang = /^\s*!([A-Za-z_]\w*)(.*)$/s.exec(line);
  if (bang) return { name: bang[1], argText: bang[2].trim(), form: 'bang' };
  const dx = /^\s*dx\s+@\$([A-Za-z_]\w*)\s*(\(.*\))\s*$/s.exec(line);
  if (dx) return { name: dx[1], argText: dx[2], form: 'dx' };
  return undefined;
}
