// IRPs (docs/kernel-structures.md §IRPs): _IRP + its _IO_STACK_LOCATIONs, devices, drivers, file objects, thread IRP lists.
import type { Ctx } from './context';
import { fmt } from './hex';
import { objectHeader } from './objects';
import { irpLocations } from './plan';
import { IRP_MJ } from './scenario';
import { E } from './threads';

const IRP = '_IRP';
const IOSL = '_IO_STACK_LOCATION';
const DEV = '_DEVICE_OBJECT';
const DRV = '_DRIVER_OBJECT';
const FO = '_FILE_OBJECT';
const IO_TYPE_DEVICE = 3;
const IO_TYPE_DRIVER = 4;
const IO_TYPE_FILE = 5;
const IO_TYPE_IRP = 6;
const SL_PENDING_RETURNED = 0x01;

export function layoutIrps(ctx: Ctx): void {
  const sw = ctx.sw;
  const k = ctx.kernel;
  const drivers = new Map<string, bigint>();
  const devices = new Map<bigint, string | undefined>();
  const devByDriver = new Map<string, bigint>();
  const files = new Map<string, bigint>();
  const driverObject = (name: string): bigint => {
    const key = name.toLowerCase();
    let d = drivers.get(key);
    if (d !== undefined) return d;
    d = ctx.poolObject(sw.size(DRV), `_DRIVER_OBJECT ${name}`);
    drivers.set(key, d);
    sw.set(k, d, DRV, 'Type', IO_TYPE_DRIVER);
    sw.set(k, d, DRV, 'Size', sw.size(DRV));
    ctx.unicodeString(k, d + BigInt(sw.off(DRV, 'DriverName')), name, `DriverName of ${name}`);
    objectHeader(ctx, d, 'Driver', `driver object ${name}`);
    ctx.mark(d, DRV);
    return d;
  };
  const deviceObject = (given: bigint | undefined, driver: string | undefined, what: string): bigint => {
    let dev = given;
    if (dev === undefined) {
      const key = (driver ?? '?').toLowerCase();
      dev = devByDriver.get(key);
      if (dev === undefined) {
        dev = ctx.poolObject(sw.size(DEV), `_DEVICE_OBJECT of ${driver ?? 'unknown driver'}`);
        devByDriver.set(key, dev);
        ctx.note(`${what}: device not given; one _DEVICE_OBJECT ${fmt(dev)} allocated for ${driver ?? 'an unnamed driver'}`);
      }
    }
    if (devices.has(dev)) {
      const was = devices.get(dev);
      if (driver && was && was.toLowerCase() !== driver.toLowerCase()) ctx.note(`${what}: device ${fmt(dev)} named with two drivers (${was}, ${driver}); the first is kept`);
      return dev;
    }
    devices.set(dev, driver);
    sw.set(k, dev, DEV, 'Type', IO_TYPE_DEVICE);
    sw.set(k, dev, DEV, 'Size', sw.size(DEV));
    if (driver) {
      const d = driverObject(driver);
      sw.set(k, dev, DEV, 'DriverObject', d);
      if (sw.get(k, d, DRV, 'DeviceObject') === 0n) sw.set(k, d, DRV, 'DeviceObject', dev);
    }
    objectHeader(ctx, dev, 'Device', `device object ${fmt(dev)}`);
    ctx.mark(dev, DEV);
    return dev;
  };
  const fileObject = (name: string, dev: bigint | undefined): bigint => {
    let f = files.get(name);
    if (f !== undefined) return f;
    f = ctx.poolObject(sw.size(FO), `_FILE_OBJECT ${name}`);
    files.set(name, f);
    sw.set(k, f, FO, 'Type', IO_TYPE_FILE);
    sw.set(k, f, FO, 'Size', sw.size(FO));
    if (dev !== undefined) sw.set(k, f, FO, 'DeviceObject', dev);
    ctx.unicodeString(k, f + BigInt(sw.off(FO, 'FileName')), name, `FileName ${name}`);
    objectHeader(ctx, f, 'File', `file object ${name}`);
    ctx.mark(f, FO);
    return f;
  };

  const irpSize = sw.size(IRP);
  const slSize = sw.size(IOSL);
  const byThread = new Map<bigint, bigint[]>();
  (ctx.s.irps ?? []).forEach((r, i) => {
    const what = `irps[${i}] (${r.address})`;
    const a = ctx.addr(r.address);
    const entries = r.stack ?? [];
    const { stackCount, current } = irpLocations(entries.length, r.currentLocation ?? undefined);
    sw.set(k, a, IRP, 'Type', IO_TYPE_IRP);
    sw.set(k, a, IRP, 'Size', irpSize + stackCount * slSize);
    sw.set(k, a, IRP, 'StackCount', stackCount);
    sw.set(k, a, IRP, 'CurrentLocation', current);
    sw.set(k, a, IRP, 'Tail.Overlay.CurrentStackLocation', a + BigInt(irpSize + (current - 1) * slSize));
    if (!entries.length) ctx.note(`${what}: no stack locations given; StackCount ${stackCount}, CurrentLocation ${current} (none current)`);
    const thread = ctx.addrOpt(r.thread);
    ctx.listInit(k, a + BigInt(sw.off(IRP, 'ThreadListEntry')));
    if (thread !== undefined) {
      sw.set(k, a, IRP, 'Tail.Overlay.Thread', thread);
      if (!ctx.threads.has(thread)) ctx.note(`${what}: thread ${r.thread} is not a scenario thread; the IRP is on no IrpList`);
      else { const l = byThread.get(thread) ?? []; l.push(a); byThread.set(thread, l); }
    }
    if (r.userIosb) sw.set(k, a, IRP, 'UserIosb', ctx.addr(r.userIosb));
    if (r.userEvent) sw.set(k, a, IRP, 'UserEvent', ctx.addr(r.userEvent));
    if (r.cancel) sw.set(k, a, IRP, 'Cancel', 1);
    if (r.pending) sw.set(k, a, IRP, 'PendingReturned', 1);
    let firstFile: bigint | undefined;
    entries.forEach((e, j) => {
      const loc = current + (entries.length - 1 - j);
      const sl = a + BigInt(irpSize + (loc - 1) * slSize);
      sw.set(k, sl, IOSL, 'MajorFunction', IRP_MJ[e.major]!);
      if (e.minor !== undefined && e.minor !== null) sw.set(k, sl, IOSL, 'MinorFunction', e.minor);
      if (r.pending && loc === current) sw.set(k, sl, IOSL, 'Control', SL_PENDING_RETURNED);
      const dev = deviceObject(ctx.addrOpt(e.device), e.driver ?? undefined, `${what}.stack[${j}]`);
      sw.set(k, sl, IOSL, 'DeviceObject', dev);
      if (e.file) {
        const f = fileObject(e.file, dev);
        sw.set(k, sl, IOSL, 'FileObject', f);
        firstFile = firstFile ?? f;
      }
      if (e.completionRoutine) sw.set(k, sl, IOSL, 'CompletionRoutine', ctx.code(e.completionRoutine, true));
    });
    if (firstFile !== undefined) sw.trySet(k, a, IRP, 'Tail.Overlay.OriginalFileObject', firstFile);
  });
  // Thread IRP lists: the thread's `irps` order first, then IRPs naming the thread.
  for (const t of ctx.threads.values()) {
    const listed = (t.s.irps ?? []).map((x) => ctx.addr(x));
    const naming = byThread.get(t.addr) ?? [];
    const order = [...listed.filter((x) => naming.includes(x)), ...naming.filter((x) => !listed.includes(x))];
    for (const x of listed) if (!naming.includes(x)) ctx.note(`threads[${t.index}].irps: ${fmt(x)} is not an irps entry for this thread; not linked`);
    const head = t.addr + BigInt(sw.off(E, 'IrpList'));
    for (const irp of order) ctx.listInsertTail(k, head, irp + BigInt(sw.off(IRP, 'ThreadListEntry')));
  }
}
