//! `coderd license keygen` and `coderd license sign`: how self-hosters and tests make licenses
//! this deployment trusts (with `CODER_LICENSE_PUBLIC_KEYS`).

use domain::licensing::signer::{LicenseSigner, LicenseSpec};
use time::OffsetDateTime;

use crate::config::{LicenseCommand, SignArgs};

const PUBLIC_PREFIX: &str = "CODER_LICENSE_PUBLIC_KEYS=";
const PRIVATE_PREFIX: &str = "CODER_LICENSE_PRIVATE_KEY=";

/// Runs a license subcommand, printing its result on stdout.
pub fn run(cmd: &LicenseCommand) -> Result<String, String> {
    match cmd {
        LicenseCommand::Keygen { kid } => {
            if kid.is_empty() || kid.contains([':', ',']) || kid.chars().any(char::is_whitespace) {
                return Err(format!("--kid {kid:?}: must be non-empty, without ':', ',' or spaces"));
            }
            let signer = LicenseSigner::generate(kid);
            Ok(format!("{PUBLIC_PREFIX}{}\n{PRIVATE_PREFIX}{}\n", signer.public_spec(), signer.private_base64()))
        }
        LicenseCommand::Sign(args) => sign(args).map(|jwt| format!("{jwt}\n")),
    }
}

fn sign(args: &SignArgs) -> Result<String, String> {
    let text = std::fs::read_to_string(&args.key_file).map_err(|e| format!("cannot read {}: {e}", args.key_file.display()))?;
    let mut private = None;
    let mut file_kid = None;
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix(PRIVATE_PREFIX) {
            private = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix(PUBLIC_PREFIX) {
            file_kid = v.split(':').next().map(str::to_string);
        } else if !line.is_empty() && !line.starts_with('#') && private.is_none() {
            private = Some(line.to_string());
        }
    }
    let private = private.ok_or_else(|| format!("{}: no private key found", args.key_file.display()))?;
    let kid = args.kid.clone().or(file_kid).unwrap_or_else(|| "self-hosted".to_string());
    let signer = LicenseSigner::from_base64(&kid, &private).map_err(|e| format!("{}: {e}", args.key_file.display()))?;
    let mut features = Vec::new();
    for f in &args.features {
        let (name, value) = f.split_once('=').ok_or_else(|| format!("--feature {f:?}: want <name>=<value>"))?;
        let value: i64 = value.trim().parse().map_err(|_| format!("--feature {f:?}: the value must be an integer"))?;
        features.push((name.trim().to_string(), value));
    }
    let starts_in = parse_signed_duration(&args.starts_in)?;
    let now = OffsetDateTime::now_utc();
    let not_before = now + starts_in;
    let spec = LicenseSpec {
        feature_set: args.feature_set.clone(),
        features,
        addons: args.addons.clone(),
        not_before,
        expires: not_before + time::Duration::try_from(args.term).map_err(|e| e.to_string())?,
        grace: time::Duration::try_from(args.grace).map_err(|e| e.to_string())?,
        trial: args.trial,
        deployment_ids: args.deployment_ids.clone(),
        account_type: args.account_type.clone(),
        account_id: args.account_id.clone(),
        email: args.email.clone(),
    };
    // Issued a second early so a license used at once is never "used before issued".
    Ok(signer.sign(&spec.claims(now - time::Duration::seconds(1))))
}

fn parse_signed_duration(s: &str) -> Result<time::Duration, String> {
    let (neg, rest) = match s.trim().strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.trim()),
    };
    let d = time::Duration::try_from(crate::duration::parse(rest)?).map_err(|e| e.to_string())?;
    Ok(if neg { -d } else { d })
}
