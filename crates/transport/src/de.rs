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
