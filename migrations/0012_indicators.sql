CREATE TABLE `district_indicator_values` (
	`indicator_id` integer NOT NULL,
	`category_id` integer DEFAULT 0 NOT NULL,
	`district_id` integer NOT NULL,
	`month` text NOT NULL,
	`value` real NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` integer,
	PRIMARY KEY(`indicator_id`, `category_id`, `district_id`, `month`),
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator_definitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`district_id`) REFERENCES `districts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `district_indicator_values_month_idx` ON `district_indicator_values` (`indicator_id`,`month`,`category_id`,`district_id`,`value`);--> statement-breakpoint
CREATE INDEX `district_indicator_values_district_idx` ON `district_indicator_values` (`district_id`,`month`);--> statement-breakpoint
CREATE TABLE `indicator_categories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`indicator_id` integer NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`first_fy` integer NOT NULL,
	`last_fy` integer,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator_definitions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `indicator_categories_key_uq` ON `indicator_categories` (`indicator_id`,`key`);--> statement-breakpoint
CREATE TABLE `indicator_definitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`unit` text NOT NULL,
	`entered_by` text NOT NULL,
	`rollup` text NOT NULL,
	`threshold` real,
	`breaks_down_field` text,
	`first_fy` integer NOT NULL,
	`last_fy` integer,
	`position` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `indicator_definitions_key_uq` ON `indicator_definitions` (`key`);--> statement-breakpoint
CREATE TABLE `ward_indicator_values` (
	`indicator_id` integer NOT NULL,
	`category_id` integer DEFAULT 0 NOT NULL,
	`ward_id` integer NOT NULL,
	`fiscal_year` integer NOT NULL,
	`value` real NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` integer,
	PRIMARY KEY(`indicator_id`, `category_id`, `ward_id`, `fiscal_year`),
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator_definitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ward_id`) REFERENCES `wards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ward_indicator_values_fy_idx` ON `ward_indicator_values` (`indicator_id`,`fiscal_year`);