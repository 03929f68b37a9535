//! Diagnostics of a tenants.yaml: one located message per problem, with a fix.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a tenants.yaml, located at `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based; 0 when the problem has no position (e.g. the file cannot be read).
    pub line: usize,
    /// 1-based, in characters; 0 when unknown.
    pub column: usize,
    /// Id of the tenant the problem is in, when known.
    pub tenant: Option<String>,
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        // One line: a value quoted in the message (a name with a newline) cannot split it.
        write!(f, ": ")?;
        for c in self.message.chars() {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\x1b' => f.write_str("\\e")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => write!(f, "{c}")?,
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every problem found in one pass over a file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<Diagnostic>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// Optimal-string-alignment distance, for "did you mean" suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(!a[i - 1].eq_ignore_ascii_case(&b[j - 1]));
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate nearest to `word`, if it is near enough to be a plausible typo.
pub(crate) fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let best = candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .min_by_key(|(d, _)| *d)?;
    let limit = (word.chars().count().max(best.1.len()) / 3).max(2);
    (best.0 <= limit).then_some(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_transpositions() {
        assert_eq!(edit_distance("domians", "domains"), 1);
        assert_eq!(edit_distance("nme", "name"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn nearest_suggests_only_close_words() {
        let keys = ["id", "name", "domains", "customAttributes", "enforceSSO"];
        assert_eq!(nearest("domians", &keys), Some("domains"));
        assert_eq!(nearest("customattributes", &keys), Some("customAttributes"));
        assert_eq!(nearest("enforce_sso", &keys), Some("enforceSSO"));
        assert_eq!(nearest("zzzzzzzzzz", &keys), None);
    }

    #[test]
    fn a_message_stays_one_line_with_control_characters_escaped() {
        let d = Diagnostic {
            file: "t.yaml".into(),
            line: 3,
            column: 11,
            tenant: None,
            message: "tenant name `a\nb\u{1b}[31m\u{9b}` is taken".into(),
            help: None,
        };
        assert_eq!(
            d.to_string(),
            "t.yaml:3:11: tenant name `a\\nb\\e[31m\\u{9b}` is taken"
        );
    }

    #[test]
    fn display_renders_location_tenant_and_help() {
        let d = Diagnostic {
            file: "tenants.yaml".into(),
            line: 4,
            column: 5,
            tenant: Some("acme".into()),
            message: "unknown key `domians` in tenant `acme`".into(),
            help: Some("did you mean `domains`?".into()),
        };
        assert_eq!(
            d.to_string(),
            "tenants.yaml:4:5: unknown key `domians` in tenant `acme`\n  help: did you mean `domains`?"
        );
        let errs = SpecErrors(vec![
            d.clone(),
            Diagnostic {
                help: None,
                line: 0,
                ..d
            },
        ]);
        assert_eq!(
            errs.to_string(),
            "tenants.yaml:4:5: unknown key `domians` in tenant `acme`\n  help: did you mean `domains`?\ntenants.yaml: unknown key `domians` in tenant `acme`"
        );
    }
}
