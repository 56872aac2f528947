CREATE TABLE "expired_uploads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"token_hash" text,
	"expired_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "expired_uploads_expired_idx" ON "expired_uploads" USING btree ("expired_at");--> statement-breakpoint
-- Signed-in uploads now expire by tier (libs/tiers retention). Rows from before get one full
-- retention at the product's defaults from now (not from their upload), so nothing vanishes at deploy.
UPDATE "uploads" SET "expires_at" = now() + CASE WHEN "tier" = 'PREMIUM' THEN interval '30 days' ELSE interval '24 hours' END
WHERE "user_id" IS NOT NULL AND "expires_at" IS NULL;
