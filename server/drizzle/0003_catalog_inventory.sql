CREATE TABLE "platform_categories" (
	"id" text PRIMARY KEY NOT NULL,
	"parent_id" text,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "product_skus" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"product_id" text NOT NULL,
	"spec" jsonb NOT NULL,
	"spec_key" text NOT NULL,
	"price" integer NOT NULL,
	"original_price" integer,
	"barcode" text,
	"image_url" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "product_skus_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"title" text NOT NULL,
	"subtitle" text,
	"platform_category_id" text NOT NULL,
	"shop_category_id" text,
	"status" text NOT NULL,
	"on_shelf_at" timestamp with time zone,
	"spec_axes" jsonb NOT NULL,
	"images" jsonb NOT NULL,
	"detail_blocks" jsonb NOT NULL,
	"price_min" integer NOT NULL,
	"price_max" integer NOT NULL,
	"sales_count" integer DEFAULT 0 NOT NULL,
	"search_vector" "tsvector" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "shop_categories" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_categories_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "locations_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "stock_levels" (
	"shop_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"location_id" text NOT NULL,
	"on_hand" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_levels_shop_id_sku_id_location_id_pk" PRIMARY KEY("shop_id","sku_id","location_id"),
	CONSTRAINT "stock_levels_non_negative" CHECK ("stock_levels"."on_hand" >= 0 and "stock_levels"."reserved" >= 0 and "stock_levels"."reserved" <= "stock_levels"."on_hand")
);
--> statement-breakpoint
CREATE TABLE "stock_movements" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"sku_id" text NOT NULL,
	"location_id" text NOT NULL,
	"on_hand_delta" integer NOT NULL,
	"reserved_delta" integer NOT NULL,
	"on_hand_after" integer NOT NULL,
	"reserved_after" integer NOT NULL,
	"reason" text NOT NULL,
	"ref_type" text NOT NULL,
	"ref_id" text NOT NULL,
	"actor_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_movements_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "stock_reservations" (
	"shop_id" text NOT NULL,
	"ref_type" text NOT NULL,
	"ref_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"location_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "stock_reservations_shop_id_ref_type_ref_id_sku_id_location_id_pk" PRIMARY KEY("shop_id","ref_type","ref_id","sku_id","location_id"),
	CONSTRAINT "stock_reservations_positive" CHECK ("stock_reservations"."quantity" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "product_skus_spec_idx" ON "product_skus" USING btree ("shop_id","product_id","spec_key");--> statement-breakpoint
CREATE INDEX "product_skus_barcode_idx" ON "product_skus" USING btree ("shop_id","barcode") WHERE "product_skus"."barcode" is not null;--> statement-breakpoint
CREATE INDEX "products_search_idx" ON "products" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "products_shop_status_idx" ON "products" USING btree ("shop_id","status","updated_at");--> statement-breakpoint
CREATE INDEX "products_status_sales_idx" ON "products" USING btree ("status","sales_count");--> statement-breakpoint
CREATE UNIQUE INDEX "locations_default_idx" ON "locations" USING btree ("shop_id") WHERE "locations"."is_default";--> statement-breakpoint
CREATE UNIQUE INDEX "stock_movements_ref_idx" ON "stock_movements" USING btree ("shop_id","reason","ref_type","ref_id","sku_id","location_id");--> statement-breakpoint
CREATE INDEX "stock_movements_sku_idx" ON "stock_movements" USING btree ("shop_id","sku_id","at");