// `-html <file>` (the same on every command): also write the report as one self-contained HTML page
// (src/render/html/) through Debugger.Utility.FileSystem, as -record writes its snapshot.
import { messageOf, print } from '../host/hostIo';
import { writeTextFile } from '../host/snapshotFile';
import type { TokenStream } from './options';

export const HTML_USAGE = `  -html <file>    also write the report as one self-contained HTML page (the wait graph drawn, tables)
`;

export interface HtmlOptions {
  html?: string;
}

/** Consumes `-html <file>`; false for any other token. */
export function htmlOption(token: string, tokens: TokenStream, options: HtmlOptions): boolean {
  if (token !== '-html') return false;
  options.html = tokens.value('-html');
  return true;
}

/** Writes the page when -html was given; a failure is one line, the command's own output stands. */
export function writeHtmlReport(name: string, options: HtmlOptions, page: () => string): void {
  if (options.html === undefined) return;
  let size: number;
  try {
    const text = page();
    size = text.length;
    writeTextFile(options.html, text.split('\n'));
  } catch (e) {
    print(`${name}: the HTML report could not be written to ${options.html}: ${messageOf(e)}\n`);
    return;
  }
  print(`${name}: HTML report written to ${options.html} (${size} characters)\n`);
}
