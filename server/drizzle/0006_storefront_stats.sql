CREATE TABLE "product_views" (
	"shop_id" text NOT NULL,
	"day" date NOT NULL,
	"product_id" text NOT NULL,
	"views" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "product_views_shop_id_day_product_id_pk" PRIMARY KEY("shop_id","day","product_id")
);
--> statement-breakpoint
CREATE TABLE "shop_visits" (
	"shop_id" text NOT NULL,
	"day" date NOT NULL,
	"visitor_id" text NOT NULL,
	CONSTRAINT "shop_visits_shop_id_day_visitor_id_pk" PRIMARY KEY("shop_id","day","visitor_id")
);
--> statement-breakpoint
CREATE TABLE "shop_decorations" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"banners" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notice" text,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_follows" (
	"shop_id" text NOT NULL,
	"account_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_follows_shop_id_account_id_pk" PRIMARY KEY("shop_id","account_id")
);
--> statement-breakpoint
CREATE INDEX "shop_follows_account_idx" ON "shop_follows" USING btree ("account_id","created_at");