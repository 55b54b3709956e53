//! The committed OpenAPI document must be exactly what the code generates.

#[test]
fn committed_openapi_matches_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = transport::openapi::document_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: regenerate it with `cargo run -p coderd -- openapi > openapi/openapi.json` (or `just openapi`)"
    );
}
