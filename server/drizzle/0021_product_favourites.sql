CREATE TABLE "product_favourites" (
	"shop_id" text NOT NULL,
	"product_id" text NOT NULL,
	"account_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_favourites_shop_id_product_id_account_id_pk" PRIMARY KEY("shop_id","product_id","account_id")
);
--> statement-breakpoint
CREATE INDEX "product_favourites_account_idx" ON "product_favourites" USING btree ("account_id","created_at");