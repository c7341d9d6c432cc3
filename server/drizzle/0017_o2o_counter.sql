CREATE TABLE "store_parcels" (
	"shop_id" text NOT NULL,
	"shipment_id" text NOT NULL,
	"order_id" text NOT NULL,
	"location_id" text NOT NULL,
	"ready_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_parcels_shop_id_shipment_id_pk" PRIMARY KEY("shop_id","shipment_id")
);
--> statement-breakpoint
ALTER TABLE "pickup_codes" ADD COLUMN "order_no" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "pickup_codes" ADD COLUMN "contact_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "pickup_codes" ADD COLUMN "contact_phone" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "pickup_codes" ADD COLUMN "total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "pickup_codes" ADD COLUMN "lines" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "store_parcels_store_idx" ON "store_parcels" USING btree ("shop_id","location_id","ready_at");