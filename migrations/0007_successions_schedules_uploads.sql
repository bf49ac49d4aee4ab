CREATE TABLE `pending_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`file_name` text NOT NULL,
	`content` blob NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `pending_uploads_user_idx` ON `pending_uploads` (`user_id`);--> statement-breakpoint
CREATE TABLE `plan_schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`district_id` integer NOT NULL,
	`scheduled_fy` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`district_id`) REFERENCES `districts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_schedules_district_fy_uq` ON `plan_schedules` (`district_id`,`scheduled_fy`);--> statement-breakpoint
CREATE INDEX `plan_schedules_fy_idx` ON `plan_schedules` (`scheduled_fy`);--> statement-breakpoint
CREATE TABLE `succession_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL,
	`first_month` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `succession_events_label_unique` ON `succession_events` (`label`);--> statement-breakpoint
CREATE TABLE `succession_links` (
	`event_id` integer NOT NULL,
	`side` text NOT NULL,
	`district_id` integer NOT NULL,
	PRIMARY KEY(`event_id`, `side`, `district_id`),
	FOREIGN KEY (`event_id`) REFERENCES `succession_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`district_id`) REFERENCES `districts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `succession_links_district_idx` ON `succession_links` (`district_id`);