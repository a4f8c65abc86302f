// Every kernel layout the mock debugger can serve, by harness name: generated from real symbol tables
// (scripts/layouts.ts, mocks/layouts/spec.ts), one file per build.
import type { Layout } from '../format/typedef';
import { GENERATED_LAYOUTS } from './registry';

export const LAYOUTS: Record<string, Layout> = Object.fromEntries(GENERATED_LAYOUTS.map((l) => [l.name, l]));

export function layoutNamed(name: string): Layout {
  const layout = LAYOUTS[name];
  if (!layout) throw new Error(`unknown layout '${name}' (known: ${Object.keys(LAYOUTS).join(', ')})`);
  return layout;
}
