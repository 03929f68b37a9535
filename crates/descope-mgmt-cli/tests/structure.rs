//! The shape of the CLI crate's source: no command module reaches into another (what two commands
//! share lives in a named module outside `commands/`), and no source file grows past 400 lines.

use std::path::{Path, PathBuf};

/// The most lines a CLI source file may have.
const MAX_LINES: usize = 400;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as paths relative to `src/` with `/` separators, sorted.
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read a source directory") {
            let path = entry.expect("read a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src())
                    .expect("a file under src/")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let text = std::fs::read_to_string(&path).expect("read a source file");
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

/// The ways a file under `commands/` reaches another command module, one message per line that
/// does: `super::` (its group, a sibling, or another group; only `use super::*;` inside a nested
/// test module is fine), any path through `commands::`, and `#[path]` (mounting another file).
fn reaches_another_command(file: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let trimmed = code.trim();
        if trimmed.is_empty() {
            continue;
        }
        let nested_glob = trimmed == "use super::*;" && code.starts_with(char::is_whitespace);
        let reaches = (code.contains("super::") && !nested_glob)
            || code.contains("commands::")
            || code.replace(' ', "").contains("#[path");
        if reaches {
            found.push(format!("{file}:{}: {trimmed}", n + 1));
        }
    }
    found
}

#[test]
fn no_command_module_imports_another() {
    let files = rust_files(&src().join("commands"));
    assert!(
        files.len() > 20,
        "expected one file per subcommand under src/commands/, found {}",
        files.len()
    );
    let found: Vec<String> = files
        .iter()
        .flat_map(|(file, text)| reaches_another_command(file, text))
        .collect();
    assert!(
        found.is_empty(),
        "command modules reach into other command modules; move what they share to a module \
         outside commands/ (like crate::tenants or crate::flows):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_import_check_catches_every_way_of_reaching_another_command() {
    let reaching = [
        "use super::flow::read_flow_file;",
        "use super::{parse_attr, show_value};",
        "use super::super::tenant::load;",
        "use crate::commands::tenant::list::run;",
        "use crate::{commands::flow, ctx::Ctx};",
        "    let t = super::get::run(ctx, &a).await;",
        "#[path = \"../flow/list.rs\"]",
        "use super::*;",
    ];
    for line in reaching {
        assert_eq!(
            reaches_another_command("commands/theme/restore.rs", line).len(),
            1,
            "not caught: {line}"
        );
    }
    let fine = [
        "use crate::tenants::{load, settings_of};",
        "use crate::restore_lookup::{RestoreArgs, find_backup};",
        "    use super::*;",
        "// like super::flow does",
        "TenantCommand::List(a) => list::run(ctx, &a).await,",
    ];
    for line in fine {
        assert!(
            reaches_another_command("commands/theme/restore.rs", line).is_empty(),
            "wrongly caught: {line}"
        );
    }
}

#[test]
fn no_cli_source_file_is_over_400_lines() {
    let files = rust_files(&src());
    let mut over = Vec::new();
    for (file, text) in &files {
        let lines = text.lines().count();
        if lines > MAX_LINES {
            over.push(format!("{file}: {lines} lines"));
        }
    }
    assert!(
        over.is_empty(),
        "CLI source files over {MAX_LINES} lines (split them by what they own):\n{}",
        over.join("\n")
    );
}
