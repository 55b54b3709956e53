//! Coder's `q` search language for the users list (`searchquery.Users`).
//!
//! The query is lower-cased, split on spaces outside double quotes; `key:value` terms become
//! filters and the remaining words, joined by single spaces, become one `search` term matching
//! username or email. Times must be quoted RFC 3339 (`created_after:"2024-01-02T03:04:05Z"`).

use std::collections::BTreeMap;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::store::UserFilter;
use crate::user::{LoginType, UserStatus};

/// Splits on `sep` outside double quotes.
fn split_outside_quotes(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if c == sep && !quoted {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
}

/// Parses a users query into a filter, or a 400 naming every bad term.
pub fn parse_user_query(q: &str) -> Result<UserFilter> {
    let invalid = |field: &str, detail: String| Error::invalid_field("Invalid user search query.", field, detail);
    let query = q.to_lowercase();
    let tokens: Vec<String> = split_outside_quotes(&query, ' ').into_iter().filter(|t| !t.is_empty()).collect();
    let (mut elements, bare): (Vec<String>, Vec<String>) = tokens.into_iter().partition(|t| t.contains(':'));
    if !bare.is_empty() {
        elements.push(bare.join(" "));
    }

    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for element in &elements {
        if element.starts_with(':') || element.ends_with(':') {
            return Err(invalid("q", format!("Query element {element:?} cannot start or end with ':'")));
        }
        let parts: Vec<String> = split_outside_quotes(element, ':').into_iter().map(|p| p.trim_matches('"').to_string()).collect();
        let (key, value) = match parts.as_slice() {
            [v] => ("search".to_string(), v.clone()),
            [k, v] => (k.clone(), v.clone()),
            _ => return Err(invalid("q", format!("Query element {element:?} can only contain 1 ':'"))),
        };
        if !value.is_empty() {
            values.entry(key).or_default().push(value);
        }
    }

    let mut filter = UserFilter::default();
    let mut errors = Error::bad_request("Invalid user search query.");
    let mut fail = |field: &str, detail: String| errors.validations.push(crate::error::FieldError { field: field.into(), detail });
    for (key, vals) in &values {
        let single = |fail: &mut dyn FnMut(&str, String)| -> Option<String> {
            if vals.len() > 1 {
                fail(
                    key,
                    format!(
                        "Query param {key:?} provided more than once, found {} times. Only provide 1 instance of this query param.",
                        vals.len()
                    ),
                );
                return None;
            }
            vals.first().cloned()
        };
        let list: Vec<String> = vals.iter().flat_map(|v| v.split(',')).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        match key.as_str() {
            "search" => filter.search = single(&mut fail),
            "name" => filter.name = single(&mut fail),
            "status" => {
                let bad: Vec<&String> = list.iter().filter(|v| UserStatus::parse(v).is_none()).collect();
                if bad.is_empty() {
                    filter.status = list.iter().filter_map(|v| UserStatus::parse(v)).collect();
                } else {
                    fail(key, invalid_values(key, &bad));
                }
            }
            "login_type" => {
                let bad: Vec<&String> = list.iter().filter(|v| LoginType::parse(v).is_none()).collect();
                if bad.is_empty() {
                    filter.login_type = list.iter().filter_map(|v| LoginType::parse(v)).collect();
                } else {
                    fail(key, invalid_values(key, &bad));
                }
            }
            "role" => filter.roles = list.clone(),
            "github_com_user_id" => {
                if let Some(v) = single(&mut fail) {
                    match v.parse::<i64>() {
                        Ok(n) => filter.github_com_user_id = Some(n),
                        Err(_) => fail(
                            key,
                            format!("Query param {key:?} must be a valid 64-bit integer: strconv.ParseInt: parsing {v:?}: invalid syntax"),
                        ),
                    }
                }
            }
            "service_account" => {
                if let Some(v) = single(&mut fail) {
                    match v.as_str() {
                        "1" | "t" | "true" => filter.service_account = Some(true),
                        "0" | "f" | "false" => filter.service_account = Some(false),
                        _ => fail(
                            key,
                            format!("Query param {key:?} must be a valid boolean: strconv.ParseBool: parsing {v:?}: invalid syntax"),
                        ),
                    }
                }
            }
            "created_before" | "created_after" | "last_seen_before" | "last_seen_after" => {
                if let Some(v) = single(&mut fail) {
                    match OffsetDateTime::parse(&v.to_uppercase(), &Rfc3339) {
                        Ok(t) => {
                            let t = t.to_offset(time::UtcOffset::UTC);
                            match key.as_str() {
                                "created_before" => filter.created_before = Some(t),
                                "created_after" => filter.created_after = Some(t),
                                "last_seen_before" => filter.last_seen_before = Some(t),
                                _ => filter.last_seen_after = Some(t),
                            }
                        }
                        Err(e) => {
                            fail(key, format!("Query param {key:?} must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): {e}"))
                        }
                    }
                }
            }
            _ => fail(key, format!("{key:?} is not a valid query param")),
        }
    }
    if errors.validations.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    }
}

fn invalid_values(key: &str, bad: &[&String]) -> String {
    let each: Vec<String> = bad.iter().map(|v| format!("{v:?} is not a valid value")).collect();
    format!("Query param {key:?} has invalid values: {}", each.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_words_and_filters() {
        let f = parse_user_query("Alice status:active,Suspended role:owner").unwrap();
        assert_eq!(f.search.as_deref(), Some("alice"));
        assert_eq!(f.status, vec![UserStatus::Active, UserStatus::Suspended]);
        assert_eq!(f.roles, vec!["owner".to_string()]);
    }

    #[test]
    fn quoted_times() {
        let f = parse_user_query(r#"created_after:"2024-01-02T03:04:05Z" last_seen_before:"2025-01-01T00:00:00+02:00""#).unwrap();
        assert_eq!(f.created_after.unwrap().unix_timestamp(), 1704164645);
        assert!(f.last_seen_before.is_some());
    }

    #[test]
    fn errors_name_the_term() {
        let e = parse_user_query("status:sleepy").unwrap_err();
        assert_eq!(e.message, "Invalid user search query.");
        assert_eq!(e.validations[0].field, "status");
        let e = parse_user_query("color:blue").unwrap_err();
        assert_eq!(e.validations[0].detail, "\"color\" is not a valid query param");
        let e = parse_user_query("a:b:c").unwrap_err();
        assert_eq!(e.validations[0].field, "q");
        let e = parse_user_query("status:").unwrap_err();
        assert!(e.validations[0].detail.contains("cannot start or end with ':'"));
        let e = parse_user_query("created_after:2024-01-02").unwrap_err();
        assert_eq!(e.validations[0].field, "created_after");
    }
}
