ALTER TABLE `memberships` ADD `invited_at` text;--> statement-breakpoint
ALTER TABLE `users` ADD `installation_admin` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- An installation from before installation administrators: whoever completed the first setup
-- administers the installation; failing that, the longest-standing company administrator.
UPDATE users SET installation_admin = 1 WHERE id IN (SELECT actor_id FROM audit_log WHERE action = 'setup.completed');
--> statement-breakpoint
UPDATE users SET installation_admin = 1
WHERE NOT EXISTS (SELECT 1 FROM users WHERE installation_admin = 1)
  AND id = (SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.role_id = 'administrator' AND u.active = 1 ORDER BY u.created_at, u.id LIMIT 1);
