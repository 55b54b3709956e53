//! Protocol versions as Coder's `apiversion` package checks them: `major.minor`, accepted when
//! the major is the server's and the minor is not newer. Shared by the provisioner daemon
//! protocol and the agent API.

/// Checks a requested version `v` against the server's `(major, minor)`.
pub fn check(v: &str, (major, minor): (u32, u32)) -> Result<(), String> {
    let (ma, mi) = v.split_once('.').ok_or_else(|| format!("invalid version string: {v}"))?;
    let ma: u32 = ma.parse().map_err(|_| format!("invalid major version: {v}"))?;
    let mi: u32 = mi.parse().map_err(|_| format!("invalid minor version: {v}"))?;
    if ma > major {
        return Err(format!("server is at version {major}.{minor}, behind requested major version {v}"));
    }
    if ma < major {
        return Err(format!("version {v} is no longer supported"));
    }
    if mi > minor {
        return Err(format!("server is at version {major}.{minor}, behind requested minor version {v}"));
    }
    Ok(())
}
