//! `${VAR}` substitution in parsed string values (never on the raw text, never on ids).
//!
//! Grammar: `${NAME}` is the value of NAME (an error when unset); `${NAME:-default}` is the value
//! of NAME, or `default` when NAME is unset or empty (as in a POSIX shell); `$${` is a literal
//! `${`; any other `$` is literal. NAME is `[A-Za-z_][A-Za-z0-9_]*`; a default ends at the first
//! `}` and is not itself substituted.

/// Why a value could not be substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SubstError {
    /// `${NAME}` with NAME unset and no default.
    Undefined(String),
    /// `${` without a closing `}`: the text from `${` to the end of the value.
    Unclosed(String),
    /// `${...}` whose name is empty or not `[A-Za-z_][A-Za-z0-9_]*`.
    BadName(String),
}

/// Substitutes `${...}` references in `s`.
pub(crate) fn substitute(
    s: &str,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Result<String, SubstError> {
    if !s.contains('$') {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let end = after
                .find('}')
                .ok_or_else(|| SubstError::Unclosed(tail.to_owned()))?;
            let inner = &after[..end];
            let (name, default) = match inner.find(":-") {
                Some(i) => (&inner[..i], Some(&inner[i + 2..])),
                None => (inner, None),
            };
            if !is_var_name(name) {
                return Err(SubstError::BadName(inner.to_owned()));
            }
            match (vars(name), default) {
                (Some(v), Some(d)) if v.is_empty() => out.push_str(d),
                (Some(v), _) => out.push_str(&v),
                (None, Some(d)) => out.push_str(d),
                (None, None) => return Err(SubstError::Undefined(name.to_owned())),
            }
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Escapes `s` so that [`substitute`] gives it back unchanged.
pub(crate) fn escape(s: &str) -> String {
    s.replace("${", "$${")
}

fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "NAME" => Some("Globex".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn substitutes_set_variables_and_defaults() {
        assert_eq!(substitute("${NAME} Inc", &env).unwrap(), "Globex Inc");
        assert_eq!(substitute("${UNSET:-fallback}", &env).unwrap(), "fallback");
        assert_eq!(substitute("${EMPTY:-fallback}", &env).unwrap(), "fallback");
        assert_eq!(substitute("${NAME:-fallback}", &env).unwrap(), "Globex");
        assert_eq!(substitute("${UNSET:-}", &env).unwrap(), "");
        assert_eq!(
            substitute("a${NAME}b${NAME}c", &env).unwrap(),
            "aGlobexbGlobexc"
        );
    }

    #[test]
    fn dollars_that_are_not_references_stay() {
        assert_eq!(substitute("costs $5", &env).unwrap(), "costs $5");
        assert_eq!(substitute("$$${NAME}", &env).unwrap(), "$${NAME}");
        assert_eq!(substitute("$${NAME}", &env).unwrap(), "${NAME}");
        assert_eq!(substitute("end$", &env).unwrap(), "end$");
    }

    #[test]
    fn reports_undefined_unclosed_and_bad_names() {
        assert_eq!(
            substitute("${GLOBEX_NAME}", &env),
            Err(SubstError::Undefined("GLOBEX_NAME".into()))
        );
        assert_eq!(
            substitute("x ${NAME", &env),
            Err(SubstError::Unclosed("${NAME".into()))
        );
        assert_eq!(
            substitute("${}", &env),
            Err(SubstError::BadName(String::new()))
        );
        assert_eq!(
            substitute("${1X}", &env),
            Err(SubstError::BadName("1X".into()))
        );
    }

    #[test]
    fn escape_round_trips() {
        for s in [
            "plain", "${X}", "$${X}", "$$${X}", "a$b", "${", "$", "$$", "x${y}z${",
        ] {
            assert_eq!(substitute(&escape(s), &env).unwrap(), s, "{s:?}");
        }
    }
}
