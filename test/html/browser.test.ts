// The seed 002 deadlock page in a real browser: headless Chromium (Debian's `chromium` package,
// driven by puppeteer-core, which downloads no browser) opens the file from disk, the page renders
// with no console error, a click on a node shows that thread's details, and a screenshot is saved
// under test/html/out/. Skipped, saying why, where no Chromium is installed (.ci/run installs it).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { DEADLOCK_SEED, scenarioPage } from './pages';

const CANDIDATES = [process.env.WAITCHAIN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
const chromium = CANDIDATES.filter((p) => existsSync(p))[0];
const OUT = join(__dirname, 'out');

describe.skipIf(!chromium)(`in headless Chromium${chromium ? ` (${chromium})` : ': SKIPPED, no Chromium found (apt-get install chromium, or set WAITCHAIN_CHROMIUM)'}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    const puppeteer = (await import('puppeteer-core')).default;
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    if (browser) await browser.close();
  });

  for (const layout of ['xpsp3-x86', 'win10-19041-x64']) {
    it(`${layout}: opens from disk, no console errors, a click shows the thread's details`, async () => {
      mkdirSync(OUT, { recursive: true });
      const file = join(OUT, `seed002-deadlock.${layout}.html`);
      writeFileSync(file, scenarioPage(DEADLOCK_SEED, layout).html);
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
      });
      await page.setViewport({ width: 1400, height: 900 });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(await page.$$eval('#graph g.n', (n) => n.length)).toBe(7);
      expect(await page.$$eval('#graph g.n.cyc', (n) => n.length)).toBe(2);
      // Rendered boxes (the browser's own geometry) do not overlap.
      const boxes = await page.$$eval('#graph g.n rect', (rs) => rs.map((r) => (r as SVGGraphicsElement).getBoundingClientRect()).map((b) => ({ x: b.x, y: b.y, w: b.width, h: b.height })));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h, `boxes ${i} and ${j}`).toBe(false);
        }
      }
      await page.click('#graph g.n[data-t$="89a9dc38"]');
      const heading = await page.$eval('#details h3', (h) => h.textContent);
      expect(heading).toMatch(/89a9dc38 svchost\.exe 0a0c\.185c$/);
      const commands = await page.$$eval('#details code', (cs) => cs.map((c) => c.textContent));
      expect(commands[0]).toMatch(/^!thread .*89a9dc38$/);
      await page.screenshot({ path: join(OUT, `seed002-deadlock.${layout}.png`) });
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
