ALTER TABLE "flash_sales" DROP CONSTRAINT "flash_sales_counts";--> statement-breakpoint
ALTER TABLE "flash_sales" DROP COLUMN "sold";--> statement-breakpoint
ALTER TABLE "flash_sales" ADD CONSTRAINT "flash_sales_counts" CHECK ("flash_sales"."paid" >= 0 and "flash_sales"."returned" >= 0);