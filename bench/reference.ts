// The reference walk: how most public WinDbg scripts gather the same facts — field by field through
// typed objects and the data model (one round trip per property). It lives in the benchmark only, as a
// script of its own loaded into the same mock debugger, so its host calls compare with waitchain's.
export const REFERENCE_SCRIPT = `
"use strict";
function initializeScript() {
  return [new host.apiVersionSupport(1, 7), new host.functionAlias(referenceWalk, 'referencewalk')];
}
function invokeScript() {}
function uninitializeScript() {}

// The facts waitchain's readers decode, read the way most scripts do: every process's identity and
// thread list; every thread's identity, state, wait, times, priorities and stack bounds; for a waiting
// thread each wait block (object, key, type) and each object's dispatcher header and mutant owner.
function referenceWalk() {
  var facts = 0;
  var seen = {};
  for (var process of host.currentSession.Processes) {
    var ep = process.KernelObject;
    facts += [ep.UniqueProcessId, ep.ImageFileName, ep.ActiveThreads, ep.ExitTime].length;
    for (var thread of process.Threads) {
      var et = thread.KernelObject;
      var t = et.Tcb;
      var state = t.State;
      facts += [et.Cid.UniqueThread, state, t.WaitReason, t.WaitMode, t.Alertable, t.WaitTime, t.KernelTime, t.UserTime,
        t.Priority, t.BasePriority, t.StackBase, t.StackLimit, t.KernelStack].length;
      if (state != 5) continue;
      var block = t.WaitBlockList;
      var count = 1;
      try { count = t.WaitBlockCount; } catch (e) { count = 1; }
      if (count === undefined) count = 1;
      for (var i = 0; i < count && !block.isNull; i++) {
        var object = block.Object;
        facts += [block.WaitKey, block.WaitType].length;
        if (object.isNull) break;
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
        block = block.add(1);
      }
    }
  }
  return facts;
}
`;
