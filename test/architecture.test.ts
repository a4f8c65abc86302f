// Structural rules of src/ (README "How it is built"): only src/host/ touches the debugger's `host`;
// the layers import downwards only: core <- kernel <- analysis <- render <- commands, with words made in
// render/ alone. Checked on the import statements of every file, so a new arrow upwards fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function code(path: string): string {
  // Comments may mention anything; only code counts.
  return readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/** The top-level folder of src/ a file is in ('core', 'kernel', ...; 'index' for src/index.ts). */
function layerOf(path: string): string {
  const rel = relative(SRC, path).split(/[\\/]/);
  return rel.length === 1 ? 'index' : rel[0];
}

interface Import {
  from: string;
  /** The file imported, relative to src/ ('kernel/threads'). */
  module: string;
  layer: string;
  typeOnly: boolean;
  names: string[];
}

function importsOf(path: string): Import[] {
  const out: Import[] = [];
  const re = /(?:^|;|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"](\.[^'"]+)['"]/g;
  const text = code(path);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const target = resolve(dirname(path), m[4]);
    const clause = m[3];
    const names = (clause.match(/\{([\s\S]*)\}/) || ['', ''])[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // `import { type A, type B }` is type-only too: every named import marked `type`.
    const typeOnly = !!m[2] || (names.length > 0 && !/^\w/.test(clause.replace(/\{[\s\S]*\}/, '').trim()) && names.every((n) => n.startsWith('type ')));
    out.push({ from: relative(SRC, path), module: relative(SRC, target), layer: layerOf(target + '.ts'), typeOnly, names });
  }
  return out;
}

const ALL = files(SRC).map((f) => ({ path: f, layer: layerOf(f), imports: importsOf(f) }));

/** Which layers each layer may import (values or types). */
const MAY_IMPORT: Record<string, string[]> = {
  core: ['core'],
  kernel: ['core', 'kernel'],
  analysis: ['core', 'kernel', 'analysis'],
  render: ['core', 'analysis', 'render'],
  host: ['core', 'host', 'kernel'],
  record: ['core', 'host', 'record'],
  commands: ['core', 'kernel', 'analysis', 'render', 'host', 'record', 'commands'],
  index: ['commands', 'host', 'core'],
};

/**
 * The values analysis/ may take from kernel/: pure functions and constants over facts already read, which
 * read no memory and decode no bytes (an IRP_MJ code's name is the kernel's own enumerator, not our words).
 */
const PURE_KERNEL_HELPERS: Record<string, string[]> = {
  'kernel/alpc': ['messageBelongsTo'],
  'kernel/apcs': ['specialApcDeliverable'],
  'kernel/critsecs': ['listHolds'],
  'kernel/irps': ['majorFunctionName'],
  'kernel/lpc': ['replyChainHead'],
  'kernel/queuedSpinLocks': ['entryMap', 'innermostFirst', 'LOCK_QUEUE_OWNER', 'LOCK_QUEUE_WAIT'],
};

/** The value (not type) names an import brings in. */
function valueNames(i: Import): string[] {
  return i.typeOnly ? [] : i.names.filter((n) => !n.startsWith('type ')).map((n) => n.split(/\s+as\s+/)[0]);
}

function offenders(pred: (f: (typeof ALL)[number], i: Import) => boolean): string[] {
  const out: string[] = [];
  for (const f of ALL) for (const i of f.imports) if (pred(f, i)) out.push(`${relative(SRC, f.path)} -> ${i.module}`);
  return out;
}

describe('src/ architecture', () => {
  it('touches host only from src/host/', () => {
    const bad = ALL.filter((f) => f.layer !== 'host' && /\bhost\s*\./.test(code(f.path))).map((f) => relative(SRC, f.path));
    expect(bad).toEqual([]);
  });

  it('reads no structure at a numeric offset (no "+ 0x.." next to a field read)', () => {
    const bad = ALL.filter((f) => /(num|ptr|read\w*)\([^)]*\+\s*0x[0-9a-f]+/i.test(code(f.path))).map((f) => relative(SRC, f.path));
    expect(bad).toEqual([]);
  });

  it('imports downwards only (kernel never analysis or render; analysis never render; render never kernel; core nothing above it)', () => {
    expect(offenders((f, i) => !(MAY_IMPORT[f.layer] || []).includes(i.layer))).toEqual([]);
  });

  it('analysis/ takes only types from kernel/ (facts), never a reader or a decoder', () => {
    const allowed = (i: Import) => valueNames(i).every((n) => (PURE_KERNEL_HELPERS[i.module] || []).includes(n));
    expect(offenders((f, i) => f.layer === 'analysis' && i.layer === 'kernel' && !allowed(i))).toEqual([]);
  });

  it('builds no words below render/: no formatAddr, plurals or vocabulary in kernel/ or analysis/', () => {
    const bad = ALL.filter((f) => f.layer === 'kernel' || f.layer === 'analysis')
      .filter((f) => /\bformatAddr\b|\bplural\w*\(|\bcount\(\s*\d|\bhex4\(/.test(code(f.path)))
      .map((f) => relative(SRC, f.path));
    expect(bad).toEqual([]);
  });

  it('reads imports the way the rules need (a self-check of the parser on this very file kind)', () => {
    const parsed = importsOf(join(SRC, 'analysis', 'waits', 'rules', 'critsecs.ts')).filter((i) => i.module === 'kernel/critsecs');
    expect(parsed.length).toBe(1);
    expect(valueNames(parsed[0])).toEqual(['listHolds']);
    expect(MAY_IMPORT.kernel.includes('analysis')).toBe(false);
    expect(MAY_IMPORT.analysis.includes('render')).toBe(false);
    expect(MAY_IMPORT.render.includes('kernel')).toBe(false);
  });
});
