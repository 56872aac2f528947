ALTER TABLE "uploads" ADD COLUMN "ip_network_hash" text;--> statement-breakpoint
CREATE INDEX "uploads_ip_network_hash_idx" ON "uploads" USING btree ("ip_network_hash","created_at");