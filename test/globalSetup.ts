// Runs once before any test file (vitest.config.ts globalSetup): the bundle tests load
// dist/waitchain.js, so it must be what src/ builds to, or an edit to src/ would be tested through
// the old bundle. Locally a stale dist/ is rebuilt in place (one line on stderr says so); under
// CI=true it is an error, since CI must test exactly the committed file (scripts/check-dist.mjs).
import { ensureDistFresh } from '../scripts/check-dist.mjs';

export default async function setup(): Promise<void> {
  let result;
  try {
    result = await ensureDistFresh();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const error = new Error(message);
    error.stack = message; // the message is the whole story: no stack trace under it
    throw error;
  }
  if (result.action === 'rebuilt') process.stderr.write(`${result.message}\n`);
}
