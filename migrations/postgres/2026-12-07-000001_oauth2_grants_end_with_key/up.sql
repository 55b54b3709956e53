-- A live (unspent) refresh token whose access key was deleted (a password change, a key
-- deleted) belongs to a grant that has ended: Coder cascades the key's deletion to the token.
-- The server now refuses such tokens; this ends the grants left in that state before.
DELETE FROM oauth2_provider_app_grants
WHERE id IN (
    SELECT grant_id FROM oauth2_provider_app_tokens
    WHERE spent_at IS NULL AND api_key_id IS NULL
);
