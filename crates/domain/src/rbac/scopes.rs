//! API key scopes (`coderd/rbac/scopes.go`): each named scope is a site-level permission set;
//! a low-level `<type>:<action>` scope grants that one pair. Which of them clients may ask for
//! is Coder's `IsExternalScope`.

use super::model::{Action as A, Permission, ResourceType as R};

const fn p(resource: R, action: A) -> Permission {
    Permission::allow(resource, action)
}

const CODER_ALL: &[Permission] = &[p(R::Wildcard, A::Wildcard)];
const APP_CONNECT: &[Permission] = &[p(R::Workspace, A::ApplicationConnect)];
const WS_CREATE: &[Permission] = &[
    p(R::Template, A::Read),
    p(R::Template, A::Use),
    p(R::Workspace, A::Create),
    p(R::Workspace, A::Read),
    p(R::Workspace, A::Update),
    p(R::Workspace, A::Start),
    p(R::Workspace, A::Stop),
    p(R::OrganizationMember, A::Read),
];
const WS_OPERATE: &[Permission] = &[
    p(R::Template, A::Read),
    p(R::Workspace, A::Read),
    p(R::Workspace, A::Update),
    p(R::Workspace, A::Start),
    p(R::Workspace, A::Stop),
    p(R::OrganizationMember, A::Read),
];
const WS_DELETE: &[Permission] = &[
    p(R::Template, A::Read),
    p(R::Template, A::Use),
    p(R::Workspace, A::Read),
    p(R::Workspace, A::Delete),
    p(R::OrganizationMember, A::Read),
];
const WS_ACCESS: &[Permission] = &[
    p(R::Template, A::Read),
    p(R::Workspace, A::Read),
    p(R::Workspace, A::Ssh),
    p(R::Workspace, A::ApplicationConnect),
    p(R::OrganizationMember, A::Read),
];
const TPL_BUILD: &[Permission] = &[p(R::Template, A::Read), p(R::File, A::Create), p(R::File, A::Read), p(R::ProvisionerJobs, A::Read)];
const TPL_AUTHOR: &[Permission] = &[
    p(R::Template, A::Read),
    p(R::Template, A::Create),
    p(R::Template, A::Update),
    p(R::Template, A::Delete),
    p(R::Template, A::ViewInsights),
    p(R::File, A::Create),
    p(R::File, A::Read),
];
const KEYS_MANAGE_SELF: &[Permission] = &[p(R::ApiKey, A::Create), p(R::ApiKey, A::Read), p(R::ApiKey, A::Update), p(R::ApiKey, A::Delete)];

/// The site permissions of a named scope: exactly what Coder's bundle grants, never a whole
/// resource type. `None` for a name that is not a bundle.
pub fn scope_bundle(scope: &str) -> Option<&'static [Permission]> {
    Some(match scope {
        "all" | "coder:all" => CODER_ALL,
        "application_connect" | "coder:application_connect" => APP_CONNECT,
        "coder:workspaces.create" => WS_CREATE,
        "coder:workspaces.operate" => WS_OPERATE,
        "coder:workspaces.delete" => WS_DELETE,
        "coder:workspaces.access" => WS_ACCESS,
        "coder:templates.build" => TPL_BUILD,
        "coder:templates.author" => TPL_AUTHOR,
        "coder:apikeys.manage_self" => KEYS_MANAGE_SELF,
        _ => return None,
    })
}

/// The permissions of any scope name: a bundle's, or the one pair of `<type>:<action>` (either
/// may be `*`). An unknown name grants nothing.
pub fn scope_permissions(scope: &str) -> Vec<Permission> {
    if let Some(bundle) = scope_bundle(scope) {
        return bundle.to_vec();
    }
    match scope.split_once(':') {
        Some((res, act)) if res != "coder" => {
            let (res, act) = (R::parse(res), A::parse(act));
            if res == R::Unlisted || act == A::Unlisted {
                return Vec::new();
            }
            vec![p(res, act)]
        }
        _ => Vec::new(),
    }
}

/// API key scopes Coder lets clients ask for (`rbac.IsExternalScope`): the legacy `all` and
/// `application_connect`, the `coder:*` bundles, and `<resource>:<action>` scopes of the
/// resources a token may be limited to.
pub fn is_external_scope(scope: &str) -> bool {
    const LOW_LEVEL: &[&str] = &["workspace", "template", "api_key", "file", "user", "user_secret", "user_skill", "task", "organization"];
    if matches!(scope, "all" | "application_connect") {
        return true;
    }
    if !crate::vocab::API_KEY_SCOPES.contains(&scope) {
        return false;
    }
    if scope.starts_with("coder:") {
        return true;
    }
    scope.split_once(':').is_some_and(|(res, _)| LOW_LEVEL.contains(&res))
}
