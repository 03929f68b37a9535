//! Values typed on the command line and shown back: `KEY=VALUE` attributes, durations, and the
//! one-line rendering of a JSON value in "old → new" displays. Several commands share them.

/// Renders a JSON value compactly for a one-line "old → new" display.
#[must_use]
pub fn show_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(unset)".to_owned(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// Parses a `KEY=VALUE` custom attribute. `true`/`false` are booleans; a number written as in
/// JSON (`50`, `-1.5`, `1e3`) is a number when it can be kept exactly (refused otherwise, never
/// rounded); `"..."` is the text between the quotes (`plan="50"` keeps `50` as text); anything
/// else is text exactly as written.
pub fn parse_attr(s: &str) -> Result<(String, serde_json::Value), crate::error::CliError> {
    let (k, v) = s.split_once('=').ok_or_else(|| {
        crate::error::CliError::usage(format!("--attr `{s}` is not KEY=VALUE"))
            .hint("for example: --attr plan=enterprise")
    })?;
    if k.is_empty() {
        return Err(crate::error::CliError::usage(format!(
            "--attr `{s}` has an empty key"
        )));
    }
    if let Err(p) = descope_spec::rules::check_attr_key(k) {
        return Err(
            crate::error::CliError::usage(format!("--attr `{s}`: {}", p.message)).hint(p.help),
        );
    }
    let value = match v {
        "true" => serde_json::Value::Bool(true),
        "false" => serde_json::Value::Bool(false),
        _ if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') => {
            serde_json::Value::String(v[1..v.len() - 1].to_owned())
        }
        _ if descope_spec::rules::looks_like_number(v) => {
            let n = descope_spec::rules::exact_number(v).map_err(|why| {
                crate::error::CliError::usage(format!("--attr `{s}`: {why}")).hint(format!(
                    "to keep it as text, quote the value: --attr '{k}=\"{v}\"'"
                ))
            })?;
            serde_json::Value::Number(n)
        }
        _ => serde_json::Value::String(v.to_owned()),
    };
    Ok((k.to_owned(), value))
}

/// Parses a duration like `30d`, `12h`, `90m`, `45s`, `2w`.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, crate::error::CliError> {
    let err = || {
        crate::error::CliError::usage(format!("`{s}` is not a duration"))
            .hint("write a number and a unit: 45s, 90m, 12h, 30d, 2w")
    };
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().map_err(|_| err())?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(err()),
    };
    Ok(std::time::Duration::from_secs(n.saturating_mul(secs)))
}

/// Parses a request timeout (`--timeout`, `DESCOPE_MGMT_TIMEOUT`, a profile's `timeout`): a
/// whole number and a unit, at least one second.
///
/// # Errors
/// A message saying what a valid value looks like.
pub fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    let d = parse_duration(s)
        .map_err(|_| format!("`{s}` is not a duration; write a number and a unit, e.g. 30s, 2m"))?;
    if d.is_zero() {
        return Err(format!(
            "`{s}` is too short; a timeout is at least 1s (e.g. 30s, 2m)"
        ));
    }
    Ok(d)
}

/// Parses `N/SECS` (`--max-rate`, `DESCOPE_MGMT_MAX_RATE`, a profile's `max_rate`): at most N
/// request starts in any SECS seconds.
pub fn parse_max_rate(s: &str) -> Result<descope_api::MaxRate, String> {
    let usage = "write N/SECS, e.g. 50/60 for at most 50 requests in any 60 seconds";
    let (n, secs) = s
        .trim()
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not N/SECS; {usage}"))?;
    let n: u32 = n
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{n}` is not a number of requests (at least 1); {usage}"))?;
    let secs: u64 = secs
        .trim()
        .parse()
        .ok()
        .filter(|s| *s > 0)
        .ok_or_else(|| format!("`{secs}` is not a number of seconds (at least 1); {usage}"))?;
    Ok(descope_api::MaxRate {
        n,
        per: std::time::Duration::from_secs(secs),
    })
}

/// `1240` → `1,240`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `750 s` → `12 min 30 s`; `45 s` → `45 s`.
pub fn minutes_seconds(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match (s / 60, s % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}
