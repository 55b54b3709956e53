//! SCIM PATCH (RFC 7644 §3.5.2): `add`, `replace` and `remove`, with or without a path, on a
//! resource in its JSON form. The use cases then read the changed resource back into Coder's
//! model, so one engine serves users and groups.

use serde_json::{Map, Value};

use super::filter::{get_ci, matches, parse_patch_path, AttrPath};
use super::ScimError;

/// One operation of a PatchOp request.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PatchOperation {
    /// `add`, `replace` or `remove` (any case).
    pub op: String,
    /// Target; absent means the resource itself.
    #[serde(default)]
    pub path: Option<String>,
    /// The value to add or replace with.
    #[serde(default)]
    pub value: Option<Value>,
}

/// Attribute names as the schemas spell them, so that an added attribute gets its canonical name.
const CANONICAL: &[&str] = &[
    "userName",
    "name",
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
    "displayName",
    "nickName",
    "profileUrl",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "active",
    "emails",
    "phoneNumbers",
    "addresses",
    "externalId",
    "members",
    "value",
    "display",
    "type",
    "primary",
    "$ref",
];

fn canonical(name: &str) -> String {
    CANONICAL.iter().find(|c| c.eq_ignore_ascii_case(name)).map(|c| c.to_string()).unwrap_or_else(|| name.to_string())
}

fn key_of(obj: &Map<String, Value>, name: &str) -> String {
    obj.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned().unwrap_or_else(|| canonical(name))
}

fn obj_mut(v: &mut Value) -> Result<&mut Map<String, Value>, ScimError> {
    v.as_object_mut().ok_or_else(|| ScimError::invalid_value("the target is not an object"))
}

fn no_target(path: &str) -> ScimError {
    ScimError::new(400, Some("noTarget"), format!("no value matches the path {path:?}"))
}

/// The object that holds `path.attr`: the resource, or the extension object named by its URN.
fn holder<'a>(resource: &'a mut Value, path: &AttrPath) -> Result<&'a mut Map<String, Value>, ScimError> {
    let core = path.urn.as_deref().is_none_or(|u| u.to_ascii_lowercase().starts_with("urn:ietf:params:scim:schemas:core:"));
    let obj = obj_mut(resource)?;
    if core {
        return Ok(obj);
    }
    let urn = path.urn.clone().unwrap_or_default();
    let key = key_of(obj, &urn);
    let ext = obj.entry(key).or_insert_with(|| Value::Object(Map::new()));
    obj_mut(ext)
}

/// Adds `value` to an attribute: multi-valued attributes gain the new elements (duplicates are
/// not repeated), others are set; objects merge.
fn add_into(slot: &mut Value, value: Value) {
    match (slot, value) {
        (Value::Array(items), Value::Array(new)) => {
            for v in new {
                if !items.contains(&v) {
                    items.push(v);
                }
            }
        }
        (Value::Array(items), v) => {
            if !items.contains(&v) {
                items.push(v);
            }
        }
        (Value::Object(o), Value::Object(new)) => {
            for (k, v) in new {
                let key = key_of(o, &k);
                o.insert(key, v);
            }
        }
        (slot, v) => *slot = v,
    }
}

fn apply_one(resource: &mut Value, op: &PatchOperation) -> Result<(), ScimError> {
    let kind = op.op.to_ascii_lowercase();
    if !matches!(kind.as_str(), "add" | "replace" | "remove") {
        return Err(ScimError::invalid_value(format!("unknown operation {:?}", op.op)));
    }
    let Some(path) = op.path.as_deref().filter(|p| !p.trim().is_empty()) else {
        // No path: the value is a set of attributes of the resource.
        if kind == "remove" {
            return Err(ScimError::new(400, Some("noTarget"), "remove needs a path"));
        }
        let value = op.value.clone().ok_or_else(|| ScimError::invalid_value("the operation needs a value"))?;
        let Value::Object(attrs) = value else { return Err(ScimError::invalid_value("without a path, the value must be an object")) };
        for (name, v) in attrs {
            let p = super::filter::parse_patch_path(&name).map_err(ScimError::invalid_path)?.0;
            let sub = PatchOperation { op: kind.clone(), path: Some(p_to_string(&p)), value: Some(v) };
            apply_one(resource, &sub)?;
        }
        return Ok(());
    };
    let (attr, filter, sub_after) = parse_patch_path(path).map_err(ScimError::invalid_path)?;
    let holder = holder(resource, &attr)?;
    let key = key_of(holder, &attr.attr);
    match (filter, attr.sub.clone()) {
        (None, None) => match kind.as_str() {
            "remove" => {
                match &op.value {
                    // Some clients remove members by listing them.
                    Some(Value::Array(gone)) => {
                        if let Some(Value::Array(items)) = holder.get_mut(&key) {
                            items.retain(|i| !gone.iter().any(|g| same_value(i, g)));
                        }
                    }
                    _ => {
                        holder.remove(&key);
                    }
                }
                Ok(())
            }
            "add" => {
                let value = op.value.clone().ok_or_else(|| ScimError::invalid_value("add needs a value"))?;
                match holder.get_mut(&key) {
                    Some(slot) if !slot.is_null() => add_into(slot, value),
                    _ => {
                        holder.insert(key, value);
                    }
                }
                Ok(())
            }
            _ => {
                let value = op.value.clone().ok_or_else(|| ScimError::invalid_value("replace needs a value"))?;
                match (holder.get_mut(&key), value) {
                    (Some(Value::Object(o)), Value::Object(new)) => {
                        for (k, v) in new {
                            let kk = key_of(o, &k);
                            o.insert(kk, v);
                        }
                    }
                    (_, v) => {
                        holder.insert(key, v);
                    }
                }
                Ok(())
            }
        },
        (None, Some(sub)) => {
            let parent = holder.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if parent.is_null() {
                *parent = Value::Object(Map::new());
            }
            let parent = obj_mut(parent)?;
            let sk = key_of(parent, &sub);
            match kind.as_str() {
                "remove" => {
                    parent.remove(&sk);
                }
                _ => {
                    let value = op.value.clone().ok_or_else(|| ScimError::invalid_value("the operation needs a value"))?;
                    parent.insert(sk, value);
                }
            }
            Ok(())
        }
        (Some(f), _) => {
            let items = match holder.get_mut(&key) {
                Some(Value::Array(items)) => items,
                _ if kind == "remove" => return Ok(()),
                _ => return Err(no_target(path)),
            };
            let hits: Vec<usize> = items.iter().enumerate().filter(|(_, i)| matches(&f, i)).map(|(n, _)| n).collect();
            if hits.is_empty() {
                return if kind == "remove" { Ok(()) } else { Err(no_target(path)) };
            }
            match (kind.as_str(), sub_after) {
                ("remove", None) => {
                    let mut n = 0;
                    items.retain(|_| {
                        let keep = !hits.contains(&n);
                        n += 1;
                        keep
                    });
                }
                ("remove", Some(sub)) => {
                    for i in hits {
                        if let Value::Object(o) = &mut items[i] {
                            let sk = key_of(o, &sub);
                            o.remove(&sk);
                        }
                    }
                }
                (_, Some(sub)) => {
                    let value = op.value.clone().ok_or_else(|| ScimError::invalid_value("the operation needs a value"))?;
                    for i in hits {
                        let o = obj_mut(&mut items[i])?;
                        let sk = key_of(o, &sub);
                        o.insert(sk, value.clone());
                    }
                }
                (_, None) => {
                    let value = op.value.clone().ok_or_else(|| ScimError::invalid_value("the operation needs a value"))?;
                    for i in hits {
                        if kind == "replace" && !value.is_object() {
                            items[i] = value.clone();
                        } else {
                            add_into(&mut items[i], value.clone());
                        }
                    }
                }
            }
            Ok(())
        }
    }
}

fn p_to_string(p: &AttrPath) -> String {
    let base = match &p.urn {
        Some(u) => format!("{u}:{}", p.attr),
        None => p.attr.clone(),
    };
    match &p.sub {
        Some(s) => format!("{base}.{s}"),
        None => base,
    }
}

/// Two multi-valued elements are the same when their `value`s are (or they are equal outright).
fn same_value(a: &Value, b: &Value) -> bool {
    match (get_ci(a, "value"), get_ci(b, "value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Applies every operation in order; the first failure stops the request (nothing is stored).
pub fn apply(resource: &mut Value, ops: &[PatchOperation]) -> Result<(), ScimError> {
    if ops.is_empty() {
        return Err(ScimError::invalid_value("a PatchOp request needs at least one operation"));
    }
    for op in ops {
        apply_one(resource, op)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn op(op: &str, path: Option<&str>, value: Option<Value>) -> PatchOperation {
        PatchOperation { op: op.into(), path: path.map(String::from), value }
    }

    #[test]
    fn add_replace_remove() {
        let mut g = json!({"displayName": "devs", "members": [{"value": "a"}]});
        apply(&mut g, &[op("add", Some("members"), Some(json!([{"value": "b"}, {"value": "a"}])))]).unwrap();
        assert_eq!(g["members"], json!([{"value": "a"}, {"value": "b"}]));
        apply(&mut g, &[op("remove", Some(r#"members[value eq "a"]"#), None)]).unwrap();
        assert_eq!(g["members"], json!([{"value": "b"}]));
        apply(&mut g, &[op("Replace", None, Some(json!({"displayName": "ops"})))]).unwrap();
        assert_eq!(g["displayName"], "ops");
        apply(&mut g, &[op("remove", Some("members"), Some(json!([{"value": "b"}])))]).unwrap();
        assert_eq!(g["members"], json!([]));
        apply(&mut g, &[op("remove", Some("members"), None)]).unwrap();
        assert!(g.get("members").is_none());

        let mut u = json!({"userName": "x", "emails": [{"value": "a@x", "type": "work"}], "active": true});
        apply(&mut u, &[op("replace", Some(r#"emails[type eq "work"].value"#), Some(json!("b@x")))]).unwrap();
        assert_eq!(u["emails"][0]["value"], "b@x");
        apply(&mut u, &[op("replace", Some("name.givenName"), Some(json!("Ann")))]).unwrap();
        assert_eq!(u["name"]["givenName"], "Ann");
        apply(&mut u, &[op("replace", Some("ACTIVE"), Some(json!(false)))]).unwrap();
        assert_eq!(u["active"], false);
        let e = apply(&mut u, &[op("replace", Some(r#"emails[type eq "home"].value"#), Some(json!("c@x")))]).unwrap_err();
        assert_eq!(e.scim_type.as_deref(), Some("noTarget"));
        assert!(apply(&mut u, &[op("remove", None, None)]).is_err());
        assert!(apply(&mut u, &[op("frobnicate", Some("active"), None)]).is_err());
        assert_eq!(apply(&mut u, &[op("add", Some("a b["), None)]).unwrap_err().scim_type.as_deref(), Some("invalidPath"));
    }
}
