// The reference walk: how most public WinDbg scripts gather the same facts — field by field through
// typed objects and the data model (one round trip per property). It lives in the benchmark only, as a
// script of its own loaded into the same mock debugger, so its host calls compare with waitchain's.
//
// "The same facts" is measured, not guessed: every structure field !waitchain decodes on the benchmark
// systems (instrumented StructView accesses, 1k threads, both layouts) has its counterpart here:
// - per process: UniqueProcessId, ImageFileName, ActiveThreads, ExitTime, ProcessExiting, ProcessDelete,
//   and the head of its ntdll!RtlCriticalSectionList (a read in the process's context);
// - per thread: Cid, State, WaitReason, WaitMode, Alertable, WaitTime, KernelTime, UserTime, Priority,
//   BasePriority, Terminated, KernelStackResident, StackBase, StackLimit, KernelStack;
// - per waiting thread: WaitBlockList, WaitBlockCount (or the NextWaitBlock ring), each block's Object,
//   WaitKey and WaitType, the Timer's address (a timeout block), the LPC/ALPC wait semaphore's address,
//   message pointer and id; each distinct object's Type and SignalState, a mutant's OwnerThread and
//   Abandoned; an ALPC message's id, waiting and server threads, queue and owner port;
// - nt!ExpSystemResourcesList: each ERESOURCE's flags, counts, owner entry, owner table, waiter fields,
//   and on wait-chain builds each chain entry's Thread, Event and link.
export const REFERENCE_SCRIPT = `
"use strict";
function initializeScript() {
  return [new host.apiVersionSupport(1, 7), new host.functionAlias(referenceWalk, 'referencewalk')];
}
function invokeScript() {}
function uninitializeScript() {}

// One property read; the second name when this build calls the field that (LPC vs ALPC, Flag vs ReservedLowFlags).
function either(object, name, other) {
  var value = object[name];
  return value !== undefined ? value : object[other];
}

function symbolAddress(module, name) {
  try { return host.getModuleSymbolAddress(module, name); } catch (e) { return undefined; }
}

function referenceWalk() {
  var facts = 0;
  var seen = {};
  var pointerSize = host.currentSession.Attributes.Machine.PointerSize;
  var critSecHead = symbolAddress('ntdll', 'RtlCriticalSectionList');
  for (var process of host.currentSession.Processes) {
    var ep = process.KernelObject;
    facts += [ep.UniqueProcessId, ep.ImageFileName, ep.ActiveThreads, ep.ExitTime, ep.ProcessExiting, ep.ProcessDelete].length;
    if (critSecHead !== undefined) {
      try { facts += host.memory.readMemoryValues(critSecHead, 1, pointerSize, false, process).length; } catch (e) {}
    }
    for (var thread of process.Threads) {
      var et = thread.KernelObject;
      var t = et.Tcb;
      var state = t.State;
      facts += [et.Cid.UniqueThread, state, t.WaitReason, t.WaitMode, t.Alertable, t.WaitTime, t.KernelTime, t.UserTime,
        t.Priority, t.BasePriority, et.Terminated, t.KernelStackResident, t.StackBase, t.StackLimit, t.KernelStack].length;
      if (state != 5) continue;
      var message = either(et, 'AlpcMessage', 'LpcReplyMessage');
      facts += [t.Timer.address, either(et, 'AlpcWaitSemaphore', 'LpcReplySemaphore').address, message,
        either(et, 'AlpcMessageId', 'LpcReplyMessageId')].length;
      if (t.WaitReason == 17 && message && !message.isNull && et.AlpcMessage !== undefined) {
        var m = host.createTypedObject(message.address, 'nt', '_KALPC_MESSAGE');
        facts += [m.PortMessage.MessageId, m.WaitingThread, m.ServerThread, m.PortQueue, m.OwnerPort].length;
      }
      var first = t.WaitBlockList;
      var ring = 'NextWaitBlock' in first;
      var firstAddress = ring ? first.address : undefined;
      var count = ring ? 64 : t.WaitBlockCount;
      var block = first;
      for (var i = 0; i < count && !block.isNull; i++) {
        var object = block.Object;
        facts += [block.WaitKey, block.WaitType].length;
        if (!object.isNull) {
          var key = object.address.toString(16);
          if (!seen[key]) {
            seen[key] = true;
            var header = host.createTypedObject(object.address, 'nt', '_DISPATCHER_HEADER');
            var type = header.Type;
            facts += [type, header.SignalState].length;
            if (type == 2) {
              var mutant = host.createTypedObject(object.address, 'nt', '_KMUTANT');
              facts += [mutant.OwnerThread, mutant.Abandoned].length;
            }
          }
        }
        if (ring) {
          block = block.NextWaitBlock;
          if (block.address.compareTo(firstAddress) == 0) break;
        } else {
          block = block.add(1);
        }
      }
    }
  }
  facts += resourceFacts();
  return facts;
}

function resourceFacts() {
  var facts = 0;
  var head = symbolAddress('nt', 'ExpSystemResourcesList');
  if (head === undefined) return 0;
  var chains = false;
  try { chains = !/KEVENT|KSEMAPHORE/i.test(host.getModuleType('nt', '_ERESOURCE').fields.ExclusiveWaiters.type.name) && !!host.getModuleType('nt', '_KWAIT_CHAIN_ENTRY'); } catch (e) {}
  var list = host.createTypedObject(head, 'nt', '_LIST_ENTRY');
  for (var r of host.namespace.Debugger.Utility.Collections.FromListEntry(list, 'nt!_ERESOURCE', 'SystemResourcesList')) {
    var flag = either(r, 'ReservedLowFlags', 'Flag');
    var active = r.ActiveCount;
    var exclusiveWaiters = r.NumberOfExclusiveWaiters;
    var sharedWaiters = r.NumberOfSharedWaiters;
    facts += [flag, active, r.ContentionCount, exclusiveWaiters, sharedWaiters].length;
    if (active == 0 && exclusiveWaiters == 0 && sharedWaiters == 0) continue;
    var owner = r.OwnerEntry;
    if (owner === undefined) owner = r.OwnerThreads[0]; // XP: OwnerThreads[2]
    facts += [owner.OwnerThread, owner.OwnerCount].length;
    if ((flag & 0x80) == 0) facts += [r.OwnerTable].length;
    var waiterHeads = [r.ExclusiveWaiters, r.SharedWaiters];
    facts += waiterHeads.length;
    if (!chains) continue;
    for (var w of waiterHeads) {
      for (var n = 0; n < 65536 && !w.isNull; n++) {
        var entry = host.createTypedObject(w.address, 'nt', '_KWAIT_CHAIN_ENTRY');
        facts += [entry.Thread, entry.Event.address].length;
        w = entry.ListEntry.Flink;
      }
    }
  }
  return facts;
}
`;
