//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

/// Adds the `Coder-Session-Token` security scheme that authenticated operations reference.
struct SessionTokenScheme;

impl Modify for SessionTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "CoderSessionToken",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Coder-Session-Token",
                "An API key `<id>-<secret>` from login or a token. Also accepted as the `coder_session_token` cookie or query parameter, or as `Authorization: Bearer`.",
            ))),
        );
        components.add_security_scheme(
            "Authorization",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "The SCIM key (`CODER_SCIM_AUTH_HEADER`), raw or as `Bearer <key>`.",
            ))),
        );
        components.add_security_scheme(
            "RegistrationAccessToken",
            SecurityScheme::Http(
                utoipa::openapi::security::HttpBuilder::new()
                    .scheme(utoipa::openapi::security::HttpAuthScheme::Bearer)
                    .description(Some("The registration access token `POST /oauth2/register` returned (RFC 7592)."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "CoderProvisionerKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Coder-Provisioner-Daemon-Key",
                "A provisioner key (43 characters), shown once when an organization admin creates it.",
            ))),
        );
        components.add_security_scheme(
            "CoderProvisionerPSK",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Coder-Provisioner-Daemon-PSK",
                "The deployment's pre-shared daemon key (`CODER_PROVISIONER_DAEMON_PSK`), for daemons of the default organization.",
            ))),
        );
        components.add_security_scheme(
            "CoderExternalProxyToken",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Coder-External-Proxy-Token",
                "A workspace proxy's token `<proxy id>:<secret>`, shown when the proxy is created or its token regenerated.",
            ))),
        );
    }
}

/// Lifts the description utoipa puts on the `$ref` inside an optional property's
/// `oneOf: [$ref, null]` onto the property itself, where documentation tools look for it.
struct OptionalRefDescriptions;

fn lift_descriptions(schema: &mut utoipa::openapi::Schema) {
    use utoipa::openapi::{RefOr, Schema};
    match schema {
        Schema::Object(obj) => {
            for prop in obj.properties.values_mut() {
                if let RefOr::T(Schema::OneOf(one)) = prop {
                    if one.description.is_none() {
                        one.description = one.items.iter().find_map(|i| match i {
                            RefOr::Ref(r) if !r.description.is_empty() => Some(r.description.clone()),
                            _ => None,
                        });
                    }
                }
            }
        }
        Schema::AllOf(all) => {
            for item in all.items.iter_mut() {
                if let RefOr::T(s) = item {
                    lift_descriptions(s);
                }
            }
        }
        _ => {}
    }
}

impl Modify for OptionalRefDescriptions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else { return };
        for schema in components.schemas.values_mut() {
            if let utoipa::openapi::RefOr::T(s) = schema {
                lift_descriptions(s);
            }
        }
    }
}

/// Declares, on every operation that takes a session token, the 401 a missing, unknown or
/// expired one gets: one shared response instead of a copy in every handler's annotation.
/// Operations that declare their own 401 keep it.
struct SignedOutResponses;

impl Modify for SignedOutResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        for item in openapi.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
                let names: Vec<serde_json::Value> = op.security.iter().flatten().filter_map(|req| serde_json::to_value(req).ok()).collect();
                let session = names.iter().any(|v| v.as_object().is_some_and(|o| o.contains_key("CoderSessionToken")));
                // Where signing in is optional (an empty requirement), a missing session is no 401.
                let optional = names.iter().any(|v| v.as_object().is_some_and(|o| o.is_empty()));
                if !session || optional {
                    continue;
                }
                op.responses.responses.entry("401".to_string()).or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description("Not signed in")
                            .content(
                                "application/json",
                                ContentBuilder::new().schema(Some(Ref::from_schema_name("codersdk.Response"))).build(),
                            )
                            .build(),
                    )
                });
            }
        }
    }
}

/// Declares the 429 that the rate limits (see [`crate::ratelimit`]) can answer on every
/// operation they cover, in one place rather than on each handler.
struct RateLimitResponses;

impl Modify for RateLimitResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let limited = |path: &str| path.starts_with("/api/v2/") || path.starts_with("/oauth2/") || path.starts_with("/scim/");
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !limited(path) {
                continue;
            }
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
                op.responses.responses.entry("429".to_string()).or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description("Rate limited: too many requests in the last minute (`Retry-After` says when to retry)")
                            .content(
                                "application/json",
                                ContentBuilder::new().schema(Some(Ref::from_schema_name("codersdk.Response"))).build(),
                            )
                            .build(),
                    )
                });
            }
        }
    }
}

/// The document's root: info, every path and the security scheme.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Coder API",
        version = "2.0",
        description = "Coderd is the service created by running coder server. It is a thin API that connects workspaces, provisioners and users. This implementation serves Coder's Users and Enterprise APIs.",
        license(name = "AGPL-3.0", identifier = "AGPL-3.0-only"),
    ),
    paths(
        routes::meta::healthz,
        routes::meta::build_info,
        routes::meta::api_root,
        routes::deployment::experiments,
        routes::deployment::available_experiments,
        routes::deployment::update_check,
        routes::deployment::csp_reports,
        routes::deployment::deployment_stats,
        routes::deployment::deployment_config,
        routes::deployment::deployment_daus,
        routes::notifications::custom_templates,
        routes::notifications::user_preferences,
        routes::notifications::put_user_preferences,
        routes::deployment::user_status_counts,
        routes::debug::health,
        routes::debug::health_settings,
        routes::debug::put_health_settings,
        routes::debug::echo,
        routes::templates::template_examples,
        routes::templates::org_template_examples,
        routes::inbox::list,
        routes::inbox::watch_inbox,
        routes::inbox::read_status,
        routes::inbox::mark_all_read,
        routes::session::check_first_user,
        routes::session::create_first_user,
        routes::session::login,
        routes::session::logout,
        routes::authcheck::check_authorization,
        routes::users::list_users,
        routes::users::create_user,
        routes::users::validate_password,
        routes::users::auth_methods,
        routes::users::site_roles,
        routes::users::get_user,
        routes::users::delete_user,
        routes::users::update_profile,
        routes::users::update_password,
        routes::users::activate_user,
        routes::users::suspend_user,
        routes::users::get_user_roles,
        routes::users::put_user_roles,
        routes::users::login_type,
        routes::users::user_organizations,
        routes::users::user_organization_by_name,
        routes::keys::create_session_key,
        routes::keys::list_tokens,
        routes::keys::create_token,
        routes::keys::token_config,
        routes::keys::token_by_name,
        routes::keys::get_key,
        routes::keys::delete_key,
        routes::keys::expire_key,
        routes::personal::get_appearance,
        routes::personal::put_appearance,
        routes::personal::get_preferences,
        routes::personal::put_preferences,
        routes::personal::get_gitsshkey,
        routes::personal::put_gitsshkey,
        routes::orgs::list_organizations,
        routes::orgs::create_organization,
        routes::orgs::get_organization,
        routes::orgs::patch_organization,
        routes::orgs::delete_organization,
        routes::orgs::member_roles,
        routes::orgs::list_members,
        routes::orgs::paginated_members,
        routes::orgs::add_member,
        routes::orgs::remove_member,
        routes::orgs::put_member_roles,
        routes::groups::list_groups,
        routes::groups::get_group,
        routes::groups::patch_group,
        routes::groups::delete_group,
        routes::groups::group_members,
        routes::groups::get_ai_budget,
        routes::groups::put_ai_budget,
        routes::groups::delete_ai_budget,
        routes::groups::org_groups,
        routes::groups::create_group,
        routes::groups::group_by_name,
        routes::groups::group_members_by_name,
        routes::groups::workspace_quota,
        routes::groups::workspace_quota_deprecated,
        routes::licensing::entitlements,
        routes::licensing::list_licenses,
        routes::licensing::add_license,
        routes::licensing::refresh_entitlements,
        routes::licensing::delete_license,
        routes::appearance::get_appearance,
        routes::appearance::put_appearance,
        routes::replicas::replicas,
        routes::notifications::system_templates,
        routes::notifications::dispatch_methods,
        routes::notifications::put_template_method,
        routes::workspace_sharing::get_sharing,
        routes::workspace_sharing::patch_sharing,
        routes::quiet_hours::get_quiet_hours,
        routes::quiet_hours::put_quiet_hours,
        routes::proxies::regions,
        routes::proxies::list_proxies,
        routes::proxies::create_proxy,
        routes::proxies::get_proxy,
        routes::proxies::patch_proxy,
        routes::proxies::delete_proxy,
        routes::proxies::register,
        routes::proxies::deregister,
        routes::idpsync::get_org_sync,
        routes::idpsync::available_fields,
        routes::idpsync::org_available_fields,
        routes::idpsync::field_values,
        routes::idpsync::org_field_values,
        routes::idpsync::patch_org_sync,
        routes::idpsync::patch_org_sync_config,
        routes::idpsync::patch_org_sync_mapping,
        routes::idpsync::get_group_sync,
        routes::idpsync::patch_group_sync,
        routes::idpsync::patch_group_sync_config,
        routes::idpsync::patch_group_sync_mapping,
        routes::idpsync::get_role_sync,
        routes::idpsync::patch_role_sync,
        routes::idpsync::patch_role_sync_config,
        routes::idpsync::patch_role_sync_mapping,
        routes::externallogin::oidc_callback,
        routes::externallogin::oidc_claims,
        routes::externallogin::github_callback,
        routes::externallogin::github_device,
        routes::oauth2::apps::list_apps,
        routes::oauth2::apps::create_app,
        routes::oauth2::apps::get_app,
        routes::oauth2::apps::update_app,
        routes::oauth2::apps::delete_app,
        routes::oauth2::apps::list_secrets,
        routes::oauth2::apps::create_secret,
        routes::oauth2::apps::delete_secret,
        routes::oauth2::authorize::show,
        routes::oauth2::authorize::decide,
        routes::oauth2::tokens::token,
        routes::oauth2::tokens::revoke,
        routes::oauth2::tokens::revoke_app,
        routes::oauth2::registration::register,
        routes::oauth2::registration::get_client,
        routes::oauth2::registration::put_client,
        routes::oauth2::registration::delete_client,
        routes::oauth2::metadata::authorization_server,
        routes::oauth2::metadata::protected_resource,
        routes::scim::service_provider_config_doc,
        routes::scim::schemas_doc,
        routes::scim::schema_doc,
        routes::scim::resource_types_doc,
        routes::scim::resource_type_doc,
        routes::scim::search_all,
        routes::scim::search_users,
        routes::scim::search_groups,
        routes::scim::list_users,
        routes::scim::create_user,
        routes::scim::get_user,
        routes::scim::replace_user,
        routes::scim::patch_user,
        routes::scim::delete_user,
        routes::scim::list_groups,
        routes::scim::create_group,
        routes::scim::get_group,
        routes::scim::replace_group,
        routes::scim::patch_group,
        routes::scim::delete_group,
        routes::provisioners::list_keys,
        routes::provisioners::create_key,
        routes::provisioners::key_daemons,
        routes::provisioners::delete_key,
        routes::provisioners::key_self,
        routes::provisioners::list_daemons,
        routes::provisioners::serve::serve,
        routes::templates::upload_file,
        routes::templates::get_file,
        routes::templates::create_version,
        routes::templates::get_version,
        routes::templates::version_logs,
        routes::templates::version_parameters,
        routes::templates::version_variables,
        routes::templates::version_external_auth,
        routes::dynamic_parameters::dynamic_parameters,
        routes::workspaces::page::build_by_number,
        routes::workspaces::page::build_parameters,
        routes::workspaces::page::build_timings,
        routes::workspaces::page::resolve_autostart,
        routes::workspaces::page::workspace_acl,
        routes::workspaces::page::watch_workspace,
        routes::templates::version_presets,
        routes::templates::version_resources,
        routes::templates::cancel_version,
        routes::templates::create_template,
        routes::templates::org_templates,
        routes::templates::org_template_by_name,
        routes::templates::all_templates,
        routes::templates::get_template,
        routes::templates::patch_template,
        routes::templates::delete_template,
        routes::templates::template_versions,
        routes::templates::set_active_version,
        routes::templates::template_version_by_name,
        routes::templates::template_acl,
        routes::templates::patch_template_acl,
        routes::templates::template_acl_available,
        routes::templates::invalidate_presets,
        routes::workspaces::create_user_workspace,
        routes::workspaces::create_member_workspace,
        routes::workspaces::list_workspaces,
        routes::workspaces::get_workspace,
        routes::workspaces::workspace_by_name,
        routes::workspaces::create_build,
        routes::workspaces::list_builds,
        routes::workspaces::get_build,
        routes::workspaces::build_logs,
        routes::workspaces::build_resources,
        routes::workspaces::get_agent,
        routes::workspaces::agentrpc::agent_rpc,
        routes::workspaces::connectionlog::connection_logs,
        routes::workspaces::autofill_parameters,
        routes::workspaces::external_agent_credentials,
        routes::workspaces::bootstrap::init_script,
        routes::workspaces::bootstrap::agent_binary,
    ),
    servers((url = "/", description = "This server")),
    modifiers(&SessionTokenScheme, &OptionalRefDescriptions, &SignedOutResponses, &RateLimitResponses),
    tags(
        (name = "General", description = "Deployment information and health."),
        (name = "Authorization", description = "Logging in."),
        (name = "Users", description = "User accounts, sessions, tokens and personal settings."),
        (name = "Members", description = "Roles and organization membership."),
        (name = "Organizations", description = "Organizations."),
        (name = "Enterprise", description = "Licenses and entitlements, groups, AI budgets, workspace quota, appearance, replicas, workspace proxies, workspace sharing and quiet hours."),
        (name = "Notifications", description = "Notification templates and how they are delivered."),
        (name = "Files", description = "Uploaded template sources."),
        (name = "Templates", description = "Templates, their versions and import jobs."),
        (name = "Provisioning", description = "Provisioner daemons."),
        (name = "Workspaces", description = "Workspaces."),
        (name = "Builds", description = "Workspace builds."),
        (name = "Agents", description = "Workspace agents."),
        (name = "InitScript", description = "Agent bootstrap scripts and binaries."),
        (name = "Insights", description = "How the deployment's users change over time."),
        (name = "Debug", description = "The deployment's health report."),
        (name = "WorkspaceProxies", description = "Where workspace connections go: this deployment and its workspace proxies."),
    ),
)]
pub struct ApiDoc;

/// The OpenAPI document as served and committed.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as pretty JSON with a trailing newline, byte-for-byte what `coderd openapi`
/// prints and what `openapi/openapi.json` holds.
pub fn document_json() -> String {
    let mut s = document().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
