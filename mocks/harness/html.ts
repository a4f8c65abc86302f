// `--html <file>` in the harness: runs the command with `-html <path>` as WinDbg would, takes the page
// from the mock's Debugger.Utility.FileSystem, and maps relocated addresses back as the text output is.
import type { Relocation } from '../builder';
import type { Snapshot } from '../format/snapshot';
import { loadScript } from '../loader';
import { withCommandOption } from './record';
import { bundleCode, relocateText } from './run';

/** Where the page goes inside the mock's file system (a Windows path, as a user would give it). */
export const HTML_PATH = 'C:\\dumps\\waitchain-report.html';

/** The line a command prints after its output when it wrote a page. */
export const HTML_NOTE = /^(waitchain|stalecheck|ringdump): HTML report written to .*\n/m;

export interface HtmlRun {
  /** What the command printed, without the "HTML report written" line. */
  output: string;
  error?: string;
  /** The page, or undefined when the command wrote none. */
  html?: string;
  /** Host calls of the run by API (the page's own file writes included). */
  callsByApi: Record<string, number>;
}

export function runWithHtml(snapshot: Snapshot, command: string, relocation: Relocation | null = null): HtmlRun {
  const script = loadScript(bundleCode(), snapshot);
  script.counters.reset();
  const r = script.run(withCommandOption(command, `-html ${HTML_PATH.replace(/\\/g, '\\\\')}`));
  const html = script.fileSystem.read(HTML_PATH);
  const map = (t: string) => (relocation ? relocateText(t, relocation) : t);
  const callsByApi = script.counters.snapshot().byApi;
  return { output: map(r.output.replace(HTML_NOTE, '')), error: r.error, html: html === undefined ? undefined : map(html), callsByApi };
}
