-- Council-defined indicators (DESIGN §11) change what the trend tables show: bump the data version.
CREATE TRIGGER `indicator_definitions_insert_bumps_data_version` AFTER INSERT ON `indicator_definitions`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `indicator_definitions_update_bumps_data_version` AFTER UPDATE ON `indicator_definitions`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `indicator_definitions_delete_bumps_data_version` AFTER DELETE ON `indicator_definitions`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `indicator_categories_insert_bumps_data_version` AFTER INSERT ON `indicator_categories`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `indicator_categories_update_bumps_data_version` AFTER UPDATE ON `indicator_categories`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `indicator_categories_delete_bumps_data_version` AFTER DELETE ON `indicator_categories`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `district_indicator_values_insert_bumps_data_version` AFTER INSERT ON `district_indicator_values`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `district_indicator_values_update_bumps_data_version` AFTER UPDATE ON `district_indicator_values`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `district_indicator_values_delete_bumps_data_version` AFTER DELETE ON `district_indicator_values`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ward_indicator_values_insert_bumps_data_version` AFTER INSERT ON `ward_indicator_values`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ward_indicator_values_update_bumps_data_version` AFTER UPDATE ON `ward_indicator_values`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ward_indicator_values_delete_bumps_data_version` AFTER DELETE ON `ward_indicator_values`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
