CREATE TABLE "flash_sale_entries" (
	"shop_id" text NOT NULL,
	"sale_id" text NOT NULL,
	"id" text NOT NULL,
	"buyer_account_id" text NOT NULL,
	"seq" integer NOT NULL,
	"request_key" text NOT NULL,
	"order_id" text,
	"order_no" text,
	"payment_id" text,
	"total" integer,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flash_sale_entries_shop_id_sale_id_id_pk" PRIMARY KEY("shop_id","sale_id","id"),
	CONSTRAINT "flash_sale_entries_seq" CHECK ("flash_sale_entries"."seq" >= 1)
);
--> statement-breakpoint
CREATE TABLE "flash_sale_holds" (
	"shop_id" text NOT NULL,
	"sale_id" text NOT NULL,
	"ref_id" text NOT NULL,
	"units" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flash_sale_holds_shop_id_sale_id_ref_id_pk" PRIMARY KEY("shop_id","sale_id","ref_id"),
	CONSTRAINT "flash_sale_holds_non_negative" CHECK ("flash_sale_holds"."units" >= 0)
);
--> statement-breakpoint
CREATE TABLE "flash_sales" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"product_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"location_id" text NOT NULL,
	"title" text NOT NULL,
	"spec_text" text DEFAULT '' NOT NULL,
	"image_url" text,
	"price" integer NOT NULL,
	"regular_price" integer NOT NULL,
	"quota" integer NOT NULL,
	"per_shopper_limit" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"sold" integer DEFAULT 0 NOT NULL,
	"returned" integer DEFAULT 0 NOT NULL,
	"hold_seq" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "flash_sales_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "flash_sales_positive" CHECK ("flash_sales"."price" > 0 and "flash_sales"."quota" > 0 and "flash_sales"."per_shopper_limit" > 0),
	CONSTRAINT "flash_sales_window" CHECK ("flash_sales"."ends_at" > "flash_sales"."starts_at"),
	CONSTRAINT "flash_sales_counts" CHECK ("flash_sales"."sold" >= 0 and "flash_sales"."returned" >= 0 and "flash_sales"."returned" <= "flash_sales"."sold")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "flash_sale_entries_request_idx" ON "flash_sale_entries" USING btree ("shop_id","sale_id","buyer_account_id","request_key");--> statement-breakpoint
CREATE UNIQUE INDEX "flash_sale_entries_seq_idx" ON "flash_sale_entries" USING btree ("shop_id","sale_id","buyer_account_id","seq") WHERE "flash_sale_entries"."status" = 'live';--> statement-breakpoint
CREATE INDEX "flash_sale_entries_order_idx" ON "flash_sale_entries" USING btree ("shop_id","order_id");--> statement-breakpoint
CREATE INDEX "flash_sales_sku_idx" ON "flash_sales" USING btree ("shop_id","sku_id","ends_at");--> statement-breakpoint
CREATE INDEX "flash_sales_created_idx" ON "flash_sales" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "flash_sales_status_idx" ON "flash_sales" USING btree ("status","ends_at");