// Everything in a page comes from the dump: hostile names must stay text. Checked through the bundle
// (process names in a seed scenario, cut to ImageFileName's 15 bytes as the kernel keeps them) and
// on the renderers directly with full-length strings in every field a page shows.
import { describe, expect, it } from 'vitest';
import type { WaitChainReport, ThreadSummary } from '../../src/analysis/waits/waitchain';
import type { Hop } from '../../src/analysis/waits/waitgraph';
import type { StaleReport } from '../../src/analysis/stale/stalecheck';
import type { RingResult } from '../../src/analysis/rings/ringdump';
import { renderWaitChainHtml } from '../../src/render/html/waitchainHtml';
import { renderStaleHtml } from '../../src/render/html/staleHtml';
import { renderRingHtml } from '../../src/render/html/ringHtml';
import { renderWaitChainText } from '../../src/render/waitchainText';
import { verdictText } from '../../src/render/waitchainWords';
import { loadScenario } from '../../mocks/builder';
import { DEADLOCK_SEED, parse, scenarioPage } from './pages';
import type { WaitReason } from '../../src/kernel/model';

const HOSTILE = ['<img src=x onerror=alert(1)>', '"></svg><script>alert(2)</script>', "'><svg onload=alert(3)>", '</script><script>alert(4)</script>', '&lt;b&gt;\u2028x'];

/** The page holds no markup but its own: no injected element, handler or script, and the script runs without an alert. */
function expectInert(html: string): Document {
  const dom = parse(html, true);
  let alerts = 0;
  dom.window.alert = () => {
    alerts++;
  };
  const doc = dom.window.document;
  expect(doc.querySelectorAll('img, iframe, object, embed, foreignObject').length).toBe(0);
  expect(doc.querySelectorAll('script').length).toBe(2);
  expect(doc.querySelectorAll('svg').length).toBeLessThanOrEqual(1);
  const handlers = [...doc.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name)));
  expect(handlers.map((e) => e.outerHTML.slice(0, 60))).toEqual([]);
  doc.querySelectorAll('#graph g.n').forEach((g) => g.dispatchEvent(new dom.window.MouseEvent('click', { bubbles: true })));
  expect(alerts).toBe(0);
  return doc;
}

describe('hostile process names through the bundle', () => {
  for (const layout of ['xpsp3-x86', 'win10-19041-x64']) {
    it(`${layout}: names stay text in nodes, details, tables and the text report`, () => {
      const scenario = loadScenario(DEADLOCK_SEED) as { processes: { name: string; pid: string }[] };
      const names = new Map<string, string>([
        ['0a0c', HOSTILE[0]],
        ['0de4', HOSTILE[1]],
        ['1884', HOSTILE[2]],
      ]);
      for (const p of scenario.processes) if (names.has(p.pid)) p.name = names.get(p.pid)!;
      const { html, output } = scenarioPage(scenario, layout);
      const doc = expectInert(html);
      // The kernel keeps 15 (XP) or 14 (Windows 10) characters of the name; the page shows what the text report shows.
      const shown = /(\S*<img\S*)/.exec(output);
      expect(shown).not.toBeNull();
      const nodeText = [...doc.querySelectorAll('#graph g.n text tspan.b')].map((t) => t.textContent);
      expect(nodeText.some((t) => t!.startsWith('<img src=x on'))).toBe(true);
      expect(nodeText.some((t) => t!.startsWith('"></svg><scrip'))).toBe(true);
      expect(doc.querySelector('.verdict')!.textContent).toBe(output.split('\n')[0]);
      expect(doc.querySelector('details pre')!.textContent).toBe(output);
    });
  }
});

const clock = { currentTick: 1000, increment: 156250, incrementKnown: true };

// A wait reason is a known name or #<n> by type (kernel/model.ts); the page escapes it all the same.
function summary(address: string, name: string, extra: Partial<ThreadSummary> = {}): ThreadSummary {
  return { address, process: 'p' + address, processName: name, pid: 0x10, tid: 0x20, state: 'Waiting', waitReason: HOSTILE[3] as WaitReason, waitTicks: 100, inconsistentWaitTime: false, terminal: { state: 'waiting', terminating: false, wait: { kind: 'gui', deadEnds: [], gui: { kind: 'message-box', call: { frame: `running in ${HOSTILE[1]}` } } } }, ...extra };
}

function hostileReport(): WaitChainReport {
  const a = '81000000';
  const b = '81000400';
  const c = '81000800';
  const hops: Hop[] = [
    { from: a, kind: 'process', object: '82000000', to: b, processName: HOSTILE[0], exiting: false, threadsLeft: 1 },
    { from: b, kind: 'critical-section', object: '82000040', to: a, symbol: HOSTILE[1], ownerTid: 0x20 },
    { from: c, kind: 'alpc', object: '82000080', to: a, messageId: 1, serverProcess: HOSTILE[4] },
  ];
  const threads = new Map<string, ThreadSummary>([
    [a, summary(a, HOSTILE[0])],
    [b, summary(b, HOSTILE[1])],
    [c, summary(c, HOSTILE[2])],
  ]);
  return {
    pointerSize: 4,
    clock,
    deadlocks: [{ threads: [a, b], hops: hops.slice(0, 2), alsoInvolved: [] }],
    rootBlockers: [{ thread: a, cycle: [a, b], blocked: [c], tree: [hops[2]], processesAffected: ['p' + c], holds: [{ lock: '82000100', kind: 'resource', carried: 3 } as never] }],
    chains: [{ path: [c, a], hops: [hops[2]], root: a, blockedFirst: c }],
    edges: hops,
    longestWaiter: c,
    unserved: [],
    ownerless: [],
    waiterCounts: [{ object: '82000000', kind: HOSTILE[2], count: 2, listed: 2 }],
    threads,
    scanned: 3,
    waiting: 3,
    inChains: 3,
    warnings: { tally: [{ kind: 'object-unreadable', count: 2 }], fromHost: [{ kind: 'enum-names-unknown', types: [HOSTILE[3]] }] },
    terminalOf: () => undefined,
  };
}

describe('hostile strings in every field the renderers show', () => {
  it('!waitchain: names, wait reasons, hop details, chain ends, kinds, warnings', () => {
    const report = hostileReport();
    for (const size of [4, 8]) {
      const text = renderWaitChainText(report, size);
      const html = renderWaitChainHtml(report, size, text);
      const doc = expectInert(html);
      expect(doc.querySelector('details pre')!.textContent).toBe(text);
      expect(doc.querySelector('.verdict')!.textContent).toBe(verdictText(report));
      const data = JSON.parse(doc.getElementById('wc-data')!.textContent!);
      expect(Object.values(data.threads).map((t) => (t as { label: string }).label.split(' ').slice(1).join(' '))).toContain(`${HOSTILE[0]} 0010.0020`);
      expect(doc.body.textContent).toContain(HOSTILE[4]);
      expect(html).not.toContain('<img');
      expect(html).not.toContain('</svg><script>');
    }
  });

  it('!stalecheck: summary, evidence and next command', () => {
    // Dump strings reach a finding's words through its facts: process names, wait reasons, frames, message ids.
    const waiter = { address: '81000000', processName: HOSTILE[0], pid: 0x10, tid: 0x20, state: 'Waiting', waitReason: HOSTILE[1], waitMode: 'KernelMode', alertable: false, terminated: false, waitObjects: [] };
    const report: StaleReport = {
      findings: [
        {
          rule: 'unserved-message',
          severity: 'warning',
          thread: '81000000',
          object: HOSTILE[1],
          client: waiter,
          waitStartAfterNow: false,
          increment: 156250,
          message: { kind: 'lpc', message: HOSTILE[1], id: 1 },
          server: { kind: 'unknown' },
          portClients: 1,
        },
        {
          rule: 'long-wait',
          severity: 'warning',
          thread: '81000000',
          waiter,
          timedWait: false,
          ticks: 100000,
          increment: 156250,
          thresholdSeconds: 600,
          waitStart: 1,
          currentTick: 100001,
          group: { kind: 'module', module: HOSTILE[3] },
          groupSize: 1,
          members: [],
          moreMembers: 0,
          stackNotResident: false,
          frame: HOSTILE[2],
          waitsOn: { state: 'other', name: HOSTILE[4] },
        },
      ],
      rulesRun: ['long-wait', 'unserved-message'],
      threadsScanned: 1,
      warnings: { tally: [], fromHost: [{ kind: 'enum-names-unknown', types: [HOSTILE[2]] }] },
    };
    const html = renderStaleHtml(report, 4, `Summary: ${HOSTILE[3]}\n`);
    const doc = expectInert(html);
    const rows = [...doc.querySelectorAll('#findings tbody tr')];
    expect(rows[0].querySelector('td:nth-child(4)')!.textContent).toContain(HOSTILE[0]);
    expect(rows[0].querySelector('button')!.getAttribute('data-copy')).toBe(`!lpc message ${HOSTILE[1]}`);
    expect(rows[1].querySelector('td:nth-child(4)')!.textContent).toContain(HOSTILE[3]);
    expect(rows[1].querySelector('pre')!.textContent).toContain(HOSTILE[2]);
    expect(rows[1].querySelector('pre')!.textContent).toContain(HOSTILE[4]);
  });

  it('!ringdump: array and field names, ring strings, symbols, warnings', () => {
    const result = {
      reports: [
        {
          array: { kind: 'text', text: HOSTILE[0] },
          address: '80413004',
          elementType: HOSTILE[1],
          capacity: 2,
          order: 'slots',
          total: 2,
          entries: [
            { position: 0, slot: 0, address: '80413004', unreadable: false, fields: [{ path: HOSTILE[2], value: { kind: 'text', text: HOSTILE[3] } }, { path: 'Routine', value: { kind: 'pointer', address: '80001000' } }] },
            { position: 1, slot: 1, address: '80413008', unreadable: true, fields: [] },
          ],
          symbols: new Map([['80001000', HOSTILE[4]]]),
          warnings: [{ kind: 'element-without-fields', elementName: HOSTILE[0] }],
        },
      ],
      notes: [HOSTILE[1], { kind: 'no-devnode-read', root: '8b56f5d0' }],
    } as unknown as RingResult;
    const doc = expectInert(renderRingHtml(result, 4, `${HOSTILE[0]}\n`));
    expect(doc.querySelector('#ring0 thead')!.textContent).toContain(HOSTILE[2]);
    expect(doc.querySelector('#ring0 tbody')!.textContent).toContain(HOSTILE[3]);
    expect(doc.querySelector('#ring0 tbody')!.textContent).toContain('<unreadable>');
  });
});
