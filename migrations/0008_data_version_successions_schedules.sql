-- Succession events and plan schedules change figures and narrative counts: bump the data version too.
CREATE TRIGGER `succession_events_insert_bumps_data_version` AFTER INSERT ON `succession_events`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `succession_events_update_bumps_data_version` AFTER UPDATE ON `succession_events`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `succession_events_delete_bumps_data_version` AFTER DELETE ON `succession_events`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `succession_links_insert_bumps_data_version` AFTER INSERT ON `succession_links`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `succession_links_update_bumps_data_version` AFTER UPDATE ON `succession_links`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `succession_links_delete_bumps_data_version` AFTER DELETE ON `succession_links`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `plan_schedules_insert_bumps_data_version` AFTER INSERT ON `plan_schedules`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `plan_schedules_update_bumps_data_version` AFTER UPDATE ON `plan_schedules`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `plan_schedules_delete_bumps_data_version` AFTER DELETE ON `plan_schedules`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
