//! Reading claims as Coder reads them: string lists, `email_verified` in its several spellings,
//! usernames derived from what the provider sent, and the email domain rule.

use serde_json::Value;

use crate::validation;

/// Coder's `ParseStringSliceClaim`: absent, `null` or `""` is empty; a string is one value
/// (unless it holds a comma, which is refused as a CSV string); an array must hold strings.
pub fn string_list(value: Option<&Value>) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) if s.is_empty() => Ok(Vec::new()),
        Some(Value::String(s)) if s.contains(',') => Err(format!("the claim is a comma-separated string ({s:?}), not a list")),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(|| format!("the claim list holds a {}, not a string", kind(v))))
            .collect(),
        Some(other) => Err(format!("the claim is a {}, not a list of strings", kind(other))),
    }
}

/// The JSON type of a value, for error messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `email_verified`: a boolean, a string that parses as one (`"true"`, `"1"`), or a number (not
/// zero is true). Absent or anything else is unverified.
pub fn email_verified(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "true" | "1" | "t"),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => false,
    }
}

/// Coder's `UsernameFrom`: the name if valid; else the part before the last `@` with every
/// character outside `[a-zA-Z0-9-]` removed, if that is valid; else a random name.
pub fn username_from(raw: &str) -> String {
    if validation::name_valid(raw).is_ok() {
        return raw.to_string();
    }
    let local = raw.rsplit_once('@').map_or(raw, |(l, _)| l);
    let cleaned: String = local.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let cleaned = cleaned.trim_matches('-').to_string();
    if validation::name_valid(&cleaned).is_ok() {
        return cleaned;
    }
    random_username()
}

/// A fresh valid username (`user-` and eight random characters).
pub fn random_username() -> String {
    format!("user-{}", crate::secret::random_alphanumeric(8).to_ascii_lowercase())
}

/// An alternative to a taken username: `<name>-<random>`, cut to stay valid.
pub fn alternative_username(name: &str) -> String {
    let suffix = crate::secret::random_alphanumeric(6).to_ascii_lowercase();
    let mut base: String = name.chars().take(32 - suffix.len() - 1).collect();
    base = base.trim_end_matches('-').to_string();
    let candidate = format!("{base}-{suffix}");
    if validation::name_valid(&candidate).is_ok() {
        candidate
    } else {
        random_username()
    }
}

/// Whether `email` is in one of `domains` (exact, case-insensitive; a leading `@` ignored).
pub fn email_domain_allowed(email: &str, domains: &[String]) -> bool {
    if domains.is_empty() {
        return true;
    }
    let Some((_, domain)) = email.rsplit_once('@') else { return false };
    domains.iter().any(|d| d.trim_start_matches('@').eq_ignore_ascii_case(domain))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_lists() {
        assert_eq!(string_list(None), Ok(vec![]));
        assert_eq!(string_list(Some(&json!(""))), Ok(vec![]));
        assert_eq!(string_list(Some(&json!("a"))), Ok(vec!["a".to_string()]));
        assert_eq!(string_list(Some(&json!(["a", "b"]))), Ok(vec!["a".to_string(), "b".to_string()]));
        assert!(string_list(Some(&json!("a,b"))).is_err());
        assert!(string_list(Some(&json!([1]))).is_err());
        assert!(string_list(Some(&json!({"a": 1}))).is_err());
    }

    #[test]
    fn verified_spellings() {
        assert!(email_verified(Some(&json!(true))));
        assert!(email_verified(Some(&json!("true"))));
        assert!(email_verified(Some(&json!(1))));
        assert!(!email_verified(Some(&json!("false"))));
        assert!(!email_verified(None));
        assert!(!email_verified(Some(&json!([true]))));
    }

    #[test]
    fn usernames() {
        assert_eq!(username_from("kyle"), "kyle");
        assert_eq!(username_from("kyle@kwc.io"), "kyle");
        assert_eq!(username_from("k.y_le@x.io"), "kyle");
        assert!(username_from("@@@").starts_with("user-"));
        let alt = alternative_username(&"a".repeat(32));
        assert!(validation::name_valid(&alt).is_ok(), "{alt}");
    }

    #[test]
    fn domains() {
        assert!(email_domain_allowed("a@x.io", &[]));
        assert!(email_domain_allowed("a@X.io", &["@x.io".into()]));
        assert!(!email_domain_allowed("a@mail.x.io", &["x.io".into()]));
        assert!(!email_domain_allowed("nodomain", &["x.io".into()]));
    }
}
