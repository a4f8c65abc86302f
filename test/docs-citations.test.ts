// Citations resolve inside the repository (issue 16 item 9): every `docs/<file>.md §<heading>` named in src/,
// mocks/, scripts/, test/, typings/ and bench/ is an existing doc with that heading; a bare `§<heading>` resolves
// against a doc the same file names; nothing cites the notes in ../shared/reference, which a clone does not have
// (tests that READ ../shared at run time, skipped when it is absent, are fine: they cite nothing).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const SCANNED = ['src', 'mocks', 'scripts', 'test', 'typings', 'bench'];
/** Seed scenarios are byte copies of ../shared/scenarios; this file spells the forbidden forms on purpose. */
const SKIPPED = (rel: string) => rel.startsWith('mocks/scenarios/') || rel === 'test/docs-citations.test.ts';
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|json|md)$/;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : TEXT.test(name) ? [path] : [];
  });
}

const rel = (path: string) => relative(ROOT, path).split(sep).join('/');
const sources = SCANNED.flatMap((d) => files(join(ROOT, d))).map((p) => ({ rel: rel(p), text: readFileSync(p, 'utf8') })).filter((f) => !SKIPPED(f.rel));

/**
 * The names a heading can be cited by: the whole heading, and the part before a parenthesis
 * ("Relocation (x86 scenario on an x64 layout)" is cited as §Relocation).
 */
function headingNames(doc: string): string[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const names = [...text.matchAll(/^#{2,4} (.+?)\s*$/gm)].flatMap((m) => {
    const h = m[1].replace(/`/g, '');
    const short = h.replace(/\s*\(.*$/, '');
    return short && short !== h ? [h, short] : [h];
  });
  return [...new Set(names)].sort((a, b) => b.length - a.length);
}

const headingCache = new Map<string, string[]>();
function headingsOf(doc: string): string[] | undefined {
  if (!existsSync(join(ROOT, doc))) return undefined;
  if (!headingCache.has(doc)) headingCache.set(doc, headingNames(doc));
  return headingCache.get(doc);
}

/** The heading `after` (the text following a §) starts with, if any: the longest, ending at a non-word character. */
function citedHeading(after: string, headings: string[]): string | undefined {
  return headings.find((h) => after.startsWith(h) && !/^[A-Za-z0-9_]/.test(after.slice(h.length)));
}

/** Problems with the citations of one file's text. */
function problemsOf(file: { rel: string; text: string }): string[] {
  const out: string[] = [];
  const lineOf = (index: number) => file.text.slice(0, index).split('\n').length;
  const named = new Set<string>();
  for (const m of file.text.matchAll(/\bdocs\/([\w.-]+\.md)/g)) {
    const doc = `docs/${m[1]}`;
    if (!headingsOf(doc)) out.push(`${file.rel}:${lineOf(m.index!)} names ${doc}, which does not exist`);
    else named.add(doc);
  }
  for (const m of file.text.matchAll(/§/g)) {
    const at = m.index!;
    const after = file.text.slice(at + 1, at + 121);
    const before = file.text.slice(Math.max(0, at - 80), at);
    const full = /docs\/([\w.-]+\.md) $/.exec(before);
    const where = `${file.rel}:${lineOf(at)}`;
    if (after.startsWith('<')) continue; // the form itself, "§<heading>", as prose describes it
    if (/^\d/.test(after)) {
      out.push(`${where} cites a numbered section (§${after.split(/[^\d.]/)[0]}) of notes outside the repository`);
      continue;
    }
    if (full) {
      const headings = headingsOf(`docs/${full[1]}`);
      if (headings && !citedHeading(after, headings)) out.push(`${where} cites docs/${full[1]} §${after.split('\n')[0].slice(0, 40)}…: no such heading`);
      continue;
    }
    if (!named.size) {
      out.push(`${where} cites §${after.split('\n')[0].slice(0, 40)}… but the file names no docs/<file>.md`);
      continue;
    }
    if (![...named].some((doc) => citedHeading(after, headingsOf(doc)!))) {
      out.push(`${where} cites §${after.split('\n')[0].slice(0, 40)}…: no such heading in ${[...named].join(', ')}`);
    }
  }
  const forbidden: [RegExp, string][] = [
    [/shared\/reference/g, 'cites shared/reference (not in a clone)'],
    [/(?<!docs\/)kernel-structures\.md/g, 'cites kernel-structures.md outside docs/'],
    [/jsprovider-api\.md/g, 'cites jsprovider-api.md (not in a clone)'],
    [/\breference \(?§/g, 'cites "reference §n"'],
    [/shared\/[\w./-]+\.md §/g, 'cites a section of a file in ../shared'],
  ];
  // docs/scenario-format.md names its upstream on purpose; everything else cites it, not ../shared.
  if (file.rel !== 'docs/scenario-format.md') forbidden.push([/shared\/scenario-format\.md/g, 'cites ../shared/scenario-format.md (not in a clone; see docs/scenario-format.md)']);
  for (const [re, what] of forbidden) for (const m of file.text.matchAll(re)) out.push(`${file.rel}:${lineOf(m.index!)} ${what}`);
  return out;
}

describe('citations resolve inside the repository', () => {
  it('scans the tree (sanity: the docs exist and files cite them)', () => {
    expect(headingsOf('docs/kernel-structures.md')).toContain('Wait blocks');
    expect(headingsOf('docs/jsprovider.md')).toContain('Int64');
    expect(headingsOf('docs/scenario-format.md')).toEqual(expect.arrayContaining(['Threads', 'Objects', 'Expect', 'Rings', 'Corruption']));
    expect(sources.filter((f) => f.text.includes('docs/kernel-structures.md §')).length).toBeGreaterThan(10);
    expect(sources.filter((f) => f.text.includes('docs/jsprovider.md §')).length).toBeGreaterThan(10);
  });

  it('every docs/<file>.md §<heading> and every bare §<heading> names an existing doc and heading; nothing cites ../shared/reference', () => {
    expect(sources.flatMap(problemsOf)).toEqual([]);
  });

  it('the docs cite their own sections by headings that exist', () => {
    const docs = readdirSync(join(ROOT, 'docs')).filter((n) => n.endsWith('.md')).map((n) => `docs/${n}`);
    const problems = docs.flatMap((doc) => problemsOf({ rel: doc, text: `${doc}\n${readFileSync(join(ROOT, doc), 'utf8')}` }));
    expect(problems).toEqual([]);
  });

  it('the checker catches what it is for', () => {
    const bad = [
      '// see kernel-structures.md §1.6',
      '// see ../shared/reference/jsprovider-api.md',
      '// types of the format (shared/scenario-format.md)',
      '// (reference §4.2)',
      '// bare §2.4',
      '// docs/kernel-structures.md §No such heading',
      '// docs/missing.md §Anything',
      '// §Wait blocks without naming the doc',
    ];
    for (const text of bad) expect(problemsOf({ rel: 'x.ts', text }), text).not.toEqual([]);
    const good = ['// docs/kernel-structures.md §Wait blocks, §ERESOURCE.', "it('§Int64: …') // docs/jsprovider.md §Int64", '// docs/scenario-extensions.md §Relocation.'];
    for (const text of good) expect(problemsOf({ rel: 'x.ts', text }), text).toEqual([]);
  });
});
