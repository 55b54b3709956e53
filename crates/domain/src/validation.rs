//! Input rules shared by users, organizations, groups and tokens, worded as Coder words them.

/// Coder's `NameValid`: 1-32 characters of letters and digits with single inner hyphens, and not a
/// word that would collide with a route (`me`, `new`, `create`).
pub fn name_valid(name: &str) -> Result<(), String> {
    if name.len() > 32 {
        return Err("must be <= 32 characters".into());
    }
    if name.is_empty() {
        return Err("must be >= 1 character".into());
    }
    if matches!(name, "new" | "create" | "me") {
        return Err(format!("cannot use {name:?} as a name"));
    }
    let ok = name.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !ok {
        return Err("must be alphanumeric with hyphens".into());
    }
    Ok(())
}

/// Coder's `UserRealNameValid`: at most 128 bytes and no surrounding white space.
pub fn user_real_name_valid(name: &str) -> Result<(), String> {
    if name.len() > 128 {
        return Err("must be <= 128 characters".into());
    }
    if name.trim() != name {
        return Err("must not have leading or trailing whitespace".into());
    }
    Ok(())
}

/// Coder's `DisplayNameValid` for organizations and groups: at most 64 bytes, no surrounding
/// white space and no line breaks (Coder's `^[^\s](.*[^\s])?$`).
pub fn display_name_valid(name: &str) -> Result<(), String> {
    if name.len() > 64 {
        return Err("must be <= 64 characters".into());
    }
    if name.trim() != name || name.contains('\n') || name.contains('\r') {
        return Err("must not have leading or trailing whitespace".into());
    }
    Ok(())
}

/// Coder's `GroupNameValid`: the username alphabet, up to 255 bytes (IdP group names run long),
/// `new` and `create` reserved.
pub fn group_name_valid(name: &str) -> Result<(), String> {
    if name.len() > 255 {
        return Err("must be <= 255 characters".into());
    }
    if name.is_empty() {
        return Err("must be >= 1 character".into());
    }
    if matches!(name, "new" | "create") {
        return Err(format!("cannot use {name:?} as a name"));
    }
    if !name.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return Err("must be alphanumeric with hyphens".into());
    }
    Ok(())
}

/// A pragmatic email check matching what Coder's validator accepts in practice: one `@`, a
/// non-empty local part without white space, and a domain of dot-separated labels of letters,
/// digits and hyphens.
pub fn email_valid(email: &str) -> Result<(), String> {
    let bad = || Err("must be a valid email address".to_string());
    let Some((local, domain)) = email.rsplit_once('@') else { return bad() };
    if local.is_empty() || local.len() > 64 || local.contains('@') || local.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad();
    }
    if domain.is_empty() || domain.len() > 255 {
        return bad();
    }
    let label_ok =
        |l: &str| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !domain.split('.').all(label_ok) {
        return bad();
    }
    Ok(())
}

/// Checks the identity fields every new account has, in Coder's struct-tag wording: `email`
/// (required unless `email_optional`), `username` and `name`.
pub fn check_identity(v: &mut crate::error::Validations, email: &str, email_optional: bool, username: &str, name: &str) {
    use crate::auth::tag_failure;
    if email.is_empty() {
        if !email_optional {
            v.add("email", tag_failure("required", ""));
        }
    } else if email_valid(email).is_err() {
        v.add("email", tag_failure("email", email));
    }
    if username.is_empty() {
        v.add("username", tag_failure("required", ""));
    } else if name_valid(username).is_err() {
        v.add("username", tag_failure("username", username));
    }
    if user_real_name_valid(name).is_err() {
        v.add("name", tag_failure("user_real_name", name));
    }
}

/// Minimum entropy (bits) Coder demands of a password.
pub const MIN_PASSWORD_ENTROPY: f64 = 52.0;
/// Longest password Coder accepts.
pub const MAX_PASSWORD_LEN: usize = 64;

const REPLACE_CHARS: &str = "!@$&*";
const SEP_CHARS: &str = "_-., ";
const OTHER_SPECIAL_CHARS: &str = "\"#%'()+/:;<=>?[\\]^{|}~";
const LOWER_CHARS: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGIT_CHARS: &str = "0123456789";

/// Coder's `userpassword.Validate`: go-password-validator's entropy estimate must reach 52 bits,
/// and the password may be at most 64 bytes. The message names what would help. The estimate is
/// ported step by step (quirks included) so the same passwords pass and fail as in Coder.
pub fn password_valid(password: &str) -> Result<(), String> {
    if password_entropy(password) < MIN_PASSWORD_ENTROPY {
        let has = |set: &str| password.chars().any(|c| set.contains(c));
        let mut tips = Vec::new();
        if !has(OTHER_SPECIAL_CHARS) || !has(SEP_CHARS) || !has(REPLACE_CHARS) {
            tips.push("including more special characters");
        }
        if !has(LOWER_CHARS) {
            tips.push("using lowercase letters");
        }
        if !has(UPPER_CHARS) {
            tips.push("using uppercase letters");
        }
        if !has(DIGIT_CHARS) {
            tips.push("using numbers");
        }
        return Err(if tips.is_empty() {
            "insecure password, try using a longer password".to_string()
        } else {
            format!("insecure password, try {} or using a longer password", tips.join(", "))
        });
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(format!("password must be no more than {MAX_PASSWORD_LEN} characters"));
    }
    Ok(())
}

/// log2(base^length), summed step by step as go-password-validator's `logPow` does.
pub fn password_entropy(password: &str) -> f64 {
    let base = entropy_base(password);
    let length = entropy_length(password);
    if base == 0 {
        return 0.0;
    }
    let step = (base as f64).log2();
    (0..length).fold(0.0, |acc, _| acc + step)
}

fn entropy_base(password: &str) -> usize {
    let mut unique: Vec<char> = password.chars().collect();
    unique.sort_unstable();
    unique.dedup();
    let sets = [REPLACE_CHARS, SEP_CHARS, OTHER_SPECIAL_CHARS, LOWER_CHARS, UPPER_CHARS, DIGIT_CHARS];
    let mut seen = [false; 6];
    let mut base = 0;
    for c in unique {
        match sets.iter().position(|set| set.contains(c)) {
            Some(i) => seen[i] = true,
            None => base += 1,
        }
    }
    base + sets.iter().zip(seen).filter(|(_, s)| *s).map(|(set, _)| set.chars().count()).sum::<usize>()
}

const SEQUENCES: [&str; 5] = ["0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz"];

fn entropy_length(password: &str) -> usize {
    let mut runes = remove_long_repeats(password.chars().collect());
    for seq in SEQUENCES {
        runes = remove_long_sequences(runes, &seq.chars().collect::<Vec<_>>());
    }
    for seq in SEQUENCES {
        runes = remove_long_sequences(runes, &seq.chars().rev().collect::<Vec<_>>());
    }
    runes.iter().map(|c| c.len_utf8()).sum()
}

/// Port of `removeMoreThanTwoFromSequence`, including its counter that is not reset per
/// character and its skipped characters.
fn remove_long_sequences(mut runes: Vec<char>, seq: &[char]) -> Vec<char> {
    let mut matches = 0;
    let mut i = 0;
    while i < runes.len() {
        for &s in seq {
            if i >= runes.len() {
                break;
            }
            if runes[i] != s {
                matches = 0;
                continue;
            }
            matches += 1;
            if matches > 2 {
                runes.remove(i);
            } else {
                i += 1;
            }
        }
        i += 1;
    }
    runes
}

/// Port of `removeMoreThanTwoRepeatingChars`: drops a character equal to both previous ones.
fn remove_long_repeats(mut runes: Vec<char>) -> Vec<char> {
    let (mut prev_prev, mut prev) = ('\0', '\0');
    let mut i = 0;
    while i < runes.len() {
        let r = runes[i];
        if r == prev && r == prev_prev {
            runes.remove(i);
        } else {
            i += 1;
        }
        prev_prev = prev;
        prev = r;
    }
    runes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(name_valid("alice").is_ok());
        assert!(name_valid("a-b-c1").is_ok());
        assert!(name_valid("a").is_ok());
        assert!(name_valid("").is_err());
        assert!(name_valid("-a").is_err());
        assert!(name_valid("a-").is_err());
        assert!(name_valid("a--b").is_err());
        assert!(name_valid("a_b").is_err());
        assert!(name_valid("me").is_err());
        assert!(name_valid(&"a".repeat(33)).is_err());
        assert!(name_valid(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn emails() {
        assert!(email_valid("a@b.co").is_ok());
        assert!(email_valid("admin@localhost").is_ok());
        assert!(email_valid("nope").is_err());
        assert!(email_valid("a b@c.d").is_err());
        assert!(email_valid("@c.d").is_err());
        assert!(email_valid("a@").is_err());
        assert!(email_valid("a@b..c").is_err());
    }

    #[test]
    fn entropy_matches_coder() {
        let cases = [
            ("password", 26, 8, false),
            ("newpassword", 26, 11, false),
            ("coder123456", 36, 7, false),
            ("abcdefghijklmnop", 26, 6, false),
            ("aaaaaaaaaaaa", 26, 2, false),
            ("Password123!", 67, 11, true),
            ("SomeSecurePassword!", 57, 19, true),
        ];
        for (pw, base, len, ok) in cases {
            assert_eq!(entropy_base(pw), base, "{pw}");
            assert_eq!(entropy_length(pw), len, "{pw}");
            assert_eq!(password_valid(pw).is_ok(), ok, "{pw}");
        }
    }

    #[test]
    fn passwords() {
        assert!(password_valid("SomeSecurePassword!").is_ok());
        assert!(password_valid("password").is_err());
        assert!(password_valid("aaaaaaaaaaaaaaaaaaaaaaaa").is_err());
        assert!(password_valid("abcdefghijklmnopqrstuvwxyz").is_err());
        let long = "Aa1!".repeat(20);
        assert_eq!(password_valid(&long).unwrap_err(), "password must be no more than 64 characters");
        let msg = password_valid("short").unwrap_err();
        assert!(msg.starts_with("insecure password, try including more special characters"), "{msg}");
    }

    #[test]
    fn real_names() {
        assert!(user_real_name_valid("Ada Lovelace").is_ok());
        assert!(user_real_name_valid(" Ada").is_err());
        assert!(user_real_name_valid(&"x".repeat(129)).is_err());
    }
}
