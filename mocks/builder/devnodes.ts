// PnP device nodes (docs/kernel-structures.md §Devnode state history): children of nt!IopRootDeviceNode with the StateHistory ring.
// `stateHistory` lists the ring in slot order (slot 0 first); StateHistoryEntry is the next slot to write.
import type { Ctx } from './context';

const DN = '_DEVICE_NODE';

export function layoutDevnodes(ctx: Ctx): void {
  const list = ctx.s.devnodes ?? [];
  const rootGlobal = ctx.globalAddr('nt', 'IopRootDeviceNode');
  if (!list.length && rootGlobal === undefined) return;
  const sw = ctx.sw;
  const k = ctx.kernel;
  const state = (name: string, what: string): number => {
    const v = ctx.types.enumValue(['_PNP_DEVNODE_STATE'], name);
    if (v === undefined) throw new Error(`${what}: layout ${ctx.layout.name} has no _PNP_DEVNODE_STATE ${name}`);
    return v;
  };
  const root = ctx.pool(sw.size(DN), 'root device node');
  ctx.unicodeString(k, root + BigInt(sw.off(DN, 'InstancePath')), 'HTREE\\ROOT\\0', 'root devnode InstancePath');
  sw.set(k, root, DN, 'State', state('DeviceNodeStarted', 'root devnode'));
  ctx.note('root device node (HTREE\\ROOT\\0, Started) created for nt!IopRootDeviceNode');
  if (rootGlobal !== undefined) ctx.writePtr(k, rootGlobal, root);
  const link = (parent: bigint, child: bigint, level: number): void => {
    sw.set(k, child, DN, 'Parent', parent);
    sw.trySet(k, child, DN, 'Level', level);
    const last = sw.get(k, parent, DN, 'LastChild');
    if (last === 0n) sw.set(k, parent, DN, 'Child', child);
    else sw.set(k, last, DN, 'Sibling', child);
    sw.set(k, parent, DN, 'LastChild', child);
  };
  const levels = new Map<bigint, number>([[root, 0]]);
  list.forEach((d, i) => {
    const what = `devnodes[${i}] (${d.address})`;
    const a = ctx.addr(d.address);
    ctx.unicodeString(k, a + BigInt(sw.off(DN, 'InstancePath')), d.instancePath, `${what} InstancePath`);
    if (d.serviceName) ctx.unicodeString(k, a + BigInt(sw.off(DN, 'ServiceName')), d.serviceName, `${what} ServiceName`);
    sw.set(k, a, DN, 'State', state(d.state, what));
    if (d.previousState) sw.set(k, a, DN, 'PreviousState', state(d.previousState, what));
    const hist = sw.req(DN, 'StateHistory');
    const slots = Math.floor(hist.size / 4);
    const h = d.stateHistory ?? [];
    if (h.length > slots) throw new Error(`${what}.stateHistory: ${h.length} entries, the layout's ring has ${slots}`);
    h.forEach((s, j) => k.writeUint(a + BigInt(hist.offset + 4 * j), 4, BigInt(state(s, `${what}.stateHistory[${j}]`))));
    sw.set(k, a, DN, 'StateHistoryEntry', d.stateHistoryEntry ?? h.length % slots);
    const parent = d.parent ? ctx.addr(d.parent) : root;
    const lvl = (levels.get(parent) ?? 0) + 1;
    levels.set(a, lvl);
    link(parent, a, lvl);
    ctx.mark(a, DN);
  });
}
