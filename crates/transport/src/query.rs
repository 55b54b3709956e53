//! Query-string parameters with Coder's error wording.

use actix_web::HttpRequest;
use domain::error::Validations;
use domain::store::Page;
use domain::Result;
use uuid::Uuid;

/// All `key=value` pairs of the query string, duplicates kept, in order.
pub fn pairs(req: &HttpRequest) -> Vec<(String, String)> {
    actix_web::web::Query::<Vec<(String, String)>>::from_query(req.query_string()).map(|q| q.into_inner()).unwrap_or_default()
}

/// The single value of `key`, recording an error when it is given more than once.
fn single<'a>(pairs: &'a [(String, String)], key: &str, v: &mut Validations) -> Option<&'a str> {
    let found: Vec<&str> = pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect();
    if found.len() > 1 {
        v.add(
            key,
            format!(
                "Query param {key:?} provided more than once, found {} times. Only provide 1 instance of this query param.",
                found.len()
            ),
        );
        return None;
    }
    found.first().copied().filter(|s| !s.is_empty())
}

fn positive_i32(pairs: &[(String, String)], key: &str, v: &mut Validations) -> i64 {
    match single(pairs, key, v) {
        None => 0,
        Some(s) => {
            match s.parse::<i64>() {
                Ok(n) if n < 0 => {
                    v.add(key, format!("Query param {key:?} must be a valid 32-bit positive integer: value is negative"));
                    0
                }
                Ok(n) if n > i32::MAX as i64 => {
                    v.add(key, format!("Query param {key:?} must be a valid 32-bit positive integer: strconv.ParseInt: parsing {s:?}: value out of range"));
                    0
                }
                Ok(n) => n,
                Err(_) => {
                    v.add(
                        key,
                        format!(
                            "Query param {key:?} must be a valid 32-bit positive integer: strconv.ParseInt: parsing {s:?}: invalid syntax"
                        ),
                    );
                    0
                }
            }
        }
    }
}

/// Coder's pagination parameters: `after_id`, `limit` (0 = no limit) and `offset`.
pub fn page(pairs: &[(String, String)]) -> Result<Page> {
    let mut v = Validations::new();
    let after_id = single(pairs, "after_id", &mut v).and_then(|s| match Uuid::parse_str(s) {
        Ok(id) => Some(id),
        Err(_) => {
            v.add("after_id", "Query param \"after_id\" must be a valid uuid");
            None
        }
    });
    let limit = positive_i32(pairs, "limit", &mut v);
    let offset = positive_i32(pairs, "offset", &mut v);
    v.finish("Query parameters have invalid values.")?;
    Ok(Page { after_id, limit, offset })
}

/// A string parameter (last one wins), empty when absent.
pub fn string(pairs: &[(String, String)], key: &str) -> String {
    pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// A boolean as Go's `strconv.ParseBool` reads it (Coder parses its flags and headers so);
/// `None` for anything else.
pub fn go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// A boolean parameter read strictly as Go's `strconv.ParseBool` reads it: absent or empty is
/// `Ok(None)`, a value it does not take is `Err` with that value.
pub fn strict_boolean(pairs: &[(String, String)], key: &str) -> Result<Option<bool>, String> {
    match string(pairs, key).as_str() {
        "" => Ok(None),
        other => go_bool(other).map(Some).ok_or_else(|| other.to_string()),
    }
}

/// A boolean parameter as Go's `strconv.ParseBool` reads it; anything else is false.
pub fn boolean(pairs: &[(String, String)], key: &str) -> bool {
    go_bool(&string(pairs, key)) == Some(true)
}
