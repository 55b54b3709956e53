//! OAuth2 applications and client secrets.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Coder's `codersdk.OAuth2AppEndpoints`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2AppEndpoints)]
pub struct OAuth2AppEndpoints {
    /// The authorization endpoint.
    pub authorization: String,
    /// The token endpoint.
    pub token: String,
    /// The revocation endpoint.
    pub token_revoke: String,
    /// Device authorization (not offered: empty).
    pub device_authorization: String,
}

/// Coder's `codersdk.OAuth2ProviderApp`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProviderApp, example = json!({"id": "5b4e3c2a-1d0f-4e9b-8a7c-6b5d4e3f2a1b", "name": "grafana", "callback_url": "https://grafana.example.com/login/generic_oauth", "icon": "/icon/grafana.svg", "endpoints": {"authorization": "https://coder.example.com/oauth2/authorize", "token": "https://coder.example.com/oauth2/tokens", "token_revoke": "https://coder.example.com/oauth2/revoke", "device_authorization": ""}}))]
pub struct OAuth2ProviderApp {
    /// The client id.
    pub id: Uuid,
    /// Shown on the consent page.
    pub name: String,
    /// Where codes are sent.
    pub callback_url: String,
    /// Icon URL.
    pub icon: String,
    /// The endpoints a client uses (Coder's absolute paths on the access URL).
    pub endpoints: OAuth2AppEndpoints,
}

impl OAuth2ProviderApp {
    /// The wire form, with endpoints on `access_url`.
    pub fn new(a: &domain::oauth2::OAuth2App, access_url: &str) -> Self {
        // Coder resolves absolute paths against the access URL, so any path prefix is dropped.
        let origin = match access_url.find("://") {
            Some(i) => match access_url[i + 3..].find('/') {
                Some(j) => &access_url[..i + 3 + j],
                None => access_url,
            },
            None => access_url,
        };
        Self {
            id: a.id,
            name: a.name.clone(),
            callback_url: a.callback_url.clone(),
            icon: a.icon.clone(),
            endpoints: OAuth2AppEndpoints {
                authorization: format!("{origin}/oauth2/authorize"),
                token: format!("{origin}/oauth2/tokens"),
                token_revoke: format!("{origin}/oauth2/revoke"),
                device_authorization: String::new(),
            },
        }
    }
}

/// Coder's `codersdk.PostOAuth2ProviderAppRequest` (and `PutOAuth2ProviderAppRequest`, the same).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = codersdk::PostOAuth2ProviderAppRequest, example = json!({"name": "grafana", "callback_url": "https://grafana.example.com/login/generic_oauth", "icon": "/icon/grafana.svg"}))]
pub struct PostOAuth2ProviderAppRequest {
    /// 1–32 letters, digits and single hyphens.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(min_length = 1, max_length = 32, pattern = "^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$")]
    pub name: String,
    /// An http(s) URL.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(format = "uri")]
    pub callback_url: String,
    /// Icon URL.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    #[schema(max_length = 256)]
    pub icon: String,
}

/// Coder's `codersdk.OAuth2ProviderAppSecret`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProviderAppSecret, example = json!({"id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "last_used_at": null, "client_secret_truncated": "a1B2c3"}))]
pub struct OAuth2ProviderAppSecret {
    /// Identity.
    pub id: Uuid,
    /// Last used to authenticate.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// The last six characters.
    pub client_secret_truncated: String,
}

impl From<&domain::oauth2::OAuth2AppSecret> for OAuth2ProviderAppSecret {
    fn from(s: &domain::oauth2::OAuth2AppSecret) -> Self {
        Self { id: s.id, last_used_at: s.last_used_at, client_secret_truncated: s.display_secret.clone() }
    }
}

/// Coder's `codersdk.OAuth2ProviderAppSecretFull`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OAuth2ProviderAppSecretFull, example = json!({"id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "client_secret_full": "coder_Xk3Lm9Pq2R_a8Bc7De6Fg5Hi4Jk3Lm2No1Pq0Rs9Tu8Vw7Xy6Za5Bc4D"}))]
pub struct OAuth2ProviderAppSecretFull {
    /// Identity.
    pub id: Uuid,
    /// The whole secret, shown only now.
    pub client_secret_full: String,
}
