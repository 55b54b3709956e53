DROP TABLE oauth2_provider_app_tokens;
DROP TABLE oauth2_provider_app_grants;
DROP TABLE oauth2_provider_app_codes;
ALTER TABLE oauth2_provider_apps DROP COLUMN registration_access_token;
ALTER TABLE oauth2_provider_apps DROP COLUMN client_metadata;
ALTER TABLE oauth2_provider_apps DROP COLUMN client_id_issued_at;
