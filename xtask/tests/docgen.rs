//! The committed CLI reference (docs/cli.md) and man pages (docs/man/) match the clap
//! definitions: rendered in memory and compared, so a change to a command's help that was not
//! followed by `cargo xtask gen` fails here.

use std::path::Path;

use xtask::docgen;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is one level below the repository root")
}

#[test]
fn committed_cli_reference_and_man_pages_are_up_to_date() {
    let stale = docgen::stale(root());
    assert!(
        stale.is_empty(),
        "these generated files are stale or missing: {}\nrun `cargo xtask gen` (or, without a release build, `cargo run -p xtask -- gen`) and commit the result",
        stale.join(", ")
    );
}

#[test]
fn the_reference_covers_every_command_with_its_examples_and_global_options() {
    let files = docgen::generate();
    let md = &files
        .iter()
        .find(|f| f.path == docgen::CLI_MD)
        .expect("docs/cli.md is generated")
        .contents;
    for name in [
        "descope-mgmt",
        "descope-mgmt tenant sync",
        "descope-mgmt flow deploy",
        "descope-mgmt emulator serve",
        "descope-mgmt completions",
    ] {
        assert!(
            md.contains(&format!("\n## `{name}`\n")),
            "no section for {name}"
        );
        let page = format!("{}/{}.1", docgen::MAN_DIR, name.replace(' ', "-"));
        let man = files
            .iter()
            .find(|f| f.path == page)
            .unwrap_or_else(|| panic!("no man page {page}"));
        assert!(
            man.contents.contains(".SH EXAMPLES"),
            "{page} has no EXAMPLES"
        );
        assert!(
            man.contents.contains(".SH \"GLOBAL OPTIONS\""),
            "{page}: no GLOBAL OPTIONS"
        );
    }
    assert_eq!(
        md.matches("\nExamples:\n").count(),
        md.matches("\n## `").count(),
        "every command section has examples"
    );
    // The serve section lists only the global options that apply to it.
    let serve = md
        .split("\n## `descope-mgmt emulator serve`\n")
        .nth(1)
        .expect("serve section");
    let serve = serve.split("\n## `").next().unwrap_or(serve);
    assert!(serve.contains("`--project-id <ID>`"), "{serve}");
    assert!(!serve.contains("--profile"), "{serve}");
    assert!(!serve.contains("--concurrency"), "{serve}");
}

#[test]
fn a_stale_file_is_reported_and_gen_fixes_it() {
    let dir = std::env::temp_dir().join(format!("xtask-docgen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(docgen::MAN_DIR)).expect("temp dir");
    std::fs::write(dir.join(docgen::MAN_DIR).join("descope-mgmt-gone.1"), "old").expect("write");
    let stale = docgen::stale(&dir);
    assert!(stale.iter().any(|p| p == docgen::CLI_MD), "{stale:?}");
    assert!(
        stale.iter().any(|p| p.ends_with("descope-mgmt-gone.1")),
        "{stale:?}"
    );
    docgen::write(&dir).expect("write");
    assert_eq!(docgen::stale(&dir), Vec::<String>::new());
    std::fs::write(dir.join(docgen::CLI_MD), "edited").expect("write");
    assert_eq!(docgen::stale(&dir), vec![docgen::CLI_MD.to_owned()]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_readme_links_the_reference() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let section = readme
        .split("\n## Command reference\n")
        .nth(1)
        .expect("README has a Command reference section");
    let section = section.split("\n## ").next().unwrap_or(section);
    assert!(
        section.contains("](docs/cli.md)"),
        "the README's command reference links docs/cli.md"
    );
}
