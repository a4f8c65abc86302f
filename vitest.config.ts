// Vitest: every test/**/*.test.ts, node environment (a file can switch to jsdom with a
// `// @vitest-environment jsdom` docblock). test/globalSetup.ts first makes sure dist/waitchain.js
// (what the bundle tests load) is a build of the current src/.
// WAITCHAIN_VITEST_JSON=<file> adds vitest's JSON reporter writing to <file>; .ci/run uses it
// to print the closing "N passed, N failed" line from real counts.
import { defineConfig } from 'vitest/config';

const jsonReport = process.env.WAITCHAIN_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/globalSetup.ts'],
    // Some tests replay many scenarios or run a full rollup build.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
