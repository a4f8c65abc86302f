// Scenario builder API: waitchain-scenario/1 -> Snapshot for a chosen kernel layout.
import { LAYOUTS } from '../layouts/index';
import { buildSnapshot, snapshotToJson } from './build';
import { relocateExpect, X86ToX64Relocation, type Relocation } from './relocate';
import { loadScenario, validateScenario, type Scenario } from './scenario';

export { buildSnapshot, snapshotToJson, loadScenario, validateScenario, relocateExpect };
export type { Relocation, Scenario };
export { WAIT_VARIANTS, DEFAULT_WAIT_VARIANT } from './waitVariants';
export type { BuildOptions } from './build';

/**
 * Seed scenarios (copies of ../shared/scenarios, not edited here) that cannot be laid out on some builds,
 * with the reason; own scenarios say the same in system.layoutsExcluded.
 */
export const SEED_LAYOUT_EXCLUSIONS: Record<string, Record<string, string>> = {
  '002-alpc-serviceA-372-narrative': {
    'srv2003sp2-3790-x64': 'Server 2003 has LPC only: no _ALPC_PORT or _KALPC_MESSAGE to lay the ALPC port and its 372 messages out in (ALPC arrived with Vista)',
  },
  '002-irp-anomaly-inconsistent-running': Object.fromEntries(['win8-9200-x86', 'win81-9600-x86', 'win10-17763-x86', 'win10-19041-x86'].map((l) => [l,
    'the case study fixes thread 8089d8c0 and process 8089db40 0x280 bytes apart; an x86 _ETHREAD is larger from Windows 8 on (0x338+), so the two objects cannot both be placed (the x64 layouts relocate them apart)'])),
};

/** Layouts the scenario excludes, with the reasons (its own system.layoutsExcluded, else the seed table). */
export function scenarioLayoutExclusions(s: Scenario): Record<string, string> {
  return { ...(SEED_LAYOUT_EXCLUSIONS[(s as { id?: string }).id ?? ''] ?? {}), ...(s.system.layoutsExcluded ?? {}) };
}

/** system.layouts, else every layout of a compatible arch (x86 scenarios on every layout; x64 ones on x64 layouts), minus the excluded ones. */
export function scenarioLayouts(s: Scenario): string[] {
  const excluded = scenarioLayoutExclusions(s);
  if (s.system.layouts && s.system.layouts.length) return s.system.layouts.filter((l) => !(l in excluded));
  return Object.values(LAYOUTS)
    .filter((l) => s.system.arch === 'x86' || l.arch === 'x64')
    .filter((l) => !(l.name in excluded))
    .map((l) => l.name);
}

/** The address relocation used for an x86 scenario on an x64 layout, else null. */
export function relocationFor(s: Scenario, layoutName: string): Relocation | null {
  const l = LAYOUTS[layoutName];
  if (!l) throw new Error(`unknown layout '${layoutName}'`);
  return s.system.arch === 'x86' && l.arch === 'x64' ? new X86ToX64Relocation() : null;
}
