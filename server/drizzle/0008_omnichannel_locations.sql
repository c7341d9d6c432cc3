CREATE TABLE "channel_locations" (
	"shop_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"location_id" text NOT NULL,
	CONSTRAINT "channel_locations_shop_id_channel_id_location_id_pk" PRIMARY KEY("shop_id","channel_id","location_id")
);
--> statement-breakpoint
CREATE TABLE "sales_channels" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"store_location_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sales_channels_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "code" text;--> statement-breakpoint
UPDATE "locations" SET "code" = CASE WHEN "is_default" THEN 'WH-DEFAULT' ELSE "id" END;--> statement-breakpoint
ALTER TABLE "locations" ALTER COLUMN "code" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "province" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "city" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "district" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "address" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "lat" double precision;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "lng" double precision;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "opening_hours" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "can_ship" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "can_pickup" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "can_same_day" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "priority" integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD COLUMN "safety_stock" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD COLUMN "low_stock_threshold" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "sales_channels_online_idx" ON "sales_channels" USING btree ("shop_id") WHERE "sales_channels"."kind" = 'online';--> statement-breakpoint
CREATE UNIQUE INDEX "sales_channels_store_idx" ON "sales_channels" USING btree ("shop_id","store_location_id");--> statement-breakpoint
CREATE UNIQUE INDEX "locations_code_idx" ON "locations" USING btree ("shop_id","code");--> statement-breakpoint
CREATE INDEX "stock_levels_location_idx" ON "stock_levels" USING btree ("shop_id","location_id");--> statement-breakpoint
ALTER TABLE "stock_levels" ADD CONSTRAINT "stock_levels_safety_non_negative" CHECK ("stock_levels"."safety_stock" >= 0);