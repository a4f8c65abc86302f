// Helpers for the HTML report tests: make a page the way the harness does (the bundle runs the
// command with -html on the mock WinDbg), parse it with jsdom, read the drawing back.
import { JSDOM } from 'jsdom';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import { runWithHtml } from '../../mocks/harness/html';
import { displayRelocation } from '../../mocks/harness/run';

export const DEADLOCK_SEED = '002-lpc-chain-mutant-lpc-deadlock-cycle';

export function scenarioPage(scenario: string | object, layout: string, command = '!waitchain'): { html: string; output: string } {
  const s = typeof scenario === 'string' ? loadScenario(scenario) : scenario;
  const r = runWithHtml(buildSnapshot(s as Parameters<typeof buildSnapshot>[0], layout), command, displayRelocation(s, layout));
  if (r.html === undefined) throw new Error(`no page written: ${r.error || r.output}`);
  return { html: r.html, output: r.output };
}

export function parse(html: string, runScripts = false): JSDOM {
  return new JSDOM(html, runScripts ? { runScripts: 'dangerously' } : {});
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function nodeBoxes(doc: Document): Box[] {
  return [...doc.querySelectorAll('#graph g.n > rect')].map((r) => ({
    x: Number(r.getAttribute('x')),
    y: Number(r.getAttribute('y')),
    w: Number(r.getAttribute('width')),
    h: Number(r.getAttribute('height')),
  }));
}

/** Pairs of node boxes that overlap (sorted by x, so the check stays fast for hundreds of boxes). */
export function overlaps(boxes: Box[]): [Box, Box][] {
  const sorted = boxes.slice().sort((a, b) => a.x - b.x);
  const out: [Box, Box][] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].x < sorted[i].x + sorted[i].w; j++) {
      const a = sorted[i];
      const b = sorted[j];
      if (a.y < b.y + b.h && b.y < a.y + a.h) out.push([a, b]);
    }
  }
  return out;
}

/** Anything that would load from outside the file: the page must have none. */
export function externalReferences(doc: Document, html: string): string[] {
  const out: string[] = [];
  doc.querySelectorAll('[src], link, [href]').forEach((e) => {
    const href = e.getAttribute('href');
    if (e.tagName.toLowerCase() === 'a' && href !== null && href.startsWith('#')) return;
    out.push(e.outerHTML.slice(0, 80));
  });
  if (/url\(\s*['"]?(?!#)/i.test(html)) out.push('url( in a style');
  if (/@import/i.test(html)) out.push('@import');
  return out;
}
