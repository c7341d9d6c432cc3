CREATE TABLE "routing_decisions" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"order_id" text NOT NULL,
	"trigger" text NOT NULL,
	"actor_id" text,
	"reason" text,
	"buyer" jsonb,
	"result" jsonb NOT NULL,
	"steps" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_decisions_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_rules_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"order_id" text NOT NULL,
	"location_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"lines" jsonb NOT NULL,
	"hold_ref" text NOT NULL,
	"hold_moves" integer DEFAULT 0 NOT NULL,
	"buyer_lat" double precision,
	"buyer_lng" double precision,
	"pool_radius_km" double precision,
	"pool_timeout_minutes" integer,
	"pooled_until" timestamp with time zone,
	"carrier" text,
	"tracking_no" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"picked_up_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shipments_shop_id_id_pk" PRIMARY KEY("shop_id","id"),
	CONSTRAINT "shipments_status" CHECK ("shipments"."status" in ('pending', 'pooled', 'ready', 'shipped', 'picked_up', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "qimen_app_keys" (
	"app_key" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"partner_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qimen_messages" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"partner_id" text NOT NULL,
	"direction" text NOT NULL,
	"method" text NOT NULL,
	"out_biz_code" text,
	"ref" text,
	"status" text NOT NULL,
	"format" text DEFAULT 'xml' NOT NULL,
	"query" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"request_body" text DEFAULT '' NOT NULL,
	"response_body" text,
	"response_code" text,
	"response_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "qimen_messages_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "qimen_partner_locations" (
	"shop_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"location_id" text NOT NULL,
	CONSTRAINT "qimen_partner_locations_shop_id_partner_id_location_id_pk" PRIMARY KEY("shop_id","partner_id","location_id")
);
--> statement-breakpoint
CREATE TABLE "qimen_partners" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"app_key" text NOT NULL,
	"secret" text NOT NULL,
	"customer_id" text NOT NULL,
	"sign_method" text NOT NULL,
	"secret_at_end_only" boolean DEFAULT false NOT NULL,
	"endpoint_url" text,
	"active" boolean DEFAULT true NOT NULL,
	"secret_rotated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "qimen_partners_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE INDEX "routing_decisions_order_idx" ON "routing_decisions" USING btree ("shop_id","order_id","created_at");--> statement-breakpoint
CREATE INDEX "routing_rules_position_idx" ON "routing_rules" USING btree ("shop_id","position");--> statement-breakpoint
CREATE INDEX "shipments_order_idx" ON "shipments" USING btree ("shop_id","order_id");--> statement-breakpoint
CREATE INDEX "shipments_status_idx" ON "shipments" USING btree ("shop_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "qimen_messages_inbound_once_idx" ON "qimen_messages" USING btree ("shop_id","partner_id","method","out_biz_code") WHERE "qimen_messages"."direction" = 'in' and "qimen_messages"."status" = 'succeeded' and "qimen_messages"."out_biz_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "qimen_messages_outbound_once_idx" ON "qimen_messages" USING btree ("shop_id","partner_id","method","ref") WHERE "qimen_messages"."direction" = 'out';--> statement-breakpoint
CREATE INDEX "qimen_messages_created_idx" ON "qimen_messages" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "qimen_partner_locations_location_idx" ON "qimen_partner_locations" USING btree ("shop_id","location_id");--> statement-breakpoint
CREATE UNIQUE INDEX "qimen_partners_app_key_idx" ON "qimen_partners" USING btree ("shop_id","app_key");