//! Loader edges the data-file suite does not reach: files that cannot be read at all (missing,
//! over the size limit, not UTF-8), and the tenant a diagnostic names when the entry's `id` is
//! not a plain string (number, boolean, null, list or mapping).

use std::fs;
use std::path::{Path, PathBuf};

use descope_spec::{MAX_FILE_BYTES, SpecErrors, load, parse};

fn no_vars(_: &str) -> Option<String> {
    None
}

/// A fresh directory for one test under Cargo's scratch dir for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("load_edges")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn only(err: &SpecErrors) -> &descope_spec::Diagnostic {
    assert_eq!(err.0.len(), 1, "expected one diagnostic, got {err}");
    &err.0[0]
}

#[test]
fn a_missing_file_is_one_unlocated_diagnostic_naming_the_file() {
    let dir = scratch("missing");
    let path = dir.join("nope.yaml");
    let err = load(&path, &no_vars).expect_err("a missing file cannot load");
    let d = only(&err);
    assert_eq!(d.file, path);
    assert_eq!(
        (d.line, d.column),
        (0, 0),
        "no position for a file that is not there"
    );
    assert!(d.message.contains("cannot read"), "{d}");
    assert!(d.tenant.is_none());
    // No `:0:0` in the rendered form.
    let shown = d.to_string();
    assert!(
        shown.starts_with(&format!("{}: ", path.display())),
        "{shown}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = scratch("huge");
    let path = dir.join("huge.yaml");
    // A sparse file: the limit is checked on the length, so nothing is written or read.
    let f = fs::File::create(&path).unwrap();
    f.set_len(MAX_FILE_BYTES + 1).unwrap();
    drop(f);
    let err = load(&path, &no_vars).expect_err("an over-large file is refused");
    let d = only(&err);
    assert_eq!(d.line, 0);
    assert!(d.help.is_some(), "the refusal says what to do: {d}");
    // Exactly at the limit is not "too big": it is read (and here fails as YAML, not for size).
    fs::File::create(&path)
        .unwrap()
        .set_len(MAX_FILE_BYTES)
        .unwrap();
    let at_limit = load(&path, &no_vars).expect_err("NUL bytes are not a tenants file");
    assert_ne!(at_limit.0[0].message, d.message);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let dir = scratch("latin1");
    let path = dir.join("latin1.yaml");
    // Line 3, after `  name: Caf` (11 characters): a Latin-1 é.
    let mut bytes = b"tenants:\n  - id: cafe\n    name: Caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\n");
    fs::write(&path, &bytes).unwrap();
    let err = load(&path, &no_vars).expect_err("not UTF-8");
    let d = only(&err);
    assert_eq!((d.line, d.column), (3, 14), "{d}");
    assert!(d.message.contains("UTF-8"), "{d}");
    assert!(d.help.as_deref().unwrap_or("").contains("UTF-8"), "{d}");

    // A multi-byte character before the bad byte counts as one column.
    let mut bytes = "tenants: [] # é".as_bytes().to_vec();
    bytes.push(0xFF);
    fs::write(&path, &bytes).unwrap();
    let d = load(&path, &no_vars).expect_err("not UTF-8").0.remove(0);
    assert_eq!((d.line, d.column), (1, 16), "{d}");
    fs::remove_dir_all(dir).unwrap();
}

/// The diagnostic for an unknown key in the second tenant, whose `id` is written as `id_yaml`.
fn tenant_named_for(id_yaml: &str) -> Option<String> {
    let text = format!(
        "tenants:\n  - id: first\n    name: First\n  - id: {id_yaml}\n    name: Second\n    colour: blue\n"
    );
    let err = parse(Path::new("t.yaml"), &text, &no_vars).expect_err("unknown key");
    let d = err
        .0
        .iter()
        .find(|d| d.message.contains("colour"))
        .unwrap_or_else(|| panic!("no diagnostic about `colour` in {err}"));
    assert_eq!(d.line, 6, "{d}");
    d.tenant.clone()
}

#[test]
fn a_diagnostic_names_its_tenant_whatever_scalar_the_id_is() {
    assert_eq!(tenant_named_for("second").as_deref(), Some("second"));
    assert_eq!(tenant_named_for("42").as_deref(), Some("42"));
    assert_eq!(tenant_named_for("-7").as_deref(), Some("-7"));
    assert_eq!(tenant_named_for("true").as_deref(), Some("true"));
    assert_eq!(tenant_named_for("2.5").as_deref(), Some("2.5"));
    assert_eq!(
        tenant_named_for("18446744073709551615").as_deref(),
        Some("18446744073709551615")
    );
}

#[test]
fn an_id_that_is_not_a_string_is_the_error_and_never_blamed_on_the_previous_tenant() {
    for id in ["null", "~", "[a, b]", "{x: 1}"] {
        let text =
            format!("tenants:\n  - id: first\n    name: First\n  - id: {id}\n    name: Second\n");
        let err = parse(Path::new("t.yaml"), &text, &no_vars).expect_err("bad id");
        let d = &err.0[0];
        assert_eq!((d.line, d.column), (4, 9), "id {id}: {d}");
        assert!(d.message.contains("`id`"), "id {id}: {d}");
        assert!(d.help.is_some(), "id {id}: {d}");
        assert_ne!(d.tenant.as_deref(), Some("first"), "id {id}: {d}");
    }
}

#[test]
fn an_id_that_is_not_a_scalar_names_no_tenant_and_no_fragment_of_it() {
    for id in ["null", "~", "[a, b]", "{x: 1}"] {
        let text = format!("tenants:\n  - id: {id}\n    name: Second\n");
        let err = parse(Path::new("t.yaml"), &text, &no_vars).expect_err("bad id");
        let d = &err.0[0];
        let shown = d.to_string();
        assert!(!shown.contains("in tenant `[a`"), "id {id}: {shown}");
        assert!(!shown.contains("in tenant `{x"), "id {id}: {shown}");
        assert!(!shown.contains("in tenant `~`"), "id {id}: {shown}");
        assert!(!shown.contains("in tenant `null`"), "id {id}: {shown}");
        assert!(
            !shown.contains("e.g. `name:"),
            "the help for `id` shows an id: {shown}"
        );
    }
}

#[test]
fn an_id_written_as_a_variable_is_named_whole_when_the_file_does_not_parse() {
    // A tab makes the file fail to parse, so the tenant is found by scanning for `id:`.
    let text = "tenants:\n  - id: ${VID}x  # comment\n    name: X\n\tbad: 1\n";
    let err = parse(Path::new("t.yaml"), text, &no_vars).expect_err("tab");
    let shown = err.to_string();
    assert!(!shown.contains("`${VID`"), "{shown}");
    assert!(shown.contains("in tenant `${VID}x`"), "{shown}");
}

#[test]
fn a_tenant_entry_that_is_a_list_says_how_an_entry_is_written() {
    let err = parse(Path::new("t.yaml"), "tenants: [[a, b]]\n", &no_vars).expect_err("list");
    let shown = err.to_string();
    assert!(!shown.contains("mapping start"), "{shown}");
    assert!(shown.contains("expected a mapping"), "{shown}");
    assert!(
        shown.contains("each entry of `tenants:` is a mapping"),
        "{shown}"
    );
    assert!(!shown.contains("start the file with `tenants:`"), "{shown}");
}

#[test]
fn a_null_custom_attribute_names_its_key() {
    let text = "tenants:\n  - id: a\n    name: A\n    customAttributes:\n      k: null\n";
    let err = parse(Path::new("t.yaml"), text, &no_vars).expect_err("null");
    assert!(err.to_string().contains("for `k` in tenant `a`"), "{err}");
}
