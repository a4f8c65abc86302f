// Every command's outer shell: a clear one-line message for bad arguments or an unsupported target,
// never a stack trace, and the usage where it helps.
import { TargetUnsupported } from '../core/target';
import { messageOf, print } from '../host/hostIo';
import { UsageError } from './options';

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
