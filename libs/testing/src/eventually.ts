/**
 * A bounded poll for a change another process or a queue makes asynchronously: resolves
 * (with `true`) as soon as `check` holds, rejects when it still does not after `timeoutMs`.
 * For waiting on a change only, never for speed targets (benchmarks measure speed).
 */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, intervalMs = 50): Promise<true> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  if (await check()) return true;
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
