// One clear line for every input the dump reader cannot use (issue 14): the harness prints
// `harness: <message>` and exits non-zero; never a Node stack trace.
export class DumpError extends Error {
  constructor(message: string) {
    // Thrown for bad input, not for a bug: no stack to capture.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'DumpError';
  }
}
