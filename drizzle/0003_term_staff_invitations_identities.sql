CREATE TABLE `course_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`course_id` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`name` text,
	`student_number` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `course_invitations_email_unique` ON `course_invitations` (`course_id`,`email_key`);--> statement-breakpoint
CREATE INDEX `course_invitations_email_idx` ON `course_invitations` (`email_key`);--> statement-breakpoint
CREATE TABLE `identities` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider` text NOT NULL,
	`issuer` text NOT NULL,
	`subject` text NOT NULL,
	`email` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identities_issuer_subject_unique` ON `identities` (`issuer`,`subject`);--> statement-breakpoint
CREATE INDEX `identities_user_idx` ON `identities` (`user_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_course_staff` (
	`id` text PRIMARY KEY NOT NULL,
	`course_id` text NOT NULL,
	`user_id` text,
	`invited_email` text,
	`invited_email_key` text,
	`role` text NOT NULL,
	`added_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
-- Existing members get an id of their own (staff are addressed by member id now).
INSERT INTO `__new_course_staff`("id", "course_id", "user_id", "role", "created_at") SELECT lower(hex(randomblob(6))), "course_id", "user_id", "role", "created_at" FROM `course_staff`;--> statement-breakpoint
DROP TABLE `course_staff`;--> statement-breakpoint
ALTER TABLE `__new_course_staff` RENAME TO `course_staff`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `course_staff_member_unique` ON `course_staff` (`course_id`,`user_id`) WHERE user_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `course_staff_invitation_unique` ON `course_staff` (`course_id`,`invited_email_key`) WHERE user_id IS NULL;--> statement-breakpoint
CREATE INDEX `course_staff_user_idx` ON `course_staff` (`user_id`);--> statement-breakpoint
CREATE INDEX `course_staff_invited_idx` ON `course_staff` (`invited_email_key`);--> statement-breakpoint
CREATE TABLE `__new_users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`password_hash` text,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL,
	`sessions_valid_after` integer
);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "name", "email", "email_key", "password_hash", "kind", "created_at") SELECT "id", "name", "email", "email_key", "password_hash", "kind", "created_at" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_key_unique` ON `users` (`email_key`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `note` text;--> statement-breakpoint
ALTER TABLE `courses` ADD `time_zone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `courses` ADD `late_credit` real DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `courses` ADD `warn_below_percent` real DEFAULT 80 NOT NULL;--> statement-breakpoint
ALTER TABLE `courses` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `enrollments` ADD `student_number` text;