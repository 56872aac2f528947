import express, { Router, type RequestHandler } from 'express';
import { ServiceUnavailableError, UnauthorizedError, ValidationError } from '@tp/errors';
import { parsePaddleEvent } from './paddle-event';
import { verifyPaddleSignature } from './paddle-signature';
import type { WebhookService } from './webhook-service';

export const PADDLE_WEBHOOK_PATH = '/api/v1/webhooks/paddle';

export interface PaddleWebhookDeps {
  webhooks: WebhookService;
  clock: () => Date;
  secrets: string[];
  toleranceSeconds: number;
  /** FEATURE_PAYMENTS_ENABLED: when off, 503 so Paddle keeps the event and retries later. */
  paymentsEnabled: boolean;
}

const paymentsSwitch =
  (enabled: boolean): RequestHandler =>
  (_req, _res, next) => {
    next(enabled ? undefined : new ServiceUnavailableError('Payments are disabled; retry later'));
  };

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('Webhook body is not valid JSON');
  }
}

/** POST /api/v1/webhooks/paddle: authenticated by the Paddle-Signature header, not a token. */
export function paddleWebhookRoutes(deps: PaddleWebhookDeps): Router {
  const router = Router();
  router.post(
    PADDLE_WEBHOOK_PATH,
    paymentsSwitch(deps.paymentsEnabled),
    // Raw bytes on this route only: no JSON parser may touch the body before it is verified.
    express.raw({ type: '*/*', limit: '1mb' }),
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
        throw new UnauthorizedError('Invalid webhook signature');
      }
      const event = parsePaddleEvent(parseJson(raw));
      if (!event) throw new ValidationError('Webhook body is not a Paddle event');
      const outcome = await deps.webhooks.handle(event);
      req.log.info({ eventId: event.eventId, eventType: event.eventType, outcome }, 'Paddle webhook');
      res.json({ received: true, eventId: event.eventId, outcome });
    },
  );
  return router;
}
