// !waitchain "-selftest": what this debugger and this target answer, one check a line, so a first
// real run says where our assumptions about WinDbg's JavaScript provider do not hold. The important
// part: our decoding of raw bytes compared with the debugger's own typed objects
// (host.createTypedObject) for a sample of threads, processes and dispatcher objects.
import { formatAddr, type Addr } from '../core/addr';
import type { StructView } from '../core/struct';
import type { Target, TypeLayout } from '../core/target';
import { KernelContext } from '../kernel/context';
import { parseFrameText } from '../kernel/frames';
import { KernelReaders } from '../kernel/readers';
import { ethreadView } from '../kernel/threads';
import { HostTarget, type TypedValue } from '../host/hostTarget';
import { API_VERSION } from '../host/registrations';
import { count, warningLines } from '../render/vocabulary';
import { RecordingTarget } from '../record/recordingTarget';
import { print } from '../host/hostIo';
import type { ModeDeclaration } from './declaration';

type Verdict = 'ok' | 'FAIL' | 'fell back' | 'info';

class SelfTest {
  readonly lines: string[] = [];
  checks = 0;
  failed = 0;
  fellBack = 0;

  add(verdict: Verdict, what: string): void {
    if (verdict !== 'info') this.checks++;
    if (verdict === 'FAIL') this.failed++;
    if (verdict === 'fell back') this.fellBack++;
    this.lines.push(`  ${(verdict + '          ').slice(0, 10)} ${what}`);
  }

  summary(): string {
    return `selftest: ${this.checks} checks, ${this.failed} failed${this.fellBack ? `, ${this.fellBack} fell back` : ''}`;
  }
}

/** Members the analyses decode, by structure: each is compared with the typed object's value. */
const THREAD_MEMBERS = ['Tcb.State', 'Tcb.WaitReason', 'Tcb.WaitMode', 'Tcb.WaitBlockList', 'Tcb.WaitTime', 'Tcb.Alertable', 'Tcb.Process', 'Tcb.ApcState.Process', 'Cid.UniqueProcess', 'Cid.UniqueThread'];
const PROCESS_MEMBERS = ['UniqueProcessId', 'ActiveProcessLinks.Flink', 'ThreadListHead.Flink', 'Pcb.Header.Type', 'ActiveThreads'];
const DISPATCHER_MEMBERS = ['Header.Type', 'Header.SignalState', 'OwnerThread'];
const ENUMS = ['_KTHREAD_STATE', '_KWAIT_REASON', '_KOBJECTS', '_MODE'];
/** Enumerators the analyses look up by name: an enum without them is as good as absent. */
const NEEDED: { [type: string]: string } = { _KTHREAD_STATE: 'Waiting', _KWAIT_REASON: 'UserRequest', _KOBJECTS: 'MutantObject', _MODE: 'KernelMode' };
const SAMPLE = 3;

function hostOf(target: Target): HostTarget | undefined {
  if (target instanceof HostTarget) return target;
  if (target instanceof RecordingTarget) return target.self;
  return undefined;
}

export function runSelfTest(k: KernelContext): string {
  const kernel = new KernelReaders(k);
  const t = new SelfTest();
  const target = k.target;
  const debuggerTarget = hostOf(target);
  const ps = target.pointerSize;
  t.add('info', `provider: WinDbg JavaScript, apiVersionSupport ${API_VERSION} declared; ${target.isKernel ? 'kernel' : 'user-mode'} ${target.isLive ? 'live session' : 'dump'}`);
  const shape = debuggerTarget ? debuggerTarget.pointerSizeShape : 'number';
  t.add(shape === 'number' ? 'ok' : 'fell back', `pointer size: ${ps} (Attributes.Machine.PointerSize arrived as ${shape === 'number' ? 'a number' : 'an ' + shape})`);

  for (const type of ENUMS) {
    const names = target.enumNames('nt', type);
    const facts = target.hostFacts ? target.hostFacts() : undefined;
    const how = facts ? facts.enumSources[type] : 'fields';
    const source = how === 'dt' ? `\`dt nt!${type}\`` : how === 'table' ? 'the built-in table' : "the type's fields";
    let has = false;
    if (names) names.forEach((n) => (has = has || n === NEEDED[type]));
    if (!names || !has) t.add('FAIL', `enum ${type}: ${names ? `${names.size} names, no ${NEEDED[type]}` : 'no names from the fields, dt or the built-in table'}`);
    else t.add(how === 'fields' ? 'ok' : 'fell back', `enum ${type}: ${count(names.size, 'name')} from ${source}`);
  }

  // A symbol resolved both ways: name -> address -> name.
  const symbolName = ['KeWaitForSingleObject', 'PsActiveProcessHead'].filter((n) => target.symbolAddress('nt', n) !== undefined)[0];
  if (!symbolName) t.add('FAIL', 'symbols: nt!KeWaitForSingleObject and nt!PsActiveProcessHead not found (.reload?)');
  else {
    const address = target.symbolAddress('nt', symbolName) as Addr;
    const back = target.nearestSymbol(address);
    const same = back !== undefined && back.toLowerCase() === `nt!${symbolName}`.toLowerCase();
    t.add(same ? 'ok' : 'FAIL', `symbol: nt!${symbolName} -> ${formatAddr(address, ps)} -> ${back === undefined ? 'no name' : back}`);
  }
  const modules = target.moduleRanges ? target.moduleRanges() : undefined;
  t.add(modules && modules.length ? 'ok' : 'FAIL', `module list: ${modules ? modules.length : 0} modules (symbol answers are named from it)`);

  let table;
  try {
    table = kernel.processes();
  } catch (e) {
    t.add('FAIL', `processes: ${e instanceof Error ? e.message : String(e)}`);
    return finish(t, k);
  }
  // An empty list is possible in a partial dump; the commands then say "0 threads scanned" themselves.
  t.add(table.processes.length ? 'ok' : 'info', `processes: ${count(table.processes.length, 'process')}, ${count(table.threads.length, 'thread')} from nt!PsActiveProcessHead`);

  // A sample frame: its raw text and how it parsed.
  const stacks = kernel.stacks;
  let frameShown = false;
  for (const thread of table.threads) {
    const frames = stacks.frames(thread);
    if (!frames || !frames.length) continue;
    const sample = debuggerTarget && debuggerTarget.sampleFrame;
    const raw = sample ? sample.raw : frames[0].text;
    const parsed = parseFrameText(raw);
    t.add(parsed.module ? 'ok' : 'FAIL', `frame: ${JSON.stringify(raw)}${sample ? ` (${sample.how})` : ''} parsed as module ${parsed.module || '?'}, function ${parsed.function || '-'}, offset 0x${parsed.offset.toString(16)}`);
    frameShown = true;
    break;
  }
  if (!frameShown) t.add('info', 'frame: no thread has a stack the debugger could unwind');

  // One user-mode read in a process's own context (the PEB), and the layouts the analyses decode.
  const eprocess = k.type('_EPROCESS');
  let userShown = false;
  for (const p of table.processes) {
    const view = eprocess && k.readStruct(eprocess, p.address, 'process');
    const peb = view ? view.ptr('Peb') : undefined;
    if (!peb || /^0+$/.test(peb)) continue;
    const bytes = target.read(peb, ps, { pid: p.pid, address: p.address });
    t.add('info', `user memory: PEB ${formatAddr(peb, ps)} of ${p.name} ${bytes ? 'read in its context' : 'unreadable in its context (a kernel dump has no user memory)'}`);
    userShown = true;
    break;
  }
  if (!userShown) t.add('info', 'user memory: no process with a PEB');

  const ethread = k.type('_ETHREAD');
  const mutant = k.type('_KMUTANT');
  layoutLines(t, ethread, THREAD_MEMBERS, '_ETHREAD');
  layoutLines(t, eprocess, PROCESS_MEMBERS, '_EPROCESS');
  layoutLines(t, mutant, DISPATCHER_MEMBERS, '_KMUTANT');

  if (!debuggerTarget) t.add('info', 'typed objects: not available on this target');
  else {
    const threads = table.threads.filter((x) => x.state === 'Waiting').concat(table.threads.filter((x) => x.state !== 'Waiting')).slice(0, SAMPLE);
    for (const thread of threads) compare(t, debuggerTarget, ethreadView(thread), '_ETHREAD', THREAD_MEMBERS, `thread ${formatAddr(thread.address, ps)}`, ps);
    for (const p of table.processes.slice(0, SAMPLE)) {
      const view = eprocess && k.readStruct(eprocess, p.address, 'process');
      if (view) compare(t, debuggerTarget, view, '_EPROCESS', PROCESS_MEMBERS, `process ${formatAddr(p.address, ps)}`, ps);
    }
    const dispatcher = kernel.dispatcher;
    const objects: Addr[] = [];
    for (const thread of table.threads) for (const w of thread.waits) if (objects.indexOf(w.object) < 0 && objects.length < SAMPLE) objects.push(w.object);
    for (const object of objects) {
      if (!mutant || !dispatcher.read(object)) continue;
      const view = k.readStruct(mutant, object, 'dispatcher object');
      const isMutant = k.enumName('_KOBJECTS', (view && view.num('Header.Type')) || 0) === 'MutantObject';
      const members = DISPATCHER_MEMBERS.filter((m) => m !== 'OwnerThread' || isMutant);
      if (view) compare(t, debuggerTarget, view, '_KMUTANT', members, `object ${formatAddr(object, ps)}`, ps);
    }
  }
  return finish(t, k);
}

function finish(t: SelfTest, k: KernelContext): string {
  for (const w of warningLines(k.warnings.summary())) t.add('info', `warning: ${w}`);
  t.add('info', 'debugLog: text reaches it one line a call, a percent sign written as \\x25 (whether debugLog formats a percent sign is undocumented)');
  return `waitchain self-test: what this debugger and target answer (ok / FAIL / fell back / info)\n${t.lines.join('\n')}\n${t.summary()}\n`;
}

function layoutLines(t: SelfTest, layout: TypeLayout | undefined, members: string[], typeName: string): void {
  if (!layout) {
    t.add('FAIL', `layout nt!${typeName}: type not found`);
    return;
  }
  const shown: string[] = [];
  for (const m of members) {
    const f = layout.field(m);
    if (!f) continue;
    shown.push(`${m} +0x${f.offset.toString(16)}${f.bitLen !== undefined ? ` bits ${f.bitPos}:${f.bitLen}` : ''} (${f.size})`);
  }
  t.add(shown.length ? 'ok' : 'FAIL', `layout nt!${typeName} (size 0x${layout.size.toString(16)}): ${shown.join(', ') || 'none of the members the analyses decode'}`);
}

/** Each member we decode from raw bytes against the same member read through the debugger's typed object. */
function compare(t: SelfTest, debuggerTarget: HostTarget, view: StructView, typeName: string, members: string[], what: string, ps: number): void {
  const bad: string[] = [];
  let compared = 0;
  for (const m of members) {
    const f = view.layout.field(m);
    if (!f) continue;
    const raw: number | Addr | undefined = f.kind === 'pointer' ? view.ptr(m) : view.num(m);
    if (raw === undefined) continue;
    const typed = debuggerTarget.typedValue(view.address, 'nt', typeName, m);
    compared++;
    if (!agrees(raw, typed)) bad.push(`${m}: raw ${show(raw, ps)}, typed ${showTyped(typed, ps)}`);
  }
  if (bad.length) t.add('FAIL', `typed object ${what} (${typeName}): ${bad.join('; ')}`);
  else t.add(compared ? 'ok' : 'info', `typed object ${what} (${typeName}): ${count(compared, 'member')} ${compared === 1 ? 'agrees' : 'agree'}`);
}

function agrees(raw: number | Addr, typed: TypedValue): boolean {
  if ('error' in typed) return false;
  const rawNumber = typeof raw === 'number' ? raw : parseInt(raw, 16);
  if ('number' in typed) return typeof raw === 'number' ? raw === typed.number : rawNumber === typed.number;
  return typeof raw === 'string' ? raw === typed.address : parseInt(typed.address, 16) === rawNumber;
}

function show(v: number | Addr, ps: number): string {
  return typeof v === 'number' ? String(v) : formatAddr(v, ps);
}

function showTyped(v: TypedValue, ps: number): string {
  if ('error' in v) return `unreadable (${v.error})`;
  return 'number' in v ? String(v.number) : formatAddr(v.address, ps);
}

/** `!waitchain "-selftest"` (and `dx @$waitchain("-selftest")`): the self-test instead of the report. */
export const SELFTEST_MODE: ModeDeclaration = {
  option: '-selftest',
  help: 'what this debugger answers, checked against its typed objects (run it first)',
  requires: 'kernel',
  run(session) {
    print(runSelfTest(new KernelContext(session.target)));
    return undefined;
  },
};
