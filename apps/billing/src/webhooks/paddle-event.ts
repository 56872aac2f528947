import { z } from 'zod';

const timestamp = z.iso.datetime({ offset: true });

/** The notification envelope Paddle Billing sends for every event type. */
export const envelopeSchema = z.object({
  event_id: z.string().min(1).max(200),
  event_type: z.string().min(1).max(200),
  occurred_at: timestamp,
  notification_id: z.string().max(200).nullish(),
  data: z.record(z.string().max(200), z.unknown()),
});

export interface PaddleEvent {
  eventId: string;
  eventType: string;
  notificationId: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
  /** The whole parsed body, stored as received. */
  payload: unknown;
}

/** Parses an already-verified body; undefined when it is not a Paddle event envelope. */
export function parsePaddleEvent(payload: unknown): PaddleEvent | undefined {
  const parsed = envelopeSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const envelope = parsed.data;
  return {
    eventId: envelope.event_id,
    eventType: envelope.event_type,
    notificationId: envelope.notification_id ?? null,
    occurredAt: new Date(envelope.occurred_at),
    data: envelope.data,
    payload,
  };
}

const customData = z.record(z.string(), z.unknown()).nullish();

/** The subscription entity fields we keep (Paddle sends many more). */
export const subscriptionDataSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  customer_id: z.string().min(1),
  current_billing_period: z.object({ starts_at: timestamp, ends_at: timestamp }).nullish(),
  scheduled_change: z.looseObject({ action: z.string(), effective_at: timestamp }).nullish(),
  canceled_at: timestamp.nullish(),
  // Paddle's subscription item: its price, status (active | trialing | inactive) and quantity.
  items: z
    .array(
      z.looseObject({
        price: z.looseObject({ id: z.string().min(1).max(200) }).nullish(),
        status: z.string().min(1).max(50),
        quantity: z.number().int().min(0),
      }),
    )
    .max(100)
    .default([]),
  custom_data: customData,
});

export type SubscriptionData = z.infer<typeof subscriptionDataSchema>;

/** The transaction entity fields we keep. */
export const transactionDataSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  customer_id: z.string().min(1).nullish(),
  subscription_id: z.string().min(1).nullish(),
  custom_data: customData,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our users.id from checkout's custom_data; anything that is not a uuid is ignored, never stored. */
export function userIdFromCustomData(data: Record<string, unknown> | null | undefined): string | null {
  const value = data?.['userId'];
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : null;
}
