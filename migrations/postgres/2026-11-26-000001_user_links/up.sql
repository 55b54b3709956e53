-- Links of external identities to accounts: one per account and login type. `linked_id` is
-- `<iss>||<sub>` for OIDC and the numeric user id for GitHub (empty for a legacy link, which the
-- next login backfills); an identity belongs to one account. `claims` holds the latest login's
-- claims as JSON ({"id_token_claims", "user_info_claims", "merged_claims"}). The provider's own
-- tokens are not kept: sessions do not depend on them.
CREATE TABLE user_links (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_type TEXT NOT NULL,
    linked_id TEXT NOT NULL DEFAULT '',
    claims TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (user_id, login_type)
);
CREATE UNIQUE INDEX user_links_linked_id ON user_links (linked_id, login_type) WHERE linked_id <> '';
