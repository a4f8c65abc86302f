// Commands whose issue has not landed yet say so plainly instead of pretending.
import { print } from '../target/hostIo';

export function pendingCommand(name: string, issue: string): (arg?: unknown) => undefined {
  return () => {
    print(`${name}: not available yet in this version of waitchain (${issue}); !waitchain works.\n`);
    return undefined;
  };
}
