// Structural rules of src/: only src/host/ touches the debugger's `host`; the rest works on plain data.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function code(path: string): string {
  // Comments may mention host; only code counts.
  return readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

describe('src/ architecture', () => {
  it('touches host only from src/host/', () => {
    const offenders = files(SRC)
      .filter((f) => !relative(SRC, f).startsWith('host'))
      .filter((f) => /\bhost\s*\./.test(code(f)))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it('reads no structure at a numeric offset (no "+ 0x.." next to a field read)', () => {
    const offenders = files(SRC).filter((f) => /(num|ptr|read\w*)\([^)]*\+\s*0x[0-9a-f]+/i.test(code(f)));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });
});
