//! The JSON Schema of tenants.yaml, generated from the same types the loader reads.

/// JSON Schema (draft 2020-12) of tenants.yaml, for editors (`# yaml-language-server: $schema=…`).
#[must_use]
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<crate::raw::RawFile>();
    let mut value = schema.to_value();
    // `tenants` is an `Option` in the Rust type only so that its absence gets a friendlier
    // error than serde's; to an editor it is required.
    value["required"] = serde_json::json!(["tenants"]);
    value
}
