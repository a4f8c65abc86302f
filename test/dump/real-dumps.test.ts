// Issue 14: the real Windows crash dumps in ../shared/real-dumps (never copied into the repository)
// with the real symbol tables in ../shared/symbols/isf. Skipped, with the reason, when ../shared is absent.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DumpError } from '../../mocks/dump/errors';
import { openDump, type OpenedDump } from '../../mocks/dump/open';
import { runOnSnapshot } from '../../mocks/harness/run';

const SHARED = join(__dirname, '..', '..', '..', 'shared');
const DUMPS = join(SHARED, 'real-dumps');
const ISF = join(SHARED, 'symbols', 'isf');
const TRIAGE = join(DUMPS, 'win10-19041.804-x64-triage.dmp');
const TABLE_19041_804 = join(ISF, '5278AFF86C341677D7D7835C85B7B844-1.json.xz');
const present = existsSync(TRIAGE) && existsSync(TABLE_19041_804);
const why = present ? '' : ' (skipped: ../shared/real-dumps or ../shared/symbols/isf is absent)';
const ROOT = join(__dirname, '..', '..');

function harness(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/harness.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe.skipIf(!present)(`real Windows 10 19041.804 x64 triage dump${why}`, () => {
  let dump: OpenedDump;
  beforeAll(() => { dump = openDump(TRIAGE, TABLE_19041_804); });
  afterAll(() => dump?.close());

  it('says what kind of dump it is, the bugcheck, and what each of the 16 processors ran', () => {
    const i = dump.info;
    expect(i.kind).toBe('triage');
    expect(i.dumpType).toBe(4);
    expect(i.arch).toBe('x64');
    expect(i.build).toBe(19041);
    expect(i.bugCheck.code).toBe('0x1000007e');
    expect(i.bugCheck.parameters[0]).toBe('0xffffffffc0000005');
    expect(i.kernelBase).toBe('fffff8047ba00000');
    expect(i.processors).toHaveLength(16);
    expect(i.processors[0].running).toBe('thread ffffc08bde9e1640 of System');
    expect(i.processors.filter((p) => p.running === 'idle').length).toBe(14);
    expect(i.processors[5].running).toMatch(/^thread ffffc08bdfbac080 \(its process is not in the dump\)$/);
  });

  it('chooses the table by the debugger data block (no kernel image header in a triage dump) and says why', () => {
    expect(dump.info.table.file).toBe('5278AFF86C341677D7D7835C85B7B844-1.json.xz');
    expect(dump.info.table.reason).toMatch(/kernel-base-relative addresses of the dump's KDDEBUGGER_DATA64 .*PsActiveProcessHead.*KiProcessorBlock.* equal the table's symbol RVAs/);
  });

  it('lists the processes and threads the dump really holds, and names where the lists are cut', () => {
    const i = dump.info;
    expect(i.processes).toBe(5);
    expect(i.processList?.[0]).toMatchObject({ address: 'ffffc08bdce94180', pid: 4, name: 'System', threads: 3 });
    expect(i.processList?.slice(1).every((p) => p.name === undefined)).toBe(true);
    expect(i.warnings).toContain('thread list of process ffffc08bdce94180 (System): cut after 3 entries: the link of the entry at ffffc08bdceb0528 is not in the dump (the dump writer did not copy it)');
    expect(i.warnings.some((w) => /^no tick count: KUSER_SHARED_DATA \(fffff78000000000\) is not in the dump/.test(w))).toBe(true);
    expect(i.warnings.some((w) => /^triage dump: only \d+ blocks of kernel memory are readable/.test(w))).toBe(true);
  });

  it('runs every command with no error and no invented waits', () => {
    for (const c of ['!waitchain', '!stalecheck', '!ringdump "-devnode all"']) {
      const r = runOnSnapshot(dump.snapshot, c);
      expect(r.error, c).toBeUndefined();
      expect(r.output.length, c).toBeGreaterThan(0);
    }
    const w = runOnSnapshot(dump.snapshot, '!waitchain');
    expect(w.output).toMatch(/^No blocking chains among 0 waiting threads/);
    const json = w.json as { waiting: number; deadlocks: unknown[] };
    expect(json.waiting).toBe(0);
    expect(json.deadlocks).toEqual([]);
  });

  it('says the 3 threads on System\'s list are only list links and pieces: no KTHREAD, so 0 threads scanned is explained', () => {
    expect(dump.info.processList?.[0]).toMatchObject({ threads: 3, readableThreads: 0 });
    const w = dump.info.warnings.find((x) => /^3 threads on the thread lists have no KTHREAD in the dump/.test(x));
    expect(w).toMatch(/ffffc08bdce7f400 \(only \+2f8\.\.\+408, \+4e8\.\.\+750 of its 0x898-byte ETHREAD are in the dump\)/);
    expect(w).toMatch(/ffffc08bdceb0040 \(its ETHREAD is not in the dump\)/);
  });

  it('claims no stack frame: nothing on the dump confirms one (no KTHREAD, or no image with unwind data), and says so per thread', () => {
    const threads = dump.snapshot.threads;
    expect(threads.every((t) => t.frames.length === 0)).toBe(true);
    // 3 listed + each processor's current and idle thread (16 idle threads, 2 running ones)
    const w = dump.info.warnings.find((x) => /^no stack frames for 21 of 21 threads: /.test(x));
    expect(w).toMatch(/its KTHREAD is not in the dump: ffffc08bdce7f400, ffffc08bdceaf040, ffffc08bdceb0040, /);
    expect(w).toMatch(/running on processor 0, KernelStack is from its last switch: KSWITCH_FRAME\.Return \(KernelStack\+0x38\) is 0, and the value below KernelStack \(ffff9b0003360008\) is in no loaded module: ffffc08bde9e1640/);
    expect(w).toMatch(/the exception directory of nt is not in the dump: ffff9b0002bcb440, ffff9b0002dcb440/);
  });

  it('!ringdump "-devnode all": an unreadable root device node is not "0 device nodes"', () => {
    const r = runOnSnapshot(dump.snapshot, '!ringdump "-devnode all"');
    expect(r.error).toBeUndefined();
    expect(r.output).not.toMatch(/0 device nodes/);
    expect(r.output).toMatch(/^no device node read: the root device node ffffc08b`de0c6a20 \(nt!IopRootDeviceNode\) is unreadable in this dump$/m);
  });

  it('reads the file on demand: a few chunks, never the whole 1.4 MB', () => {
    const s = dump.reader!.stats;
    expect(s.cachedChunks).toBeLessThanOrEqual(s.maxCachedChunks);
    expect(s.bytesFromDisk).toBeLessThan(1_444_532 * 2);
  });

  it('harness: exit 0, the dump summary on stderr, --json carries the warnings in `dump`', () => {
    const text = harness('--dump', TRIAGE, '--symbols', ISF, '--command', '!waitchain');
    expect(text.status).toBe(0);
    expect(text.stderr).toMatch(/^dump: win10-19041\.804-x64-triage\.dmp: triage dump \(small memory dump\), x64, build 19041, 16 processors$/m);
    expect(text.stderr).toMatch(/^dump: bugcheck 0x1000007e /m);
    expect(text.stderr).toMatch(/^dump: processor 0: thread ffffc08bde9e1640 of System$/m);
    const json = harness('--dump', TRIAGE, '--symbols', TABLE_19041_804, '--command', '!stalecheck', '--json');
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.dump.warnings.join('\n')).toMatch(/no tick count/);
    expect(parsed.dump.warnings.join('\n')).toMatch(/cut after/);
  });

  it('a table for another kernel: one line naming both identities, exit 1', () => {
    const other = join(ISF, '0CE4A95C0CD782A7596B034D8648E585-1.json.xz');
    expect(() => openDump(TRIAGE, other)).toThrow(DumpError);
    const r = harness('--dump', TRIAGE, '--symbols', other, '--command', '!waitchain');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^harness: symbol table for another kernel: the table is ntkrnlmp\.pdb 0CE4A95C0CD782A7596B034D8648E585\/1 .*the dump's kernel is build 19041 kernel with PsLoadedModuleList at nt\+0xc2a390/);
  });
});

describe.skipIf(!existsSync(DUMPS))(`other real dumps: one clear line and a non-zero exit${existsSync(DUMPS) ? '' : ' (skipped: ../shared/real-dumps is absent)'}`, () => {
  it('the ARM64 triage dump', () => {
    const r = harness('--dump', join(DUMPS, 'win11-22000-arm64-triage.dmp'), '--symbols', ISF, '--command', '!waitchain');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^harness: .*win11-22000-arm64-triage\.dmp: ARM64 kernel dump \(MachineImageType 0xaa64\): unsupported offline/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('the user-mode minidump', () => {
    const r = harness('--dump', join(DUMPS, 'usermode-calc-minidump.dmp'), '--symbols', ISF, '--command', '!waitchain');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^harness: .*usermode-calc-minidump\.dmp: user-mode minidump: not a kernel dump; /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
