// waitchain: WinDbg JavaScript extension. Entry points as the JavaScript provider calls them:
// root code, then initializeScript (registrations only: the target is not reachable yet),
// invokeScript on .scriptrun, uninitializeScript on .scriptunload.
import { RINGDUMP } from './commands/ringdump';
import { registeredCommand } from './commands/run';
import { STALECHECK } from './commands/stalecheck';
import { WAITCHAIN } from './commands/waitchain';
import { print } from './host/hostIo';
import { registrations } from './host/registrations';

/** Every command, in the order the loaded message names them. */
const COMMANDS = [registeredCommand(WAITCHAIN), registeredCommand(STALECHECK), registeredCommand(RINGDUMP)];

export function initializeScript(): unknown[] {
  return registrations(COMMANDS);
}

export function invokeScript(): void {
  print(`waitchain loaded: ${COMMANDS.map((c) => '!' + c.name).join(', ')} (add "-?" for help), or dx @$waitchain()\n`);
}

export function uninitializeScript(): void {
  // Registrations are undone by the provider; the script keeps no state between commands.
}
