-- Wakes the event dispatcher and job runner (LISTEN qiandian_outbox / qiandian_jobs) when rows
-- are inserted; delivered on commit, once per channel per transaction.
CREATE OR REPLACE FUNCTION qiandian_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION qiandian_notify('qiandian_outbox');
--> statement-breakpoint
CREATE TRIGGER jobs_notify AFTER INSERT ON jobs FOR EACH STATEMENT EXECUTE FUNCTION qiandian_notify('qiandian_jobs');
