// Scenario builder API: waitchain-scenario/1 -> Snapshot for a chosen kernel layout.
import { LAYOUTS } from '../layouts/index';
import { buildSnapshot, snapshotToJson } from './build';
import { relocateExpect, X86ToX64Relocation, type Relocation } from './relocate';
import { loadScenario, validateScenario, type Scenario } from './scenario';

export { buildSnapshot, snapshotToJson, loadScenario, validateScenario, relocateExpect };
export type { Relocation, Scenario };
export { WAIT_VARIANTS, DEFAULT_WAIT_VARIANT } from './waitVariants';
export type { BuildOptions } from './build';

/** system.layouts, else every layout of a compatible arch (x86 scenarios run on all four; x64 ones on x64 layouts). */
export function scenarioLayouts(s: Scenario): string[] {
  if (s.system.layouts && s.system.layouts.length) return [...s.system.layouts];
  return Object.values(LAYOUTS)
    .filter((l) => s.system.arch === 'x86' || l.arch === 'x64')
    .map((l) => l.name);
}

/** The address relocation used for an x86 scenario on an x64 layout, else null. */
export function relocationFor(s: Scenario, layoutName: string): Relocation | null {
  const l = LAYOUTS[layoutName];
  if (!l) throw new Error(`unknown layout '${layoutName}'`);
  return s.system.arch === 'x86' && l.arch === 'x64' ? new X86ToX64Relocation() : null;
}
