CREATE TABLE "aftersale_cases" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"order_id" text NOT NULL,
	"buyer_account_id" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"description" text,
	"amount" integer NOT NULL,
	"shipping_refund" integer DEFAULT 0 NOT NULL,
	"reject_reason" text,
	"return_carrier" text,
	"return_tracking_no" text,
	"refund_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "aftersale_cases_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "aftersale_cases_amount" CHECK ("aftersale_cases"."amount" > 0 and "aftersale_cases"."shipping_refund" >= 0)
);
--> statement-breakpoint
CREATE TABLE "aftersale_lines" (
	"shop_id" text NOT NULL,
	"case_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"sku_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"amount" integer NOT NULL,
	CONSTRAINT "aftersale_lines_shop_id_case_id_line_no_pk" PRIMARY KEY("shop_id","case_id","line_no"),
	CONSTRAINT "aftersale_lines_positive" CHECK ("aftersale_lines"."quantity" > 0 and "aftersale_lines"."amount" >= 0)
);
--> statement-breakpoint
CREATE INDEX "aftersale_cases_order_idx" ON "aftersale_cases" USING btree ("shop_id","order_id");--> statement-breakpoint
CREATE INDEX "aftersale_cases_status_idx" ON "aftersale_cases" USING btree ("shop_id","status","created_at");--> statement-breakpoint
CREATE INDEX "aftersale_cases_buyer_idx" ON "aftersale_cases" USING btree ("buyer_account_id","created_at");