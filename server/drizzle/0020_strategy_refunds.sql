CREATE TABLE "strategy_refunds" (
	"shop_id" text NOT NULL,
	"refund_id" text NOT NULL,
	"order_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategy_refunds_shop_id_refund_id_pk" PRIMARY KEY("shop_id","refund_id")
);
--> statement-breakpoint
ALTER TABLE "strategy_conversions" ADD COLUMN "refunded" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "strategy_conversions_order_idx" ON "strategy_conversions" USING btree ("shop_id","order_id");