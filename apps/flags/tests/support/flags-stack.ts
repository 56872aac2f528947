import { randomBytes } from 'node:crypto';
import { startTestStack, type TestStack } from '@tp/testing';

/** The one price PADDLE_PREMIUM_PRICE_IDS lists for these tests. */
export const TEST_PREMIUM_PRICE_ID = 'pri_01flagstestpremium00000000000';

export interface FlagsStack extends TestStack<'flags' | 'user'> {
  edgeUrl: string;
  token: (email: string) => Promise<string>;
}

/**
 * Flags, user and edge services as real processes over one test database, sharing a change
 * channel no other test file uses (the stack gives the edge a rate-limit prefix of its own).
 */
export async function startFlagsStack(flagsEnv: Record<string, string> = {}): Promise<FlagsStack> {
  const stack = await startTestStack({
    services: ['flags', 'user'],
    env: {
      LOG_LEVEL: 'warn',
      FEATURE_FLAGS_CHANNEL: `feature-flags:test:${randomBytes(6).toString('hex')}`,
      PADDLE_PREMIUM_PRICE_IDS: TEST_PREMIUM_PRICE_ID,
    },
    serviceEnv: { flags: flagsEnv },
    edge: { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000' },
  });
  return { ...stack, edgeUrl: stack.edge!.url, token: stack.tokenFor };
}
