CREATE TABLE "customer_category_stats" (
	"shop_id" text NOT NULL,
	"customer_no" integer NOT NULL,
	"category_id" text NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"spend" bigint DEFAULT 0 NOT NULL,
	"views" integer DEFAULT 0 NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_category_stats_shop_id_customer_no_category_id_pk" PRIMARY KEY("shop_id","customer_no","category_id")
);
--> statement-breakpoint
CREATE TABLE "customer_counters" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"last_no" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_devices" (
	"shop_id" text NOT NULL,
	"device_id" text NOT NULL,
	"customer_no" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_devices_shop_id_device_id_pk" PRIMARY KEY("shop_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "customer_dirty" (
	"shop_id" text NOT NULL,
	"customer_no" integer NOT NULL,
	CONSTRAINT "customer_dirty_shop_id_customer_no_pk" PRIMARY KEY("shop_id","customer_no")
);
--> statement-breakpoint
CREATE TABLE "customer_segment_snapshots" (
	"shop_id" text NOT NULL,
	"segment_id" text NOT NULL,
	"id" text NOT NULL,
	"bitmap" "bytea" NOT NULL,
	"members" integer NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_segment_snapshots_shop_id_segment_id_id_pk" PRIMARY KEY("shop_id","segment_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_segments" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"definition" jsonb NOT NULL,
	"model" jsonb,
	"bitmap" "bytea" NOT NULL,
	"members" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_segments_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_tag_bitmaps" (
	"shop_id" text NOT NULL,
	"tag_id" text NOT NULL,
	"value" text NOT NULL,
	"bitmap" "bytea" NOT NULL,
	"members" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_tag_bitmaps_shop_id_tag_id_value_pk" PRIMARY KEY("shop_id","tag_id","value")
);
--> statement-breakpoint
CREATE TABLE "customer_tags" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"rule" jsonb,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_tags_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"shop_id" text NOT NULL,
	"customer_no" integer NOT NULL,
	"account_id" text,
	"merged_into" integer,
	"gender" text,
	"age_band" text,
	"region" text,
	"tier" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"visit_days" integer DEFAULT 0 NOT NULL,
	"last_visit_day" text,
	"first_order_at" timestamp with time zone,
	"last_order_at" timestamp with time zone,
	"order_count" integer DEFAULT 0 NOT NULL,
	"spend" bigint DEFAULT 0 NOT NULL,
	"refunded" bigint DEFAULT 0 NOT NULL,
	"favourites" integer DEFAULT 0 NOT NULL,
	"add_to_carts" integer DEFAULT 0 NOT NULL,
	"following" boolean DEFAULT false NOT NULL,
	"top_category" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_shop_id_customer_no_pk" PRIMARY KEY("shop_id","customer_no")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "customers_account_idx" ON "customers" USING btree ("shop_id","account_id") WHERE "customers"."account_id" is not null;--> statement-breakpoint
CREATE INDEX "customers_last_seen_idx" ON "customers" USING btree ("shop_id","last_seen_at");