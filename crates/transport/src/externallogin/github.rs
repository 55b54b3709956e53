//! The GitHub OAuth client: the web flow (with PKCE S256) and the device flow, and the REST calls
//! the login rules need (user, emails, organization and team memberships). GitHub Enterprise,
//! or any stand-in, through `CODER_OAUTH2_GITHUB_ENTERPRISE_BASE_URL`.

use domain::externallogin::github::{teams_to_check, GithubEmail, GithubIdentity, GithubSettings};
use domain::Error;
use openidconnect::PkceCodeChallenge;
use serde::Deserialize;
use serde_json::Value;

use super::oidc::http_agent;

/// What GitHub login needs to reach GitHub.
#[derive(Debug, Clone)]
pub struct GithubClientConfig {
    /// `CODER_OAUTH2_GITHUB_CLIENT_ID`.
    pub client_id: String,
    /// `CODER_OAUTH2_GITHUB_CLIENT_SECRET`.
    pub client_secret: String,
    /// `<access URL>/api/v2/users/oauth2/github/callback`.
    pub redirect_url: String,
    /// `CODER_OAUTH2_GITHUB_ENTERPRISE_BASE_URL`, or empty for github.com.
    pub enterprise_base_url: String,
    /// `CODER_OAUTH2_GITHUB_DEVICE_FLOW`.
    pub device_flow: bool,
}

/// A configured GitHub.
pub struct GithubProvider {
    agent: ureq::Agent,
    config: GithubClientConfig,
    web: String,
    api: String,
}

/// The start of a web flow.
#[derive(Debug, Clone)]
pub struct GithubStart {
    /// Where to send the browser.
    pub url: String,
    /// The PKCE verifier to keep in a cookie.
    pub pkce_verifier: String,
}

/// Coder's `codersdk.ExternalAuthDevice`, as GitHub answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct DeviceAuth {
    /// Polled for the token.
    pub device_code: String,
    /// Shown to the person.
    pub user_code: String,
    /// Where they type it.
    pub verification_uri: String,
    /// Seconds the codes live.
    pub expires_in: i64,
    /// Seconds between polls.
    pub interval: i64,
}

fn get_json(agent: &ureq::Agent, url: &str, token: &str) -> Result<(u16, Value), String> {
    let mut resp = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "application/vnd.github+json")
        .call()
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let v = resp.body_mut().read_json().unwrap_or(Value::Null);
    Ok((status, v))
}

impl GithubProvider {
    /// A provider for this configuration.
    pub fn new(config: GithubClientConfig) -> Self {
        let base = config.enterprise_base_url.trim_end_matches('/').to_string();
        let (web, api) = if base.is_empty() {
            ("https://github.com".to_string(), "https://api.github.com".to_string())
        } else {
            (base.clone(), format!("{base}/api/v3"))
        };
        Self { agent: http_agent(), config, web, api }
    }

    /// Whether logins go through the device flow.
    pub fn device_flow(&self) -> bool {
        self.config.device_flow
    }

    /// The authorization URL of a web flow.
    pub fn start(&self, state: &str) -> GithubStart {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_url)
            .append_pair("response_type", "code")
            .append_pair("scope", "read:user read:org user:email")
            .append_pair("state", state)
            .append_pair("access_type", "offline")
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256")
            .finish();
        GithubStart { url: format!("{}/login/oauth/authorize?{query}", self.web), pkce_verifier: verifier.secret().clone() }
    }

    fn token_request(&self, form: &[(&str, &str)]) -> Result<String, Error> {
        let url = format!("{}/login/oauth/access_token", self.web);
        let mut resp = self
            .agent
            .post(&url)
            .header("Accept", "application/json")
            .send_form(form.iter().copied())
            .map_err(|e| Error::internal("Failed exchanging Oauth code.", e.to_string()))?;
        let v: Value = resp.body_mut().read_json().map_err(|e| Error::internal("Failed exchanging Oauth code.", e.to_string()))?;
        if let Some(error) = v["error"].as_str() {
            if error == "authorization_pending" {
                return Err(Error::bad_request("Failed exchanging Oauth code.").with_detail("authorization_pending"));
            }
            return Err(Error::internal("Failed exchanging Oauth code.", error.to_string()));
        }
        v["access_token"].as_str().map(str::to_string).ok_or_else(|| Error::internal("Failed exchanging Oauth code.", "no access_token"))
    }

    /// Exchanges a web flow's code.
    pub fn exchange_code(&self, code: &str, verifier: &str) -> Result<String, Error> {
        self.token_request(&[
            ("client_id", &self.config.client_id),
            ("client_secret", &self.config.client_secret),
            ("code", code),
            ("redirect_uri", &self.config.redirect_url),
            ("grant_type", "authorization_code"),
            ("code_verifier", verifier),
        ])
    }

    /// Polls a device flow: `authorization_pending` (400) until the person approves.
    pub fn exchange_device(&self, device_code: &str) -> Result<String, Error> {
        self.token_request(&[
            ("client_id", &self.config.client_id),
            ("device_code", device_code),
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ])
    }

    /// Starts a device flow.
    pub fn device_code(&self) -> Result<DeviceAuth, Error> {
        let fail = |d: String| Error::internal("Failed to authorize device.", d);
        let mut resp = self
            .agent
            .post(&format!("{}/login/device/code", self.web))
            .header("Accept", "application/json")
            .send_form([("client_id", self.config.client_id.as_str()), ("scope", "read:user read:org user:email")])
            .map_err(|e| fail(e.to_string()))?;
        if resp.status().as_u16() == 429 {
            return Err(fail("rate limit hit, unable to authorize device. please try again later".into()));
        }
        resp.body_mut().read_json().map_err(|e| fail(e.to_string()))
    }

    /// Everything the login rules need, fetched with the user's token in Coder's order.
    pub fn identity(&self, token: &str, settings: &GithubSettings) -> Result<GithubIdentity, Error> {
        let api = |path: &str| get_json(&self.agent, &format!("{}{path}", self.api), token);
        let mut active_orgs = Vec::new();
        if !settings.allow_everyone {
            let (_, v) = api("/user/memberships/orgs?state=active&per_page=100")
                .map_err(|e| Error::internal("Internal error fetching Github organizations.", e))?;
            for m in v.as_array().into_iter().flatten() {
                if m["state"] == "active" {
                    if let Some(login) = m["organization"]["login"].as_str() {
                        active_orgs.push(login.to_string());
                    }
                }
            }
        }
        let (status, user) = api("/user").map_err(|e| Error::internal("Internal error fetching authenticated Github user.", e))?;
        if status != 200 {
            return Err(Error::internal("Internal error fetching authenticated Github user.", format!("status {status}")));
        }
        let login = user["login"].as_str().unwrap_or_default().to_string();
        let mut teams = Vec::new();
        for (org, slug) in teams_to_check(settings, &active_orgs) {
            let (status, v) = api(&format!("/orgs/{org}/teams/{slug}/memberships/{login}"))
                .map_err(|e| Error::internal("Failed to get team membership.", e))?;
            teams.push(((org, slug), status == 200 && v["state"] == "active"));
        }
        let (_, emails) = api("/user/emails").map_err(|e| Error::internal("Internal error fetching personal Github user.", e))?;
        let emails = emails
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| GithubEmail {
                email: e["email"].as_str().unwrap_or_default().to_string(),
                primary: e["primary"].as_bool().unwrap_or(false),
                verified: e["verified"].as_bool().unwrap_or(false),
            })
            .collect();
        Ok(GithubIdentity {
            id: user["id"].as_i64().unwrap_or(0),
            login,
            name: user["name"].as_str().unwrap_or_default().to_string(),
            avatar_url: user["avatar_url"].as_str().unwrap_or_default().to_string(),
            emails,
            active_orgs,
            teams,
        })
    }
}
