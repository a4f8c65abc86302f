// What a thread is doing when nothing leads further: the end of a chain in words, as a kernel
// engineer would say it after !thread and !stacks ("running on processor 1", "ready (priority 9)",
// "sleeping (KeDelayExecutionThread) in 3rdPartyAVDriver+0x1394", "waiting on SynchronizationEvent
// 8a8d7438, no known owner, blocked in DriverA!Block+0x1b").
import { formatAddr } from '../core/addr';
import type { ThreadInfo } from '../kernel/model';
import type { Hop, RuleEnv, WaitGraph } from './waitgraph';

export function describeTerminal(t: ThreadInfo, graph: WaitGraph, env: RuleEnv): string {
  const { stacks, k } = env;
  const where = () => {
    const frame = stacks.blockingFrame(t);
    return frame ? `, blocked in ${frame}` : t.stackResident === false ? ', kernel stack not resident' : '';
  };
  switch (t.state) {
    case 'Running': {
      // Win10 splits NextProcessor into NextProcessorNumber and a flag bit: probe the narrower field first.
      const number = t.view.num('Tcb.NextProcessorNumber');
      const cpu = number !== undefined ? number : t.view.num('Tcb.NextProcessor');
      return cpu === undefined ? 'running' : `running on processor ${cpu}`;
    }
    case 'Ready':
    case 'DeferredReady':
    case 'Standby':
      return `ready (priority ${t.priority})`;
    case 'Terminated':
      return 'terminated';
    case 'Waiting':
      break;
    default:
      return t.state.toLowerCase();
  }
  if (/DelayExecution$/.test(t.waitReason)) {
    const frame = stacks.blockingFrame(t);
    return `sleeping (KeDelayExecutionThread)${frame ? ` in ${frame}` : ''}`;
  }
  const parts: string[] = [];
  for (const d of graph.deadEnds.get(t.address) || []) parts.push(d.text);
  const followed = new Set((graph.out.get(t.address) || []).map((h: Hop) => h.object));
  const dead = new Set((graph.deadEnds.get(t.address) || []).map((d) => d.object));
  for (const w of t.waits) {
    if (followed.has(w.object) || dead.has(w.object)) continue;
    const entry = graph.waiters.get(w.object);
    const kind = entry ? entry.kind : 'object';
    parts.push(`waiting on ${kind} ${formatAddr(w.object, k.pointerSize)}, no known owner`);
  }
  if (!parts.length) parts.push(`waiting (${t.waitReason}) on no dispatcher object`);
  return parts.join('; ') + where();
}
