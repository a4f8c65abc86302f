// !waitchain: who waits on whom, deadlocks, root blockers, waiting time.
import { analyzeWaitChains, type Scope } from '../analysis/waitchain';
import { KernelContext } from '../kernel/context';
import { renderWaitChainDot } from '../render/waitchainDot';
import { WaitChainModel } from '../render/waitchainModel';
import { renderWaitChainText } from '../render/waitchainText';
import { TargetUnsupported } from '../core/target';
import { describeArgument, print } from '../target/hostIo';
import { redactProcessName } from '../target/redact';
import { parseAddressToken, parseNumber, tokenize, TokenStream, UsageError } from './options';
import { runCommand } from './run';
import { runSelfTest } from './selftest';
import { checkRecordOptions, dxString, optionText, RECORD_USAGE, recordOption, withTarget, type RecordOptions } from './target';

export const WAITCHAIN_USAGE = `usage: !waitchain                      whole system: deadlocks, root blockers, chains
       !waitchain <thread>             that thread's chain to its root, and its waiters
                                       (an address, @$curthread, or a thread object)
       !waitchain "-p <name|pid|addr>" chains touching that process
       !waitchain "-dot"               the wait graph in Graphviz DOT
       !waitchain "-selftest"          what this debugger answers, checked against its typed objects (run it first)
       !waitchain "-?"                 this help
       dx @$waitchain()                the same as data-model objects (Deadlocks, RootBlockers, Chains, Threads)
       !waitchain (<thread>, "<options>")  a thread given as a dx value, with options
recording (docs/snapshots.md):
${RECORD_USAGE}`;

interface WaitChainOptions extends RecordOptions {
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
  while (!tokens.done) {
    const t = tokens.next();
    if (recordOption(t, tokens, options)) continue;
    if (t === '-?' || t === '-h' || t === '-help') options.help = true;
    else if (t === '-dot') options.dot = true;
    else if (t === '-selftest') options.selftest = true;
    else if (t === '-p') {
      const value = tokens.value('-p');
      options.scope = { kind: 'process', match: processMatch(value) };
      options.replay.push(t, value);
      continue;
    } else if (t.startsWith('-')) throw new UsageError(`unknown option ${t}`);
    else {
      const thread = parseAddressToken(t);
      if (!thread) throw new UsageError(`'${t}' is not a thread address`);
      options.scope = { kind: 'thread', thread };
    }
    options.replay.push(t);
  }
  checkRecordOptions(options);
  return options;
}

/** `-p`: a name (svchost.exe), a pid (hex as WinDbg prints it, or 0n decimal), or an EPROCESS address. */
function processMatch(value: string) {
  const address = parseAddressToken(value);
  if (address && address.length >= 8) return { address };
  const pid = parseNumber(value);
  if (pid !== undefined) return { pid };
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
      const report = analyzeWaitChains(k, options.scope);
      print(options.dot ? renderWaitChainDot(report, target.pointerSize) : renderWaitChainText(report, target.pointerSize));
      return new WaitChainModel(report, target);
    });
  });
}
