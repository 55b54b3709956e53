//! GitHub login rules (Coder's `userOAuth2Github`): organization and team membership, the
//! primary verified email, the username from the GitHub login. The edge fetches what GitHub
//! says; this module decides, in Coder's order.

use super::claims::username_from;
use super::login::{page, LoginSession, Profile, Refusal, Signups};
use super::LinkClaims;
use crate::app::App;
use crate::error::Error;
use crate::user::LoginType;

/// `CODER_OAUTH2_GITHUB_*`, the parts the rules read.
#[derive(Debug, Clone, Default)]
pub struct GithubSettings {
    /// `CODER_OAUTH2_GITHUB_ALLOW_SIGNUPS`.
    pub allow_signups: bool,
    /// `CODER_OAUTH2_GITHUB_ALLOW_EVERYONE`.
    pub allow_everyone: bool,
    /// `CODER_OAUTH2_GITHUB_ALLOWED_ORGS`.
    pub allowed_orgs: Vec<String>,
    /// `CODER_OAUTH2_GITHUB_ALLOWED_TEAMS`: `(organization, team slug)`.
    pub allowed_teams: Vec<(String, String)>,
    /// `CODER_OAUTH2_GITHUB_DEVICE_FLOW`.
    pub device_flow: bool,
}

impl GithubSettings {
    /// Coder's start-up checks.
    pub fn validate(&self) -> Result<(), String> {
        if self.allow_everyone && (!self.allowed_orgs.is_empty() || !self.allowed_teams.is_empty()) {
            return Err("CODER_OAUTH2_GITHUB_ALLOW_EVERYONE cannot be used with allowed organizations or teams".into());
        }
        if !self.allow_everyone && self.allowed_orgs.is_empty() {
            return Err("allowed orgs is empty: must specify at least one org or allow everyone".into());
        }
        Ok(())
    }
}

/// Parses `org/team-slug`.
pub fn parse_team(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('/') {
        Some((org, team)) if !org.is_empty() && !team.is_empty() && !team.contains('/') => Ok((org.to_string(), team.to_string())),
        _ => Err(format!("invalid team format {raw:?}: expected org/team-slug")),
    }
}

/// An email of a GitHub account.
#[derive(Debug, Clone)]
pub struct GithubEmail {
    /// The address.
    pub email: String,
    /// The account's primary address.
    pub primary: bool,
    /// Verified by GitHub.
    pub verified: bool,
}

/// What GitHub said about the person signing in.
#[derive(Debug, Clone)]
pub struct GithubIdentity {
    /// The numeric user id (the link).
    pub id: i64,
    /// The GitHub login.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Avatar URL.
    pub avatar_url: String,
    /// The account's emails.
    pub emails: Vec<GithubEmail>,
    /// Organizations the user is an active member of (their logins).
    pub active_orgs: Vec<String>,
    /// Membership of each allowed team that was looked up.
    pub teams: Vec<((String, String), bool)>,
}

/// Teams worth looking up: the allowed teams in the allowed organizations the user is in.
pub fn teams_to_check(settings: &GithubSettings, active_orgs: &[String]) -> Vec<(String, String)> {
    settings.allowed_teams.iter().filter(|(org, _)| active_orgs.contains(org)).cloned().collect()
}

/// The organizations that admit the user (none admits when the list is empty and everyone is
/// allowed: then nothing is checked).
pub fn admitted_orgs(settings: &GithubSettings, active_orgs: &[String]) -> Vec<String> {
    active_orgs.iter().filter(|o| settings.allowed_orgs.contains(o)).cloned().collect()
}

impl App {
    /// Signs in a GitHub identity; `device` words refusals as JSON (no browser to show a page).
    pub fn github_login(&self, id: GithubIdentity, device: bool) -> Result<LoginSession, Refusal> {
        let settings = self.settings.github.clone().ok_or_else(|| Error::bad_request("The oauth2 method requested is not configured!"))?;
        let refuse = |text: String| {
            if device {
                Refusal::Api(Error::unauthorized("Unauthorized").with_detail(text))
            } else {
                page(401, "Unauthorized", text)
            }
        };
        if !settings.allow_everyone {
            let orgs = admitted_orgs(&settings, &id.active_orgs);
            if orgs.is_empty() {
                return Err(refuse("You aren't a member of the authorized Github organizations!".into()));
            }
            if !settings.allowed_teams.is_empty() && !id.teams.iter().any(|(_, member)| *member) {
                return Err(refuse(format!("You aren't a member of an authorized team in the {orgs:?} Github organization(s)!")));
            }
        }
        let email = id
            .emails
            .iter()
            .find(|e| e.primary && e.verified)
            .map(|e| e.email.clone())
            .ok_or_else(|| Error::bad_request("Your primary email must be verified on GitHub!"))?;
        if id.id == 0 {
            return Err(Error::internal("Failed to process OAuth login.", "GitHub returned user id 0").into());
        }
        let mut name = id.name.trim().to_string();
        while name.len() > 128 {
            name.pop();
        }
        let p = Profile { email, username: username_from(&id.login.replace('_', "-")), name, avatar_url: id.avatar_url.clone() };
        let signups = Signups {
            allowed: settings.allow_signups,
            disabled_text: self.settings.oidc.as_ref().map(|o| o.signups_disabled_text.clone()).unwrap_or_default(),
        };
        self.external_login(LoginType::Github, &id.id.to_string(), &p, LinkClaims::default(), &signups, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_and_teams() {
        assert!(GithubSettings { allow_everyone: true, allowed_orgs: vec!["a".into()], ..Default::default() }.validate().is_err());
        assert!(GithubSettings::default().validate().is_err());
        assert!(GithubSettings { allowed_orgs: vec!["a".into()], ..Default::default() }.validate().is_ok());
        assert_eq!(parse_team("acme/devs"), Ok(("acme".into(), "devs".into())));
        assert!(parse_team("acme").is_err());
        let s = GithubSettings {
            allowed_orgs: vec!["acme".into()],
            allowed_teams: vec![("acme".into(), "devs".into()), ("other".into(), "x".into())],
            ..Default::default()
        };
        assert_eq!(teams_to_check(&s, &["acme".into()]), vec![("acme".to_string(), "devs".to_string())]);
        assert_eq!(admitted_orgs(&s, &["acme".into(), "zzz".into()]), vec!["acme".to_string()]);
    }
}
