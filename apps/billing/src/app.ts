import type { Express } from 'express';
import type { Database } from '@tp/db';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { createServiceApp } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { ServiceMetrics } from '@tp/metrics';
import { ApiRegistry, openApiHandler } from '@tp/openapi';
import type { BillingConfig } from './config';
import { WebhookService, type AnnounceChange } from './webhooks/webhook-service';
import { paddleWebhookRoutes } from './webhooks/paddle-webhook-routes';
import { billingNoticeReporter } from './webhooks/billing-notices';
import { webhookEventCounter } from './webhooks/webhook-metrics';

export interface BillingAppDeps {
  config: BillingConfig;
  database: Database;
  logger: Logger;
  /** Local flag evaluation: `payments` gates the webhook (503 while off, Paddle retries). */
  flags: FeatureFlagClient;
  clock?: () => Date;
  metrics?: ServiceMetrics;
  /** Publishes a changed user's id on ENTITLEMENTS_CHANNEL after the webhook transaction commits. */
  announceChange?: AnnounceChange;
}

/** The billing service: Paddle Billing webhooks, verified, stored once and applied in order. */
export function createApp(deps: BillingAppDeps): Express {
  const clock = deps.clock ?? (() => new Date());
  const count = deps.metrics ? webhookEventCounter(deps.metrics.registry) : () => undefined;
  const report = billingNoticeReporter(deps.metrics?.registry);
  const webhooks = new WebhookService(deps.database.pool, clock, deps.config.entitlements.premiumPriceIds, deps.announceChange);
  return createServiceApp({
    logger: deps.logger,
    metrics: deps.metrics,
    // No JSON parser: the signature covers the raw bytes, so the webhook route reads them itself.
    jsonLimit: false,
    healthChecks: [{ name: 'postgres', required: true, readiness: true, run: deps.database.ping }],
    routes: (app) => {
      const api = new ApiRegistry();
      app.use(
        paddleWebhookRoutes({
          webhooks,
          clock,
          secrets: deps.config.paddle.secrets,
          toleranceSeconds: deps.config.paddle.toleranceSeconds,
          flags: deps.flags,
          count,
          report,
        }, api),
      );
      // Internal: the edge merges this fragment into /docs/openapi.json.
      app.get('/openapi.json', openApiHandler(api));
    },
  });
}
