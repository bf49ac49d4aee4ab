ALTER TABLE `indicator_definitions` ADD `decimals` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `indicator_definitions` ADD `numerator_id` integer;--> statement-breakpoint
ALTER TABLE `indicator_definitions` ADD `denominator_id` integer;