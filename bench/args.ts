// npm run bench's command line: unknown flags are errors (exit 2), --help prints the usage, and a
// --quick run never replaces the committed full results (bench/results.json, from which the README
// performance table is generated) unless --out names a file.
import { fileURLToPath } from 'node:url';

export const BENCH_USAGE = `usage: npm run bench [-- --quick] [-- --out <file>]
  (no flag)     1k, 10k and 100k threads; writes bench/results.json (then: npm run readme:perf)
  --quick       1k and 10k threads only; prints the table, writes no file unless --out is given
  --out <file>  write the rows to <file> instead
  --counts      re-measure only the deterministic columns (host calls, bytes read) of every row of
                bench/results.json with the current code, one run each, and update them there
                (times are left as the last full run measured them)
  --help        this help`;

export interface BenchArgs {
  quick: boolean;
  help: boolean;
  counts: boolean;
  out?: string;
  /** Internal: measure one case in this process (what the parent spawns). */
  caseArgs?: string[];
}

export class BenchUsageError extends Error {}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { quick: false, help: false, counts: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--counts') args.counts = true;
    else if (a === '--out') {
      if (argv[i + 1] === undefined) throw new BenchUsageError('--out needs a file');
      args.out = argv[++i];
    } else if (a === '--case') {
      args.caseArgs = argv.slice(i + 1, i + 4);
      i += 3;
    } else if (a === '--help' || a === '-h') args.help = true;
    else throw new BenchUsageError(`unknown argument ${a}`);
  }
  return args;
}

export const FULL_RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

/** Where a run writes its rows: --out, else bench/results.json for a full run, else nowhere. */
export function resultsPath(args: BenchArgs): string | undefined {
  return args.out ?? (args.quick && !args.counts ? undefined : FULL_RESULTS);
}

export function benchArgsOrExit(argv: string[]): BenchArgs {
  try {
    const args = parseBenchArgs(argv);
    if (args.help) {
      console.log(BENCH_USAGE);
      process.exit(0);
    }
    return args;
  } catch (e) {
    if (!(e instanceof BenchUsageError)) throw e;
    console.error(`bench: ${e.message}\n${BENCH_USAGE}`);
    process.exit(2);
  }
}
