//! Uploaded template sources. The same bytes uploaded twice by the same user are one file.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{archive, File};
use crate::app::{Actor, App};
use crate::clock;
use crate::error::{Error, ErrorKind, Result};
use crate::rbac::{action, resource, Object};

/// Largest upload (Coder's `HTTPFileMaxBytes`, 100 MiB).
pub const MAX_FILE_BYTES: usize = 100 * 1024 * 1024;
/// The one archive format stored.
pub const TAR: &str = "application/x-tar";

impl App {
    /// `POST /files`: the file's id, and whether it is new (201) or the caller had uploaded the
    /// same bytes before (200).
    pub fn upload_file(&self, actor: &Actor, content_type: &str, data: Vec<u8>) -> Result<(Uuid, bool)> {
        if ![TAR, archive::ZIP, archive::WINDOWS_ZIP].contains(&content_type) {
            return Err(Error::bad_request(format!("Unsupported content type header {content_type:?}."))
                .with_detail("Archives are application/x-tar or application/zip."));
        }
        if data.len() > MAX_FILE_BYTES {
            return Err(Error::new(ErrorKind::TooLarge, "Failed to read file from request.").with_detail("http: request body too large"));
        }
        let db = self.db(actor);
        db.require(action::CREATE, &Object::of(resource::FILE).owned_by(actor.user.id))?;
        // Stored as tar, whatever was uploaded; the hash is the tar's.
        let data = if content_type == TAR { data } else { archive::zip_to_tar(&data, MAX_FILE_BYTES)? };
        let hash = crate::secret::hex(&Sha256::digest(&data));
        if let Some(existing) = db.file_by_hash(&hash, actor.user.id)? {
            return Ok((existing.id, false));
        }
        let file = File {
            id: Uuid::new_v4(),
            hash: hash.clone(),
            created_at: clock::now(),
            created_by: actor.user.id,
            mimetype: TAR.into(),
            data,
        };
        match db.insert_file(&file) {
            Ok(()) => Ok((file.id, true)),
            Err(e) if e.kind == ErrorKind::Conflict => {
                let existing = db.file_by_hash(&hash, actor.user.id)?.ok_or(e)?;
                Ok((existing.id, true))
            }
            Err(e) => Err(e),
        }
    }

    /// `GET /files/{fileID}`.
    pub fn get_file(&self, actor: &Actor, param: &str) -> Result<File> {
        if param.is_empty() {
            return Err(Error::bad_request("File id must be provided in url."));
        }
        let id = Uuid::parse_str(param).map_err(|_| Error::bad_request("File id must be a valid UUID."))?;
        self.db(actor).file_by_id(id)?.ok_or_else(Error::not_found)
    }

    /// `GET /files/{fileID}?format=`: the file's content type and bytes, as stored (no format)
    /// or converted to zip (`zip`), with Coder's messages otherwise.
    pub fn get_file_as(&self, actor: &Actor, param: &str, format: &str) -> Result<(String, Vec<u8>)> {
        let f = self.get_file(actor, param)?;
        match format {
            "" => Ok((f.mimetype, f.data)),
            "zip" if f.mimetype == TAR => Ok((archive::ZIP.to_string(), archive::tar_to_zip(&f.data)?)),
            "zip" => Err(Error::bad_request("Only .tar files can be converted to .zip format")),
            _ => Err(Error::bad_request("Unsupported conversion format.")),
        }
    }
}
