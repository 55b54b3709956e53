//! `CODER_OIDC_*` → the login rules' settings and the discovered provider. A misconfiguration
//! stops start-up with one line that names the setting.

use std::collections::BTreeMap;

use domain::externallogin::github::{parse_team, GithubSettings};
use domain::externallogin::OidcSettings;
use transport::externallogin::github::{GithubClientConfig, GithubProvider};
use transport::externallogin::oidc::{OidcClientConfig, OidcProvider};

use crate::config::ServerArgs;

fn list(s: &str) -> Vec<String> {
    s.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
}

fn json<T: serde::de::DeserializeOwned>(name: &str, raw: &str) -> Result<T, String> {
    serde_json::from_str(if raw.trim().is_empty() { "{}" } else { raw })
        .map_err(|e| format!("{name}: not valid JSON of the expected shape: {e}"))
}

/// The login rules' settings, or `None` when no client id is configured.
pub fn settings(args: &ServerArgs) -> Result<Option<OidcSettings>, String> {
    if args.oidc_client_id.is_empty() {
        return Ok(None);
    }
    if args.oidc_issuer_url.is_empty() {
        return Err("CODER_OIDC_ISSUER_URL is required when CODER_OIDC_CLIENT_ID is set".into());
    }
    let scopes = list(&args.oidc_scopes);
    let mut group_field = args.oidc_group_field.clone();
    if group_field.is_empty() && scopes.iter().any(|s| s == "groups") {
        group_field = "groups".into();
    }
    let allowed_groups = list(&args.oidc_allowed_groups);
    if !allowed_groups.is_empty() && group_field.is_empty() {
        return Err("CODER_OIDC_ALLOWED_GROUPS needs CODER_OIDC_GROUP_FIELD".into());
    }
    let regex = (!args.oidc_group_regex_filter.is_empty()).then(|| args.oidc_group_regex_filter.clone());
    if let Some(r) = &regex {
        regex::Regex::new(r).map_err(|e| format!("CODER_OIDC_GROUP_REGEX_FILTER: {e}"))?;
    }
    let user_role_mapping: BTreeMap<String, Vec<String>> = json("CODER_OIDC_USER_ROLE_MAPPING", &args.oidc_user_role_mapping)?;
    Ok(Some(OidcSettings {
        allow_signups: args.oidc_allow_signups,
        email_domains: list(&args.oidc_email_domain),
        ignore_email_verified: args.oidc_ignore_email_verified,
        username_field: args.oidc_username_field.clone(),
        name_field: args.oidc_name_field.clone(),
        email_field: args.oidc_email_field.clone(),
        sign_in_text: args.oidc_sign_in_text.clone(),
        icon_url: args.oidc_icon_url.clone(),
        signups_disabled_text: args.oidc_signups_disabled_text.clone(),
        group_field,
        group_mapping: json("CODER_OIDC_GROUP_MAPPING", &args.oidc_group_mapping)?,
        group_auto_create: args.oidc_group_auto_create,
        group_regex_filter: regex,
        allowed_groups,
        user_role_field: args.oidc_user_role_field.clone(),
        user_role_mapping,
        user_role_default: list(&args.oidc_user_role_default),
        organization_field: args.oidc_organization_field.clone(),
        organization_mapping: json("CODER_OIDC_ORGANIZATION_MAPPING", &args.oidc_organization_mapping)?,
        organization_assign_default: args.oidc_organization_assign_default,
    }))
}

/// Discovers the provider, when OIDC is configured.
pub fn provider(args: &ServerArgs, access_url: &str) -> Result<Option<OidcProvider>, String> {
    if args.oidc_client_id.is_empty() {
        return Ok(None);
    }
    let params: BTreeMap<String, serde_json::Value> = json("CODER_OIDC_AUTH_URL_PARAMS", &args.oidc_auth_url_params)?;
    let auth_url_params = params.into_iter().map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect();
    OidcProvider::discover(OidcClientConfig {
        issuer_url: args.oidc_issuer_url.clone(),
        client_id: args.oidc_client_id.clone(),
        client_secret: args.oidc_client_secret.clone(),
        redirect_url: format!("{}/api/v2/users/oidc/callback", access_url.trim_end_matches('/')),
        scopes: list(&args.oidc_scopes),
        auth_url_params,
        ignore_userinfo: args.oidc_ignore_userinfo,
    })
    .map(Some)
}

/// GitHub login's rules, or `None` when no client id is configured.
pub fn github_settings(args: &ServerArgs) -> Result<Option<GithubSettings>, String> {
    if args.oauth2_github_client_id.is_empty() {
        return Ok(None);
    }
    let allowed_teams = list(&args.oauth2_github_allowed_teams).iter().map(|t| parse_team(t)).collect::<Result<Vec<_>, _>>()?;
    let settings = GithubSettings {
        allow_signups: args.oauth2_github_allow_signups,
        allow_everyone: args.oauth2_github_allow_everyone,
        allowed_orgs: list(&args.oauth2_github_allowed_orgs),
        allowed_teams,
        device_flow: args.oauth2_github_device_flow,
    };
    settings.validate()?;
    Ok(Some(settings))
}

/// The GitHub client, when GitHub login is configured.
pub fn github_provider(args: &ServerArgs, access_url: &str) -> Option<GithubProvider> {
    (!args.oauth2_github_client_id.is_empty()).then(|| {
        GithubProvider::new(GithubClientConfig {
            client_id: args.oauth2_github_client_id.clone(),
            client_secret: args.oauth2_github_client_secret.clone(),
            redirect_url: format!("{}/api/v2/users/oauth2/github/callback", access_url.trim_end_matches('/')),
            enterprise_base_url: args.oauth2_github_enterprise_base_url.clone(),
            device_flow: args.oauth2_github_device_flow,
        })
    })
}
