//! The OAuth2 cleanup on a real SQLite file: what expired goes, what lives stays.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use domain::store::OAuth2Store;

#[test]
fn purge_forgets_only_what_expired() {
    let dir = std::env::temp_dir().join(format!("coderd-purge-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = dir.join("db.sqlite").to_string_lossy().into_owned();
    let (repo, _) = storage::open(&url, 1).expect("migrates");
    let pool = storage::open_pool(&url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    conn.batch_execute(
        "INSERT INTO users (id, email, username, login_type, status, created_at, updated_at, last_seen_at)
             VALUES ('u', 'u@example.com', 'u', 'password', 'active', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
         INSERT INTO oauth2_provider_apps (id, created_at, updated_at, name, callback_url)
             VALUES ('a', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'app', 'https://c.example/cb');
         INSERT INTO oauth2_provider_app_codes (id, created_at, expires_at, secret_prefix, hashed_secret, user_id, app_id, redirect_uri,
                 redirect_uri_given, scope, code_challenge, code_challenge_method)
             VALUES ('c-old', '2026-01-01 00:00:00', '2026-01-01 00:10:00', 'p1', x'00', 'u', 'a', 'https://c.example/cb', 0, 'coder:all', 'x', 'S256'),
                    ('c-new', '2026-01-01 00:00:00', '2026-06-01 00:00:00', 'p2', x'00', 'u', 'a', 'https://c.example/cb', 0, 'coder:all', 'x', 'S256');
         INSERT INTO oauth2_provider_app_grants (id, created_at, app_id, user_id, scope)
             VALUES ('g-dead', '2026-01-01 00:00:00', 'a', 'u', 'coder:all'), ('g-live', '2026-01-01 00:00:00', 'a', 'u', 'coder:all');
         INSERT INTO oauth2_provider_app_tokens (id, grant_id, created_at, expires_at, hash_prefix, refresh_hash, spent_at)
             VALUES ('t-old', 'g-dead', '2026-01-01 00:00:00', '2026-02-01 00:00:00', 'h1', x'00', NULL),
                    ('t-spent', 'g-live', '2026-01-01 00:00:00', '2026-06-01 00:00:00', 'h2', x'00', '2026-01-02 00:00:00'),
                    ('t-live', 'g-live', '2026-01-01 00:00:00', '2026-06-01 00:00:00', 'h3', x'00', NULL);",
    )
    .unwrap();
    let now = time::macros::datetime!(2026-03-01 00:00 UTC);
    repo.purge_expired_oauth2(now).unwrap();
    let ids = |conn: &mut _, sql: &str| -> Vec<String> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            id: String,
        }
        diesel::sql_query(sql).load::<Row>(conn).unwrap().into_iter().map(|r| r.id).collect()
    };
    assert_eq!(ids(&mut conn, "SELECT id FROM oauth2_provider_app_codes ORDER BY id"), ["c-new"]);
    assert_eq!(ids(&mut conn, "SELECT id FROM oauth2_provider_app_tokens ORDER BY id"), ["t-live", "t-spent"]);
    assert_eq!(ids(&mut conn, "SELECT id FROM oauth2_provider_app_grants ORDER BY id"), ["g-live"]);
    drop(conn);
    std::fs::remove_dir_all(dir).unwrap();
}
