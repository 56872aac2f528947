CREATE TABLE "feature_flags" (
	"key" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"rollout_percentage" integer DEFAULT 100 NOT NULL,
	"tiers" "tier"[] DEFAULT '{}'::tier[] NOT NULL,
	"allow_user_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"deny_user_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "feature_flags_rollout_range" CHECK ("feature_flags"."rollout_percentage" BETWEEN 0 AND 100)
);
