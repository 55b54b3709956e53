//! SCIM filters (RFC 7644 §3.4.2.2): parsing into a tree and evaluating the tree against a
//! resource in its JSON form. Attribute names match case-insensitively, as the RFC requires;
//! string comparisons ignore case except on `id`, `externalId` and `meta.version` (caseExact).

use serde_json::Value;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

/// An attribute path: optional schema URN, attribute, optional sub-attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN prefix, if written.
    pub urn: Option<String>,
    /// Attribute name as written.
    pub attr: String,
    /// Sub-attribute name, if any.
    pub sub: Option<String>,
}

impl AttrPath {
    /// `attr` or `attr.sub`, lowercased, for matching.
    pub fn key(&self) -> String {
        match &self.sub {
            Some(s) => format!("{}.{}", self.attr.to_lowercase(), s.to_lowercase()),
            None => self.attr.to_lowercase(),
        }
    }
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attr pr`.
    Present(AttrPath),
    /// `attr op value`.
    Compare(AttrPath, Op, Value),
    /// `a and b`.
    And(Box<Filter>, Box<Filter>),
    /// `a or b`.
    Or(Box<Filter>, Box<Filter>),
    /// `not (a)`.
    Not(Box<Filter>),
    /// `attr[filter]`: some element of the multi-valued `attr` matches `filter`.
    ValuePath(AttrPath, Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1
            }
            '[' => {
                out.push(Tok::LBracket);
                i += 1
            }
            ']' => {
                out.push(Tok::RBracket);
                i += 1
            }
            '"' => {
                let start = i;
                i += 1;
                let mut escaped = false;
                while i < chars.len() {
                    match chars[i] {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return Err("unterminated string".into());
                }
                let raw: String = chars[start..=i].iter().collect();
                let v: String = serde_json::from_str(&raw).map_err(|e| format!("bad string {raw}: {e}"))?;
                out.push(Tok::Str(v));
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len() && !matches!(chars[i], ' ' | '\t' | '\n' | '\r' | '(' | ')' | '[' | ']' | '"') {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

/// Longest filter accepted, in bytes: IdPs send short filters (`userName eq "x"`), and the
/// length bounds how deep an `and`/`or` chain can grow (its tree is walked recursively).
pub const MAX_FILTER_LEN: usize = 4096;
/// Deepest nesting of parentheses, `not (...)` and `attr[...]` accepted: the parser and the
/// evaluator recurse once per level, and an unbounded depth overflows the stack.
pub const MAX_FILTER_DEPTH: usize = 32;

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

fn keyword(t: Option<&Tok>, kw: &str) -> bool {
    matches!(t, Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
}

/// Reads `urn:...:attr.sub`, `attr.sub` or `attr`.
pub fn parse_attr_path(word: &str) -> Result<AttrPath, String> {
    let (urn, rest) = match word.rfind(':') {
        Some(i) if word.to_ascii_lowercase().starts_with("urn:") => (Some(word[..i].to_string()), &word[i + 1..]),
        _ => (None, word),
    };
    let (attr, sub) = match rest.split_once('.') {
        Some((a, s)) => (a.to_string(), Some(s.to_string())),
        None => (rest.to_string(), None),
    };
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
    };
    if !valid(&attr) || sub.as_deref().is_some_and(|s| !valid(s)) {
        return Err(format!("invalid attribute path {word:?}"));
    }
    Ok(AttrPath { urn, attr, sub })
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: Tok) -> Result<(), String> {
        match self.next() {
            Some(t) if t == want => Ok(()),
            other => Err(format!("expected {want:?}, found {other:?}")),
        }
    }

    /// Parses a nested group, refusing nesting deeper than [`MAX_FILTER_DEPTH`].
    fn nested(&mut self) -> Result<Filter, String> {
        if self.depth >= MAX_FILTER_DEPTH {
            return Err(format!("filter nested deeper than {MAX_FILTER_DEPTH} levels"));
        }
        self.depth += 1;
        let inner = self.or();
        self.depth -= 1;
        inner
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut left = self.and()?;
        while keyword(self.peek(), "or") {
            self.pos += 1;
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while keyword(self.peek(), "and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, String> {
        if keyword(self.peek(), "not") && matches!(self.toks.get(self.pos + 1), Some(Tok::LParen)) {
            self.pos += 2;
            let inner = self.nested()?;
            self.expect(Tok::RParen)?;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if matches!(self.peek(), Some(Tok::LParen)) {
            self.pos += 1;
            let inner = self.nested()?;
            self.expect(Tok::RParen)?;
            return Ok(inner);
        }
        let path = match self.next() {
            Some(Tok::Word(w)) => parse_attr_path(&w)?,
            other => return Err(format!("expected an attribute, found {other:?}")),
        };
        if matches!(self.peek(), Some(Tok::LBracket)) {
            self.pos += 1;
            let inner = self.nested()?;
            self.expect(Tok::RBracket)?;
            return Ok(Filter::ValuePath(path, Box::new(inner)));
        }
        let op = match self.next() {
            Some(Tok::Word(w)) => w.to_ascii_lowercase(),
            other => return Err(format!("expected an operator, found {other:?}")),
        };
        if op == "pr" {
            return Ok(Filter::Present(path));
        }
        let op = match op.as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "co" => Op::Co,
            "sw" => Op::Sw,
            "ew" => Op::Ew,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            other => return Err(format!("unknown operator {other:?}")),
        };
        let value = match self.next() {
            Some(Tok::Str(s)) => Value::String(s),
            Some(Tok::Word(w)) => match w.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                n => serde_json::from_str::<serde_json::Number>(n).map(Value::Number).map_err(|_| format!("invalid value {n:?}"))?,
            },
            other => return Err(format!("expected a value, found {other:?}")),
        };
        Ok(Filter::Compare(path, op, value))
    }
}

/// Parses a filter; `Err` carries why (for `invalidFilter`). Filters longer than
/// [`MAX_FILTER_LEN`] or nested deeper than [`MAX_FILTER_DEPTH`] are refused.
pub fn parse(s: &str) -> Result<Filter, String> {
    if s.len() > MAX_FILTER_LEN {
        return Err(format!("filter longer than {MAX_FILTER_LEN} bytes"));
    }
    let mut p = Parser { toks: tokenize(s)?, pos: 0, depth: 0 };
    let f = p.or()?;
    if p.pos < p.toks.len() {
        return Err(format!("unexpected {:?}", p.toks[p.pos]));
    }
    Ok(f)
}

/// Parses a PATCH path: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
pub fn parse_patch_path(s: &str) -> Result<(AttrPath, Option<Filter>, Option<String>), String> {
    let s = s.trim();
    match s.find('[') {
        None => Ok((parse_attr_path(s)?, None, None)),
        Some(i) => {
            let close = s.rfind(']').ok_or("unterminated [")?;
            let attr = parse_attr_path(&s[..i])?;
            let filter = parse(&s[i + 1..close])?;
            let rest = &s[close + 1..];
            let sub = match rest.strip_prefix('.') {
                Some(sub) if !sub.is_empty() => Some(sub.to_string()),
                None if rest.is_empty() => None,
                _ => return Err(format!("invalid path {s:?}")),
            };
            Ok((attr, Some(filter), sub))
        }
    }
}

/// Looks a key up in a JSON object case-insensitively.
pub fn get_ci<'a>(obj: &'a Value, key: &str) -> Option<&'a Value> {
    obj.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

/// The values at `path` in `resource` (an array attribute yields each element, or each element's
/// sub-attribute).
fn values_at<'a>(resource: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let mut base = resource;
    if let Some(urn) = &path.urn {
        // Extension attributes live under their URN; core ones at the top.
        if let Some(ext) = get_ci(resource, urn) {
            base = ext;
        }
    }
    let Some(v) = get_ci(base, &path.attr) else { return vec![] };
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    match &path.sub {
        None => items,
        Some(sub) => items.into_iter().filter_map(|i| get_ci(i, sub)).collect(),
    }
}

fn case_exact(path: &AttrPath) -> bool {
    let k = path.key();
    k == "id" || k == "externalid" || k == "meta.version"
}

fn compare(actual: &Value, op: Op, want: &Value, exact: bool) -> bool {
    use std::cmp::Ordering;
    let ord = match (actual, want) {
        (Value::String(a), Value::String(b)) => {
            let (a, b) = if exact { (a.clone(), b.clone()) } else { (a.to_lowercase(), b.to_lowercase()) };
            match op {
                Op::Co => return a.contains(&b),
                Op::Sw => return a.starts_with(&b),
                Op::Ew => return a.ends_with(&b),
                _ => a.cmp(&b),
            }
        }
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            _ => return false,
        },
        (Value::Bool(a), Value::Bool(b)) => match op {
            Op::Eq => return a == b,
            Op::Ne => return a != b,
            _ => return false,
        },
        (Value::Null, Value::Null) => Ordering::Equal,
        _ => return op == Op::Ne,
    };
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Co | Op::Sw | Op::Ew => false,
    }
}

/// Whether `resource` matches `filter`.
pub fn matches(filter: &Filter, resource: &Value) -> bool {
    match filter {
        Filter::And(a, b) => matches(a, resource) && matches(b, resource),
        Filter::Or(a, b) => matches(a, resource) || matches(b, resource),
        Filter::Not(a) => !matches(a, resource),
        Filter::Present(p) => values_at(resource, p).iter().any(|v| match v {
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            _ => true,
        }),
        Filter::Compare(p, op, want) => {
            let vals = values_at(resource, p);
            if *op == Op::Ne {
                return vals.is_empty() && !want.is_null() || vals.iter().all(|v| compare(v, Op::Ne, want, case_exact(p)));
            }
            if want.is_null() && *op == Op::Eq {
                return vals.is_empty() || vals.iter().all(|v| v.is_null());
            }
            vals.iter().any(|v| compare(v, *op, want, case_exact(p)))
        }
        Filter::ValuePath(p, inner) => values_at(resource, p).iter().any(|v| matches(inner, v)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user() -> Value {
        json!({"id": "A1", "userName": "Bjensen", "externalId": "ext-1", "active": true,
               "name": {"familyName": "Jensen", "givenName": "Barbara"},
               "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}, {"value": "babs@jensen.org", "type": "home"}],
               "meta": {"lastModified": "2026-01-02T03:04:05Z"}})
    }

    #[test]
    fn operators_and_logic() {
        let u = user();
        for (f, want) in [
            (r#"userName eq "bjensen""#, true),
            (r#"UserName Eq "BJENSEN""#, true),
            (r#"userName ne "bjensen""#, false),
            (r#"userName co "jen""#, true),
            (r#"userName sw "bj""#, true),
            (r#"userName ew "sen""#, true),
            (r#"externalId eq "EXT-1""#, false),
            (r#"name.familyName eq "jensen""#, true),
            (r#"emails.value eq "babs@jensen.org""#, true),
            (r#"emails[type eq "work" and value co "example.com"]"#, true),
            (r#"emails[type eq "work" and value co "jensen.org"]"#, false),
            (r#"active eq true"#, true),
            (r#"title pr"#, false),
            (r#"name pr"#, true),
            (r#"meta.lastModified gt "2026-01-01T00:00:00Z""#, true),
            (r#"meta.lastModified lt "2026-01-01T00:00:00Z""#, false),
            (r#"userName eq "x" or (active eq true and not (userName eq "y"))"#, true),
            (r#"not (userName sw "b")"#, false),
            (r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen""#, true),
        ] {
            assert_eq!(matches(&parse(f).unwrap(), &u), want, "{f}");
        }
        for bad in ["userName", "userName zz \"x\"", "(userName eq \"x\"", "userName eq", "\"x\" eq userName", "a eq \"x\" b"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nesting_and_length_are_bounded() {
        let deep = format!("{}userName pr{}", "(".repeat(200_000), ")".repeat(200_000));
        assert!(parse(&deep).unwrap_err().contains("longer than"));
        let nested = |n: usize| format!("{}userName pr{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&nested(MAX_FILTER_DEPTH)).is_ok());
        assert!(parse(&nested(MAX_FILTER_DEPTH + 1)).unwrap_err().contains("nested deeper"));
        let nots = format!("{}userName pr{}", "not (".repeat(40), ")".repeat(40));
        assert!(parse(&nots).unwrap_err().contains("nested deeper"));
        let brackets = format!("emails[{}value pr{}]", "(".repeat(40), ")".repeat(40));
        assert!(parse(&brackets).unwrap_err().contains("nested deeper"));
        // The longest chain the length allows still parses, evaluates and drops.
        let chain = vec!["userName pr"; MAX_FILTER_LEN / 16].join(" and ");
        assert!(matches(&parse(&chain).unwrap(), &user()));
    }

    #[test]
    fn patch_paths() {
        let (a, f, s) = parse_patch_path(r#"members[value eq "2819c223"]"#).unwrap();
        assert_eq!(a.attr, "members");
        assert!(f.is_some() && s.is_none());
        let (a, f, s) = parse_patch_path(r#"emails[type eq "work"].value"#).unwrap();
        assert_eq!((a.attr.as_str(), f.is_some(), s.as_deref()), ("emails", true, Some("value")));
        let (a, _, _) = parse_patch_path("name.givenName").unwrap();
        assert_eq!(a.sub.as_deref(), Some("givenName"));
    }
}
