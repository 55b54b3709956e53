//! Coder's web dashboard, served as Coder's `site/site.go` serves it, from a directory holding
//! its build (`--site-dir` / `CODER_SITE_DIR`): static assets with Coder's cache rule, the
//! single-page fallback for every path that is not the API, Coder's security headers, and
//! `index.html` rendered per request with the metadata the dashboard reads instead of asking
//! (the signed-in user, entitlements, appearance, permissions, organizations, regions, the CSRF
//! token...). Without a directory, `/` shows a short page about this server.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::auth::SESSION_COOKIE;
use crate::csrf::CSRF_COOKIE;
use crate::html::escape;
use crate::state::State;

/// A dashboard build: where its files are, and its templates read once at start-up.
#[derive(Debug)]
pub struct Site {
    root: PathBuf,
    index: String,
    install_sh: Option<String>,
}

impl Site {
    /// Reads a build of the dashboard (`index.html` must be there).
    pub fn load(dir: &Path) -> Result<Self, String> {
        let root = dir.canonicalize().map_err(|e| format!("site directory {}: {e}", dir.display()))?;
        let index = std::fs::read_to_string(root.join("index.html")).map_err(|e| format!("{}/index.html: {e}", root.display()))?;
        let install_sh = std::fs::read_to_string(root.join("install.sh")).ok();
        Ok(Self { root, index, install_sh })
    }

    /// The file a request path names, if it is a regular file inside the build (no `..`, no
    /// hidden names, no directories, nothing reached through a link out of the build).
    fn file(&self, path: &str) -> Option<PathBuf> {
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
        let mut out = self.root.clone();
        for seg in decoded.split('/').filter(|s| !s.is_empty()) {
            if seg == "." || seg == ".." || seg.starts_with('.') || seg.contains('\\') || seg.contains('\0') {
                return None;
            }
            out.push(seg);
        }
        let real = out.canonicalize().ok()?;
        (real.starts_with(&self.root) && real.is_file()).then_some(real)
    }
}

/// Serves a path no API route took.
pub async fn serve(req: HttpRequest, state: web::Data<State>) -> HttpResponse {
    let Some(site) = state.site.clone() else {
        return landing(&req, &state);
    };
    let path = req.path().to_string();
    let rel = path.trim_start_matches('/');
    if rel.is_empty() || rel == "index.html" {
        return index(&req, &state, &site).await;
    }
    if rel == "install.sh" {
        return match &site.install_sh {
            Some(t) => with_site_headers(&req, &state, HttpResponse::Ok())
                .content_type("text/plain; charset=utf-8")
                .body(t.replace("{{ .Origin }}", &state.info.access_url).replace("{{ .Version }}", &state.info.version)),
            None => not_found(),
        };
    }
    let under_assets = rel.starts_with("assets/") || rel.starts_with("icon/");
    match site.file(rel) {
        // The other HTML files are Go templates Coder renders; the dashboard itself is
        // `index.html`, so they fall back to it rather than show their placeholders.
        Some(file) if file.extension().is_none_or(|e| e != "html") => static_file(&req, &state, &file),
        // A missing asset is a real 404 (never the dashboard), so a browser or a cache in a
        // rolling upgrade does not keep a page where a script should be.
        _ if under_assets => not_found(),
        _ => index(&req, &state, &site).await,
    }
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("404 page not found\n")
}

fn static_file(req: &HttpRequest, state: &State, file: &Path) -> HttpResponse {
    let Ok(body) = std::fs::read(file) else { return not_found() };
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let mut b = with_site_headers(req, state, HttpResponse::Ok());
    b.insert_header((header::CONTENT_TYPE, mime.essence_str().to_string() + if mime.type_() == "text" { "; charset=utf-8" } else { "" }));
    // Coder's rule: every file but HTML and the service worker is named by its content hash
    // (or never changes), so browsers keep it for a year.
    if !name.ends_with(".html") && !name.ends_with("worker.js") {
        b.insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"));
    }
    b.body(body)
}

/// Coder's headers on dashboard responses (`httpmw.CSPHeaders`, `site.go`).
fn with_site_headers(req: &HttpRequest, state: &State, mut b: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    let host = req.connection_info().host().to_string();
    let host = if host.is_empty() {
        url::Url::parse(&state.info.access_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default()
    } else {
        host
    };
    let csp = format!(
        "default-src 'self'; connect-src 'self' wss://{host} ws://{host}; child-src 'self'; script-src 'self'; \
         style-src 'self' 'unsafe-inline'; font-src 'self' data:; worker-src 'self' blob:; object-src 'self'; \
         manifest-src 'self' blob:; frame-src 'self'; img-src 'self' https: data: blob:; form-action 'self'; \
         media-src 'self'; report-uri /api/v2/csp/reports; frame-ancestors 'self'"
    );
    b.insert_header((header::CONTENT_SECURITY_POLICY, csp))
        .insert_header((
            header::HeaderName::from_static("permissions-policy"),
            "accelerometer=(), autoplay=(), battery=(), camera=(), document-domain=(), geolocation=(), gyroscope=(), \
             magnetometer=(), microphone=(self), midi=(), payment=(), usb=(), vr=(), screen-wake-lock=(), xr-spatial-tracking=()",
        ))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    b
}

/// JSON for a meta tag, HTML-escaped (Coder's `html.EscapeString` of the marshalled value).
fn meta_json<T: Serialize>(value: &T) -> String {
    escape(&serde_json::to_string(value).unwrap_or_default())
}

/// What a signed-in visitor's `index.html` carries.
#[derive(Default)]
struct SignedIn {
    user: String,
    entitlements: String,
    appearance: String,
    user_appearance: String,
    experiments: String,
    regions: String,
    permissions: String,
    organizations: String,
}

/// The metas of a signed-in visitor, each filled on its own (an empty one makes the dashboard
/// ask the API instead), as Coder fills them.
fn signed_in_metas(app: &domain::app::App, actor: &domain::app::Actor) -> SignedIn {
    let mut m = SignedIn::default();
    if let Ok(me) = app.me(actor) {
        m.user = meta_json(&crate::routes::users::user_json(&me));
    } else {
        return m;
    }
    m.entitlements = meta_json(&crate::dto::licensing::Entitlements::from(app.entitlements().as_ref()));
    if let Ok(a) = app.deployment_appearance() {
        m.appearance = meta_json(&crate::dto::appearance::AppearanceConfig::from(&a));
    }
    if let Ok(a) = app.appearance(actor, "me") {
        m.user_appearance = meta_json(&crate::dto::personal::UserAppearanceSettings::from(a));
    }
    m.experiments = meta_json(&crate::routes::deployment::enabled_experiments(&app.settings.experiments));
    if let Ok(regions) = app.regions(actor) {
        let list: Vec<crate::dto::proxies::WorkspaceProxy> = regions.iter().map(Into::into).collect();
        m.regions = meta_json(&serde_json::json!({ "regions": list }));
    }
    if let Ok(p) = app.dashboard_permissions(actor) {
        m.permissions = meta_json(&p);
    }
    if let Ok(orgs) = app.organizations_of_user(actor, "me") {
        m.organizations = meta_json(&orgs.iter().map(crate::dto::orgs::Organization::from).collect::<Vec<_>>());
    }
    m
}

/// `index.html`, rendered for this request.
async fn index(req: &HttpRequest, state: &web::Data<State>, site: &Site) -> HttpResponse {
    // The CSRF token the dashboard repeats in `X-CSRF-TOKEN`: the browser's cookie, or a new
    // one set on this response, so that the meta and the cookie always agree.
    let existing = req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() == 32);
    let csrf = existing.clone().unwrap_or_else(|| domain::secret::random_alphanumeric(32));
    let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()).filter(|t| !t.is_empty());
    let app = state.app.clone();
    let rendered = web::block(move || {
        let actor = token.and_then(|t| match app.authenticate_cached(&t) {
            Some(outcome) => outcome.ok(),
            None => app.authenticate(&t).ok(),
        });
        let metas = actor.as_ref().map(|a| signed_in_metas(&app, a)).unwrap_or_default();
        let appearance = app.deployment_appearance().ok();
        (metas, actor.is_some(), appearance)
    })
    .await;
    let (metas, signed_in, appearance) = rendered.unwrap_or_default();
    let app_name = appearance.as_ref().map(|a| a.application_name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| "Coder".into());
    let logo = appearance.as_ref().map(|a| a.logo_url.clone()).unwrap_or_default();
    let build_info = meta_json(&crate::routes::meta::build_info_body(&state.info));
    let values: BTreeMap<&str, String> = BTreeMap::from([
        ("{{ .ApplicationName }}", escape(&app_name)),
        ("{{ .CSRF.Token }}", csrf.clone()),
        ("{{ .BuildInfo }}", build_info),
        ("{{ .User }}", metas.user),
        ("{{ .Entitlements }}", metas.entitlements),
        ("{{ .Appearance }}", metas.appearance),
        ("{{ .UserAppearance }}", metas.user_appearance),
        ("{{ .Experiments }}", metas.experiments),
        ("{{ .Regions }}", metas.regions),
        ("{{ .DocsURL }}", state.app.settings.docs_url.clone()),
        ("{{ .LogoURL }}", escape(&logo)),
        // This server has no AI tasks: the tab (which polls `/api/v2/tasks`) stays hidden.
        ("{{ .TasksTabVisible }}", if signed_in { "false".into() } else { String::new() }),
        ("{{ .Permissions }}", metas.permissions),
        ("{{ .Organizations }}", metas.organizations),
    ]);
    let html = render(&site.index, &values);
    let mut b = with_site_headers(req, state, HttpResponse::Ok());
    b.content_type("text/html; charset=utf-8");
    if existing.is_none() {
        let cookie =
            Cookie::build(CSRF_COOKIE, csrf).path("/").http_only(true).same_site(SameSite::Lax).secure(state.info.secure_cookie).finish();
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            b.append_header((header::SET_COOKIE, v));
        }
    }
    b.body(html)
}

/// Fills the placeholders of Coder's `index.html` (each is a plain `{{ .Name }}`; any other
/// text is left as it is). One pass, so a value can never be read as a placeholder.
fn render(template: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(template.len() + 4096);
    let mut rest = template;
    while let Some(start) = rest.find("{{ .") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        match tail.find("}}").map(|end| &tail[..end + 2]) {
            Some(placeholder) => {
                // Unknown placeholders render empty, as Go's template renders a missing field
                // of a map.
                if let Some(v) = values.get(placeholder) {
                    out.push_str(v);
                }
                rest = &tail[placeholder.len()..];
            }
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `/` without a dashboard: what this server is, where to sign in and read the API, and how to
/// add Coder's dashboard.
fn landing(req: &HttpRequest, state: &State) -> HttpResponse {
    if req.path() != "/" {
        return HttpResponse::NotFound().json(crate::error::Response::message("Route not found."));
    }
    let body = format!(
        "<h1>Coder control plane</h1>\
         <p>This is <strong>coderd-rs</strong> {version}, a server for Coder's API: the Users API and the Enterprise API, \
         compatible with Coder's clients.</p>\
         <ul><li><a id=\"sign-in\" href=\"/login\">Sign in</a></li>\
         <li><a id=\"api-reference\" href=\"/swagger\">API reference</a> (the OpenAPI document is at <code>/openapi.json</code>)</li>\
         <li><a href=\"/api/v2/buildinfo\">Build information</a></li></ul>\
         <p>To use Coder's web dashboard with this server, build it with <code>scripts/build-dashboard.sh</code> \
         and start the server with <code>--site-dir</code> (or <code>CODER_SITE_DIR</code>) pointing at the build.</p>",
        version = escape(&state.info.version)
    );
    crate::html::respond(StatusCode::OK, "Coder", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once() {
        let values = BTreeMap::from([("{{ .User }}", "{{ .CSRF.Token }}".to_string()), ("{{ .CSRF.Token }}", "t".to_string())]);
        assert_eq!(render("<a {{ .User }}><b {{ .CSRF.Token }}>{{ .Unknown }}{{ .", &values), "<a {{ .CSRF.Token }}><b t>{{ .");
    }

    #[test]
    fn files_stay_inside_the_build() {
        let dir = std::env::temp_dir().join(format!("site-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        std::fs::write(dir.join("assets/a.js"), "x").unwrap();
        std::fs::write(dir.join(".secret"), "x").unwrap();
        let site = Site::load(&dir).unwrap();
        assert!(site.file("assets/a.js").is_some());
        assert!(site.file("assets/%61.js").is_some());
        assert!(site.file("assets").is_none());
        assert!(site.file("../etc/passwd").is_none());
        assert!(site.file("assets/%2e%2e/%2e%2e/etc/passwd").is_none());
        assert!(site.file(".secret").is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
