DROP TABLE user_status_changes;
