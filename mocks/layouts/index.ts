// Every kernel layout the mock debugger can serve, by harness name.
import type { Layout } from '../format/typedef';
import { layout as xpsp3x86 } from './xpsp3-x86';
import { layout as win7sp1x86 } from './win7sp1-x86';
import { layout as win10x64 } from './win10-19041-x64';
import { layout as win11x64 } from './win11-24h2-x64';

export const LAYOUTS: Record<string, Layout> = {
  [xpsp3x86.name]: xpsp3x86,
  [win7sp1x86.name]: win7sp1x86,
  [win10x64.name]: win10x64,
  [win11x64.name]: win11x64,
};

export function layoutNamed(name: string): Layout {
  const layout = LAYOUTS[name];
  if (!layout) throw new Error(`unknown layout '${name}' (known: ${Object.keys(LAYOUTS).join(', ')})`);
  return layout;
}
