// A thread's IRPs (ETHREAD.IrpList, linked through IRP.ThreadListEntry) with their stack locations, and
// who serves the current location: device -> driver object -> DriverName, file object -> FileName.
// Plain facts for every consumer: the wait-chain terminals ("IRP ... to \Driver\DriverB") and the
// stale-stack rules (UserIosb / UserEvent against the issuing thread's stack).
import { addrAdd, isNull, type Addr } from '../core/addr';
import { uint, utf16, type Bytes } from '../core/bytes';
import { StructView } from '../core/struct';
import type { TypeLayout } from '../core/target';
import type { KernelContext } from './context';
import { headLinks, readList, type ListLinks } from './lists';
import type { ThreadInfo } from './model';
import { ethreadView } from './threads';
import { getOrRead } from '../core/runCache';

/** IO_TYPE_* values of the I/O manager's structure headers (WDK constants, not offsets). */
const IO_TYPE_DEVICE = 3;
const IO_TYPE_DRIVER = 4;
const IO_TYPE_FILE = 5;
const IO_TYPE_IRP = 6;
/** Stack locations read with the IRP in its first read; deeper stacks cost one more read. */
const LOCATIONS_IN_FIRST_READ = 12;
/** A CCHAR holds StackCount: more than this is damage. */
const MAX_STACK_COUNT = 127;
/** IRPs walked per thread; a leaking thread can have thousands, a description needs a few. */
export const MAX_IRPS_PER_THREAD = 256;

/** IRP_MJ_* by value (wdm.h). */
const MAJOR_FUNCTIONS = [
  'CREATE', 'CREATE_NAMED_PIPE', 'CLOSE', 'READ', 'WRITE', 'QUERY_INFORMATION', 'SET_INFORMATION', 'QUERY_EA',
  'SET_EA', 'FLUSH_BUFFERS', 'QUERY_VOLUME_INFORMATION', 'SET_VOLUME_INFORMATION', 'DIRECTORY_CONTROL',
  'FILE_SYSTEM_CONTROL', 'DEVICE_CONTROL', 'INTERNAL_DEVICE_CONTROL', 'SHUTDOWN', 'LOCK_CONTROL', 'CLEANUP',
  'CREATE_MAILSLOT', 'QUERY_SECURITY', 'SET_SECURITY', 'POWER', 'SYSTEM_CONTROL', 'DEVICE_CHANGE', 'QUERY_QUOTA',
  'SET_QUOTA', 'PNP',
];

export function majorFunctionName(value: number): string {
  return value < MAJOR_FUNCTIONS.length ? `IRP_MJ_${MAJOR_FUNCTIONS[value]}` : `IRP_MJ_0x${value.toString(16)}`;
}

/**
 * The 1-based stack location being served. A fresh IRP has CurrentLocation = StackCount + 1, each
 * IoCallDriver moves it down one; above StackCount the IRP is not yet sent or already completed back.
 */
export function currentLocationIndex(stackCount: number, currentLocation: number): number | undefined {
  return currentLocation >= 1 && currentLocation <= stackCount ? currentLocation : undefined;
}

/** Stack locations follow the IRP: location i (1-based) is at irp + sizeof(IRP) + (i - 1) * sizeof(IO_STACK_LOCATION). */
export function stackLocationOffset(irpSize: number, locationSize: number, index: number): number {
  return irpSize + (index - 1) * locationSize;
}

export interface IrpStackLocationInfo {
  /** 1-based, as !irp numbers them. */
  index: number;
  address: Addr;
  majorFunction: number;
  minorFunction: number;
  control: number;
  deviceObject: Addr | undefined;
  fileObject: Addr | undefined;
  completionRoutine: Addr | undefined;
  context: Addr | undefined;
}

export interface IrpInfo {
  address: Addr;
  /** Tail.Overlay.Thread: the issuing thread. */
  thread: Addr | undefined;
  stackCount: number;
  currentLocation: number;
  /** The location being served; undefined when not yet sent or completed (CurrentLocation > StackCount). */
  current: IrpStackLocationInfo | undefined;
  /** Every location, 1..StackCount; empty when they could not be read. */
  locations: IrpStackLocationInfo[];
  userIosb: Addr | undefined;
  userEvent: Addr | undefined;
  pendingReturned: boolean;
  cancel: boolean;
  /** IoStatus.Status as a signed NTSTATUS. */
  status: number | undefined;
  originalFileObject: Addr | undefined;
}

export interface DeviceTarget {
  device: Addr;
  driverObject: Addr | undefined;
  /** "\Driver\DriverB", "\FileSystem\Mup"; undefined when unreadable. */
  driverName: string | undefined;
}

/** UNICODE_STRING sanity: the byte count to read, or why not (Length odd, above MaximumLength, no buffer). */
export function unicodeStringSpan(length: number, maximumLength: number | undefined, bufferPlausible: boolean): { bytes: number } | { invalid: 'odd-length' | 'length-above-maximum' | 'buffer-bad' } {
  if (length === 0) return { bytes: 0 };
  if (length % 2 !== 0) return { invalid: 'odd-length' };
  if (maximumLength !== undefined && length > maximumLength) return { invalid: 'length-above-maximum' };
  if (!bufferPlausible) return { invalid: 'buffer-bad' };
  return { bytes: length };
}

/** The characters of a UNICODE_STRING buffer (Length bytes of UTF-16LE). */
export function decodeUnicodeString(bytes: Bytes, length: number): string {
  return utf16(bytes, 0, length);
}

/** Reads the UNICODE_STRING member `path` of a structure already read (`object` names its type): one read of its buffer. */
export function readUnicodeString(k: KernelContext, view: StructView, path: string, object: string): string | undefined {
  const length = view.num(`${path}.Length`);
  const buffer = view.ptr(`${path}.Buffer`);
  if (length === undefined || buffer === undefined) return undefined;
  const span = unicodeStringSpan(length, view.num(`${path}.MaximumLength`), k.plausible(buffer, 2));
  if ('invalid' in span) {
    k.warnings.add('string-bad', { object, address: view.address, member: path, value: length, expected: view.num(`${path}.MaximumLength`), reason: span.invalid });
    return undefined;
  }
  if (span.bytes === 0) return '';
  const bytes = k.target.read(buffer, span.bytes);
  if (!bytes) {
    k.warnings.add('object-unreadable', { object, address: view.address, member: path, value: buffer, part: 'buffer' });
    return undefined;
  }
  return decodeUnicodeString(bytes, span.bytes);
}

interface IoTypes {
  irp: TypeLayout;
  location: TypeLayout;
  device: TypeLayout | undefined;
  driver: TypeLayout | undefined;
  file: TypeLayout | undefined;
}

/** IRP, device, driver and file reads of one run, with per-object caches (a driver's name is read once). */
export class IrpReader {
  private readonly types: IoTypes | undefined;
  private readonly devices = new Map<Addr, DeviceTarget | null>();
  private readonly drivers = new Map<Addr, string | null>();
  private readonly files = new Map<Addr, string | null>();

  constructor(private readonly k: KernelContext) {
    const irp = k.type('_IRP');
    const location = k.type('_IO_STACK_LOCATION');
    this.types = irp && location && irp.field('ThreadListEntry') ? { irp, location, device: k.type('_DEVICE_OBJECT'), driver: k.type('_DRIVER_OBJECT'), file: k.type('_FILE_OBJECT') } : undefined;
  }

  /**
   * The thread's IRP list in list order, bounded; read from the IrpList head inside the ETHREAD already read.
   * After a smashed link, the IRPs past it are recovered backwards through Blink (kernel/lists.ts).
   */
  threadIrps(thread: ThreadInfo): IrpInfo[] {
    const types = this.types;
    const view = ethreadView(thread);
    const head = view.addressOf('IrpList');
    const links = headLinks(view, 'IrpList');
    if (!types || !head || !links) return [];
    const read = (entry: Addr) => {
      const irp = this.readIrpAt(this.k.containing(entry, types.irp, 'ThreadListEntry'), types);
      return irp ? { item: irp.info, links: irp.links } : null;
    };
    return readList(this.k, head, { list: 'irp-list', owner: thread.address }, read, { links, cap: MAX_IRPS_PER_THREAD }).items;
  }

  /** The IRP whose Tail.Apc is the APC at `apc` (CONTAINING_RECORD from the symbols, no read); undefined without Tail.Apc. */
  irpOfTailApc(apc: Addr): Addr | undefined {
    const layout = this.k.type('_IRP');
    return layout && layout.field('Tail.Apc') ? this.k.containing(apc, layout, 'Tail.Apc') : undefined;
  }

  /** FILE_OBJECT.Event of a file object (synchronous file I/O waits there): address arithmetic from the symbols, no read. */
  fileObjectEvent(file: Addr): Addr | undefined {
    const layout = this.k.type('_FILE_OBJECT');
    const event = layout && layout.field('Event');
    return event ? addrAdd(file, event.offset) : undefined;
  }

  /**
   * The IRP at an address that may hold none (a container computed from an APC): a read of its Type header
   * first, so a pool neighbour is not read as an IRP; then the IRP as readIrp reads it.
   */
  probeIrp(address: Addr): IrpInfo | undefined {
    const layout = this.k.type('_IRP');
    const type = layout && layout.field('Type');
    if (!type || !this.k.plausible(address)) return undefined;
    const probe = this.k.target.read(addrAdd(address, type.offset), type.size);
    return probe && uint(probe, 0, type.size) === IO_TYPE_IRP ? this.readIrp(address) : undefined;
  }

  /** One IRP with its stack locations. */
  readIrp(address: Addr): IrpInfo | undefined {
    const types = this.types;
    const hit = types ? this.readIrpAt(address, types) : undefined;
    return hit && hit.info;
  }

  /** Who a device object belongs to: its driver object and the driver's name (cached per device and driver). */
  deviceTarget(device: Addr): DeviceTarget | undefined {
    return getOrRead(this.devices, device, () => this.readDeviceTarget(device));
  }

  /** FILE_OBJECT.FileName ("\SERVER_B\IPC$"); cached per file object. */
  fileName(file: Addr): string | undefined {
    return getOrRead(this.files, file, () => {
      const layout = this.types && this.types.file;
      const view = layout && this.k.plausible(file) ? this.k.readStruct(layout, file, 'file object') : undefined;
      if (!view || !this.typed(view, IO_TYPE_FILE, 'file object')) return undefined;
      return readUnicodeString(this.k, view, 'FileName', 'file object') || undefined;
    });
  }

  private readDeviceTarget(device: Addr): DeviceTarget | undefined {
    const layout = this.types && this.types.device;
    if (!layout || !this.k.plausible(device)) return undefined;
    const view = this.k.readStruct(layout, device, 'device object');
    if (!view || !this.typed(view, IO_TYPE_DEVICE, 'device object')) return undefined;
    const driverObject = view.ptr('DriverObject');
    if (!driverObject || !this.k.plausible(driverObject)) return { device, driverObject: undefined, driverName: undefined };
    const driverName = getOrRead(this.drivers, driverObject, () => this.readDriverName(driverObject) || undefined);
    return { device, driverObject, driverName };
  }

  private readDriverName(driver: Addr): string | undefined {
    const layout = this.types && this.types.driver;
    const view = layout ? this.k.readStruct(layout, driver, 'driver object') : undefined;
    if (!view || !this.typed(view, IO_TYPE_DRIVER, 'driver object')) return undefined;
    return readUnicodeString(this.k, view, 'DriverName', 'driver object');
  }

  /** The I/O manager's Type header says what a structure is; anything else is damage. */
  private typed(view: StructView, expected: number, what: string): boolean {
    const type = view.num('Type');
    if (type === expected) return true;
    this.k.warnings.add('io-object-wrong-type', { object: what, address: view.address, member: 'Type', value: type, expected });
    return false;
  }

  /**
   * One read for the IRP and its first LOCATIONS_IN_FIRST_READ stack locations (StackCount is inside the
   * IRP, so it is not known before the read); a deeper stack costs one more read, a read that runs into
   * unreadable memory falls back to the IRP alone.
   */
  private readIrpAt(address: Addr, types: IoTypes): { info: IrpInfo; links: ListLinks } | undefined {
    const k = this.k;
    const irpSize = types.irp.size;
    const locationSize = types.location.size;
    const bytes = k.target.read(address, stackLocationOffset(irpSize, locationSize, LOCATIONS_IN_FIRST_READ + 1));
    let view: StructView | undefined = bytes ? new StructView(types.irp, address, bytes, k.pointerSize) : undefined;
    if (!view) view = k.readStruct(types.irp, address, 'IRP');
    if (!view) return undefined;
    if (!this.typed(view, IO_TYPE_IRP, 'IRP')) return undefined;
    const stackCount = view.num('StackCount') || 0;
    const currentLocation = view.num('CurrentLocation') || 0;
    const info: IrpInfo = {
      address,
      thread: nonNull(view.ptr('Tail.Overlay.Thread')),
      stackCount,
      currentLocation,
      current: undefined,
      locations: [],
      userIosb: nonNull(view.ptr('UserIosb')),
      userEvent: nonNull(view.ptr('UserEvent')),
      pendingReturned: !!view.num('PendingReturned'),
      cancel: !!view.num('Cancel'),
      status: view.num('IoStatus.Status'),
      originalFileObject: nonNull(view.ptr('Tail.Overlay.OriginalFileObject')),
    };
    const links: ListLinks = headLinks(view, 'ThreadListEntry') || { flink: '0' };
    if (stackCount > MAX_STACK_COUNT) {
      k.warnings.add('irp-stack-count-bad', { object: 'IRP', address, member: 'StackCount', value: stackCount });
      return { info, links };
    }
    const locationBytes = this.locationBytes(address, view.bytes, stackLocationOffset(irpSize, locationSize, stackCount + 1), irpSize, locationSize);
    if (!locationBytes) return { info, links };
    for (let index = 1; index <= stackCount; index++) {
      const offset = stackLocationOffset(irpSize, locationSize, index);
      const sl = new StructView(types.location, addrAdd(address, offset), locationBytes, k.pointerSize, offset);
      info.locations.push({
        index,
        address: sl.address,
        majorFunction: sl.num('MajorFunction') || 0,
        minorFunction: sl.num('MinorFunction') || 0,
        control: sl.num('Control') || 0,
        deviceObject: nonNull(sl.ptr('DeviceObject')),
        fileObject: nonNull(sl.ptr('FileObject')),
        completionRoutine: nonNull(sl.ptr('CompletionRoutine')),
        context: nonNull(sl.ptr('Context')),
      });
    }
    const current = currentLocationIndex(stackCount, currentLocation);
    if (current !== undefined) info.current = info.locations[current - 1];
    return { info, links };
  }

  /** The IRP's bytes through its last stack location: those in hand, plus one read of the rest when the stack is deeper. */
  private locationBytes(address: Addr, have: Bytes, end: number, irpSize: number, locationSize: number): Bytes | undefined {
    if (have.length >= end) return have;
    // Whole locations already in hand are kept; the read starts at the first one missing.
    const kept = irpSize + Math.floor((have.length - irpSize) / locationSize) * locationSize;
    const rest = this.k.target.read(addrAdd(address, kept), end - kept);
    if (!rest) {
      this.k.warnings.add('object-unreadable', { object: 'IRP', address, part: 'stack-locations' });
      return undefined;
    }
    const joined: number[] = [];
    for (let i = 0; i < kept; i++) joined.push(have[i]);
    for (let i = 0; i < rest.length; i++) joined.push(rest[i]);
    return joined;
  }
}

function nonNull(a: Addr | undefined): Addr | undefined {
  return a === undefined || isNull(a) ? undefined : a;
}
