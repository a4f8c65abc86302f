// The records initializeScript hands to the JavaScript provider (docs/jsprovider.md §Registrations): the API version
// the script is written against and one function alias per command (`!name` and `@$name()`).

/**
 * 1.1 is the lowest version with the semantics the script relies on: getModuleType/getModuleSymbol
 * return null for an unknown name instead of throwing (the JsProvider documentation's version notes).
 * Nothing of 1.2 (Int64 compareTo/equals) is used, and nothing after 1.2 is documented, so nothing higher is claimed.
 */
const API_MAJOR = 1;
const API_MINOR = 1;
export const API_VERSION = `${API_MAJOR}.${API_MINOR}`;

export function registrations(commands: { name: string; call: (...args: unknown[]) => unknown }[]): unknown[] {
  const records: unknown[] = [new host.apiVersionSupport(API_MAJOR, API_MINOR)];
  for (const command of commands) records.push(new host.functionAlias(command.call, command.name));
  return records;
}
