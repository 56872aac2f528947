import { createWriteStream } from 'node:fs';

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/**
 * A Chrome DevTools Protocol session with one process started with `--inspect=127.0.0.1:<port>`:
 * the documented way to force a full GC and read the heap of a process from outside, so the
 * soak measures the bundles as they ship (no --expose-gc, no code of ours inside the process).
 */
export class InspectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (err: Error) => void }>();
  private readonly listeners = new Map<string, (params: Record<string, unknown>) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => this.receive(JSON.parse(String(event.data)) as CdpMessage));
    socket.addEventListener('close', () => this.failAll(new Error('inspector connection closed')));
  }

  /** Connects to the first target the inspector on `port` lists (retrying while the process starts). */
  static async connect(port: number, timeoutMs = 30_000): Promise<InspectorClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
        const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
        await new Promise<void>((resolve, reject) => {
          socket.addEventListener('open', () => resolve(), { once: true });
          socket.addEventListener('error', () => reject(new Error(`inspector on ${port} refused the session`)), { once: true });
        });
        return new InspectorClient(socket);
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Rejects when the session is closed (the process died) or the call takes over `timeoutMs`: a soak never hangs on a lost process. */
  send(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`inspector session closed (${method})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector call ${method} took over ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        done(value);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** A full, compacting GC (V8's low-memory notification), then the JS heap in use, in bytes. */
  async heapUsedAfterGc(): Promise<number> {
    await this.send('HeapProfiler.collectGarbage');
    const usage = await this.send('Runtime.getHeapUsage');
    return Number(usage['usedSize']);
  }

  /** Writes a heap snapshot (taken after a GC, as V8 always does for snapshots) to `file`. */
  async writeHeapSnapshot(file: string): Promise<void> {
    const out = createWriteStream(file);
    this.listeners.set('HeapProfiler.addHeapSnapshotChunk', (params) => out.write(String(params['chunk'])));
    try {
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    } finally {
      this.listeners.delete('HeapProfiler.addHeapSnapshotChunk');
      await new Promise<void>((resolve) => out.end(() => resolve()));
    }
  }

  close(): void {
    this.socket.close();
  }

  private receive(message: CdpMessage): void {
    if (message.method) {
      this.listeners.get(message.method)?.(message.params ?? {});
      return;
    }
    const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id!);
    if (message.error) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result ?? {});
  }

  private failAll(err: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}
