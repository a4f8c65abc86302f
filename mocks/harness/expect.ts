// Checks a scenario's `expect` block against the commands' structured results.
// Each field present in `expect` is one check; absent fields (and `false`) are not checked
// (docs/scenario-format.md §Expect).

export type ExpectKind =
  | 'deadlocks'
  | 'noDeadlock'
  | 'rootBlockers'
  | 'notRootBlockers'
  | 'chains'
  | 'longestWaiter'
  | 'blockedFirst'
  | 'waiterCounts'
  | 'absentEdges'
  | 'ownerlessLocks'
  | 'edgeKinds'
  | 'findings'
  | 'absentFindings'
  | 'ring';

/** Which command's result each expectation is checked against. */
export const COMMAND_OF: Record<ExpectKind, 'waitchain' | 'stalecheck' | 'ringdump'> = {
  deadlocks: 'waitchain',
  noDeadlock: 'waitchain',
  rootBlockers: 'waitchain',
  notRootBlockers: 'waitchain',
  chains: 'waitchain',
  longestWaiter: 'waitchain',
  blockedFirst: 'waitchain',
  waiterCounts: 'waitchain',
  absentEdges: 'waitchain',
  ownerlessLocks: 'waitchain',
  edgeKinds: 'waitchain',
  findings: 'stalecheck',
  absentFindings: 'stalecheck',
  ring: 'ringdump',
};

export function expectKinds(expect: Record<string, unknown> | undefined): ExpectKind[] {
  if (!expect) return [];
  return (Object.keys(COMMAND_OF) as ExpectKind[]).filter((k) => expect[k] !== undefined && expect[k] !== false);
}

interface WaitChainJson {
  deadlocks: { threads: string[]; alsoInvolved?: string[] }[];
  rootBlockers: { thread: string; cycle?: string[] }[];
  chains: { path: string[]; blockedFirst?: string }[];
  longestWaiter?: string;
  waiterCounts: Record<string, number>;
  edges?: { from: string; kind: string; object: string; to: string | null }[];
  ownerlessLocks?: { kind: string; lock?: string; threads: string[] }[];
}

/** Unmet expectations of one kind, as readable lines (empty when met). */
export function checkWaitChain(kind: ExpectKind, expected: any, r: WaitChainJson): string[] {
  const fails: string[] = [];
  switch (kind) {
    case 'deadlocks':
      for (const cycle of expected as string[][]) {
        const want = [...cycle].sort().join(',');
        const found = r.deadlocks.some((d) => [...d.threads, ...(d.alsoInvolved || [])].sort().join(',') === want);
        if (!found) fails.push(`deadlock {${cycle.join(', ')}} not reported (got ${r.deadlocks.map((d) => `{${d.threads.join(', ')}}`).join(' ') || 'none'})`);
      }
      break;
    case 'noDeadlock':
      if (r.deadlocks.length) fails.push(`expected no deadlock, got ${r.deadlocks.map((d) => `{${d.threads.join(', ')}}`).join(' ')}`);
      break;
    case 'rootBlockers': {
      const roots = new Set<string>();
      r.rootBlockers.forEach((b) => [b.thread, ...(b.cycle || [])].forEach((t) => roots.add(t)));
      for (const t of expected as string[]) if (!roots.has(t)) fails.push(`root blocker ${t} not reported (got ${[...roots].join(', ') || 'none'})`);
      break;
    }
    case 'notRootBlockers':
      for (const t of expected as string[]) if (r.rootBlockers.some((b) => b.thread === t)) fails.push(`${t} reported as a root blocker`);
      break;
    case 'chains':
      for (const chain of expected as string[][]) {
        if (!r.chains.some((c) => isSubsequence(chain, c.path))) {
          fails.push(`chain ${chain.join(' -> ')} not found (got ${r.chains.map((c) => c.path.join(' -> ')).join(' | ') || 'no chains'})`);
        }
      }
      break;
    case 'longestWaiter':
      if (r.longestWaiter !== expected) fails.push(`longest waiter ${r.longestWaiter || 'none'}, expected ${expected}`);
      break;
    case 'blockedFirst':
      if (!r.chains.some((c) => c.blockedFirst === expected)) {
        fails.push(`blocked first ${expected} not reported (chains say ${r.chains.map((c) => c.blockedFirst).join(', ') || 'nothing'})`);
      }
      break;
    case 'waiterCounts':
      for (const [key, n] of Object.entries(expected as Record<string, number>)) {
        // Scenario addresses may carry leading zeros ("0032be30"); results are canonical ("32be30").
        const object = key.replace(/^0+(?=[0-9a-f])/, '');
        if (r.waiterCounts[object] !== n) fails.push(`${object}: ${r.waiterCounts[object] === undefined ? 'no' : r.waiterCounts[object]} waiters reported, expected ${n}`);
      }
      break;
    case 'absentEdges':
      // Extension (docs/scenario-extensions.md): near misses that must not produce an edge.
      for (const [from, to] of expected as [string, string][]) {
        const hit = (r.edges || []).find((e) => e.from === from && e.to === to);
        if (hit) fails.push(`edge ${from} -> ${to} reported (${hit.kind} ${hit.object}) but must not exist`);
      }
      break;
    case 'ownerlessLocks':
      // Extension (docs/scenario-extensions.md): waiters grouped on a lock that records no owner (exactly these threads).
      for (const want of expected as { kind: string; lock?: string; threads: string[] }[]) {
        const key = (t: string[]) => t.map(canonical).sort().join(',');
        const got = (r.ownerlessLocks || []).find((o) => o.kind === want.kind && (want.lock === undefined || (o.lock !== undefined && canonical(o.lock) === canonical(want.lock))));
        if (!got) fails.push(`no ${want.kind} ${want.lock || ''} among the locks without owner (got ${(r.ownerlessLocks || []).map((o) => `${o.kind} ${o.lock}`).join(', ') || 'none'})`);
        else if (key(got.threads) !== key(want.threads)) fails.push(`${want.kind} ${want.lock || ''}: waiters ${got.threads.join(', ')}, expected ${want.threads.join(', ')}`);
      }
      break;
    case 'edgeKinds':
      // Extension: [from, kind, to|null] edges of the --json result (to null: a lock that records no owner).
      for (const [from, kindName, to] of expected as [string, string, string | null][]) {
        const hit = (r.edges || []).find((e) => e.from === from && e.kind === kindName && e.to === to);
        if (!hit) fails.push(`no ${kindName} edge ${from} -> ${to === null ? '(no owner)' : to} (got ${(r.edges || []).filter((e) => e.from === from).map((e) => `${e.kind} -> ${e.to}`).join(', ') || 'none from it'})`);
      }
      break;
    default:
      fails.push(`${kind} is not a !waitchain expectation`);
  }
  return fails;
}

function isSubsequence(want: string[], path: string[]): boolean {
  let i = 0;
  for (const p of path) if (p === want[i]) i++;
  return i === want.length;
}

interface StaleCheckJson {
  findings: { rule: string; thread?: string; irp?: string; object?: string }[];
}

type FindingPattern = { rule: string; thread?: string; irp?: string; object?: string };

function matchesFinding(p: FindingPattern, f: StaleCheckJson['findings'][0]): boolean {
  return f.rule === p.rule && (['thread', 'irp', 'object'] as const).every((k) => p[k] === undefined || (f[k] !== undefined && canonical(p[k]!) === canonical(f[k]!)));
}

function canonical(a: string): string {
  return a.replace(/^0+(?=[0-9a-f])/, '');
}

function describeFinding(p: FindingPattern): string {
  return [p.rule, p.thread && `thread ${p.thread}`, p.irp && `irp ${p.irp}`, p.object && `object ${p.object}`].filter(Boolean).join(' ');
}

/** findings: each pattern must match a reported finding (only the fields it gives); absentFindings: none may. */
export function checkStaleCheck(kind: ExpectKind, expected: FindingPattern[], r: StaleCheckJson): string[] {
  const fails: string[] = [];
  const got = () => r.findings.map((f) => describeFinding(f)).join('; ') || 'no findings';
  for (const p of expected) {
    const hit = r.findings.some((f) => matchesFinding(p, f));
    if (kind === 'findings' && !hit) fails.push(`finding ${describeFinding(p)} not reported (got ${got()})`);
    if (kind === 'absentFindings' && hit) fails.push(`finding ${describeFinding(p)} reported but must not be`);
  }
  return fails;
}
