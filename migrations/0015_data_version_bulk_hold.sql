-- A bulk write (a CSV import of thousands of monthly rows) bumps the data version
-- once itself instead of once per row (issue 9, P4): while the importer's
-- transaction holds the one row of `data_version_hold`, the triggers of the two
-- tables an import writes row by row (monthly_reports, and the stored figures it
-- recomputes, district_year_figures) skip. The importer inserts that row and
-- deletes it again (bumping the version once) inside its one transaction
-- (src/imports/dataVersionHold.ts), so no other connection ever sees it, and a
-- rolled-back import leaves nothing behind. Every other write path is unchanged:
-- the table is empty, the triggers fire.
CREATE TABLE `data_version_hold` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1)
);
--> statement-breakpoint
DROP TRIGGER `monthly_reports_insert_bumps_data_version`;
--> statement-breakpoint
CREATE TRIGGER `monthly_reports_insert_bumps_data_version` AFTER INSERT ON `monthly_reports`
WHEN NOT EXISTS (SELECT 1 FROM `data_version_hold`)
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
DROP TRIGGER `monthly_reports_update_bumps_data_version`;
--> statement-breakpoint
CREATE TRIGGER `monthly_reports_update_bumps_data_version` AFTER UPDATE ON `monthly_reports`
WHEN NOT EXISTS (SELECT 1 FROM `data_version_hold`)
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
DROP TRIGGER `monthly_reports_delete_bumps_data_version`;
--> statement-breakpoint
CREATE TRIGGER `monthly_reports_delete_bumps_data_version` AFTER DELETE ON `monthly_reports`
WHEN NOT EXISTS (SELECT 1 FROM `data_version_hold`)
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
DROP TRIGGER `district_year_figures_insert_bumps_data_version`;
--> statement-breakpoint
CREATE TRIGGER `district_year_figures_insert_bumps_data_version` AFTER INSERT ON `district_year_figures`
WHEN NOT EXISTS (SELECT 1 FROM `data_version_hold`)
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
DROP TRIGGER `district_year_figures_update_bumps_data_version`;
--> statement-breakpoint
CREATE TRIGGER `district_year_figures_update_bumps_data_version` AFTER UPDATE ON `district_year_figures`
WHEN NOT EXISTS (SELECT 1 FROM `data_version_hold`)
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
DROP TRIGGER `district_year_figures_delete_bumps_data_version`;
--> statement-breakpoint
CREATE TRIGGER `district_year_figures_delete_bumps_data_version` AFTER DELETE ON `district_year_figures`
WHEN NOT EXISTS (SELECT 1 FROM `data_version_hold`)
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
