// !waitchain: who waits on whom, deadlocks, root blockers, waiting time.
import { analyzeWaitChains, type Scope } from '../analysis/waitchain';
import { KernelContext } from '../kernel/context';
import { renderWaitChainDot } from '../render/waitchainDot';
import { WaitChainModel } from '../render/waitchainModel';
import { renderWaitChainText } from '../render/waitchainText';
import { TargetUnsupported } from '../core/target';
import { describeArgument, print } from '../target/hostIo';
import { HostTarget } from '../target/hostTarget';
import { parseAddressToken, parseNumber, tokenize, TokenStream, UsageError } from './options';
import { runCommand } from './run';

export const WAITCHAIN_USAGE = `usage: !waitchain                      whole system: deadlocks, root blockers, chains
       !waitchain <thread>             that thread's chain to its root, and its waiters
                                       (an address, @$curthread, or a thread object)
       !waitchain "-p <name|pid|addr>" chains touching that process
       !waitchain "-dot"               the wait graph in Graphviz DOT
       !waitchain "-?"                 this help
       dx @$waitchain()                the same as data-model objects (Deadlocks, RootBlockers, Chains, Threads)
`;

interface WaitChainOptions {
  scope: Scope;
  dot: boolean;
  help: boolean;
}

export function parseWaitChainArgs(arg: unknown): WaitChainOptions {
  const options: WaitChainOptions = { scope: { kind: 'system' }, dot: false, help: false };
  const a = describeArgument(arg);
  switch (a.kind) {
    case 'none':
      return options;
    case 'address':
      options.scope = { kind: 'thread', thread: a.address };
      return options;
    case 'native':
      if (!a.address) throw new UsageError('the argument has no address');
      options.scope = { kind: 'thread', thread: a.address };
      return options;
    case 'invalid':
      throw new UsageError(a.description);
    case 'text':
      break;
  }
  const tokens = new TokenStream(tokenize(a.text));
  while (!tokens.done) {
    const t = tokens.next();
    if (t === '-?' || t === '-h' || t === '-help') options.help = true;
    else if (t === '-dot') options.dot = true;
    else if (t === '-p') options.scope = { kind: 'process', match: processMatch(tokens.value('-p')) };
    else if (t.startsWith('-')) throw new UsageError(`unknown option ${t}`);
    else {
      const thread = parseAddressToken(t);
      if (!thread) throw new UsageError(`'${t}' is not a thread address`);
      options.scope = { kind: 'thread', thread };
    }
  }
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

export function waitchainCommand(arg?: unknown): unknown {
  return runCommand('waitchain', WAITCHAIN_USAGE, () => {
    const options = parseWaitChainArgs(arg);
    if (options.help) {
      print(WAITCHAIN_USAGE);
      return undefined;
    }
    const target = new HostTarget();
    if (!target.isKernel) throw new TargetUnsupported('this is a user-mode session: !waitchain needs a kernel or complete memory dump, or a live kernel session');
    const k = new KernelContext(target);
    const report = analyzeWaitChains(k, options.scope);
    print(options.dot ? renderWaitChainDot(report, target.pointerSize) : renderWaitChainText(report, target.pointerSize));
    return new WaitChainModel(report, target);
  });
}
