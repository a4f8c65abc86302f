// The records initializeScript hands to the JavaScript provider (reference §1.4): the API version
// the script is written against and one function alias per command (`!name` and `@$name()`).

/** 1.1: getModuleType/getModuleSymbol return null instead of throwing; 1.2: compareTo/equals. */
const API_MAJOR = 1;
const API_MINOR = 7;

export function registrations(commands: { [name: string]: (arg?: unknown) => unknown }): unknown[] {
  const records: unknown[] = [new host.apiVersionSupport(API_MAJOR, API_MINOR)];
  for (const name of Object.keys(commands)) records.push(new host.functionAlias(commands[name], name));
  return records;
}
