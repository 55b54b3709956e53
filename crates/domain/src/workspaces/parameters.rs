//! Rich parameter values of a build, resolved and checked against the version's parameters as
//! Coder's `wsbuilder` does: a value given now, else the previous build's (for a mutable or
//! immutable one alike, ephemeral ones excepted), else the default; then type, options, regex,
//! range and immutability checks.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::templates::Parameter;

/// Checks one value against its parameter.
pub fn check_value(p: &Parameter, value: &str) -> std::result::Result<(), String> {
    match p.kind.as_str() {
        "number" => {
            let n: i64 = value.trim().parse().map_err(|_| format!("Parameter value is not a number: {value:?}"))?;
            if let Some(min) = p.validation_min {
                if n < i64::from(min) {
                    return Err(validation_error(p, format!("Value must be at least {min}.")));
                }
            }
            if let Some(max) = p.validation_max {
                if n > i64::from(max) {
                    return Err(validation_error(p, format!("Value must be at most {max}.")));
                }
            }
        }
        "bool" if value != "true" && value != "false" => {
            return Err(format!("boolean value can be either \"true\" or \"false\", got {value:?}"));
        }
        "list(string)" => {
            serde_json::from_str::<Vec<String>>(value).map_err(|_| format!("A list of strings is expected, got {value:?}"))?;
        }
        _ => {}
    }
    if !p.options.is_empty() && p.kind != "list(string)" && !p.options.iter().any(|o| o.value == value) {
        return Err(format!("Parameter value {value:?} must be one of the options."));
    }
    if !p.validation_regex.is_empty() {
        let re = regex::Regex::new(&p.validation_regex).map_err(|e| format!("The parameter's regex is invalid: {e}"))?;
        if !re.is_match(value) {
            return Err(validation_error(p, format!("Value does not match {:?}.", p.validation_regex)));
        }
    }
    Ok(())
}

fn validation_error(p: &Parameter, fallback: String) -> String {
    if p.validation_error.is_empty() {
        fallback
    } else {
        p.validation_error.clone()
    }
}

/// The values a build runs with: for every parameter of the version, the value given, else the
/// previous build's (not for ephemeral parameters), else the default. Immutable parameters keep
/// their previous value; unknown names and invalid values are a 400 naming the parameter.
pub fn resolve(
    params: &[Parameter],
    given: &[(String, String)],
    previous: &[(String, String)],
    first_build: bool,
) -> Result<Vec<(String, String)>> {
    let given: BTreeMap<&str, &str> = given.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let previous: BTreeMap<&str, &str> = previous.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for name in given.keys() {
        if !params.iter().any(|p| p.name == *name) {
            return Err(Error::bad_request("Unable to validate parameters")
                .with_validation(name, format!("Unknown parameter; parameter {name:?} is not present in the template")));
        }
    }
    let mut out = Vec::new();
    for p in params {
        let prior = if p.ephemeral { None } else { previous.get(p.name.as_str()).copied() };
        let value = match (given.get(p.name.as_str()), prior) {
            (Some(v), Some(old)) if !first_build && !p.mutable && *v != old => {
                return Err(Error::bad_request("Unable to validate parameters").with_validation(
                    &p.name,
                    format!(
                        "Immutable parameter changed; Parameter {:?} is not mutable, so it can't be updated after creating a workspace.",
                        p.name
                    ),
                ));
            }
            (Some(v), _) => v.to_string(),
            (None, Some(old)) => old.to_string(),
            (None, None) if p.required && p.default_value.is_empty() => {
                return Err(Error::bad_request("Unable to validate parameters")
                    .with_validation(&p.name, "Required parameter not provided; parameter value is null"));
            }
            (None, None) => p.default_value.clone(),
        };
        if let Err(e) = check_value(p, &value) {
            return Err(
                Error::bad_request("Unable to validate parameters").with_validation(&p.name, format!("Invalid parameter value; {e}"))
            );
        }
        out.push((p.name.clone(), value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::ParameterOption;

    fn param(name: &str, kind: &str) -> Parameter {
        Parameter { name: name.into(), kind: kind.into(), mutable: true, ..Default::default() }
    }

    #[test]
    fn values_are_checked() {
        let mut n = param("cpu", "number");
        n.validation_min = Some(1);
        n.validation_max = Some(8);
        assert!(check_value(&n, "4").is_ok());
        assert!(check_value(&n, "9").is_err());
        assert!(check_value(&n, "x").is_err());
        let mut o = param("region", "string");
        o.options = vec![ParameterOption { value: "eu".into(), ..Default::default() }];
        assert!(check_value(&o, "eu").is_ok());
        assert!(check_value(&o, "us").is_err());
        assert!(check_value(&param("on", "bool"), "yes").is_err());
    }

    #[test]
    fn resolution_prefers_given_then_previous_then_default() {
        let mut a = param("a", "string");
        a.default_value = "d".into();
        let mut b = param("b", "string");
        b.mutable = false;
        let mut c = param("c", "string");
        c.required = true;
        let prev = vec![("a".to_string(), "old".to_string()), ("b".to_string(), "fixed".to_string())];
        let out = resolve(&[a.clone(), b.clone()], &[], &prev, false).unwrap();
        assert_eq!(out, vec![("a".into(), "old".into()), ("b".into(), "fixed".into())]);
        assert!(resolve(&[b.clone()], &[("b".into(), "new".into())], &prev, false).is_err());
        assert!(resolve(&[c], &[], &[], true).is_err());
        assert!(resolve(&[a], &[("zzz".into(), "1".into())], &[], true).is_err());
    }
}
