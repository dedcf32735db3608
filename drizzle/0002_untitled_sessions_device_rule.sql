DROP INDEX `attendance_device_idx`;--> statement-breakpoint
-- One device, one student is now a unique index. Rows written before it keep the first student's device id.
UPDATE `attendance_records` SET `device_id` = NULL
WHERE `device_id` IS NOT NULL AND EXISTS (
  SELECT 1 FROM `attendance_records` o
  WHERE o.`session_id` = `attendance_records`.`session_id` AND o.`device_id` = `attendance_records`.`device_id`
    AND (o.`created_at` < `attendance_records`.`created_at`
         OR (o.`created_at` = `attendance_records`.`created_at` AND o.`student_id` < `attendance_records`.`student_id`))
);--> statement-breakpoint
CREATE UNIQUE INDEX `attendance_one_student_per_device` ON `attendance_records` (`session_id`,`device_id`) WHERE device_id IS NOT NULL;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`course_id` text NOT NULL,
	`title` text,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`late_after_minutes` integer NOT NULL,
	`close_after_minutes` integer,
	`rotation_seconds` integer NOT NULL,
	`code_rotation_seconds` integer NOT NULL,
	`secret` text NOT NULL,
	`code_epoch` integer DEFAULT 0 NOT NULL,
	`code_anchor_at` integer NOT NULL,
	`started_by` text,
	`ended_by` text,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`started_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ended_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_sessions`("id", "course_id", "title", "status", "started_at", "ended_at", "late_after_minutes", "close_after_minutes", "rotation_seconds", "code_rotation_seconds", "secret", "code_epoch", "code_anchor_at", "started_by", "ended_by") SELECT "id", "course_id", "title", "status", "started_at", "ended_at", "late_after_minutes", "close_after_minutes", "rotation_seconds", "code_rotation_seconds", "secret", "code_epoch", "code_anchor_at", "started_by", "ended_by" FROM `sessions`;--> statement-breakpoint
DROP TABLE `sessions`;--> statement-breakpoint
ALTER TABLE `__new_sessions` RENAME TO `sessions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `sessions_course_idx` ON `sessions` (`course_id`,`started_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_one_active_per_course` ON `sessions` (`course_id`) WHERE status = 'active';--> statement-breakpoint
CREATE INDEX `sessions_active_idx` ON `sessions` (`status`);--> statement-breakpoint
-- Untitled sessions used to store their start time, formatted in the server's zone ("Tue, Sep 1, 09:00 AM").
-- They are untitled (null) now: pages format the start time in the viewer's own zone.
UPDATE `sessions` SET `title` = NULL
WHERE `title` GLOB '[A-Z][a-z][a-z], [A-Z][a-z][a-z] [0-9], [0-9][0-9]:[0-9][0-9]?[AP]M'
   OR `title` GLOB '[A-Z][a-z][a-z], [A-Z][a-z][a-z] [0-9][0-9], [0-9][0-9]:[0-9][0-9]?[AP]M';
