import type { Express } from 'express';
import type { Database } from '@tp/db';
import { createServiceApp } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { BillingConfig } from './config';
import { WebhookService } from './webhooks/webhook-service';
import { paddleWebhookRoutes } from './webhooks/paddle-webhook-routes';

export interface BillingAppDeps {
  config: BillingConfig;
  database: Database;
  logger: Logger;
  clock?: () => Date;
}

/** The billing service: Paddle Billing webhooks, verified, stored once and applied in order. */
export function createApp(deps: BillingAppDeps): Express {
  const clock = deps.clock ?? (() => new Date());
  // A connection lost between two statements of a transaction makes its checked-out client emit
  // 'error' with no listener, which would crash the process; the failing statement reports it instead.
  deps.database.pool.on('connect', (client) => client.on('error', () => undefined));
  const webhooks = new WebhookService(deps.database.pool, clock);
  return createServiceApp({
    logger: deps.logger,
    // No JSON parser: the signature covers the raw bytes, so the webhook route reads them itself.
    jsonLimit: false,
    healthChecks: [{ name: 'postgres', required: true, readiness: true, run: deps.database.ping }],
    routes: (app) => {
      app.use(
        paddleWebhookRoutes({
          webhooks,
          clock,
          secrets: deps.config.paddle.secrets,
          toleranceSeconds: deps.config.paddle.toleranceSeconds,
          paymentsEnabled: deps.config.features.payments,
        }),
      );
    },
  });
}
