//! The file loader and the plan engine together: a loaded file plans as expected, and an export
//! of live tenants, loaded back, plans no changes.

mod common;

use std::path::Path;

use common::{config, gen_live};
use descope_spec::{desired_from_live, parse, to_yaml};
use descope_sync::{Action, PlanOptions, plan};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config(50))]

    #[test]
    fn export_then_load_then_plan_has_no_changes(live in gen_live(8..9)) {
        let desired: Vec<_> = live.iter().map(desired_from_live).collect();
        let yaml = to_yaml(&desired);
        let spec = parse(Path::new("export.yaml"), &yaml, &|_| None)
            .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        let opts = PlanOptions {
            prune: true,
            protected: spec.protected.clone(),
            ..PlanOptions::default()
        };
        let p = plan(&spec.tenants, &live, &opts).unwrap();
        prop_assert!(!p.has_changes(), "{p:#?}");
    }
}

#[test]
fn repo_example_plans_against_an_empty_project() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tenants.yaml");
    let spec = descope_spec::load(&path, &|_| None).unwrap_or_else(|e| panic!("{e}"));
    let p = plan(&spec.tenants, &[], &PlanOptions::default()).unwrap();
    let ids: Vec<&str> = p.changes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "globex",
            "holding",
            "umbrella-trial",
            "acme",
            "initech-labs"
        ],
        "parents first, then by id"
    );
    assert!(p.changes.iter().all(|c| c.action == Action::Create));
    assert_eq!(
        p.summary().to_string(),
        "Plan: 5 to create, 0 to update, 0 to delete, 0 unchanged."
    );
}
