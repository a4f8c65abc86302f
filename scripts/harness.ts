// npm run harness -- --scenario <file|id> [--layout <name>|all] --command '<!cmd args>' [--json] [--check]
// npm run harness -- --snapshot <file> [--command '...']
// npm run harness -- --scenario <file|id> --layout <name> --command '...' --record <file> [--redact]
// Loads dist/waitchain.js into a fresh node:vm context with the mock WinDbg host, performs
// .scriptload, runs the command as WinDbg would, and prints exactly what the script printed.
import { writeFileSync } from 'node:fs';
import { buildSnapshot, loadScenario, snapshotToJson } from '../mocks/builder';
import { LAYOUTS } from '../mocks/layouts';
import { checkScenario, layoutsOf, runOnScenario, runOnSnapshot, type CommandRun } from '../mocks/harness/run';
import { readSnapshotFile, recordOnSnapshot } from '../mocks/harness/record';

const USAGE = `usage: npm run harness -- --scenario <file|id> [--layout <name>|all] --command '<!cmd args>' [--json]
       npm run harness -- --scenario <file|id> --layout <name> --save-snapshot <file>
       npm run harness -- --scenario <file|id> [--layout <name>|all] --check
       npm run harness -- --list-layouts
       npm run harness -- --snapshot <file> [--command '<!cmd args>'] [--json]
       npm run harness -- --scenario <file|id> --layout <name> --command '<!cmd args>' --record <file> [--redact] [--json]
--record runs the command with -record as WinDbg would and writes the snapshot it recorded; --snapshot
replays one (the command defaults to the one it was recorded with). See docs/snapshots.md.
layouts: ${Object.keys(LAYOUTS).join(', ')}`;

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
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, check: false, redact: false };
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
    else if (a === '--list-layouts') {
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
  if (run.error) console.log(run.error);
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (args.snapshot) {
    const snapshot = readSnapshotFile(args.snapshot);
    const command = args.command || snapshot.header.recording?.command;
    if (!command) fail('--snapshot needs --command (this snapshot does not name the command it was recorded with)');
    if (args.record) fail('--record takes a --scenario');
    printRun(runOnSnapshot(snapshot, command), args.json, false);
    return 0;
  }
  if (args.redact && !args.record) fail('--redact goes with --record <file>');
  if (!args.scenario) fail('--scenario or --snapshot is required');
  const allowed = layoutsOf(args.scenario);
  const layouts = !args.layout ? [allowed[0]] : args.layout === 'all' ? allowed : [args.layout];
  for (const l of layouts) {
    if (!LAYOUTS[l]) fail(`unknown layout ${l}`);
    if (allowed.indexOf(l) < 0) fail(`scenario does not run on ${l} (it allows ${allowed.join(', ')})`);
  }
  if (args.saveSnapshot) {
    if (layouts.length !== 1) fail('--save-snapshot needs one --layout');
    const snapshot = buildSnapshot(loadScenario(args.scenario), layouts[0]);
    writeFileSync(args.saveSnapshot, JSON.stringify(snapshotToJson(snapshot)));
    console.log(`wrote ${args.saveSnapshot} (${layouts[0]})`);
    return 0;
  }
  if (args.record) {
    if (layouts.length !== 1) fail('--record needs one --layout');
    if (!args.command) fail('--record needs --command');
    // Output as the target holds it (x86 scenarios on x64 layouts: relocated), as a replay prints it.
    let recording: ReturnType<typeof recordOnSnapshot>;
    try {
      recording = recordOnSnapshot(buildSnapshot(loadScenario(args.scenario), layouts[0]), args.command, { redact: args.redact });
    } catch (e) {
      console.error(`harness: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    writeFileSync(args.record, recording.text);
    printRun(recording.run, args.json, false);
    console.error(`harness: wrote ${args.record} (${recording.text.length} bytes; replay: npm run harness -- --snapshot ${args.record})`);
    return recording.run.error ? 1 : 0;
  }
  if (args.check) {
    let failed = 0;
    for (const layout of layouts) {
      const r = checkScenario(args.scenario, layout);
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
  for (const layout of layouts) printRun(runOnScenario(args.scenario, layout, args.command), args.json, layouts.length > 1);
  return 0;
}

process.exitCode = main();
