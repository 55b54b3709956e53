//! The few server-rendered pages (sign-in, OAuth2 consent, OAuth2 errors): escaping, one
//! layout with headers that forbid framing and caching, and the double-submit CSRF token their
//! forms carry.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

/// The cookie that holds the CSRF token a form must repeat.
pub const CSRF_COOKIE: &str = "coder_csrf";
/// Its name over https: `__Host-` keeps sibling subdomains (workspace apps) from planting one.
pub const CSRF_COOKIE_SECURE: &str = "__Host-coder_csrf";

fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        CSRF_COOKIE_SECURE
    } else {
        CSRF_COOKIE
    }
}
/// The form field that repeats it.
pub const CSRF_FIELD: &str = "csrf_token";

/// Escapes text for HTML content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#0f1115;color:#e6e6e6;display:flex;justify-content:center;padding-top:10vh;margin:0}\
main{background:#1a1d23;border:1px solid #2c313a;border-radius:8px;padding:32px;width:380px}\
h1{font-size:20px;margin:0 0 16px}p{line-height:1.5}label{display:block;margin:12px 0 4px;font-size:14px}\
input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:8px;border-radius:4px;border:1px solid #3a404b;background:#0f1115;color:#e6e6e6}\
button,.button{margin-top:16px;padding:8px 16px;border-radius:4px;border:1px solid #3a404b;background:#2c313a;color:#e6e6e6;cursor:pointer;text-decoration:none;display:inline-block}\
button.primary{background:#3b6fd4;border-color:#3b6fd4}.error{color:#ff8080}ul{padding-left:20px}img.icon{width:48px;height:48px}code{font-size:13px}";

/// The start of a page response: not cacheable, not frameable, no scripts.
pub fn page(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut b = HttpResponse::build(status);
    b.insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; frame-ancestors 'none'",
        ))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    b
}

/// The HTML of a page.
pub fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

/// Answers a page.
pub fn respond(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    page(status).body(document(title, body))
}

/// An error page with a way back.
pub fn error_page(status: StatusCode, title: &str, description: &str) -> HttpResponse {
    respond(
        status,
        title,
        &format!(
            "<h1>{}</h1><p class=\"error\">{}</p><a class=\"button\" href=\"/login\">Back to site</a>",
            escape(title),
            escape(description)
        ),
    )
}

/// The CSRF token of this browser (kept when it already has one) and the cookie that stores it.
pub fn csrf_token(req: &HttpRequest, secure: bool) -> (String, Cookie<'static>) {
    let token = req
        .cookie(csrf_cookie_name(secure))
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_else(|| domain::secret::random_alphanumeric(32));
    let cookie = Cookie::build(csrf_cookie_name(secure), token.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish();
    (token, cookie)
}

/// Whether a form repeats the CSRF cookie (compared in constant time).
pub fn csrf_valid(req: &HttpRequest, form: &[(String, String)], secure: bool) -> bool {
    let Some(cookie) = req.cookie(csrf_cookie_name(secure)) else { return false };
    let mut fields = form.iter().filter(|(k, _)| k == CSRF_FIELD);
    match (fields.next(), fields.next()) {
        (Some((_, v)), None) if !cookie.value().is_empty() => {
            domain::secret::secret_matches(v, &domain::secret::hash_secret(cookie.value()))
        }
        _ => false,
    }
}

/// `redirect` when it is a path on this server (`/...`, not `//host` or `/\host`), else `None`:
/// the sign-in page never sends anyone elsewhere.
pub fn local_redirect(redirect: &str) -> Option<&str> {
    let ok = redirect.starts_with('/')
        && !redirect.starts_with("//")
        && !redirect.starts_with("/\\")
        && !redirect.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(redirect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn only_local_redirects() {
        assert_eq!(local_redirect("/oauth2/authorize?x=1"), Some("/oauth2/authorize?x=1"));
        assert_eq!(local_redirect("//evil.example"), None);
        assert_eq!(local_redirect("/\\evil.example"), None);
        assert_eq!(local_redirect("https://evil.example"), None);
        assert_eq!(local_redirect("/a\\b"), None);
        assert_eq!(local_redirect(""), None);
    }
}
