import { z } from 'zod';
import { databaseConfig, loadServiceConfig, redisConfig, servicePorts, serviceSpec, type Env } from '@tp/config';
import { entitlementConfig } from '@tp/entitlements';
import { featureFlagConfig } from '@tp/feature-flags';

/** The local default; refused in production so a deployment cannot forget to set the real one. */
export const DEV_WEBHOOK_SECRET = 'pdl_ntfset_dev_secret';

export type BillingConfig = ReturnType<typeof loadBillingConfig>;

export function loadBillingConfig(env?: Env) {
  return loadServiceConfig(
    {
      ports: servicePorts(serviceSpec('billing')),
      pieces: { database: databaseConfig, redisUrl: redisConfig, flags: featureFlagConfig, entitlements: entitlementConfig },
      env: {
        PADDLE_WEBHOOK_SECRET: z.string().min(1).default(DEV_WEBHOOK_SECRET),
        /** The secret being rotated out: signatures made with either are accepted while both are set. */
        PADDLE_WEBHOOK_SECRET_PREVIOUS: z.string().default(''),
        PADDLE_SIGNATURE_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
      },
      rules: [
        {
          path: 'PADDLE_WEBHOOK_SECRET',
          check: (parsed) => parsed.NODE_ENV !== 'production' || parsed.PADDLE_WEBHOOK_SECRET !== DEV_WEBHOOK_SECRET,
          message: 'set the notification destination secret from Paddle; the dev default is refused in production',
        },
      ],
      settings: (parsed) => ({
        paddle: {
          secrets: [parsed.PADDLE_WEBHOOK_SECRET, parsed.PADDLE_WEBHOOK_SECRET_PREVIOUS].filter(Boolean),
          toleranceSeconds: parsed.PADDLE_SIGNATURE_TOLERANCE_SECONDS,
        },
      }),
    },
    env,
  );
}
