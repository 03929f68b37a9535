//! Unit tests of the markdown renderer.

use super::*;

fn change(kind: &str, target: &str, action: &str, mark: Mark) -> MarkdownChange {
    MarkdownChange {
        kind: kind.into(),
        target: target.into(),
        action: action.into(),
        mark,
        fields: vec![MarkdownField {
            name: "name".into(),
            old: "\"a\"".into(),
            new: "\"b\"".into(),
            mark: Mark::Plain,
        }],
        notes: Vec::new(),
    }
}

fn plan(changes: Vec<MarkdownChange>) -> MarkdownPlan {
    MarkdownPlan {
        title: "descope-mgmt sync plan".into(),
        summary: "Plan: 0 to create.".into(),
        columns: ("Before", "After"),
        changes,
        notes: Vec::new(),
        see_all: "`-o json`".into(),
    }
}

#[test]
fn user_text_cannot_break_the_table_or_inject_html() {
    assert_eq!(
        md_text("a|b`c<img src=x>@me #1\n"),
        // The newline is shown escaped (`\n`), and that backslash is escaped for markdown.
        "a\\|b\\`c&lt;img src=x&gt;&#64;me &#35;1\\\\n"
    );
    assert_eq!(html_text("</summary><b>x"), "&lt;/summary&gt;&lt;b&gt;x");
}

#[test]
fn destructive_kinds_and_changes_come_first() {
    let p = plan(vec![
        change("role", "viewer", "update", Mark::Plain),
        change("tenant", "acme", "update", Mark::Plain),
        change("tenant", "old", "delete", Mark::Destroy),
    ]);
    let text = render(&p, MARKDOWN_BUDGET);
    let tenant = text.find("#### tenant").unwrap();
    let role = text.find("#### role").unwrap();
    assert!(tenant < role, "{text}");
    assert!(text.find("| old |").unwrap() < text.find("| acme |").unwrap());
    assert!(text.contains("**1 destructive change(s)**"));
    assert!(!text.contains("Cut to fit"));
}

#[test]
fn a_large_plan_is_cut_within_the_budget_with_a_note() {
    let p = plan(
        (0..5000)
            .map(|i| change("tenant", &format!("t{i:05}"), "update", Mark::Plain))
            .collect(),
    );
    let text = render(&p, MARKDOWN_BUDGET);
    assert!(chars(&text) <= MARKDOWN_BUDGET, "{}", chars(&text));
    assert!(text.contains("Cut to fit one GitHub comment"));
    assert!(text.contains("See everything with `-o json`"));
}

#[test]
fn losing_data_is_a_removed_item_or_key() {
    use serde_json::json;
    assert!(loses_data(&json!(["a", "b"]), &json!(["a"])));
    assert!(!loses_data(&json!(["a"]), &json!(["a", "b"])));
    assert!(loses_data(&json!({"k": 1}), &json!({})));
    assert!(!loses_data(&json!("x"), &json!("y")));
}
