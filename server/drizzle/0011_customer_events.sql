-- Storefront behaviour and domain events per shop customer: append-only, range-partitioned by
-- month on occurred_at (drizzle-kit cannot express partitioning, hence this hand-written file).
-- The primary key starts with shop_id, so applyTenancy() puts the tenant policy on the parent
-- (and on every partition that exists when it runs); the customers.partitions job creates the
-- months ahead and gives each new partition the same policy.
CREATE TABLE "customer_events" (
	"shop_id" text NOT NULL,
	"event_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"customer_no" integer NOT NULL,
	"type" text NOT NULL,
	"props" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text DEFAULT 'beacon' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_events_pk" PRIMARY KEY ("shop_id", "event_id", "occurred_at")
) PARTITION BY RANGE ("occurred_at");
--> statement-breakpoint
CREATE INDEX "customer_events_type_idx" ON "customer_events" ("shop_id", "type", "occurred_at");
--> statement-breakpoint
CREATE INDEX "customer_events_customer_idx" ON "customer_events" ("shop_id", "customer_no", "occurred_at");
--> statement-breakpoint
DO $$
DECLARE m date;
BEGIN
  FOR i IN -13..3 LOOP
    m := (date_trunc('month', now() at time zone 'UTC') + make_interval(months => i))::date;
    EXECUTE format(
      'CREATE TABLE IF NOT EXISTS %I PARTITION OF customer_events FOR VALUES FROM (%L) TO (%L)',
      'customer_events_' || to_char(m, 'YYYYMM'), to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00',
      to_char((m + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00');
  END LOOP;
END $$;
