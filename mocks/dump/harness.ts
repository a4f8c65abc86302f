// `npm run harness -- --dump <file.dmp> --symbols <ISF file or folder> --command '...' [--json] [--record <file>]`
// (issue 14). The command runs on the unchanged bundle and mock host (runOnSnapshot / recordOnSnapshot);
// the dump's own summary (kind, bugcheck, processors, table choice, what it lacks) goes to stderr in
// text mode, so the command's output stays exactly what the bundle printed, and into a `dump`
// member in --json mode. Exit status as for every harness run (scripts/harness.ts): a dump or symbol
// table that cannot be used is one line `harness: <why>` and exit 2, never a stack trace; a command
// that reported an error exits 1.
import { recordOnSnapshot } from '../harness/record';
import { commandFailed, runOnSnapshot, type CommandRun } from '../harness/run';
import { HarnessInputError, writeOutput } from '../harness/inputs';
import type { VariantSet } from '../host/variants';
import { DumpError } from './errors';
import { openDump, type DumpInfo } from './open';

export interface DumpArgs { dump: string; symbols: string; command: string; json: boolean; record?: string; redact?: boolean; hostVariants?: VariantSet }

export function summaryLines(info: DumpInfo): string[] {
  const lines = [
    `dump: ${info.file}: ${info.description}, ${info.arch}, build ${info.build}, ${info.processors.length} processor${info.processors.length === 1 ? '' : 's'}`,
    `dump: bugcheck ${info.bugCheck.code} (${info.bugCheck.parameters.join(', ')})`,
    `dump: symbols ${info.table.file}${info.table.pdb ? ` (${info.table.pdb})` : ''}, chosen by ${info.table.reason}`,
  ];
  for (const p of info.processors) lines.push(`dump: processor ${p.index}: ${p.running}`);
  if (info.processes !== undefined) {
    const shown = (info.processList ?? []).length;
    lines.push(`dump: ${info.processes} process${info.processes === 1 ? '' : 'es'} on nt!PsActiveProcessHead, ${info.threads ?? 0} thread${info.threads === 1 ? '' : 's'} on the thread lists of ${shown === info.processes ? 'them' : `the first ${shown}`}`);
  }
  for (const p of info.processList ?? []) {
    lines.push(`dump:   process ${p.address} ${p.name === undefined ? '(not in the dump)' : p.name || '(no name)'}${p.pid !== undefined ? ` pid ${p.pid.toString(16)}` : ''}, ${p.threads ?? 0} thread${p.threads === 1 ? '' : 's'} ${p.readableThreads !== undefined && p.readableThreads !== (p.threads ?? 0) ? `on its list, ${p.readableThreads ? `only ${p.readableThreads}` : 'none'} with its KTHREAD in the dump` : 'readable on its list'}`);
  }
  for (const w of info.warnings) lines.push(`dump: warning: ${w}`);
  return lines;
}

export function dumpMain(args: DumpArgs): number {
  let opened: ReturnType<typeof openDump>;
  try {
    opened = openDump(args.dump, args.symbols);
  } catch (e) {
    console.error(`harness: ${oneLine(e)}`);
    return 2;
  }
  try {
    let run: CommandRun;
    if (args.record) {
      const recording = recordOnSnapshot(opened.snapshot, args.command, { redact: !!args.redact });
      writeOutput(args.record, recording.text, '--record');
      run = recording.run;
      console.error(`harness: wrote ${args.record} (${recording.text.length} bytes; replay: npm run harness -- --snapshot ${args.record})`);
    } else {
      run = runOnSnapshot(opened.snapshot, args.command, null, args.hostVariants);
    }
    if (args.json) {
      const body = run.json && typeof run.json === 'object' && !Array.isArray(run.json) ? { ...(run.json as object), dump: opened.info } : { result: run.json ?? null, dump: opened.info };
      console.log(JSON.stringify(body, null, 2));
    } else {
      for (const l of summaryLines(opened.info)) console.error(l);
      process.stdout.write(run.output);
    }
    if (run.error) console.log(run.error);
    return commandFailed(run) ? 1 : 0;
  } catch (e) {
    console.error(`harness: ${oneLine(e)}`);
    return e instanceof DumpError || e instanceof HarnessInputError ? 2 : 1;
  } finally {
    opened.close();
  }
}

function oneLine(e: unknown): string {
  if (e instanceof DumpError) return e.message;
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0];
}
