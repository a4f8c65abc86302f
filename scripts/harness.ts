// npm run harness -- --scenario <file|id> [--layout <name>|all] --command '<!cmd args>' [--json] [--check]
// npm run harness -- --snapshot <file> [--command '...']
// npm run harness -- --scenario <file|id> --layout <name> --command '...' --record <file> [--redact]
// npm run harness -- --list-scenarios
// Exit status: 0 the command ran and reported; 1 the command reported an error (its one-line
// `<command>: ...` message, a debugger error) or --check found unmet expectations; 2 bad harness
// usage or an unusable input/output file (one line naming the file and what is wrong).
// Loads dist/waitchain.js into a fresh node:vm context with the mock WinDbg host, performs
// .scriptload, runs the command as WinDbg would, and prints exactly what the script printed.
import { scenarioLayouts, snapshotToJson, WAIT_VARIANTS } from '../mocks/builder';
import { LAYOUTS } from '../mocks/layouts';
import { commandFailed, checkScenario, displayRelocation, runOnScenario, runOnSnapshot, type CommandRun, type RunOptions } from '../mocks/harness/run';
import { recordOnSnapshot } from '../mocks/harness/record';
import { buildScenarioInput, HarnessInputError, listScenarios, loadScenarioInput, loadSnapshotInput, writeOutput } from '../mocks/harness/inputs';
import { runWithHtml } from '../mocks/harness/html';
import { resolve as resolvePath } from 'node:path';
import { dumpMain } from '../mocks/dump/harness';
import { checkUnderVariants } from '../mocks/harness/variantCheck';
import { NO_VARIANTS, parseVariants, variantList, type VariantSet } from '../mocks/host/variants';

const USAGE = `usage: npm run harness -- --scenario <file|id> [--layout <name>|all] --command '<!cmd args>' [--json]
       npm run harness -- --scenario <file|id> --layout <name> --save-snapshot <file>
       npm run harness -- --scenario <file|id> [--layout <name>|all] --check
       npm run harness -- --list-layouts
       npm run harness -- --snapshot <file> [--command '<!cmd args>'] [--json]
       npm run harness -- --scenario <file|id> --layout <name> --command '<!cmd args>' --record <file> [--redact] [--json]
       npm run harness -- --list-scenarios
--scenario takes a path or an id from --list-scenarios; --layout defaults to the first layout the
scenario allows (--list-scenarios shows them), 'all' runs every one.
       npm run harness -- --dump <file.dmp> --symbols <ISF file or folder> --command '<!cmd args>' [--json] [--record <file>]
--record runs the command with -record as WinDbg would and writes the snapshot it recorded; --snapshot
replays one (the command defaults to the one it was recorded with). See docs/snapshots.md.
--html <file> (with --scenario or --snapshot and --command) also writes the command's HTML report to <file>
(with several layouts, the first to <file>, the others to <file>.<layout>.html).
--host-variant <name>[,<name>...] runs on a mock switched to behaviours public evidence leaves open
(with --check, --command, --json, --snapshot): WinDbg's (mocks/host/variants.ts) and, one at a time,
Windows's lock waits (mocks/builder/waitVariants.ts); --list-host-variants lists them with their evidence.
layouts: ${Object.keys(LAYOUTS).join(', ')}
exit status: 0 ran and reported; 1 the command reported an error or --check found unmet
expectations; 2 bad harness usage or input file.`;

interface Args {
  scenario?: string;
  snapshot?: string;
  layout?: string;
  command?: string;
  json: boolean;
  check: boolean;
  saveSnapshot?: string;
  record?: string;
  redact: boolean;
  listScenarios: boolean;
  html?: string;
  dump?: string;
  symbols?: string;
  waitVariant?: string;
  hostVariants: VariantSet;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, check: false, redact: false, listScenarios: false, hostVariants: NO_VARIANTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--scenario') args.scenario = value();
    else if (a === '--snapshot') args.snapshot = value();
    else if (a === '--layout') args.layout = value();
    else if (a === '--command') args.command = value();
    else if (a === '--json') args.json = true;
    else if (a === '--save-snapshot') args.saveSnapshot = value();
    else if (a === '--check') args.check = true;
    else if (a === '--record') args.record = value();
    else if (a === '--redact') args.redact = true;
    else if (a === '--list-scenarios') args.listScenarios = true;
    else if (a === '--html') args.html = value();
    else if (a === '--dump') args.dump = value();
    else if (a === '--symbols') args.symbols = value();
    else if (a === '--host-variant') {
      // One flag for every open behaviour: the mock debugger's and the builder's lock-wait layouts.
      const names = value().split(',').map((n) => n.trim()).filter((n) => n !== '');
      const waits = names.filter((n) => WAIT_VARIANTS[n]);
      if (waits.length > 1) fail(`--host-variant: ${waits.join(' and ')} are alternatives: give one`);
      args.waitVariant = waits[0];
      try {
        args.hostVariants = parseVariants(names.filter((n) => !WAIT_VARIANTS[n]));
      } catch (e) {
        fail(`${e instanceof Error ? e.message : String(e)}; lock-wait variants: ${Object.keys(WAIT_VARIANTS).join(', ')}`);
      }
    } else if (a === '--list-host-variants') {
      const waits = Object.keys(WAIT_VARIANTS).map((n) => `${n}\n  ${WAIT_VARIANTS[n].summary}\n  evidence: ${WAIT_VARIANTS[n].evidence.join(' ')}`);
      console.log([...variantList(), ...waits].join('\n\n'));
      process.exit(0);
    } else if (a === '--list-layouts') {
      printLayouts();
      process.exit(0);
    } else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return args;
}

/** --list-layouts: one line per layout (name, Windows version and build, architecture, source table). */
function printLayouts(): void {
  const rows = Object.values(LAYOUTS).map((l) => [l.name, `${l.release ?? ''} (${l.osVersion})`, l.arch, l.source ?? 'hand-written']);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(`${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`);
  console.log(`${rows.length} layouts (${rows.filter((r) => r[2] === 'x86').length} x86, ${rows.filter((r) => r[2] === 'x64').length} x64); sources under ../shared/symbols, see mocks/layouts/spec.ts`);
}

function fail(message: string): never {
  console.error(`harness: ${message}\n${USAGE}`);
  process.exit(2);
}

function printRun(run: CommandRun, json: boolean, multi: boolean): void {
  if (multi) console.log(`== ${run.layout}: ${run.command}`);
  if (json) console.log(JSON.stringify(run.json === undefined ? null : run.json, null, 2));
  else process.stdout.write(run.output);
  if (run.error) console.log(errorLine(run));
}

/**
 * The debugger's own error (dx could not parse the arguments, so the command never ran) in the
 * commands' one error style, naming the command, with WinDbg's text and how arguments are typed.
 */
function errorLine(run: CommandRun): string {
  const name = /^(?:!|dx\s+@\$)(\w+)/.exec(run.command.trim());
  if (!name || !/^Error: /.test(run.error || '')) return run.error || '';
  const dx = run.error!.replace(/^Error: /, '');
  return `${name[1]}: the debugger could not read the arguments, the command did not run (WinDbg prints "Error: ${dx}"); dx reads 0x87f0d790 or ffffe001\`2345a080 as an address and 1234 as decimal, and options go in one quoted string: !${name[1]} "-?"`;
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (args.listScenarios) {
    // One line per scenario: the id --scenario takes, the layouts it allows (the first is the default), where it lives.
    for (const s of listScenarios()) {
      let layouts: string;
      try {
        layouts = scenarioLayouts(loadScenarioInput(s.path)).join(',');
      } catch (e) {
        layouts = `(unusable: ${e instanceof Error ? e.message : String(e)})`;
      }
      console.log(`${s.id}  ${layouts}  ${s.path.replace(process.cwd() + '/', '')}`);
    }
    return 0;
  }
  if (args.dump || args.symbols) {
    if (!args.dump || !args.symbols) fail('--dump and --symbols go together');
    if (!args.command) fail('--dump needs --command');
    return dumpMain({ dump: args.dump, symbols: args.symbols, command: args.command, json: args.json, record: args.record, redact: args.redact, hostVariants: args.hostVariants });
  }
  if (args.snapshot) {
    if (args.scenario) fail('--snapshot and --scenario exclude each other');
    if (args.record) fail('--record takes a --scenario');
    const snapshot = loadSnapshotInput(args.snapshot);
    const command = args.command || snapshot.header.recording?.command;
    if (!command) fail('--snapshot needs --command (this snapshot does not name the command it was recorded with)');
    const run = runOnSnapshot(snapshot, command, null, args.hostVariants);
    printRun(run, args.json, false);
    if (commandFailed(run)) return 1;
    return args.html ? writeHtml(args.html, () => runWithHtml(snapshot, command)) : 0;
  }
  if (args.redact && !args.record) fail('--redact goes with --record <file>');
  if (!args.scenario) fail('--scenario or --snapshot is required');
  const scenario = loadScenarioInput(args.scenario);
  const build: RunOptions = { waitVariant: args.waitVariant, hostVariants: args.hostVariants };
  const allowed = scenarioLayouts(scenario);
  const layouts = !args.layout ? [allowed[0]] : args.layout === 'all' ? allowed : [args.layout];
  for (const l of layouts) {
    if (!LAYOUTS[l]) fail(`unknown layout ${l}`);
    if (allowed.indexOf(l) < 0) fail(`scenario does not run on ${l} (it allows ${allowed.join(', ')})`);
  }
  if (args.saveSnapshot) {
    if (layouts.length !== 1) fail('--save-snapshot needs one --layout');
    const snapshot = buildScenarioInput(scenario, layouts[0], build);
    writeOutput(args.saveSnapshot, JSON.stringify(snapshotToJson(snapshot)), '--save-snapshot');
    console.log(`wrote ${args.saveSnapshot} (${layouts[0]})`);
    return 0;
  }
  if (args.record) {
    if (layouts.length !== 1) fail('--record needs one --layout');
    if (!args.command) fail('--record needs --command');
    // Output as the target holds it (x86 scenarios on x64 layouts: relocated), as a replay prints it.
    const recording = recordOnSnapshot(buildScenarioInput(scenario, layouts[0], build), args.command, { redact: args.redact });
    writeOutput(args.record, recording.text, '--record');
    // The command's own "recorded to" line names the path it wrote inside the (mock) debugger; the file is args.record.
    printRun({ ...recording.run, output: recording.run.output.replace(RECORDED_TO, (_, command: string, rest: string) => `${command}recorded to ${args.record}${rest}`) }, args.json, false);
    console.error(`harness: wrote ${args.record} (${recording.text.length} bytes; replay: npm run harness -- --snapshot ${args.record})`);
    return commandFailed(recording.run) ? 1 : 0;
  }
  if (args.check && args.hostVariants.size) {
    // Under host variants: every expectation met, or unknowable under a variant (test/pending.ts)
    // with the warning printed; and -selftest ends with 0 failed.
    let failed = 0;
    for (const layout of layouts) {
      const r = checkUnderVariants(args.scenario, layout, args.hostVariants, buildScenarioInput(scenario, layout, build));
      const ok = !r.failures.length && !r.stale.length;
      if (!ok) failed++;
      console.log(`${layout} [${[...args.hostVariants, ...(args.waitVariant ? [args.waitVariant] : [])].join(",")}]: ${ok ? (r.unknowable.length ? 'expectations met or warned unknowable' : 'all expectations met') : 'UNMET'}; ${r.selftest}`);
      for (const line of r.unknowable) console.log(`  ${line}`);
      for (const line of r.failures) console.log(`  ${line}`);
      for (const line of r.stale) console.log(`  stale pending entry: ${line}`);
    }
    return failed ? 1 : 0;
  }
  if (args.check) {
    let failed = 0;
    for (const layout of layouts) {
      const r = checkScenario(scenario, layout, build);
      const unmet = Object.entries(r.unmet);
      const ok = !unmet.length && !r.errors.length;
      if (!ok) failed++;
      console.log(`${layout}: ${ok ? 'all expectations met' : 'UNMET'}${r.pending.length ? ` (pending, command not landed: ${r.pending.join(', ')})` : ''}`);
      for (const [kind, lines] of unmet) for (const line of lines || []) console.log(`  ${kind}: ${line}`);
      for (const e of r.errors) console.log(`  error: ${e}`);
    }
    return failed ? 1 : 0;
  }
  if (!args.command) fail('--command is required (or --check)');
  let failed = false;
  for (const layout of layouts) {
    const run = runOnScenario(scenario, layout, args.command, build);
    printRun(run, args.json, layouts.length > 1);
    if (commandFailed(run)) failed = true;
  }
  if (failed) return 1;
  if (!args.html) return 0;
  let htmlFailed = 0;
  layouts.forEach((layout, i) => {
    const file = i === 0 ? args.html! : `${args.html!.replace(/\.html?$/i, '')}.${layout}.html`;
    htmlFailed |= writeHtml(file, () => runWithHtml(buildScenarioInput(scenario, layout, build), args.command!, displayRelocation(scenario, layout)));
  });
  return htmlFailed;
}

/** Runs the command with -html and writes the page it made to the local disk; says where. */
function writeHtml(file: string, run: () => ReturnType<typeof runWithHtml>): number {
  const r = run();
  if (r.html === undefined) {
    console.error(`harness: the command wrote no HTML report${r.error ? `: ${r.error}` : ''}`);
    return 1;
  }
  writeOutput(file, r.html, '--html');
  console.error(`harness: HTML report written to ${resolvePath(file)} (${Buffer.byteLength(r.html)} bytes)`);
  return 0;
}

/** "<command>: recorded to <path>: ..." as the command printed it. */
const RECORDED_TO = /^((?:waitchain|stalecheck|ringdump): )recorded to [^\n]*?(: \d+ reads)/m;

// `... | head`: a closed pipe ends the output, not in a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

try {
  process.exitCode = main();
} catch (e) {
  if (!(e instanceof HarnessInputError)) throw e;
  console.error(`harness: ${e.message}`);
  process.exitCode = 2;
}
