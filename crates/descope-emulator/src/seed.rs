//! The example flows and theme of `--seed-flows`, put into the store at start and on reset.

use serde_json::{Value, json};

use crate::store::Store;

const SEED_FLOWS: [(&str, &str); 4] = [
    ("basic-flow", include_str!("../seed/flow-basic.json")),
    (
        "references-flow",
        include_str!("../seed/flow-connector.json"),
    ),
    // flow-role.json also claims `references-flow`; it is seeded under its own id.
    ("role-flow", include_str!("../seed/flow-role.json")),
    ("sign-up-or-in", include_str!("../seed/sign-up-or-in.json")),
];
const SEED_THEME: &str = include_str!("../seed/theme-basic.json");

/// Puts the seed flows and theme into `store`.
pub(crate) fn seed(store: &mut Store) {
    for (id, text) in SEED_FLOWS {
        let Ok(Value::Object(mut flow)) = serde_json::from_str::<Value>(text) else {
            tracing::error!("seed flow {id} is not a JSON object");
            continue;
        };
        flow.insert("flowId".into(), json!(id));
        store.flows.insert(id.to_owned(), Value::Object(flow));
    }
    match serde_json::from_str::<Value>(SEED_THEME) {
        Ok(theme) => store.theme = Some(theme),
        Err(e) => tracing::error!("seed theme is not valid JSON: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_holds_four_flows_and_a_theme() {
        let mut store = Store::default();
        seed(&mut store);
        let ids: Vec<&str> = store.flows.keys().map(String::as_str).collect();
        assert_eq!(
            ids,
            [
                "basic-flow",
                "references-flow",
                "role-flow",
                "sign-up-or-in"
            ]
        );
        assert_eq!(store.flows["role-flow"]["flowId"], "role-flow");
        assert!(store.flows["role-flow"]["references"]["roles"].is_object());
        assert!(store.flows["references-flow"]["references"]["connectors"].is_object());
        assert_eq!(
            store.flows["sign-up-or-in"]["screens"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert!(store.theme.as_ref().unwrap()["styles"].is_object());
    }
}
