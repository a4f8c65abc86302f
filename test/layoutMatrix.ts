// Which layouts the bundle tests run a scenario on. `npm test` runs a fixed representative subset, one layout
// per mechanism the builder lays out differently (README "Layouts"); WAITCHAIN_FULL_MATRIX=1 (set by .ci/run)
// runs every layout the scenario allows.
import { LAYOUTS } from '../mocks/layouts';
import { layoutsOf } from '../mocks/harness/run';

export const REPRESENTATIVE_LAYOUTS = [
  'xpsp3-x86', 'srv2003sp2-3790-x64', 'vistasp2-6002-x86', 'win7sp1-x86', 'win10-14393-x64', 'win10-15063-x64',
  'win10-19041-x64', 'win11-24h2-x64',
];

export const FULL_MATRIX = process.env.WAITCHAIN_FULL_MATRIX === '1';

/** The scenario's layouts to test; a scenario allowed on none of the subset still runs on its first layout. */
export function testLayoutsOf(id: string): string[] {
  const allowed = layoutsOf(id);
  if (FULL_MATRIX) return allowed;
  const subset = allowed.filter((l) => REPRESENTATIVE_LAYOUTS.includes(l));
  return subset.length ? subset : allowed.slice(0, 1);
}

/** The layout has LPC but no ALPC types (XP, Server 2003): probed, as the bundle does. */
export function lpcOnly(layout: string): boolean {
  return !LAYOUTS[layout].types.nt.some((t) => t.name === '_ALPC_PORT');
}

/** The layout's _KPCR embeds its _KPRCB (every build before Windows 11 24H2), so processor IRQLs can be read. */
export function irqlReadable(layout: string): boolean {
  const pcr = LAYOUTS[layout].types.nt.find((t) => t.name === '_KPCR');
  return !!pcr?.fields?.some((f) => (f.name === 'Prcb' || f.name === 'PrcbData') && f.type === '_KPRCB');
}
