-- A ward's review changes how many of a year's figures are accepted (trend table): bump the data version.
CREATE TRIGGER `month_reviews_insert_bumps_data_version` AFTER INSERT ON `month_reviews`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `month_reviews_update_bumps_data_version` AFTER UPDATE ON `month_reviews`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `month_reviews_delete_bumps_data_version` AFTER DELETE ON `month_reviews`
BEGIN
  UPDATE `data_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
