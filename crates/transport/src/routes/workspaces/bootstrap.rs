//! The agent bootstrap: `init-script` (a shell or PowerShell script that downloads the agent
//! and starts it) and `/bin/coder-<os>-<arch>`, the agent binaries, served from the directory
//! the operator names with `CODER_AGENT_BINARIES_DIR`.

use actix_web::web::{self, Path};
use actix_web::{get, HttpResponse};
use domain::Error;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult, Response};
use crate::state::State;

const UNIX: &str = include_str!("scripts/bootstrap_unix.sh");
const WINDOWS: &str = include_str!("scripts/bootstrap_windows.ps1");

/// The (os, arch) pairs Coder publishes agents for.
const TARGETS: [(&str, &str); 7] = [
    ("linux", "amd64"),
    ("linux", "arm64"),
    ("linux", "armv7"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("windows", "amd64"),
    ("windows", "arm64"),
];

/// The bootstrap script for `os`/`arch` against `access_url`, or `None` for an unknown pair.
pub fn script(os: &str, arch: &str, access_url: &str) -> Option<String> {
    let (os, arch) = (os.to_lowercase(), arch.to_lowercase());
    if !TARGETS.contains(&(os.as_str(), arch.as_str())) {
        return None;
    }
    let base = format!("{}/", access_url.trim_end_matches('/'));
    let template = if os == "windows" { WINDOWS } else { UNIX };
    Some(template.replace("${ACCESS_URL}", &base).replace("${OS}", &os).replace("${ARCH}", &arch).replace("${AUTH_TYPE}", "token"))
}

/// Get agent init script
#[utoipa::path(
    operation_id = "get-agent-init-script",
    tag = "InitScript",
    params(
        ("os" = String, Path, description = "Operating system: linux, darwin, windows"),
        ("arch" = String, Path, description = "Architecture: amd64, arm64, armv7 (linux)"),
    ),
    responses(
        (status = 200, description = "The script", content_type = "text/plain", body = String, example = json!("#!/usr/bin/env sh\n...")),
        (status = 400, description = "An operating system and architecture agents are not built for", body = Response),
    ),
    security(()),
)]
#[get("/api/v2/init-script/{os}/{arch}")]
pub async fn init_script(state: web::Data<State>, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (os, arch) = path.into_inner();
    let body = script(&os, &arch, &state.info.access_url)
        .ok_or_else(|| ApiError(Error::bad_request(format!("Unknown os/arch: {}/{}", os.to_lowercase(), arch.to_lowercase()))))?;
    let digest = domain::secret::hex(&Sha256::digest(body.as_bytes()));
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Content-Digest", format!("sha256:{digest}")))
        .body(body))
}

/// Get agent binary
#[utoipa::path(
    operation_id = "get-agent-binary",
    tag = "InitScript",
    params(("name" = String, Path, description = "`coder-<os>-<arch>`, with `.exe` for Windows")),
    responses(
        (status = 200, description = "The binary", content_type = "application/octet-stream", body = String, example = json!("<binary>")),
        (status = 404, description = "No such binary, or no binaries directory configured (`CODER_AGENT_BINARIES_DIR`)", body = Response),
    ),
    security(()),
)]
#[get("/bin/{name}")]
pub async fn agent_binary(state: web::Data<State>, name: Path<String>) -> ApiResult<HttpResponse> {
    let name = name.into_inner().replace('_', "-");
    let not_found = |why: &str| ApiError(Error::not_found().with_detail(why.to_string()));
    let Some(dir) = &state.agent_binaries else {
        return Err(not_found("This deployment serves no agent binaries: set CODER_AGENT_BINARIES_DIR."));
    };
    let valid =
        name.starts_with("coder-") && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') && !name.contains("..");
    if !valid {
        return Err(not_found("No such agent binary."));
    }
    let path = dir.join(&name);
    let data = web::block(move || std::fs::read(path))
        .await
        .map_err(|_| not_found("No such agent binary."))?
        .map_err(|_| not_found("No such agent binary."))?;
    Ok(HttpResponse::Ok().content_type("application/octet-stream").body(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_fill_in_the_deployment() {
        let s = script("Linux", "AMD64", "https://c.example").unwrap();
        assert!(s.contains("BINARY_URL=\"https://c.example/bin/coder-linux-amd64\""), "{s}");
        assert!(s.contains("CODER_AGENT_AUTH=\"token\""));
        assert!(script("windows", "amd64", "https://c.example").unwrap().contains("https://c.example/bin/coder-windows-amd64.exe"));
        assert!(script("plan9", "amd64", "x").is_none());
        assert!(script("windows", "armv7", "x").is_none());
    }
}
