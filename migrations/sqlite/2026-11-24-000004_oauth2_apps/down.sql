DROP TABLE oauth2_provider_app_secrets;
DROP TABLE oauth2_provider_apps;
