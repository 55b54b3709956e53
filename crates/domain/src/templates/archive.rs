//! Converting between the archive formats of template sources. Files are stored as tar, as in
//! Coder: a zip upload (the web UI's) is converted to tar on the way in, and a stored tar can be
//! downloaded as zip (`GET /files/{id}?format=zip`).

use std::io::{Cursor, Read, Write};

use crate::error::{Error, ErrorKind, Result};

/// The zip content type.
pub const ZIP: &str = "application/zip";
/// The content type Windows browsers give zip files.
pub const WINDOWS_ZIP: &str = "application/x-zip-compressed";

const BLOCK: u64 = 512;

fn invalid_zip() -> Error {
    Error::bad_request("Invalid .zip archive contents.")
}

fn too_large() -> Error {
    Error::new(ErrorKind::TooLarge, "Expanded .zip archive exceeds maximum size.")
}

/// A zip archive as tar, at most `max` bytes of tar: each entry keeps its name, permissions and
/// modification time and is owned by uid and gid 1000 (zip records no owner), as Coder's
/// `archive.CreateTarFromZip` writes it. The size is checked from the zip's own directory before
/// anything is inflated, and again while writing, so a zip bomb costs nothing.
pub fn zip_to_tar(data: &[u8], max: usize) -> Result<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(data))
        .map_err(|e| Error::bad_request("Incomplete .zip archive file.").with_detail(e.to_string()))?;
    let max = max as u64;
    let mut projected = 2 * BLOCK;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| invalid_zip())?;
        projected = projected.saturating_add(BLOCK).saturating_add(entry.size().div_ceil(BLOCK).saturating_mul(BLOCK));
        if projected > max {
            return Err(too_large());
        }
    }
    let mut tar = tar::Builder::new(Vec::new());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| invalid_zip())?;
        let name = entry.name().map_err(|_| invalid_zip())?.to_string();
        let is_dir = entry.is_dir();
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(if is_dir { tar::EntryType::Directory } else { tar::EntryType::Regular });
        header.set_mode(entry.unix_mode().map_or(if is_dir { 0o777 } else { 0o666 }, |m| m & 0o7777));
        header.set_uid(1000);
        header.set_gid(1000);
        header.set_mtime(entry.last_modified().and_then(unix_time).unwrap_or(0));
        let mut contents = Vec::new();
        if !is_dir {
            // The directory's size, not the stream's, decides how much is read.
            let size = entry.size();
            entry.by_ref().take(size).read_to_end(&mut contents).map_err(|_| invalid_zip())?;
            if contents.len() as u64 != size {
                return Err(invalid_zip());
            }
        }
        header.set_size(contents.len() as u64);
        tar.append_data(&mut header, &name, contents.as_slice()).map_err(|_| invalid_zip())?;
    }
    let out = tar.into_inner().map_err(|_| invalid_zip())?;
    if out.len() as u64 > max {
        return Err(too_large());
    }
    Ok(out)
}

/// A stored tar archive as zip (deflated), for `?format=zip`: regular files and directories,
/// with their permissions and modification times.
pub fn tar_to_zip(data: &[u8]) -> Result<Vec<u8>> {
    let broken = |e: std::io::Error| Error::internal("Internal error converting the file to .zip.", e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut archive = tar::Archive::new(data);
    for entry in archive.entries().map_err(broken)? {
        let mut entry = entry.map_err(broken)?;
        let header = entry.header().clone();
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let mut options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(header.mode().unwrap_or(0o644) & 0o7777);
        if let Some(t) = header.mtime().ok().and_then(|s| i64::try_from(s).ok()).and_then(zip_time) {
            options = options.last_modified_time(t);
        }
        match header.entry_type() {
            tar::EntryType::Directory => zip.add_directory(name, options).map_err(|e| broken(e.into()))?,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                zip.start_file(name, options).map_err(|e| broken(e.into()))?;
                let mut contents = Vec::new();
                entry.read_to_end(&mut contents).map_err(broken)?;
                zip.write_all(&contents).map_err(broken)?;
            }
            // Links and special files have no zip form.
            _ => {}
        }
    }
    Ok(zip.finish().map_err(|e| broken(e.into()))?.into_inner())
}

/// A zip timestamp (local time without a zone, taken as UTC) as seconds since the epoch.
fn unix_time(t: zip::DateTime) -> Option<u64> {
    let month = time::Month::try_from(t.month()).ok()?;
    let date = time::Date::from_calendar_date(i32::from(t.year()), month, t.day()).ok()?;
    let at = date.with_hms(t.hour(), t.minute(), t.second()).ok()?;
    u64::try_from(at.assume_utc().unix_timestamp()).ok()
}

/// Seconds since the epoch as a zip timestamp; `None` outside zip's years (1980 to 2107).
fn zip_time(secs: i64) -> Option<zip::DateTime> {
    let at = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    let year = u16::try_from(at.year()).ok()?;
    zip::DateTime::from_date_and_time(year, at.month() as u8, at.day(), at.hour(), at.minute(), at.second()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_zip() -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().unix_permissions(0o755);
        z.add_directory("modules/", opts).unwrap();
        z.start_file("main.tf", opts).unwrap();
        z.write_all(b"resource \"null_resource\" \"a\" {}\n").unwrap();
        z.start_file("modules/readme.md", zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(b"# hi").unwrap();
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_becomes_tar_with_names_modes_and_owner() {
        let tar_bytes = zip_to_tar(&sample_zip(), 1 << 20).unwrap();
        let mut archive = tar::Archive::new(tar_bytes.as_slice());
        let mut seen = Vec::new();
        for e in archive.entries().unwrap() {
            let mut e = e.unwrap();
            let mut body = String::new();
            e.read_to_string(&mut body).unwrap();
            let h = e.header();
            assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (1000, 1000));
            seen.push((e.path().unwrap().display().to_string(), h.entry_type().is_dir(), h.mode().unwrap(), body));
        }
        assert_eq!(seen[0], ("modules/".into(), true, 0o755, String::new()));
        assert_eq!(seen[1], ("main.tf".into(), false, 0o755, "resource \"null_resource\" \"a\" {}\n".into()));
        assert_eq!(seen[2].0, "modules/readme.md");
        assert_eq!(seen[2].3, "# hi");
    }

    #[test]
    fn tar_and_zip_round_trip() {
        let tar_bytes = zip_to_tar(&sample_zip(), 1 << 20).unwrap();
        let back = zip_to_tar(&tar_to_zip(&tar_bytes).unwrap(), 1 << 20).unwrap();
        assert_eq!(back, tar_bytes);
    }

    #[test]
    fn bad_and_oversized_zips_are_refused() {
        let e = zip_to_tar(b"not a zip", 1 << 20).unwrap_err();
        assert_eq!(e.message, "Incomplete .zip archive file.");
        let e = zip_to_tar(&sample_zip(), 2048).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge);
        assert_eq!(e.message, "Expanded .zip archive exceeds maximum size.");
    }
}
