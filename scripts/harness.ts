// npm run harness -- --scenario <file|id> [--layout <name>|all] --command '<!cmd args>' [--json] [--check]
// npm run harness -- --snapshot <file> --command '...'
// Loads dist/waitchain.js into a fresh node:vm context with the mock WinDbg host, performs
// .scriptload, runs the command as WinDbg would, and prints exactly what the script printed.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildSnapshot, loadScenario, snapshotToJson } from '../mocks/builder';
import { LAYOUTS } from '../mocks/layouts';
import { checkScenario, layoutsOf, runOnScenario, runOnSnapshot, type CommandRun } from '../mocks/harness/run';
import type { Snapshot } from '../mocks/format/snapshot';
import { snapshotFromJson } from '../mocks/host';

const USAGE = `usage: npm run harness -- --scenario <file|id> [--layout <name>|all] --command '<!cmd args>' [--json]
       npm run harness -- --scenario <file|id> --layout <name> --save-snapshot <file>
       npm run harness -- --scenario <file|id> [--layout <name>|all] --check
       npm run harness -- --snapshot <file> --command '<!cmd args>' [--json]
layouts: ${Object.keys(LAYOUTS).join(', ')}`;

interface Args {
  scenario?: string;
  snapshot?: string;
  layout?: string;
  command?: string;
  json: boolean;
  check: boolean;
  saveSnapshot?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, check: false };
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
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return args;
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
    if (!args.command) fail('--snapshot needs --command');
    const snapshot: Snapshot = snapshotFromJson(JSON.parse(readFileSync(args.snapshot, 'utf8')));
    printRun(runOnSnapshot(snapshot, args.command), args.json, false);
    return 0;
  }
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
