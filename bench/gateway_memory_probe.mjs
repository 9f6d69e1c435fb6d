// Preloaded into the gateway by bench/gateway_memory.py (NODE_OPTIONS=--import=<this file>), never
// in production: on SIGUSR2, two full garbage collections, then process.memoryUsage() as one JSON
// line appended to $SLATE_MEMORY_PROBE_OUT. Heap after a full GC is what survives: caches and leaks.
import { appendFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const out = process.env.SLATE_MEMORY_PROBE_OUT;
if (out) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  process.on('SIGUSR2', () => {
    gc();
    gc();
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
    appendFileSync(out, `${JSON.stringify({ ...m, spaces, at: Date.now() })}\n`);
  });
}
