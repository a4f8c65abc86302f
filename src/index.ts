// waitchain: WinDbg JavaScript extension. Entry points as the JavaScript provider calls them:
// root code, then initializeScript (registrations only: the target is not reachable yet),
// invokeScript on .scriptrun, uninitializeScript on .scriptunload.
import { stalecheckCommand } from './commands/stalecheck';
import { ringdumpCommand } from './commands/ringdump';
import { waitchainCommand } from './commands/waitchain';
import { print } from './host/hostIo';
import { registrations } from './host/registrations';

export function initializeScript(): unknown[] {
  return registrations({
    waitchain: waitchainCommand,
    stalecheck: stalecheckCommand,
    ringdump: ringdumpCommand,
  });
}

export function invokeScript(): void {
  print('waitchain loaded: !waitchain, !stalecheck, !ringdump (add "-?" for help), or dx @$waitchain()\n');
}

export function uninitializeScript(): void {
  // Registrations are undone by the provider; the script keeps no state between commands.
}
