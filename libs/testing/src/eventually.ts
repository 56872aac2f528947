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

export interface MsUntilOptions {
  /** When the clock started (`Date.now()`), e.g. when the change was acknowledged; default: now. */
  since?: number;
  /** Finer than `eventually`'s default: the result bounds a propagation time. */
  intervalMs?: number;
}

/**
 * Milliseconds from `since` until `check` held, polled by `eventually` (and rejecting like it):
 * for propagation bounds such as "every service sees the change within 1 s of the webhook".
 */
export async function msUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, options: MsUntilOptions = {}): Promise<number> {
  const { since = Date.now(), intervalMs = 25 } = options;
  await eventually(check, timeoutMs, intervalMs);
  return Date.now() - since;
}
