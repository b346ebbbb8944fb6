-- The audit log is append-only: TRUNCATE is refused like UPDATE and DELETE, and no other role
-- may change it (the hash chain and the head file show what an owner does behind Kontor's back).
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
