ALTER TABLE "uploads" ADD COLUMN "resumable_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "uploads" ADD COLUMN "batch_id" text;--> statement-breakpoint
CREATE INDEX "uploads_resumable_expires_idx" ON "uploads" USING btree ("resumable_expires_at");