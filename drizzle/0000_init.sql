CREATE TABLE `attendance_records` (
	`session_id` text NOT NULL,
	`student_id` text NOT NULL,
	`status` text NOT NULL,
	`method` text NOT NULL,
	`checked_in_at` integer,
	`late_minutes` integer,
	`marked_by` text,
	`note` text,
	`device_id` text,
	`ip` text,
	`user_agent` text,
	`flagged` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `student_id`),
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`student_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`marked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attendance_device_idx` ON `attendance_records` (`session_id`,`device_id`);--> statement-breakpoint
CREATE INDEX `attendance_student_idx` ON `attendance_records` (`student_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`entity` text NOT NULL,
	`action` text NOT NULL,
	`session_id` text,
	`course_id` text,
	`subject_id` text,
	`from_value` text,
	`to_value` text
);
--> statement-breakpoint
CREATE INDEX `audit_session_idx` ON `audit_events` (`session_id`,`action`);--> statement-breakpoint
CREATE INDEX `audit_course_idx` ON `audit_events` (`course_id`);--> statement-breakpoint
CREATE TABLE `course_staff` (
	`course_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`course_id`, `user_id`),
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `course_staff_user_idx` ON `course_staff` (`user_id`);--> statement-breakpoint
CREATE TABLE `courses` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`code` text,
	`term` text,
	`enroll_code` text NOT NULL,
	`auto_approve` integer DEFAULT true NOT NULL,
	`late_after_minutes` integer DEFAULT 10 NOT NULL,
	`close_after_minutes` integer,
	`rotation_seconds` integer DEFAULT 10 NOT NULL,
	`code_rotation_seconds` integer DEFAULT 30 NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `courses_enroll_code_unique` ON `courses` (`enroll_code`);--> statement-breakpoint
CREATE TABLE `enrollments` (
	`course_id` text NOT NULL,
	`student_id` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`course_id`, `student_id`),
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`student_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `enrollments_student_idx` ON `enrollments` (`student_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`course_id` text NOT NULL,
	`title` text NOT NULL,
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
CREATE INDEX `sessions_course_idx` ON `sessions` (`course_id`,`started_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_one_active_per_course` ON `sessions` (`course_id`) WHERE status = 'active';--> statement-breakpoint
CREATE INDEX `sessions_active_idx` ON `sessions` (`status`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`password_hash` text NOT NULL,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_key_unique` ON `users` (`email_key`);