CREATE TABLE "o2o_settings" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"pickup_timeout_hours" integer DEFAULT 72 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "o2o_settings_timeout" CHECK ("o2o_settings"."pickup_timeout_hours" between 1 and 720)
);
--> statement-breakpoint
CREATE TABLE "pickup_codes" (
	"shop_id" text NOT NULL,
	"shipment_id" text NOT NULL,
	"order_id" text NOT NULL,
	"location_id" text NOT NULL,
	"buyer_account_id" text NOT NULL,
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"picked_up_at" timestamp with time zone,
	"verified_by" text,
	"closed_at" timestamp with time zone,
	CONSTRAINT "pickup_codes_shop_id_shipment_id_pk" PRIMARY KEY("shop_id","shipment_id"),
	CONSTRAINT "pickup_codes_code" CHECK ("pickup_codes"."code" ~ '^[0-9]{8}$'),
	CONSTRAINT "pickup_codes_status" CHECK ("pickup_codes"."status" in ('open', 'picked_up', 'expired', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "pool_claims" (
	"shop_id" text NOT NULL,
	"shipment_id" text NOT NULL,
	"order_id" text NOT NULL,
	"location_id" text NOT NULL,
	"account_id" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pool_claims_shop_id_shipment_id_pk" PRIMARY KEY("shop_id","shipment_id")
);
--> statement-breakpoint
CREATE TABLE "sales_credits" (
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"location_id" text NOT NULL,
	"guide_id" text,
	"amount" integer NOT NULL,
	"refunded" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	CONSTRAINT "sales_credits_shop_id_order_id_pk" PRIMARY KEY("shop_id","order_id"),
	CONSTRAINT "sales_credits_amounts" CHECK ("sales_credits"."amount" >= 0 and "sales_credits"."refunded" >= 0 and "sales_credits"."refunded" <= "sales_credits"."amount")
);
--> statement-breakpoint
CREATE TABLE "shopping_guides" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"account_id" text,
	"location_id" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shopping_guides_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "shopping_guides_code_format" CHECK ("shopping_guides"."code" ~ '^[A-Z0-9]{4,12}$')
);
--> statement-breakpoint
CREATE TABLE "store_staff" (
	"shop_id" text NOT NULL,
	"location_id" text NOT NULL,
	"account_id" text NOT NULL,
	"assigned_by" text,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_staff_shop_id_location_id_account_id_pk" PRIMARY KEY("shop_id","location_id","account_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "pickup_codes_open_code_idx" ON "pickup_codes" USING btree ("shop_id","code") WHERE "pickup_codes"."status" = 'open';--> statement-breakpoint
CREATE INDEX "pickup_codes_store_idx" ON "pickup_codes" USING btree ("shop_id","location_id","issued_at");--> statement-breakpoint
CREATE INDEX "pickup_codes_order_idx" ON "pickup_codes" USING btree ("shop_id","order_id");--> statement-breakpoint
CREATE INDEX "pickup_codes_code_idx" ON "pickup_codes" USING btree ("shop_id","code","picked_up_at");--> statement-breakpoint
CREATE INDEX "pool_claims_at_idx" ON "pool_claims" USING btree ("shop_id","claimed_at");--> statement-breakpoint
CREATE INDEX "sales_credits_store_idx" ON "sales_credits" USING btree ("shop_id","location_id","paid_at");--> statement-breakpoint
CREATE INDEX "sales_credits_guide_idx" ON "sales_credits" USING btree ("shop_id","guide_id","paid_at");--> statement-breakpoint
CREATE UNIQUE INDEX "shopping_guides_code_idx" ON "shopping_guides" USING btree ("shop_id","code");--> statement-breakpoint
CREATE INDEX "shopping_guides_store_idx" ON "shopping_guides" USING btree ("shop_id","location_id");--> statement-breakpoint
CREATE INDEX "store_staff_account_idx" ON "store_staff" USING btree ("shop_id","account_id");