//! The field rules of a tenant: the one set of checks that every command writing a tenant uses
//! (tenants.yaml through `tenant sync`, and `tenant create` / `tenant update` flags), so the tool
//! never writes a tenant that its own `tenant export` then `tenant sync` would refuse.

/// What a tenant id may be.
pub const ID_HELP: &str = "an id is 1 to 30 characters of A-Z, a-z, 0-9, `_` and `-` (pattern ^[A-Za-z0-9_-]{1,30}$); it cannot be changed once the tenant exists";
/// What a self-provisioning domain may be.
pub const DOMAIN_HELP: &str = "a domain is a host name such as `acme.com`: dot-separated labels of a-z, 0-9 and `-` (not at either end of a label), at least one dot, at most 253 characters";

/// Whether `id` is a valid tenant id (`^[A-Za-z0-9_-]{1,30}$`).
#[must_use]
pub fn is_valid_id(id: &str) -> bool {
    (1..=30).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Why `d` is not a valid self-provisioning domain, with what to write instead.
#[must_use]
pub fn domain_problem(d: &str) -> Option<String> {
    if let Some(i) = d.find("://") {
        let host = d[i + 3..].split(['/', '?', '#', ':']).next().unwrap_or("");
        return Some(format!(
            "write the host name only, without scheme or path: `{}`",
            host.to_ascii_lowercase()
        ));
    }
    if let Some(i) = d.rfind('@') {
        return Some(format!(
            "write the domain part only: `{}`",
            d[i + 1..].to_ascii_lowercase()
        ));
    }
    if d.contains('/') {
        let host = d.split('/').next().unwrap_or("");
        return Some(format!(
            "write the host name only, without a path: `{host}`"
        ));
    }
    if d.bytes().any(|b| b.is_ascii_uppercase())
        && domain_problem(&d.to_ascii_lowercase()).is_none()
    {
        return Some(format!(
            "write it in lower case: `{}`",
            d.to_ascii_lowercase()
        ));
    }
    let labels_ok = d.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if d.len() > 253 || !d.contains('.') || !labels_ok {
        return Some(DOMAIN_HELP.to_owned());
    }
    None
}

/// A field value the rules refuse: what is wrong, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub message: String,
    pub help: String,
}

impl FieldProblem {
    fn new(message: String, help: impl Into<String>) -> Self {
        Self {
            message,
            help: help.into(),
        }
    }
}

/// A float as people write it: plain decimals in the usual range, exponent form outside it (so a
/// tiny or huge value is not shown as hundreds of digits).
fn shown_f64(x: f64) -> String {
    if x == 0.0 || (1e-6..1e21).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Checks a tenant id.
pub fn check_id(id: &str) -> Result<(), FieldProblem> {
    if is_valid_id(id) {
        return Ok(());
    }
    Err(FieldProblem::new(
        format!("`{id}` is not a valid tenant id"),
        ID_HELP,
    ))
}

/// Checks a tenant name: not empty or only spaces.
pub fn check_name(name: &str) -> Result<(), FieldProblem> {
    if name.trim().is_empty() {
        return Err(FieldProblem::new(
            "the tenant name is empty".to_owned(),
            "write a name, e.g. `ACME Corp`",
        ));
    }
    Ok(())
}

/// Checks a list of self-provisioning domains: each valid, none listed twice.
pub fn check_domains(domains: &[String]) -> Result<(), FieldProblem> {
    for (i, d) in domains.iter().enumerate() {
        if let Some(help) = domain_problem(d) {
            return Err(FieldProblem::new(format!("invalid domain `{d}`"), help));
        }
        if domains[..i].contains(d) {
            return Err(FieldProblem::new(
                format!("domain `{d}` is listed twice"),
                "list each domain once",
            ));
        }
    }
    Ok(())
}

/// Checks a custom attribute key: not empty or only spaces.
pub fn check_attr_key(key: &str) -> Result<(), FieldProblem> {
    if key.trim().is_empty() {
        return Err(FieldProblem::new(
            "empty custom attribute key".to_owned(),
            "name the attribute as it is defined in the Descope console",
        ));
    }
    Ok(())
}

/// Checks a parent tenant id (valid, and not the tenant itself).
pub fn check_parent(parent: &str, id: Option<&str>) -> Result<(), FieldProblem> {
    if !is_valid_id(parent) {
        return Err(FieldProblem::new(
            format!("invalid parent id `{parent}`"),
            ID_HELP,
        ));
    }
    if id == Some(parent) {
        return Err(FieldProblem::new(
            format!("tenant `{parent}` names itself as its parent"),
            "name another tenant as the parent",
        ));
    }
    Ok(())
}

/// The number written as `text` (a decimal literal: `-12`, `3.5`, `1e3`), when a custom attribute
/// can hold it exactly: an integer within 64 bits, or a decimal that a 64-bit float holds without
/// rounding (so at most about 15 significant digits). `Err` says why not, in the user's terms;
/// the fix is always to quote the value and keep it as text.
pub fn exact_number(text: &str) -> Result<serde_json::Number, String> {
    let t = text.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let is_integer = !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit());
    if is_integer {
        let digits = t.strip_prefix('+').unwrap_or(t);
        if let Ok(n) = digits.parse::<i64>() {
            return Ok(n.into());
        }
        if let Ok(n) = digits.parse::<u64>() {
            return Ok(n.into());
        }
        return Err(format!(
            "`{t}` is outside the range of a 64-bit integer ({} to {})",
            i64::MIN,
            u64::MAX
        ));
    }
    let x: f64 = t.parse().map_err(|_| format!("`{t}` is not a number"))?;
    if !x.is_finite() {
        return Err(format!("`{t}` is too large for a number"));
    }
    let exact = match (decimal(t), decimal(&format!("{x:e}"))) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    if !exact {
        return Err(format!(
            "`{t}` cannot be kept exactly as a number: it would become {} (a number keeps at most about 15 significant digits)",
            shown_f64(x)
        ));
    }
    serde_json::Number::from_f64(x).ok_or_else(|| format!("`{t}` is not a finite number"))
}

/// Whether `text` is written as a number: `-?digits[.digits][e[+-]digits]` (JSON's grammar).
#[must_use]
pub fn looks_like_number(text: &str) -> bool {
    let t = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && frac.is_none_or(digits)
        && exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

/// A decimal literal as (negative, significant digits, exponent of the first digit), so two
/// spellings of the same value compare equal (`1.50` and `1.5e0`). `None` when it is not one.
fn decimal(t: &str) -> Option<(bool, String, i64)> {
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i64>().ok()?),
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let all: String = format!("{int}{frac}");
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0').to_owned();
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    let point = i64::try_from(int.len()).ok()? - i64::try_from(leading).ok()?;
    Some((neg, digits, point.checked_add(exp)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domains_sync_refuses_are_refused() {
        for d in [
            "BAD..com",
            "UP..Case",
            "has space.com",
            "a.com/x",
            "x",
            "-a.com",
        ] {
            assert!(
                check_domains(&[d.to_owned()]).is_err(),
                "{d} should be refused"
            );
        }
        assert!(check_domains(&["a.com".into(), "b.a.com".into()]).is_ok());
        let dup = check_domains(&["a.com".into(), "a.com".into()]).unwrap_err();
        assert!(dup.message.contains("twice"), "{dup:?}");
        assert_eq!(
            domain_problem("UP.com").as_deref(),
            Some("write it in lower case: `up.com`")
        );
    }

    #[test]
    fn ids_names_keys_and_parents() {
        assert!(check_id("acme_1-x").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id(&"a".repeat(31)).is_err());
        assert!(check_name("  ").is_err());
        assert!(check_name("ACME").is_ok());
        assert!(check_attr_key(" ").is_err());
        assert!(check_parent("p", Some("p")).is_err());
        assert!(check_parent("bad id", None).is_err());
        assert!(check_parent("p", Some("c")).is_ok());
    }

    #[test]
    fn numbers_are_kept_exactly_or_refused() {
        assert_eq!(exact_number("42").unwrap(), serde_json::Number::from(42));
        assert_eq!(exact_number("-7").unwrap(), serde_json::Number::from(-7));
        assert_eq!(
            exact_number("18446744073709551615").unwrap(),
            serde_json::Number::from(u64::MAX)
        );
        assert_eq!(exact_number("0.1").unwrap().as_f64(), Some(0.1));
        assert_eq!(exact_number("1.50").unwrap().as_f64(), Some(1.5));
        assert_eq!(exact_number("1e3").unwrap().as_f64(), Some(1000.0));
        assert_eq!(exact_number("-0.0").unwrap().as_f64(), Some(0.0));
        let big = exact_number("123456789012345678901234567890").unwrap_err();
        assert!(big.contains("64-bit integer"), "{big}");
        assert!(exact_number("18446744073709551616").is_err());
        assert!(exact_number("-9223372036854775809").is_err());
        let pi = exact_number("3.14159265358979323846").unwrap_err();
        assert!(pi.contains("exactly"), "{pi}");
        assert!(exact_number("1e400").is_err());
        assert!(exact_number("1e-400").is_err());
    }

    #[test]
    fn number_spellings() {
        for t in ["0", "-1", "1.5", "1e3", "1.5E-3", "10"] {
            assert!(looks_like_number(t), "{t}");
        }
        for t in [
            "", "-", "+1", "1.", ".5", "0x1F", "1_000", "1e", "abc", "1.2.3",
        ] {
            assert!(!looks_like_number(t), "{t}");
        }
    }
}
