DROP TABLE inbox_notifications;
