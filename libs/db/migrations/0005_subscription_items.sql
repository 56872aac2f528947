CREATE TABLE "subscription_items" (
	"paddle_subscription_id" text NOT NULL,
	"price_id" text NOT NULL,
	"status" text NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "subscription_items_paddle_subscription_id_price_id_pk" PRIMARY KEY("paddle_subscription_id","price_id")
);
--> statement-breakpoint
ALTER TABLE "subscription_items" ADD CONSTRAINT "subscription_items_paddle_subscription_id_subscriptions_paddle_subscription_id_fk" FOREIGN KEY ("paddle_subscription_id") REFERENCES "public"."subscriptions"("paddle_subscription_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscription_items_price_idx" ON "subscription_items" USING btree ("price_id");--> statement-breakpoint
-- Backfill: the items of each stored subscription's latest applied event (webhook_events keeps every payload).
INSERT INTO "subscription_items" ("paddle_subscription_id", "price_id", "status", "quantity")
SELECT DISTINCT ON (s."paddle_subscription_id", item->'price'->>'id')
	s."paddle_subscription_id", item->'price'->>'id', COALESCE(item->>'status', 'active'), COALESCE((item->>'quantity')::integer, 1)
FROM "subscriptions" s
CROSS JOIN LATERAL (
	SELECT e."payload" FROM "webhook_events" e
	WHERE e."customer_id" = s."customer_id" AND e."subscription_id" = s."paddle_subscription_id"
		AND e."event_type" LIKE 'subscription.%' AND e."outcome" IN ('applied', 'unmatched')
	ORDER BY e."occurred_at" DESC LIMIT 1
) latest
CROSS JOIN LATERAL jsonb_array_elements(COALESCE(latest."payload"->'data'->'items', '[]'::jsonb)) item
WHERE item->'price'->>'id' IS NOT NULL
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- A subscription with no stored event keeps the one price it had (first item only, before 0005).
INSERT INTO "subscription_items" ("paddle_subscription_id", "price_id", "status", "quantity")
SELECT s."paddle_subscription_id", s."price_id", 'active', 1
FROM "subscriptions" s
WHERE s."price_id" IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM "subscription_items" i WHERE i."paddle_subscription_id" = s."paddle_subscription_id")
ON CONFLICT DO NOTHING;
