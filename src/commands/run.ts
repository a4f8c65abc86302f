// The one runner every command goes through: the dx arguments parsed against the command's
// declaration (declaration.ts), -? printing the usage, the session opened (recording with -record),
// the target requirement checked, the run function called, the HTML page written with -html, and
// every failure turned into one clear line: an argument error with the usage, an unsupported target,
// or an internal error -- never a stack trace.
import { TargetUnsupported } from '../core/target';
import { messageOf, print } from '../host/hostIo';
import { parseCommand, replayLine, type CommandDeclaration, type CommandSession, type TargetRequirement } from './declaration';
import { writeHtmlReport } from './htmlOption';
import { UsageError } from './options';
import { withTarget, type CommandTarget } from './session';

/** A command as initializeScript registers it: the alias (`!name`, `dx @$name()`) and its function. */
export interface RegisteredCommand {
  name: string;
  call: (...args: unknown[]) => unknown;
}

export function registeredCommand<P>(declaration: CommandDeclaration<P>): RegisteredCommand {
  return { name: declaration.name, call: (...args: unknown[]) => runDeclaredCommand(declaration, args) };
}

export function runDeclaredCommand<P>(declaration: CommandDeclaration<P>, args: unknown[]): unknown {
  const name = declaration.name;
  return runCommand(name, declaration.usage, () => {
    const parsed = parseCommand(declaration, args);
    if (parsed.help) {
      print(declaration.usage);
      return undefined;
    }
    const mode = parsed.mode;
    // The replay line is made once the run is over: typed dx arguments are read during it.
    const command = () => replayLine(name, declaration.replayValues ? declaration.replayValues(args, parsed.options) : [], parsed.replay, parsed.redact);
    return withTarget(name, command, parsed, (target) => {
      checkRequirement(name, mode ? mode.requires : declaration.requires, target);
      const session = openSession(name, target, parsed.html);
      return mode ? mode.run(session) : declaration.run(parsed.options, session);
    });
  });
}

function checkRequirement(name: string, requires: TargetRequirement, target: CommandTarget): void {
  if (requires === 'kernel' && !target.isKernel) {
    throw new TargetUnsupported(`this is a user-mode session: !${name} needs a kernel or complete memory dump, or a live kernel session`);
  }
}

function openSession(name: string, target: CommandTarget, html: string | undefined): CommandSession {
  return {
    target,
    wantsHtml: html !== undefined,
    html: (page) => writeHtmlReport(name, html, page),
  };
}

/** The outer shell: a clear one-line message for bad arguments or an unsupported target, the usage where it helps. */
export function runCommand(name: string, usage: string, body: () => unknown): unknown {
  try {
    return body();
  } catch (e) {
    if (e instanceof UsageError) {
      print(`${name}: ${e.message}\n${usage}`);
      return undefined;
    }
    if (e instanceof TargetUnsupported) {
      print(`${name}: ${e.message}\n`);
      return undefined;
    }
    print(`${name}: internal error: ${messageOf(e)}\n`);
    return undefined;
  }
}
