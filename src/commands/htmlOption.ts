// `-html <file>` (the same on every command, parsed by the runner): also write the report as one
// self-contained HTML page (src/render/html/) through Debugger.Utility.FileSystem, as -record writes
// its snapshot.
import { messageOf, print } from '../host/hostIo';
import { writeTextFile } from '../host/snapshotFile';

/** Writes the page when -html was given; a failure is one line, the command's own output stands. */
export function writeHtmlReport(name: string, file: string | undefined, page: () => string): void {
  if (file === undefined) return;
  let size: number;
  try {
    const text = page();
    size = text.length;
    writeTextFile(file, text.split('\n'));
  } catch (e) {
    print(`${name}: the HTML report could not be written to ${file}: ${messageOf(e)}\n`);
    return;
  }
  print(`${name}: HTML report written to ${file} (${size} characters)\n`);
}
