CREATE TABLE `district_year_figures` (
	`fiscal_year` integer NOT NULL,
	`district_id` integer NOT NULL,
	`ward_id` integer NOT NULL,
	`active` integer NOT NULL,
	`months_reported` integer NOT NULL,
	`watched_total` integer,
	`watched_elderly` integer,
	`watched_disability` integer,
	`watched_single_parent` integer,
	`watched_other` integer,
	`welfare_cooperators` integer,
	`mutual_aid_cases` integer,
	`regular_meetings` integer,
	`meeting_months` integer,
	`regular_meeting_months` integer NOT NULL,
	`plan_formulated` integer,
	`well_club_participants` integer,
	`salons_open` integer,
	`plan_active` integer,
	`computed_at` text NOT NULL,
	PRIMARY KEY(`fiscal_year`, `district_id`),
	FOREIGN KEY (`district_id`) REFERENCES `districts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ward_id`) REFERENCES `wards`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `district_year_figures_ward_idx` ON `district_year_figures` (`ward_id`,`fiscal_year`);--> statement-breakpoint
CREATE INDEX `district_year_figures_district_idx` ON `district_year_figures` (`district_id`,`fiscal_year`);