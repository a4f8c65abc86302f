// !waitchain: who waits on whom, deadlocks, root blockers, waiting time.
import { analyzeWaitChains, type Scope } from '../analysis/waits/waitchain';
import { KernelContext } from '../kernel/context';
import { KernelReaders } from '../kernel/readers';
import { renderWaitChainDot } from '../render/waitchainDot';
import { WaitChainModel } from '../render/waitchainModel';
import { renderWaitChainText } from '../render/waitchainText';
import { TargetUnsupported } from '../core/target';
import { describeArgument, print } from '../host/hostIo';
import { redactProcessName } from '../record/redact';
import type { Addr } from '../core/addr';
import { parseAddressToken, parseNumber, tokenize, TokenStream, UsageError } from './options';
import { htmlOption, HTML_USAGE, writeHtmlReport, type HtmlOptions } from './htmlOption';
import { renderWaitChainHtml } from '../render/html/waitchainHtml';
import { runCommand } from './run';
import { runSelfTest } from './selftest';
import { checkRecordOptions, dxString, optionText, RECORD_USAGE, recordOption, withTarget, type RecordOptions } from './session';

export const WAITCHAIN_USAGE = `usage: !waitchain                      whole system: deadlocks, root blockers, chains
       !waitchain <thread>             that thread's chain to its root, and its waiters
                                       (0x87f0d790, ffffe001\`2345a080, @$curthread, a thread object;
                                       a bare 87f0d790 is no dx number and 1234 is decimal to dx)
       !waitchain "<thread> <thread>"  several threads (hex in the string, as !thread prints them)
       !waitchain "-p <name|pid|addr>" chains touching that process (name with its extension, as
                                       !process 0 0 prints it; pid hex, or 0n decimal)
       !waitchain "-dot"               the wait graph in Graphviz DOT
       !waitchain "-selftest"          what this debugger answers, checked against its typed objects (run it first)
       !waitchain "-?"                 this help
       dx @$waitchain()                the same as data-model objects (Deadlocks, RootBlockers, Chains, Threads)
       !waitchain (<thread>, "<options>")  a thread given as a dx value, with options
recording (docs/snapshots.md):
${RECORD_USAGE}${HTML_USAGE}`;

interface WaitChainOptions extends RecordOptions, HtmlOptions {
  scope: Scope;
  dot: boolean;
  help: boolean;
  selftest?: boolean;
  /** The arguments as one option text without -record/-redact: how a recording replays this run. */
  replay: string[];
}

/** One dx argument (a thread, or the options), optionally followed by an options string. */
export function parseWaitChainArgs(arg: unknown, more?: unknown): WaitChainOptions {
  const options: WaitChainOptions = { scope: { kind: 'system' }, dot: false, help: false, redact: false, replay: [] };
  const a = describeArgument(arg);
  let text = '';
  switch (a.kind) {
    case 'none':
      break;
    case 'address':
      options.scope = { kind: 'thread', thread: a.address };
      options.replay.push(a.address);
      break;
    case 'native':
      if (!a.address) throw new UsageError('the argument has no address');
      options.scope = { kind: 'thread', thread: a.address };
      options.replay.push(a.address);
      break;
    case 'invalid':
      throw new UsageError(a.description);
    case 'text':
      text = a.text;
      break;
  }
  if (more !== undefined && more !== null) {
    if (typeof more !== 'string') throw new UsageError('options go in one quoted string, e.g. !waitchain (@$curthread, "-dot")');
    text += ' ' + more;
  }
  const tokens = new TokenStream(tokenize(text));
  const threads: Addr[] = options.scope.kind === 'thread' ? [options.scope.thread] : [];
  let process: string | undefined;
  while (!tokens.done) {
    const t = tokens.next();
    if (recordOption(t, tokens, options) || htmlOption(t, tokens, options)) continue;
    if (t === '-?' || t === '-h' || t === '-help') options.help = true;
    else if (t === '-dot') options.dot = true;
    else if (t === '-selftest') options.selftest = true;
    else if (t === '-p') {
      const value = tokens.value('-p');
      // One process per run: a second -p naming another is a contradiction, not "the last one wins".
      if (process !== undefined && process.toLowerCase() !== value.toLowerCase()) throw new UsageError(`-p given twice (${process}, ${value}): one process per run`);
      process = value;
      options.scope = { kind: 'process', match: processMatch(value) };
      options.replay.push(t, value);
      continue;
    } else if (t.startsWith('-')) throw new UsageError(`unknown option ${t}`);
    else {
      const thread = parseAddressToken(t);
      if (!thread) throw new UsageError(`'${t}' is not a thread address (hex, as !thread prints it)`);
      // Several threads are one question (each one's chain and waiters); the same one twice is that thread.
      if (threads.indexOf(thread) < 0) threads.push(thread);
    }
    options.replay.push(t);
  }
  if (threads.length && process !== undefined) throw new UsageError('a thread and -p exclude each other: give threads, or one process');
  if (threads.length) options.scope = { kind: 'thread', thread: threads[0], more: threads.slice(1) };
  checkRecordOptions(options);
  return options;
}

/** `-p`: a name (svchost.exe), a pid (hex as WinDbg prints it, or 0n decimal), or an EPROCESS address. */
function processMatch(value: string) {
  const address = parseAddressToken(value);
  if (address && address.length >= 8) return { address };
  const pid = parseNumber(value);
  if (pid !== undefined) {
    // A pid is 32 bits (a multiple of 4); anything larger is no pid, not a number to wrap around.
    if (pid > 0xffffffff) throw new UsageError(`-p: ${value} is no pid (larger than 0xffffffff)`);
    return { pid };
  }
  if (/^0n/i.test(value) || /^0x/i.test(value)) throw new UsageError(`-p: '${value}' is no number (pid: hex, or 0n decimal)`);
  return { name: value };
}

export function waitchainCommand(arg?: unknown, more?: unknown): unknown {
  return runCommand('waitchain', WAITCHAIN_USAGE, () => {
    const options = parseWaitChainArgs(arg, more);
    if (options.help) {
      print(WAITCHAIN_USAGE);
      return undefined;
    }
    // A redacted recording replays with the hashed name the snapshot holds: `-p p3627e199.exe`.
    const replay = options.replay.map((t, i) => (options.redact && options.replay[i - 1] === '-p' && 'name' in processMatch(t) ? redactProcessName(t) : t));
    const command = replay.length ? `!waitchain ${dxString(optionText(replay))}` : '!waitchain';
    return withTarget('waitchain', command, options, (target) => {
      if (!target.isKernel) throw new TargetUnsupported('this is a user-mode session: !waitchain needs a kernel or complete memory dump, or a live kernel session');
      const k = new KernelContext(target);
      if (options.selftest) {
        print(runSelfTest(k));
        return undefined;
      }
      const report = analyzeWaitChains(new KernelReaders(k), options.scope);
      // An address or process that names nothing in the dump is a mistake in the arguments: the one error line, then the usage.
      if (report.scopeError) {
        print(`${renderWaitChainText(report, target.pointerSize)}${WAITCHAIN_USAGE}`);
        return new WaitChainModel(report, target);
      }
      const text = options.dot && options.html === undefined ? '' : renderWaitChainText(report, target.pointerSize);
      print(options.dot ? renderWaitChainDot(report, target.pointerSize) : text);
      writeHtmlReport('waitchain', options, () => renderWaitChainHtml(report, target.pointerSize, text));
      return new WaitChainModel(report, target);
    });
  });
}
