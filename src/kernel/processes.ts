// Processes and their threads, from the kernel's own lists (nt!PsActiveProcessHead →
// EPROCESS.ActiveProcessLinks, EPROCESS.ThreadListHead → ETHREAD.ThreadListEntry), one read per object.
import { ascii } from '../core/bytes';
import { TargetUnsupported } from '../core/target';
import type { Addr } from '../core/addr';
import type { KernelContext } from './context';
import { headLinks, type ListLinks, walkList } from './lists';
import type { ProcessInfo, ThreadInfo } from './model';
import { readThread, type ThreadReader, threadReader } from './threads';
import { ethreadView } from './threads';

export interface ProcessTable {
  processes: ProcessInfo[];
  threads: ThreadInfo[];
  threadByAddress: Map<Addr, ThreadInfo>;
  processByAddress: Map<Addr, ProcessInfo>;
}

export function readProcesses(k: KernelContext): ProcessTable {
  const eprocess = k.requireType('_EPROCESS');
  const head = k.symbol('PsActiveProcessHead');
  if (!head) throw new TargetUnsupported('nt!PsActiveProcessHead not found: kernel symbols are needed (.reload)');
  const linksField = eprocess.field('ActiveProcessLinks');
  const imageName = eprocess.field('ImageFileName');
  if (!linksField || !imageName) throw new TargetUnsupported('_EPROCESS has no ActiveProcessLinks/ImageFileName in these symbols');
  const reader = threadReader(k);
  const table: ProcessTable = { processes: [], threads: [], threadByAddress: new Map(), processByAddress: new Map() };

  walkList(k, head, { list: 'process-list' }, (entry) => {
    const address = k.containing(entry, eprocess, 'ActiveProcessLinks');
    const view = k.readStruct(eprocess, address, 'process');
    if (!view) return null;
    const exiting = view.num('ProcessExiting') === 1 || view.num('ProcessDelete') === 1 || view.nonZero('ExitTime') === true;
    const process: ProcessInfo = {
      address,
      pid: parseInt(view.ptr('UniqueProcessId') || '0', 16),
      name: ascii(view.bytes, imageName.offset, imageName.size),
      exiting,
      activeThreads: view.num('ActiveThreads'),
      threads: [],
    };
    table.processes.push(process);
    table.processByAddress.set(address, process);
    readThreadsOf(k, reader, process, view.addressOf('ThreadListHead'), headLinks(view, 'ThreadListHead'), table);
    return headLinks(view, 'ActiveProcessLinks');
  });
  return table;
}

function readThreadsOf(k: KernelContext, reader: ThreadReader, process: ProcessInfo, head: Addr | undefined, links: ListLinks | undefined, table: ProcessTable): void {
  if (!head) return;
  walkList(k, head, { list: 'thread-list', ownerName: process.name }, (entry) => {
    const address = k.containing(entry, reader.ethread, 'ThreadListEntry');
    const thread = readThread(k, reader, address, process);
    if (!thread) return null;
    process.threads.push(thread);
    table.threads.push(thread);
    table.threadByAddress.set(address, thread);
    return headLinks(ethreadView(thread), 'ThreadListEntry');
  }, { links });
}
