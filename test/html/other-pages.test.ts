// !stalecheck and !ringdump with -html: the findings with their evidence and next command, a ring's
// decoded entries as a table the page sorts; and -html's own argument handling.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario } from '../../mocks/builder';
import { loadScript } from '../../mocks/loader';
import { bundleCode } from '../../mocks/harness/run';
import { externalReferences, parse, scenarioPage } from './pages';

describe('other commands with -html', () => {
  it('!stalecheck: the seed 000 findings, evidence and next commands', () => {
    const { html, output } = scenarioPage('000-sftfs-stale-iosb-apc', 'xpsp3-x86', '!stalecheck');
    const doc = parse(html).window.document;
    expect(doc.querySelector('.verdict')!.textContent).toBe(output.split('\n').filter((l) => l.startsWith('Summary: '))[0]);
    const rows = [...doc.querySelectorAll('#findings tbody tr')];
    expect(rows.map((r) => r.querySelector('td:nth-child(3)')!.textContent)).toEqual(['stale-iosb', 'apc-to-nonalertable-waiter']);
    expect(rows[0].querySelector('pre')!.textContent).toContain('UserIosb a9750cdc lies on the kernel stack of the issuing thread');
    expect(rows[0].querySelector('button')!.getAttribute('data-copy')).toBe('!irp 89d1a008');
    expect(externalReferences(doc, html)).toEqual([]);
  });

  it('!ringdump: the seed 004 ring as a table, oldest first, sortable', () => {
    const { html } = scenarioPage('004-codemachine-circular-trace-buffers', 'xpsp3-x86', '!ringdump "mydriver!g_History mydriver!g_Index"');
    const dom = parse(html, true);
    const doc = dom.window.document;
    expect([...doc.querySelectorAll('#ring0 thead th')].map((t) => t.textContent)).toEqual(['position', 'slot', 'sequence', 'Information']);
    const column = (n: number) => [...doc.querySelectorAll(`#ring0 tbody tr td:nth-child(${n})`)].map((c) => c.textContent);
    expect(column(4)).toEqual(['89f06008', '89f07008', '89f08008', '89f09008', '89f0a008', '89f0b008', '89f0c008', '89f0d008']);
    expect(column(2)).toEqual(['6', '7', '0', '1', '2', '3', '4', '5']);
    const slot = doc.querySelector('#ring0 th:nth-child(2)') as HTMLElement;
    slot.click();
    expect(column(2)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    slot.click();
    expect(column(2)).toEqual(['7', '6', '5', '4', '3', '2', '1', '0']);
  });

  it('-html without a file is a usage error; the page is written through Debugger.Utility.FileSystem', () => {
    const script = loadScript(bundleCode(), buildSnapshot(loadScenario('002-lpc-chain-mutant-lpc-deadlock-cycle'), 'xpsp3-x86'));
    const bad = script.run('!waitchain "-html"');
    expect(bad.output.split('\n')[0]).toBe('waitchain: -html needs a value');
    expect(Object.keys(script.fileSystem.files())).toEqual([]);
    const good = script.run('!waitchain "-dot -html C:\\\\cases\\\\a.html"');
    expect(good.output).toMatch(/^digraph waitchain/);
    expect(good.output).toMatch(/^waitchain: HTML report written to C:\\cases\\a\.html \(\d+ characters\)$/m);
    const page = script.fileSystem.read('C:\\cases\\a.html')!;
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    // -dot prints DOT; the page still carries the text report's words
    expect(parse(page).window.document.querySelector('.verdict')!.textContent).toMatch(/^DEADLOCK: /);
  });
});
