CREATE TABLE "inventory_settings" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"low_stock_threshold" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stock_transfer_lines" (
	"shop_id" text NOT NULL,
	"transfer_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "stock_transfer_lines_shop_id_transfer_id_sku_id_pk" PRIMARY KEY("shop_id","transfer_id","sku_id"),
	CONSTRAINT "stock_transfer_lines_positive" CHECK ("stock_transfer_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "stock_transfers" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"from_location_id" text NOT NULL,
	"to_location_id" text NOT NULL,
	"status" text NOT NULL,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"shipped_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	CONSTRAINT "stock_transfers_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "stock_transfers_distinct" CHECK ("stock_transfers"."from_location_id" <> "stock_transfers"."to_location_id")
);
--> statement-breakpoint
CREATE TABLE "stocktake_lines" (
	"shop_id" text NOT NULL,
	"stocktake_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"expected" integer NOT NULL,
	"counted" integer,
	CONSTRAINT "stocktake_lines_shop_id_stocktake_id_sku_id_pk" PRIMARY KEY("shop_id","stocktake_id","sku_id"),
	CONSTRAINT "stocktake_lines_non_negative" CHECK ("stocktake_lines"."counted" is null or "stocktake_lines"."counted" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stocktakes" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"location_id" text NOT NULL,
	"status" text NOT NULL,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone,
	CONSTRAINT "stocktakes_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
ALTER TABLE "sales_channels" ADD COLUMN "all_ship_locations" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD COLUMN "low_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "stock_transfers_created_idx" ON "stock_transfers" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "stocktakes_created_idx" ON "stocktakes" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "stock_levels_low_idx" ON "stock_levels" USING btree ("shop_id","low_since") WHERE "stock_levels"."low_since" is not null;--> statement-breakpoint
CREATE INDEX "stock_movements_level_idx" ON "stock_movements" USING btree ("shop_id","sku_id","location_id","at","id");
