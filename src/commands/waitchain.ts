// !waitchain: who waits on whom, deadlocks, root blockers, waiting time.
import { analyzeWaitChains, type Scope } from '../analysis/waits/waitchain';
import { KernelContext } from '../kernel/context';
import { KernelReaders } from '../kernel/readers';
import { renderWaitChainDot } from '../render/waitchainDot';
import { WaitChainModel } from '../render/waitchainModel';
import { renderWaitChainText } from '../render/waitchainText';
import { describeArgument, print } from '../host/hostIo';
import { redactProcessName } from '../record/redact';
import type { Addr } from '../core/addr';
import { parseAddressToken, parseNumber, UsageError } from './options';
import { renderWaitChainHtml } from '../render/html/waitchainHtml';
import { withCommonOptions, type CommandDeclaration, type CommandSession, type DxInput } from './declaration';
import { SELFTEST_MODE } from './selftest';

export const WAITCHAIN_USAGE = withCommonOptions(`usage: !waitchain                      whole system: deadlocks, root blockers, chains
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
`);

export interface WaitChainOptions {
  scope: Scope;
  dot: boolean;
  /** Threads named so far (a dx value, then the string), each once. */
  threads: Addr[];
  /** The -p value as given. */
  process?: string;
}

/** One dx argument (a thread, or the options), optionally followed by an options string. */
function waitchainDxArguments(args: unknown[], options: WaitChainOptions): DxInput {
  const arg = args[0];
  const more = args[1];
  const a = describeArgument(arg);
  const input: DxInput = { text: '' };
  switch (a.kind) {
    case 'none':
      break;
    case 'address':
      options.threads.push(a.address);
      input.replay = [a.address];
      break;
    case 'native':
      if (!a.address) throw new UsageError('the argument has no address');
      options.threads.push(a.address);
      input.replay = [a.address];
      break;
    case 'invalid':
      throw new UsageError(a.description);
    case 'text':
      input.text = a.text;
      break;
  }
  if (more !== undefined && more !== null) {
    if (typeof more !== 'string') throw new UsageError('options go in one quoted string, e.g. !waitchain (@$curthread, "-dot")');
    input.text += ' ' + more;
  }
  return input;
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

function runWaitChain(options: WaitChainOptions, session: CommandSession): unknown {
  const target = session.target;
  const k = new KernelContext(target);
  const report = analyzeWaitChains(new KernelReaders(k), options.scope);
  // An address or process that names nothing in the dump is a mistake in the arguments: the one error line, then the usage.
  if (report.scopeError) {
    print(`${renderWaitChainText(report, target.pointerSize)}${WAITCHAIN_USAGE}`);
    return new WaitChainModel(report, target);
  }
  const text = options.dot && !session.wantsHtml ? '' : renderWaitChainText(report, target.pointerSize);
  print(options.dot ? renderWaitChainDot(report, target.pointerSize) : text);
  session.html(() => renderWaitChainHtml(report, target.pointerSize, text));
  return new WaitChainModel(report, target);
}

export const WAITCHAIN: CommandDeclaration<WaitChainOptions> = {
  name: 'waitchain',
  usage: WAITCHAIN_USAGE,
  requires: 'kernel',
  options: [
    {
      name: '-p',
      value: '<name|pid|addr>',
      help: 'chains touching that process',
      apply(options, value) {
        // One process per run: a second -p naming another is a contradiction, not "the last one wins".
        if (options.process !== undefined && options.process.toLowerCase() !== value.toLowerCase()) throw new UsageError(`-p given twice (${options.process}, ${value}): one process per run`);
        options.process = value;
        options.scope = { kind: 'process', match: processMatch(value) };
      },
      // A redacted recording replays with the hashed name the snapshot holds: `-p p3627e199.exe`.
      redactedValue: (value) => ('name' in processMatch(value) ? redactProcessName(value) : value),
    },
    {
      name: '-dot',
      help: 'the wait graph in Graphviz DOT',
      apply(options) {
        options.dot = true;
      },
    },
  ],
  modes: [SELFTEST_MODE],
  defaults: () => ({ scope: { kind: 'system' }, dot: false, threads: [] }),
  dxArguments: waitchainDxArguments,
  positional(options, token) {
    const thread = parseAddressToken(token);
    if (!thread) throw new UsageError(`'${token}' is not a thread address (hex, as !thread prints it)`);
    // Several threads are one question (each one's chain and waiters); the same one twice is that thread.
    if (options.threads.indexOf(thread) < 0) options.threads.push(thread);
  },
  finish(options) {
    if (options.threads.length && options.process !== undefined) throw new UsageError('a thread and -p exclude each other: give threads, or one process');
    if (options.threads.length) options.scope = { kind: 'thread', thread: options.threads[0], more: options.threads.slice(1) };
  },
  run: runWaitChain,
};
