//! The JSON documents SCIM serves: users, groups, and the discovery documents
//! (ServiceProviderConfig, Schemas, ResourceTypes), plus attribute projection.

use serde_json::{json, Map, Value};

use super::filter::{get_ci, parse_attr_path};
use super::{ListPage, GROUP_SCHEMA, LIST_SCHEMA, MAX_RESULTS, USER_SCHEMA};

/// A list response.
pub fn list_response(page: ListPage) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": page.total,
        "startIndex": page.start_index,
        "itemsPerPage": page.resources.len(),
        "Resources": page.resources,
    })
}

/// Keeps only `attributes` (plus `id` and `schemas`), or drops `excluded` (never `id`), as
/// RFC 7644 §3.9 asks.
pub fn project(resource: Value, attributes: &[String], excluded: &[String]) -> Value {
    let Value::Object(mut obj) = resource else { return resource };
    if !attributes.is_empty() {
        let mut out = Map::new();
        for (k, v) in &obj {
            if k == "id" || k == "schemas" {
                out.insert(k.clone(), v.clone());
            }
        }
        for a in attributes {
            let Ok(p) = parse_attr_path(a) else { continue };
            let Some((k, v)) = obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(&p.attr)) else { continue };
            match (&p.sub, v) {
                (None, _) => {
                    out.insert(k.clone(), v.clone());
                }
                (Some(sub), Value::Object(inner)) => {
                    if let Some((sk, sv)) = inner.iter().find(|(sk, _)| sk.eq_ignore_ascii_case(sub)) {
                        let entry = out.entry(k.clone()).or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(e) = entry {
                            e.insert(sk.clone(), sv.clone());
                        }
                    }
                }
                (Some(sub), Value::Array(items)) => {
                    let picked: Vec<Value> =
                        items.iter().filter_map(|i| get_ci(i, sub).map(|sv| json!({ sub.clone(): sv.clone() }))).collect();
                    out.insert(k.clone(), Value::Array(picked));
                }
                _ => {}
            }
        }
        return Value::Object(out);
    }
    for e in excluded {
        let Ok(p) = parse_attr_path(e) else { continue };
        if p.attr.eq_ignore_ascii_case("id") || p.attr.eq_ignore_ascii_case("schemas") {
            continue;
        }
        let Some(k) = obj.keys().find(|k| k.eq_ignore_ascii_case(&p.attr)).cloned() else { continue };
        match &p.sub {
            None => {
                obj.remove(&k);
            }
            Some(sub) => match obj.get_mut(&k) {
                Some(Value::Object(inner)) => inner.retain(|sk, _| !sk.eq_ignore_ascii_case(sub)),
                Some(Value::Array(items)) => {
                    for i in items {
                        if let Value::Object(inner) = i {
                            inner.retain(|sk, _| !sk.eq_ignore_ascii_case(sub));
                        }
                    }
                }
                _ => {}
            },
        }
    }
    Value::Object(obj)
}

fn attr(name: &str, ty: &str, multi: bool, required: bool, mutability: &str, uniqueness: &str, description: &str) -> Value {
    json!({
        "name": name, "type": ty, "multiValued": multi, "description": description, "required": required,
        "caseExact": false, "mutability": mutability, "returned": "default", "uniqueness": uniqueness,
    })
}

fn complex(name: &str, multi: bool, description: &str, subs: Vec<Value>) -> Value {
    let mut a = attr(name, "complex", multi, false, "readWrite", "none", description);
    a["subAttributes"] = Value::Array(subs);
    a
}

fn s(name: &str, description: &str) -> Value {
    attr(name, "string", false, false, "readWrite", "none", description)
}

fn multi_subs(value_type: &str) -> Vec<Value> {
    vec![
        attr("value", value_type, false, false, "readWrite", "none", "The value."),
        s("display", "A human-readable name."),
        {
            let mut t = s("type", "A label (work, home, other).");
            t["canonicalValues"] = json!(["work", "home", "other"]);
            t
        },
        attr("primary", "boolean", false, false, "readWrite", "none", "The primary value."),
    ]
}

/// The schemas this server serves (RFC 7643 §7), with `meta`.
pub fn schemas(base: &str) -> Vec<Value> {
    let user_attrs = vec![
        attr(
            "userName",
            "string",
            false,
            true,
            "readWrite",
            "server",
            "Unique identifier for the user, kept exactly as sent; the Coder username is derived from it.",
        ),
        complex(
            "name",
            false,
            "The components of the user's name.",
            vec![
                s("formatted", "The full name."),
                s("familyName", "The family name."),
                s("givenName", "The given name."),
                s("middleName", "The middle name(s)."),
                s("honorificPrefix", "The honorific prefix."),
                s("honorificSuffix", "The honorific suffix."),
            ],
        ),
        s("displayName", "The name shown for the user."),
        s("nickName", "The casual name."),
        attr("profileUrl", "reference", false, false, "readWrite", "none", "A URL of the user's profile."),
        s("title", "The user's title."),
        s("userType", "The relationship to the organization."),
        s("preferredLanguage", "Preferred language."),
        s("locale", "Locale."),
        s("timezone", "Time zone (IANA)."),
        attr("active", "boolean", false, false, "readWrite", "none", "false suspends the Coder user; true lets them sign in again."),
        complex("emails", true, "Email addresses; the primary one is the Coder user's email.", multi_subs("string")),
        complex("phoneNumbers", true, "Phone numbers.", multi_subs("string")),
    ];
    let group_attrs = vec![
        attr("displayName", "string", false, true, "readWrite", "server", "The group's name; the Coder group name is derived from it."),
        {
            let mut m = complex(
                "members",
                true,
                "The users in the group.",
                vec![
                    attr("value", "string", false, false, "immutable", "none", "The user's id."),
                    attr("$ref", "reference", false, false, "immutable", "none", "The user's URI."),
                    attr("display", "string", false, false, "readOnly", "none", "The user's username."),
                    attr("type", "string", false, false, "immutable", "none", "User."),
                ],
            );
            m["subAttributes"][1]["referenceTypes"] = json!(["User"]);
            m
        },
    ];
    vec![
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": USER_SCHEMA, "name": "User", "description": "User Account",
               "attributes": user_attrs, "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{USER_SCHEMA}")}}),
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": GROUP_SCHEMA, "name": "Group", "description": "Group",
               "attributes": group_attrs, "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{GROUP_SCHEMA}")}}),
    ]
}

/// The resource types this server serves (RFC 7643 §6).
pub fn resource_types(base: &str) -> Vec<Value> {
    vec![
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "User", "name": "User", "endpoint": "/Users",
               "description": "User Account", "schema": USER_SCHEMA, "schemaExtensions": [],
               "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")}}),
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "Group", "name": "Group", "endpoint": "/Groups",
               "description": "Group", "schema": GROUP_SCHEMA, "schemaExtensions": [],
               "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group")}}),
    ]
}

/// What this server supports, truthfully (RFC 7643 §5).
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://coder.com/docs/admin/users/oidc-auth#scim",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "HTTP Header Authentication",
            "description": "Authentication scheme using the Authorization header with the shared token",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "documentationUri": "https://coder.com/docs/admin/users/oidc-auth#scim",
            "primary": true,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection() {
        let r = json!({"id": "1", "schemas": ["x"], "userName": "a", "name": {"givenName": "A", "familyName": "B"}, "emails": [{"value": "e", "type": "work"}]});
        let p = project(r.clone(), &["userName".into(), "name.givenName".into(), "emails.value".into()], &[]);
        assert_eq!(p, json!({"id": "1", "schemas": ["x"], "userName": "a", "name": {"givenName": "A"}, "emails": [{"value": "e"}]}));
        let p = project(r, &[], &["name".into(), "id".into(), "emails.type".into()]);
        assert_eq!(p, json!({"id": "1", "schemas": ["x"], "userName": "a", "emails": [{"value": "e"}]}));
    }
}
