// Preloaded (`--import`) into a gateway process that gateway-process.ts
// starts: answers heap probes over the IPC channel, so a benchmark can read
// the gateway's heap without any change to server/. Knows nothing else.

/** What the gateway answers to a `heap` probe, after a full collection. */
export interface HeapProbe {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

if (process.send) {
  process.on('message', (message) => {
    if (message !== 'heap') return;
    // Garbage awaiting collection is not growth: read the live heap only.
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, heapTotal, external, arrayBuffers, rss } = process.memoryUsage();
    const probe: HeapProbe = { heapUsed, heapTotal, external, arrayBuffers, rss };
    process.send?.(probe);
  });
}
