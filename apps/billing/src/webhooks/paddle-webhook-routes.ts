import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { UnauthorizedError, ValidationError } from '@tp/errors';
import { requireFlag, type FeatureFlagClient } from '@tp/feature-flags';
import type { Logger } from '@tp/logging';
import type { ApiRegistry, RouteDoc } from '@tp/openapi';
import { envelopeSchema, parsePaddleEvent, type PaddleEvent } from './paddle-event';
import { verifyPaddleSignature } from './paddle-signature';
import type { ReportNotices } from './billing-notices';
import type { CountWebhook } from './webhook-metrics';
import type { WebhookOutcome, WebhookService } from './webhook-service';

export const PADDLE_WEBHOOK_PATH = '/api/v1/webhooks/paddle';

export interface PaddleWebhookDeps {
  webhooks: WebhookService;
  clock: () => Date;
  secrets: string[];
  toleranceSeconds: number;
  /** Holds the `payments` flag (env kill switch, then the DB flag): when off, 503 so Paddle keeps the event and retries. */
  flags: FeatureFlagClient;
  count: CountWebhook;
  /** Binding conflicts and subscriptions without a listed price: warn log and counter. */
  report: ReportNotices;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('Webhook body is not valid JSON');
  }
}

/** Raw bytes, with a refused body (too large, unreadable) counted as an invalid payload. */
function rawBody(count: CountWebhook): RequestHandler {
  const read = express.raw({ type: '*/*', limit: '1mb' });
  return (req, res, next) => read(req, res, (err?: unknown) => {
    if (err) count('unknown', 'invalid_payload');
    next(err);
  });
}

const receivePaddleWebhook = {
  method: 'post',
  path: PADDLE_WEBHOOK_PATH,
  summary: 'Paddle Billing webhook',
  description: 'Verified on the raw bytes before parsing; a redelivered event_id applies once. Not rate limited.',
  tags: ['billing'],
  auth: 'none',
  // The Paddle-Signature header (HMAC of the raw body) is the credential: a missing or bad one is a 401.
  credentials: ['paddleSignature'],
  body: { mediaType: 'application/json', schema: envelopeSchema, description: 'A Paddle notification (the envelope fields read here; Paddle sends more)' },
  responses: {
    200: {
      description:
        'Stored (and applied unless stale, unmatched or a duplicate). `conflict`: the event named another account than the one its ' +
        'Paddle customer or subscription is bound to, so it changed nothing.',
      json: z.object({
        received: z.literal(true),
        eventId: z.string().max(200),
        outcome: z.enum(['applied', 'stale', 'unmatched', 'unsupported', 'failed', 'duplicate', 'conflict']),
      }),
    },
  },
  errors: [400, 401, 413, 503],
} satisfies RouteDoc;

/** A verified body as a Paddle event; anything else is counted and refused with 400. */
function parseDelivery(raw: Buffer, count: CountWebhook): PaddleEvent {
  try {
    const event = parsePaddleEvent(parseJson(raw));
    if (!event) throw new ValidationError('Webhook body is not a Paddle event');
    return event;
  } catch (err) {
    count('unknown', 'invalid_payload');
    throw err;
  }
}

/** Stores and applies the event, counted by its type and outcome; a failure (database down) counts as `error`. */
async function handle(deps: PaddleWebhookDeps, event: PaddleEvent, log: Logger): Promise<WebhookOutcome> {
  try {
    const { outcome, notices } = await deps.webhooks.handle(event);
    deps.count(event.eventType, outcome);
    deps.report(notices, log);
    return outcome;
  } catch (err) {
    deps.count(event.eventType, 'error');
    throw err;
  }
}

/** POST /api/v1/webhooks/paddle: authenticated by the Paddle-Signature header, not a token. */
export function paddleWebhookRoutes(deps: PaddleWebhookDeps, api: ApiRegistry): Router {
  const router = Router();
  api.mount(
    router,
    receivePaddleWebhook,
    // Paddle is not a user: only the kill switch and the flag's global settings apply.
    requireFlag(deps.flags, 'payments', {
      message: 'Payments are disabled; retry later',
      onRefused: () => deps.count('unknown', 'payments_disabled'),
    }),
    // Raw bytes on this route only: no JSON parser may touch the body before it is verified.
    rawBody(deps.count),
    async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const failure = verifyPaddleSignature(raw, req.get('paddle-signature'), {
        secrets: deps.secrets,
        toleranceSeconds: deps.toleranceSeconds,
        now: deps.clock(),
      });
      if (failure) {
        // Never the signature or the body: only why it was refused.
        req.log.warn({ reason: failure, bytes: raw.length }, 'Rejected Paddle webhook');
        deps.count('unknown', 'invalid_signature');
        throw new UnauthorizedError('Invalid webhook signature');
      }
      const event = parseDelivery(raw, deps.count);
      const outcome = await handle(deps, event, req.log);
      req.log.info({ eventId: event.eventId, eventType: event.eventType, outcome }, 'Paddle webhook');
      res.json({ received: true, eventId: event.eventId, outcome });
    },
  );
  return router;
}
