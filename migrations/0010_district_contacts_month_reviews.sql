CREATE TABLE `month_reviews` (
	`district_id` integer NOT NULL,
	`month` text NOT NULL,
	`status` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`report_version` integer NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` text NOT NULL,
	PRIMARY KEY(`district_id`, `month`),
	FOREIGN KEY (`district_id`) REFERENCES `districts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `month_reviews_month_idx` ON `month_reviews` (`month`);--> statement-breakpoint
ALTER TABLE `districts` ADD `contact_name` text;--> statement-breakpoint
ALTER TABLE `districts` ADD `contact_phone` text;--> statement-breakpoint
ALTER TABLE `districts` ADD `contact_email` text;