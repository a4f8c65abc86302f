// waitchain: WinDbg JavaScript extension. Entry points as the JavaScript provider calls them:
// root code, then initializeScript (registrations only: the target is not reachable yet),
// invokeScript on .scriptrun, uninitializeScript on .scriptunload.
import { pendingCommand } from './commands/pending';
import { waitchainCommand } from './commands/waitchain';
import { print } from './target/hostIo';

/** JsProvider API version whose behaviour the script relies on (1.1: null from getModuleType; 1.2: compareTo). */
const API_MAJOR = 1;
const API_MINOR = 7;

export function initializeScript(): unknown[] {
  return [
    new host.apiVersionSupport(API_MAJOR, API_MINOR),
    new host.functionAlias(waitchainCommand, 'waitchain'),
    new host.functionAlias(pendingCommand('stalecheck', 'issue 4: !stalecheck'), 'stalecheck'),
    new host.functionAlias(pendingCommand('ringdump', 'issue 5: !ringdump'), 'ringdump'),
  ];
}

export function invokeScript(): void {
  print('waitchain loaded: !waitchain, !stalecheck, !ringdump (add "-?" for help), or dx @$waitchain()\n');
}

export function uninitializeScript(): void {
  // Registrations are undone by the provider; the script keeps no state between commands.
}
