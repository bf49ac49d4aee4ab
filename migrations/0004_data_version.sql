-- The data version: one row, bumped by every write
-- that can change a figure, in the same transaction as the write. Cached trend
-- tables, charts and exports are valid while the version they were built at is current.
CREATE TABLE `data_version` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`version` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `data_version` (`id`, `version`) VALUES (1, 1);
--> statement-breakpoint
CREATE TRIGGER `monthly_reports_insert_bumps_data_version` AFTER INSERT ON `monthly_reports`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `monthly_reports_update_bumps_data_version` AFTER UPDATE ON `monthly_reports`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `monthly_reports_delete_bumps_data_version` AFTER DELETE ON `monthly_reports`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `salons_insert_bumps_data_version` AFTER INSERT ON `salons`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `salons_update_bumps_data_version` AFTER UPDATE ON `salons`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `salons_delete_bumps_data_version` AFTER DELETE ON `salons`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `plans_insert_bumps_data_version` AFTER INSERT ON `plans`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `plans_update_bumps_data_version` AFTER UPDATE ON `plans`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `plans_delete_bumps_data_version` AFTER DELETE ON `plans`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `published_figures_insert_bumps_data_version` AFTER INSERT ON `published_figures`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `published_figures_update_bumps_data_version` AFTER UPDATE ON `published_figures`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `published_figures_delete_bumps_data_version` AFTER DELETE ON `published_figures`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `settings_insert_bumps_data_version` AFTER INSERT ON `settings`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `settings_update_bumps_data_version` AFTER UPDATE ON `settings`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `settings_delete_bumps_data_version` AFTER DELETE ON `settings`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `closed_fiscal_years_insert_bumps_data_version` AFTER INSERT ON `closed_fiscal_years`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `closed_fiscal_years_update_bumps_data_version` AFTER UPDATE ON `closed_fiscal_years`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `closed_fiscal_years_delete_bumps_data_version` AFTER DELETE ON `closed_fiscal_years`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_insert_bumps_data_version` AFTER INSERT ON `districts`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_update_bumps_data_version` AFTER UPDATE ON `districts`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `districts_delete_bumps_data_version` AFTER DELETE ON `districts`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `wards_insert_bumps_data_version` AFTER INSERT ON `wards`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `wards_update_bumps_data_version` AFTER UPDATE ON `wards`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `wards_delete_bumps_data_version` AFTER DELETE ON `wards`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `district_year_figures_insert_bumps_data_version` AFTER INSERT ON `district_year_figures`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `district_year_figures_update_bumps_data_version` AFTER UPDATE ON `district_year_figures`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `district_year_figures_delete_bumps_data_version` AFTER DELETE ON `district_year_figures`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
