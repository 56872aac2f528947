import type { SoakAccount } from './soak-account';
import { pickKind, sendKind, type RequestKind, type SoakContext } from './traffic-mix';

export interface TrafficOutcome {
  /** `kind status` → count, e.g. `profile 200`; status 0 is a connection failure. */
  counts: Map<string, number>;
  latenciesMs: number[];
  sent: number;
}

/** A deterministic generator (mulberry32), so a soak's sequence of requests replays from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Open-loop traffic: one request every 1000/rate ms whatever the answers do (a slow stack does
 * not slow the load down), each from a random account. An account sends one webhook at a time,
 * so its newest webhook is well defined.
 */
export async function driveTraffic(
  accounts: SoakAccount[],
  context: SoakContext,
  options: { rate: number; durationMs: number; seed: number },
): Promise<TrafficOutcome> {
  const random = seededRandom(options.seed);
  const outcome: TrafficOutcome = { counts: new Map(), latenciesMs: [], sent: 0 };
  const webhookInFlight = new Set<number>();
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / options.rate;
  const started = performance.now();
  const one = async (kind: RequestKind, account: SoakAccount) => {
    const at = performance.now();
    const answer = await sendKind(kind, account, context).catch(() => ({ status: 0, body: '' }));
    outcome.latenciesMs.push(performance.now() - at);
    const key = `${kind} ${answer.status}`;
    outcome.counts.set(key, (outcome.counts.get(key) ?? 0) + 1);
  };
  while (performance.now() - started < options.durationMs) {
    const account = accounts[Math.floor(random() * accounts.length)]!;
    let kind = pickKind(random);
    if (kind === 'webhook' && webhookInFlight.has(account.index)) kind = 'profile';
    if (kind === 'webhook') webhookInFlight.add(account.index);
    const request = one(kind, account).finally(() => {
      if (kind === 'webhook') webhookInFlight.delete(account.index);
      inFlight.delete(request);
    });
    inFlight.add(request);
    outcome.sent += 1;
    const next = started + outcome.sent * intervalMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  await Promise.all(inFlight);
  return outcome;
}
