CREATE TABLE "strategies" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"placement" text NOT NULL,
	"status" text NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"rules" jsonb NOT NULL,
	"variants" jsonb NOT NULL,
	"default_variant_id" text NOT NULL,
	"holdout_percent" integer NOT NULL,
	"attribution_days" integer DEFAULT 7 NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategies_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "strategy_conversions" (
	"shop_id" text NOT NULL,
	"strategy_id" text NOT NULL,
	"order_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"shopper_key" text NOT NULL,
	"amount" bigint NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	CONSTRAINT "strategy_conversions_shop_id_strategy_id_order_id_pk" PRIMARY KEY("shop_id","strategy_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "strategy_exposures" (
	"shop_id" text NOT NULL,
	"strategy_id" text NOT NULL,
	"day" date NOT NULL,
	"shopper_key" text NOT NULL,
	"variant_id" text NOT NULL,
	"views" integer NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "strategy_exposures_shop_id_strategy_id_day_shopper_key_pk" PRIMARY KEY("shop_id","strategy_id","day","shopper_key")
);
--> statement-breakpoint
CREATE TABLE "strategy_interactions" (
	"shop_id" text NOT NULL,
	"strategy_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"kind" text NOT NULL,
	"shopper_key" text NOT NULL,
	"count" integer NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "strategy_interactions_shop_id_strategy_id_variant_id_kind_shopper_key_pk" PRIMARY KEY("shop_id","strategy_id","variant_id","kind","shopper_key")
);
--> statement-breakpoint
CREATE INDEX "strategies_shop_status_idx" ON "strategies" USING btree ("shop_id","status","placement");--> statement-breakpoint
CREATE INDEX "strategy_exposures_shopper_idx" ON "strategy_exposures" USING btree ("shop_id","shopper_key","last_seen_at");