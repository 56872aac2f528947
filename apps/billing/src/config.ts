import { z } from 'zod';
import {
  databaseEnv,
  databaseSettings,
  loadConfig,
  metricsPort,
  metricsPortSetting,
  port,
  redisEnv,
  runtimeEnv,
  runtimeSettings,
  type Env,
} from '@tp/config';
import { entitlementEnv, entitlementSettings } from '@tp/entitlements';
import { featureFlagEnv, featureFlagSettings } from '@tp/feature-flags';

/** The local default; refused in production so a deployment cannot forget to set the real one. */
export const DEV_WEBHOOK_SECRET = 'pdl_ntfset_dev_secret';

const billingEnvSchema = z
  .object({
    ...runtimeEnv,
    ...databaseEnv,
    ...redisEnv,
    ...featureFlagEnv,
    ...entitlementEnv,
    BILLING_PORT: port(4003),
    BILLING_METRICS_PORT: metricsPort,
    PADDLE_WEBHOOK_SECRET: z.string().min(1).default(DEV_WEBHOOK_SECRET),
    /** The secret being rotated out: signatures made with either are accepted while both are set. */
    PADDLE_WEBHOOK_SECRET_PREVIOUS: z.string().default(''),
    PADDLE_SIGNATURE_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.PADDLE_WEBHOOK_SECRET !== DEV_WEBHOOK_SECRET, {
    path: ['PADDLE_WEBHOOK_SECRET'],
    message: 'set the notification destination secret from Paddle; the dev default is refused in production',
  });

export type BillingConfig = ReturnType<typeof loadBillingConfig>;

export function loadBillingConfig(env?: Env) {
  const parsed = loadConfig(billingEnvSchema, env);
  return {
    ...runtimeSettings(parsed),
    port: parsed.BILLING_PORT,
    metricsPort: metricsPortSetting(parsed.BILLING_METRICS_PORT, parsed.NODE_ENV, 9403),
    database: databaseSettings(parsed),
    paddle: {
      secrets: [parsed.PADDLE_WEBHOOK_SECRET, parsed.PADDLE_WEBHOOK_SECRET_PREVIOUS].filter(Boolean),
      toleranceSeconds: parsed.PADDLE_SIGNATURE_TOLERANCE_SECONDS,
    },
    redisUrl: parsed.REDIS_URL,
    flags: featureFlagSettings(parsed),
    entitlements: entitlementSettings(parsed),
  };
}
