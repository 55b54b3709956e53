//! Lenient decoding, matching Go's `encoding/json` as Coder uses it: explicit `null` in a field
//! leaves its zero value, and unknown fields are ignored.

use serde::{Deserialize, Deserializer};

/// Deserializes `null` (or absence, with `#[serde(default)]`) as the type's default.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads a JSON body that a handler parses itself (after a check Coder makes before reading the
/// body), with the words of the usual JSON decoder.
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, crate::error::ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| crate::error::ApiError(domain::Error::bad_request("Request body must be valid JSON.").with_detail(e.to_string())))
}
