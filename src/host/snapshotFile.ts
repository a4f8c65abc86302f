// What a recording needs from the debugger besides the Target: the current process and thread, a
// name for the session, and a file to write (Debugger.Utility.FileSystem, docs/jsprovider.md §Debugger.Utility). Called
// only by `-record`, once, when the command is done.
import type { Addr } from '../core/addr';
import { toAddr } from './int64';

/** The debugger's current process and thread (their EPROCESS / ETHREAD), where it has them. */
export function currentObjects(): { process?: Addr; thread?: Addr } {
  const out: { process?: Addr; thread?: Addr } = {};
  try {
    const p = host.currentProcess;
    if (p && p.KernelObject) out.process = toAddr(p.KernelObject.address);
  } catch (e) {
    // a user-mode session or no process context: none
  }
  try {
    const t = host.currentThread;
    if (t && t.KernelObject) out.thread = toAddr(t.KernelObject.address);
  } catch (e) {
    // none
  }
  return out;
}

/** The session as the debugger shows it (the dump file), or undefined. */
export function sessionName(): string | undefined {
  try {
    const s = host.currentSession as unknown as { ToDisplayString?: () => string };
    const text = s && typeof s.ToDisplayString === 'function' ? s.ToDisplayString() : String(s);
    return text && text !== '[object Object]' ? text : undefined;
  } catch (e) {
    return undefined;
  }
}

/** Writes `lines` to `path` (replaced if it exists). Throws with the debugger's message on failure. */
export function writeTextFile(path: string, lines: string[]): void {
  const fs = host.namespace.Debugger.Utility.FileSystem;
  const file = fs.CreateFile(path, 'CreateAlways');
  try {
    const writer = fs.CreateTextWriter(file);
    for (const line of lines) writer.WriteLine(line);
  } finally {
    file.Close();
  }
}
