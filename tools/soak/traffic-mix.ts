import { signPaddlePayload } from '../../apps/billing/src/webhooks/paddle-signature';
import { paddleEvent } from '../../apps/billing/tests/support/paddle-fixtures';
import type { Answer, SoakAccount } from './soak-account';

export type RequestKind = 'profile' | 'limits' | 'flags' | 'upload' | 'webhook' | 'health';

/** The operator's mix from the issue: percent of requests by kind. */
export const MIX: Array<[RequestKind, number]> = [
  ['profile', 50],
  ['limits', 15],
  ['flags', 15],
  ['upload', 10],
  ['webhook', 7],
  ['health', 3],
];

const BOUNDARY = '----tp-soak-boundary';
const UPLOAD_BYTES = 50 * 1024;
// A PNG signature and 50 KB of varied bytes: a file the worker sniffs and marks ready.
const FILE = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from(Array.from({ length: UPLOAD_BYTES - 8 }, (_, index) => (index * 31 + (index >> 8)) & 0xff)),
]);
const UPLOAD_BODY = Buffer.concat([
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="soak.png"\r\nContent-Type: image/png\r\n\r\n`),
  FILE,
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);

export function pickKind(random: () => number): RequestKind {
  let roll = random() * 100;
  for (const [kind, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return 'profile';
}

export interface SoakContext {
  webhookSecret: string;
  /** The price the stack lists in PADDLE_PREMIUM_PRICE_IDS: every soak subscription buys it. */
  premiumPriceId: string;
  /** Upload ids the edge answered 201 for; every one must end `ready`. */
  uploadIds: string[];
}

/** Alternates activated / canceled, so every account's tier flips and must follow its newest event. */
function webhookBody(account: SoakAccount, premiumPriceId: string): string {
  const premium = account.expectedTier === 'FREE';
  const event = paddleEvent(premium ? 'subscription.activated' : 'subscription.canceled', {
    userId: account.userId,
    subscriptionId: account.subscriptionId,
    customerId: account.customerId,
    occurredAt: new Date(),
    items: [{ priceId: premiumPriceId }],
  });
  return JSON.stringify(event);
}

export async function sendKind(kind: RequestKind, account: SoakAccount, context: SoakContext): Promise<Answer> {
  switch (kind) {
    case 'profile':
      return account.send('GET', '/api/v1/user/profile', { authorization: await account.bearer() });
    case 'limits':
      return account.send('GET', '/api/v1/user/limits', { authorization: await account.bearer() });
    case 'flags':
      return account.send('GET', '/api/v1/flags', { authorization: await account.bearer() });
    case 'health':
      return account.send('GET', '/health/detailed', {});
    case 'upload': {
      const answer = await account.send('POST', '/api/v1/upload', {
        authorization: await account.bearer(),
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': String(UPLOAD_BODY.length),
      }, UPLOAD_BODY);
      if (answer.status === 201) context.uploadIds.push(...(JSON.parse(answer.body) as { files: Array<{ id: string }> }).files.map((file) => file.id));
      return answer;
    }
    case 'webhook': {
      const raw = webhookBody(account, context.premiumPriceId);
      const answer = await account.send('POST', '/api/v1/webhooks/paddle', {
        'content-type': 'application/json',
        'paddle-signature': signPaddlePayload(raw, context.webhookSecret),
      }, raw);
      if (answer.status === 200) account.expectedTier = account.expectedTier === 'FREE' ? 'PREMIUM' : 'FREE';
      return answer;
    }
  }
}
