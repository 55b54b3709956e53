//! Start-up migration behaviour on a real SQLite file.

use diesel::connection::SimpleConnection;

fn temp_db() -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("coderd-mig-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = dir.join("db.sqlite").to_string_lossy().into_owned();
    (dir, url)
}

#[test]
fn migrations_apply_once_and_reopen_cleanly() {
    let (dir, url) = temp_db();
    storage::open(&url, 2).expect("first open migrates");
    storage::open(&url, 2).expect("second open finds nothing to do");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_database_from_a_newer_binary_is_refused() {
    let (dir, url) = temp_db();
    let (repo, _) = storage::open(&url, 1).expect("migrates");
    drop(repo);
    let pool = storage::open_pool(&url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    conn.batch_execute("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')").unwrap();
    drop(conn);
    drop(pool);
    let err = storage::open(&url, 1).err().expect("refused");
    assert!(err.contains("newer"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}
