ALTER TABLE "uploads" ADD COLUMN "reserved_bytes" bigint;--> statement-breakpoint
CREATE INDEX "uploads_ip_hash_idx" ON "uploads" USING btree ("ip_hash","created_at");