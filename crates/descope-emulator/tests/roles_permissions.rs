//! Roles, permissions and tenant session settings, through HTTP as a client sees them: every
//! endpoint, every rule, the batches' all-or-nothing, the empty-filter batch delete, the system
//! permissions, renames and deletes that follow into roles and default roles, and the state.

mod common;

use common::{Emu, default_emulator, emulator, error_code};
use descope_emulator::Config;
use reqwest::Method;
use serde_json::{Value, json};

const SYSTEM: [&str; 3] = ["Impersonate", "User Admin", "SSO Admin"];

/// Asserts a 200 answer and returns its body.
async fn ok(emu: &Emu, path: &str, body: Value) -> Value {
    let r = emu.post(path, body.clone()).await;
    assert_eq!(r.status, 200, "{path} {body}: {}", r.body);
    r.body
}

/// Asserts an error answer with this status and code.
async fn refused(emu: &Emu, path: &str, body: Value, status: u16, code: &str) {
    let r = emu.post(path, body.clone()).await;
    assert_eq!(
        (r.status.as_u16(), error_code(&r)),
        (status, code),
        "{path} {body}: {}",
        r.body
    );
}

async fn permissions(emu: &Emu) -> Vec<Value> {
    let r = emu.get("/v1/mgmt/permission/all").await;
    assert_eq!(r.status, 200);
    r.body["permissions"].as_array().unwrap().clone()
}

async fn permission_names(emu: &Emu) -> Vec<String> {
    permissions(emu)
        .await
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn roles(emu: &Emu) -> Vec<Value> {
    let r = emu.get("/v1/mgmt/role/all").await;
    assert_eq!(r.status, 200);
    r.body["roles"].as_array().unwrap().clone()
}

/// `(tenantId, name)` of every role, in load-all order.
async fn role_keys(emu: &Emu) -> Vec<(String, String)> {
    roles(emu)
        .await
        .iter()
        .map(|r| {
            (
                r["tenantId"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn keys(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(t, n)| ((*t).to_owned(), (*n).to_owned()))
        .collect()
}

async fn role(emu: &Emu, tenant: &str, name: &str) -> Value {
    roles(emu)
        .await
        .into_iter()
        .find(|r| r["tenantId"] == tenant && r["name"] == name)
        .unwrap_or_else(|| panic!("no role {name} in scope '{tenant}'"))
}

async fn default_roles(emu: &Emu, tenant: &str) -> Value {
    emu.get(&format!("/v1/mgmt/tenant?id={tenant}")).await.body["defaultRoles"].clone()
}

fn is_id(v: &Value, prefix: &str) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == prefix.len() + 27
            && s.starts_with(prefix)
            && s[prefix.len()..].bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

#[tokio::test]
async fn system_permissions_are_seeded_and_cannot_be_changed_or_deleted() {
    let emu = default_emulator().await;
    let all = permissions(&emu).await;
    assert_eq!(permission_names(&emu).await, SYSTEM);
    for p in &all {
        assert_eq!(p["systemDefault"], true, "{p}");
        assert!(p["id"].as_str().is_some_and(|id| id.starts_with("PERM")));
        assert!(p["description"].is_string());
    }
    let id = all[1]["id"].as_str().unwrap();
    let cases = [
        (
            "/v1/mgmt/permission/update",
            json!({"name": "Impersonate", "newName": "Impersonate", "description": "x"}),
        ),
        (
            "/v1/mgmt/permission/update",
            json!({"id": id, "newName": "Mine"}),
        ),
        ("/v1/mgmt/permission/delete", json!({"name": "SSO Admin"})),
        ("/v1/mgmt/permission/delete", json!({"id": id})),
        (
            "/v1/mgmt/permission/update/batch",
            json!({"permissions": [{"name": "User Admin", "newName": "Users"}]}),
        ),
        (
            "/v1/mgmt/permission/delete/batch",
            json!({"names": ["Impersonate"]}),
        ),
        ("/v1/mgmt/permission/delete/batch", json!({"ids": [id]})),
    ];
    for (path, body) in cases {
        refused(&emu, path, body, 400, "E112404").await;
    }
    assert_eq!(permissions(&emu).await, all, "nothing changed");
    // A system name is taken like any other.
    refused(
        &emu,
        "/v1/mgmt/permission/create",
        json!({"name": "SSO Admin"}),
        400,
        "E112403",
    )
    .await;
    // Roles may hold system permissions.
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "Tenant Admin", "permissionNames": ["User Admin", "SSO Admin"]}),
    )
    .await;
}

#[tokio::test]
async fn permission_create_update_delete_by_name_and_id() {
    let emu = default_emulator().await;
    let r = ok(
        &emu,
        "/v1/mgmt/permission/create",
        json!({"name": "projects:read", "description": "Read projects"}),
    )
    .await;
    assert_eq!(r, json!({}));
    let p = permissions(&emu).await[3].clone();
    assert!(is_id(&p["id"], "PERM"), "{p}");
    assert_eq!(
        (&p["name"], &p["description"], &p["systemDefault"]),
        (
            &json!("projects:read"),
            &json!("Read projects"),
            &json!(false)
        )
    );

    refused(
        &emu,
        "/v1/mgmt/permission/create",
        json!({"name": "projects:read"}),
        400,
        "E112403",
    )
    .await;
    refused(
        &emu,
        "/v1/mgmt/permission/create",
        json!({"description": "nameless"}),
        400,
        "E011002",
    )
    .await;
    refused(
        &emu,
        "/v1/mgmt/permission/create",
        json!({"name": ""}),
        400,
        "E011002",
    )
    .await;

    // Update overrides every field: no description sent means an empty one.
    ok(
        &emu,
        "/v1/mgmt/permission/update",
        json!({"name": "projects:read", "newName": "projects:view"}),
    )
    .await;
    let p2 = permissions(&emu).await[3].clone();
    assert_eq!(
        (&p2["id"], &p2["name"], &p2["description"]),
        (&p["id"], &json!("projects:view"), &json!(""))
    );
    ok(
        &emu,
        "/v1/mgmt/permission/update",
        json!({"id": p["id"], "newName": "projects:view", "description": "by id"}),
    )
    .await;
    assert_eq!(permissions(&emu).await[3]["description"], "by id");

    ok(&emu, "/v1/mgmt/permission/create", json!({"name": "other"})).await;
    let cases = [
        (
            json!({"name": "projects:view", "description": "no new name"}),
            400,
            "E011002",
        ),
        (json!({"newName": "x"}), 400, "E011002"),
        (
            json!({"name": "projects:view", "newName": "other"}),
            400,
            "E112403",
        ),
        (json!({"name": "ghost", "newName": "x"}), 404, "E112402"),
        (json!({"id": "PERMghost", "newName": "x"}), 404, "E112402"),
    ];
    for (body, status, code) in cases {
        refused(&emu, "/v1/mgmt/permission/update", body, status, code).await;
    }

    refused(
        &emu,
        "/v1/mgmt/permission/delete",
        json!({"name": "ghost"}),
        404,
        "E112402",
    )
    .await;
    refused(
        &emu,
        "/v1/mgmt/permission/delete",
        json!({}),
        400,
        "E011002",
    )
    .await;
    ok(&emu, "/v1/mgmt/permission/delete", json!({"id": p["id"]})).await;
    ok(&emu, "/v1/mgmt/permission/delete", json!({"name": "other"})).await;
    assert_eq!(permission_names(&emu).await, SYSTEM);
}

#[tokio::test]
async fn permission_batches_are_all_or_nothing() {
    let emu = default_emulator().await;
    let r = ok(
        &emu,
        "/v1/mgmt/permission/create/batch",
        json!({"permissions": [{"name": "a", "description": "A"}, {"name": "b"}, {"name": "c"}]}),
    )
    .await;
    let created = r["permissions"].as_array().unwrap();
    assert_eq!(created.len(), 3);
    assert!(created.iter().all(|p| is_id(&p["id"], "PERM")));
    assert_eq!(created[0]["description"], "A");

    // A duplicate (of a stored one, or within the batch) refuses the whole batch.
    for batch in [
        json!([{"name": "d"}, {"name": "a"}]),
        json!([{"name": "d"}, {"name": "d"}]),
        json!([{"name": "d"}, {"description": "nameless"}]),
    ] {
        let r = emu
            .post(
                "/v1/mgmt/permission/create/batch",
                json!({ "permissions": batch }),
            )
            .await;
        assert_eq!(r.status, 400, "{}", r.body);
    }
    refused(
        &emu,
        "/v1/mgmt/permission/create/batch",
        json!({"permissions": []}),
        400,
        "E011002",
    )
    .await;
    let mut want: Vec<String> = SYSTEM.iter().map(|s| (*s).to_owned()).collect();
    want.extend(["a", "b", "c"].map(String::from));
    assert_eq!(permission_names(&emu).await, want);

    let r = ok(
        &emu,
        "/v1/mgmt/permission/update/batch",
        json!({"permissions": [{"name": "a", "newName": "a2", "description": "A2"}, {"id": created[1]["id"], "newName": "b2"}]}),
    )
    .await;
    assert_eq!(r["permissions"][0]["name"], "a2");
    assert_eq!(r["permissions"][1]["name"], "b2");
    // One bad entry: nothing of the batch is applied.
    refused(
        &emu,
        "/v1/mgmt/permission/update/batch",
        json!({"permissions": [{"name": "a2", "newName": "a3"}, {"name": "ghost", "newName": "g"}]}),
        404,
        "E112402",
    )
    .await;
    refused(
        &emu,
        "/v1/mgmt/permission/update/batch",
        json!({"permissions": [{"name": "a2", "newName": "a3"}, {"name": "SSO Admin", "newName": "s"}]}),
        400,
        "E112404",
    )
    .await;
    want.truncate(3);
    want.extend(["a2", "b2", "c"].map(String::from));
    assert_eq!(permission_names(&emu).await, want);

    // Batch delete by names and ids; unknown ones match nothing; an empty filter is refused.
    refused(
        &emu,
        "/v1/mgmt/permission/delete/batch",
        json!({}),
        400,
        "E011002",
    )
    .await;
    refused(
        &emu,
        "/v1/mgmt/permission/delete/batch",
        json!({"names": [], "ids": []}),
        400,
        "E011002",
    )
    .await;
    refused(
        &emu,
        "/v1/mgmt/permission/delete/batch",
        json!({"names": ["a2", "User Admin"]}),
        400,
        "E112404",
    )
    .await;
    assert_eq!(
        permission_names(&emu).await,
        want,
        "a refused batch deletes nothing"
    );
    ok(
        &emu,
        "/v1/mgmt/permission/delete/batch",
        json!({"names": ["a2", "never-existed"], "ids": [created[2]["id"]]}),
    )
    .await;
    want.truncate(3);
    want.push("b2".into());
    assert_eq!(permission_names(&emu).await, want);
}

#[tokio::test]
async fn permission_renames_and_deletes_follow_into_every_role() {
    let emu = default_emulator().await;
    emu.create("t", "T").await;
    ok(
        &emu,
        "/v1/mgmt/permission/create/batch",
        json!({"permissions": [{"name": "read"}, {"name": "write"}]}),
    )
    .await;
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "viewer", "permissionNames": ["read"]}),
    )
    .await;
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "editor", "tenantId": "t", "permissionNames": ["read", "write"]}),
    )
    .await;

    ok(
        &emu,
        "/v1/mgmt/permission/update",
        json!({"name": "read", "newName": "view"}),
    )
    .await;
    assert_eq!(
        role(&emu, "", "viewer").await["permissionNames"],
        json!(["view"])
    );
    assert_eq!(
        role(&emu, "t", "editor").await["permissionNames"],
        json!(["view", "write"])
    );
    ok(
        &emu,
        "/v1/mgmt/permission/update/batch",
        json!({"permissions": [{"name": "write", "newName": "edit"}]}),
    )
    .await;
    assert_eq!(
        role(&emu, "t", "editor").await["permissionNames"],
        json!(["view", "edit"])
    );

    ok(&emu, "/v1/mgmt/permission/delete", json!({"name": "edit"})).await;
    assert_eq!(
        role(&emu, "t", "editor").await["permissionNames"],
        json!(["view"])
    );
    ok(
        &emu,
        "/v1/mgmt/permission/delete/batch",
        json!({"names": ["view"]}),
    )
    .await;
    assert_eq!(role(&emu, "", "viewer").await["permissionNames"], json!([]));
}

#[tokio::test]
async fn roles_are_created_updated_and_deleted_per_scope() {
    let emu = default_emulator().await;
    emu.create("t1", "T1").await;
    emu.create("t2", "T2").await;
    ok(
        &emu,
        "/v1/mgmt/permission/create/batch",
        json!({"permissions": [{"name": "read"}, {"name": "write"}]}),
    )
    .await;

    let r = ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "admin", "description": "Admins", "permissionNames": ["read", "write"],
               "default": true, "private": true}),
    )
    .await;
    assert_eq!(r, json!({}));
    let admin = role(&emu, "", "admin").await;
    assert!(is_id(&admin["id"], "ROL"), "{admin}");
    assert!(admin["createdTime"].as_i64().unwrap() > 1_600_000_000);
    assert_eq!(
        (
            &admin["description"],
            &admin["permissionNames"],
            &admin["default"],
            &admin["private"]
        ),
        (
            &json!("Admins"),
            &json!(["read", "write"]),
            &json!(true),
            &json!(true)
        )
    );

    // The same name in another scope is another role; in the same scope it is refused.
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "admin", "tenantId": "t1", "permissionNames": ["read"]}),
    )
    .await;
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "admin", "tenantId": "t2"}),
    )
    .await;
    let cases = [
        (json!({"name": "admin"}), 400, "E112303"),
        (json!({"name": "admin", "tenantId": "t1"}), 400, "E112303"),
        (json!({"name": "x", "tenantId": "ghost"}), 400, "E112202"),
        (
            json!({"name": "x", "permissionNames": ["read", "nope"]}),
            400,
            "E112402",
        ),
        (json!({"description": "nameless"}), 400, "E011002"),
        (json!({"name": "x", "default": "yes"}), 400, "E011001"),
    ];
    for (body, status, code) in cases {
        refused(&emu, "/v1/mgmt/role/create", body, status, code).await;
    }
    assert_eq!(
        role_keys(&emu).await,
        keys(&[("", "admin"), ("t1", "admin"), ("t2", "admin")])
    );

    // Update overrides every field; id, scope and created time stay.
    ok(
        &emu,
        "/v1/mgmt/role/update",
        json!({"name": "admin", "newName": "owner"}),
    )
    .await;
    let owner = role(&emu, "", "owner").await;
    assert_eq!(
        (
            &owner["id"],
            &owner["createdTime"],
            &owner["description"],
            &owner["permissionNames"],
            &owner["default"],
            &owner["private"]
        ),
        (
            &admin["id"],
            &admin["createdTime"],
            &json!(""),
            &json!([]),
            &json!(false),
            &json!(false)
        )
    );
    // By name in a tenant, and by id.
    ok(
        &emu,
        "/v1/mgmt/role/update",
        json!({"name": "admin", "tenantId": "t1", "newName": "admin", "description": "T1 admins",
               "permissionNames": ["write"], "default": true}),
    )
    .await;
    let t1_admin = role(&emu, "t1", "admin").await;
    assert_eq!(
        (
            &t1_admin["description"],
            &t1_admin["permissionNames"],
            &t1_admin["default"]
        ),
        (&json!("T1 admins"), &json!(["write"]), &json!(true))
    );
    ok(
        &emu,
        "/v1/mgmt/role/update",
        json!({"id": owner["id"], "newName": "owner", "description": "by id", "private": true}),
    )
    .await;
    assert_eq!(role(&emu, "", "owner").await["description"], "by id");

    let cases = [
        (json!({"name": "owner"}), 400, "E011002"),
        (json!({"newName": "x"}), 400, "E011002"),
        (json!({"name": "ghost", "newName": "x"}), 404, "E112302"),
        // A project role is not found in a tenant's scope, nor a tenant role in the project's.
        (
            json!({"name": "owner", "tenantId": "t1", "newName": "x"}),
            404,
            "E112302",
        ),
        (
            json!({"id": owner["id"], "tenantId": "t2", "newName": "x"}),
            404,
            "E112302",
        ),
        (
            json!({"name": "admin", "tenantId": "ghost", "newName": "x"}),
            400,
            "E112202",
        ),
        (
            json!({"name": "admin", "tenantId": "t1", "newName": "x", "permissionNames": ["nope"]}),
            400,
            "E112402",
        ),
    ];
    for (body, status, code) in cases {
        refused(&emu, "/v1/mgmt/role/update", body, status, code).await;
    }
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "viewer", "tenantId": "t1"}),
    )
    .await;
    refused(
        &emu,
        "/v1/mgmt/role/update",
        json!({"name": "viewer", "tenantId": "t1", "newName": "admin"}),
        400,
        "E112303",
    )
    .await;
    // Renaming to a name used only in another scope is fine.
    ok(
        &emu,
        "/v1/mgmt/role/update",
        json!({"name": "viewer", "tenantId": "t1", "newName": "owner"}),
    )
    .await;

    // Delete by name (per scope) and by id.
    let cases = [
        (json!({"name": "ghost"}), 404, "E112302"),
        (json!({"name": "owner", "tenantId": "t2"}), 404, "E112302"),
        (
            json!({"name": "admin", "tenantId": "ghost"}),
            400,
            "E112202",
        ),
        (json!({"tenantId": "t1"}), 400, "E011002"),
    ];
    for (body, status, code) in cases {
        refused(&emu, "/v1/mgmt/role/delete", body, status, code).await;
    }
    ok(
        &emu,
        "/v1/mgmt/role/delete",
        json!({"name": "owner", "tenantId": "t1"}),
    )
    .await;
    let t2_admin = role(&emu, "t2", "admin").await;
    ok(
        &emu,
        "/v1/mgmt/role/delete",
        json!({"id": t2_admin["id"], "tenantId": null}),
    )
    .await;
    assert_eq!(
        role_keys(&emu).await,
        keys(&[("", "owner"), ("t1", "admin")])
    );
}

#[tokio::test]
async fn role_batches_are_all_or_nothing_and_never_span_tenants() {
    let emu = default_emulator().await;
    emu.create("t1", "T1").await;
    emu.create("t2", "T2").await;
    ok(&emu, "/v1/mgmt/permission/create", json!({"name": "read"})).await;

    let r = ok(
        &emu,
        "/v1/mgmt/role/create/batch",
        json!({"roles": [{"name": "a", "permissionNames": ["read"]}, {"name": "b", "default": true}, {"name": "c"}]}),
    )
    .await;
    let created = r["roles"].as_array().unwrap();
    assert_eq!(created.len(), 3);
    assert!(created.iter().all(|r| is_id(&r["id"], "ROL")));
    assert_eq!(created[0]["permissionNames"], json!(["read"]));
    assert_eq!(created[1]["default"], true);
    assert_eq!(created[0], role(&emu, "", "a").await);

    let refusals = [
        (json!({"roles": []}), 400, "E011002"),
        (json!({}), 400, "E011002"),
        (
            json!({"roles": [{"name": "d"}, {"name": "a"}]}),
            400,
            "E112303",
        ),
        (
            json!({"roles": [{"name": "d"}, {"name": "d"}]}),
            400,
            "E112303",
        ),
        (
            json!({"roles": [{"name": "d"}, {"name": "e", "permissionNames": ["nope"]}]}),
            400,
            "E112402",
        ),
        (
            json!({"roles": [{"name": "d", "tenantId": "t1"}, {"name": "e", "tenantId": "t2"}]}),
            400,
            "E011003",
        ),
        (
            json!({"roles": [{"name": "d"}, {"name": "e", "tenantId": "t1"}]}),
            400,
            "E011003",
        ),
        (
            json!({"roles": [{"name": "d", "tenantId": "ghost"}]}),
            400,
            "E112202",
        ),
    ];
    for (body, status, code) in refusals {
        refused(&emu, "/v1/mgmt/role/create/batch", body, status, code).await;
    }
    assert_eq!(
        role_keys(&emu).await,
        keys(&[("", "a"), ("", "b"), ("", "c")])
    );
    let r = ok(
        &emu,
        "/v1/mgmt/role/create/batch",
        json!({"roles": [{"name": "a", "tenantId": "t1"}, {"name": "b", "tenantId": "t1"}]}),
    )
    .await;
    assert_eq!(r["roles"][1]["tenantId"], "t1");

    let r = ok(
        &emu,
        "/v1/mgmt/role/update/batch",
        json!({"roles": [{"name": "a", "newName": "a2", "description": "A2"}, {"id": created[1]["id"], "newName": "b"}]}),
    )
    .await;
    assert_eq!(r["roles"][0]["name"], "a2");
    assert_eq!(r["roles"][1]["default"], false, "update overrides default");
    for (body, status, code) in [
        (
            json!({"roles": [{"name": "a2", "newName": "a3"}, {"name": "ghost", "newName": "g"}]}),
            404,
            "E112302",
        ),
        (
            json!({"roles": [{"name": "a2", "newName": "a3"}, {"name": "c", "newName": "a3"}]}),
            400,
            "E112303",
        ),
        (
            json!({"roles": [{"name": "a2", "newName": "a3"}, {"name": "a", "tenantId": "t1", "newName": "x"}]}),
            400,
            "E011003",
        ),
    ] {
        refused(&emu, "/v1/mgmt/role/update/batch", body, status, code).await;
    }
    assert_eq!(
        role_keys(&emu).await,
        keys(&[("", "a2"), ("", "b"), ("", "c"), ("t1", "a"), ("t1", "b")]),
        "refused batches changed nothing"
    );
}

#[tokio::test]
async fn role_batch_delete_filters_and_an_empty_filter_deletes_every_role() {
    let emu = default_emulator().await;
    emu.create("t1", "T1").await;
    emu.create("t2", "T2").await;
    let all = [
        ("", "a"),
        ("", "b"),
        ("", "c"),
        ("t1", "a"),
        ("t1", "x"),
        ("t2", "y"),
    ];
    for (t, n) in all {
        ok(
            &emu,
            "/v1/mgmt/role/create",
            json!({"name": n, "tenantId": t}),
        )
        .await;
    }
    // Names without a tenant are project roles; unknown names match nothing.
    ok(
        &emu,
        "/v1/mgmt/role/delete/batch",
        json!({"roleNames": ["a", "nope"], "tenantId": null}),
    )
    .await;
    assert_eq!(
        role_keys(&emu).await,
        keys(&[("", "b"), ("", "c"), ("t1", "a"), ("t1", "x"), ("t2", "y")])
    );
    // Names in a tenant.
    ok(
        &emu,
        "/v1/mgmt/role/delete/batch",
        json!({"roleNames": ["a"], "tenantId": "t1"}),
    )
    .await;
    // Ids: a tenant given restricts them to that tenant.
    let y = role(&emu, "t2", "y").await["id"].clone();
    let b = role(&emu, "", "b").await["id"].clone();
    ok(
        &emu,
        "/v1/mgmt/role/delete/batch",
        json!({"roleIds": [y.clone(), b.clone()], "tenantId": "t2"}),
    )
    .await;
    assert_eq!(
        role_keys(&emu).await,
        keys(&[("", "b"), ("", "c"), ("t1", "x")])
    );
    ok(&emu, "/v1/mgmt/role/delete/batch", json!({"roleIds": [b]})).await;
    refused(
        &emu,
        "/v1/mgmt/role/delete/batch",
        json!({"roleNames": ["c"], "tenantId": "ghost"}),
        400,
        "E112202",
    )
    .await;
    assert_eq!(role_keys(&emu).await, keys(&[("", "c"), ("t1", "x")]));

    // An empty filter with a tenant empties that tenant.
    ok(
        &emu,
        "/v1/mgmt/role/delete/batch",
        json!({"roleNames": [], "roleIds": [], "tenantId": "t1"}),
    )
    .await;
    assert_eq!(role_keys(&emu).await, keys(&[("", "c")]));

    // As the service does: an empty filter deletes EVERY role, project and tenant.
    for (t, n) in all {
        let _ = emu
            .post("/v1/mgmt/role/create", json!({"name": n, "tenantId": t}))
            .await;
    }
    assert_eq!(roles(&emu).await.len(), 6);
    ok(
        &emu,
        "/v1/mgmt/role/delete/batch",
        json!({"roleNames": [], "roleIds": []}),
    )
    .await;
    assert_eq!(roles(&emu).await, Vec::<Value>::new());
    for (t, n) in all {
        let _ = emu
            .post("/v1/mgmt/role/create", json!({"name": n, "tenantId": t}))
            .await;
    }
    let r = emu.post_raw("/v1/mgmt/role/delete/batch", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(roles(&emu).await, Vec::<Value>::new(), "no body at all");
}

#[tokio::test]
async fn role_search_filters() {
    let emu = default_emulator().await;
    emu.create("t1", "T1").await;
    emu.create("t2", "T2").await;
    ok(
        &emu,
        "/v1/mgmt/permission/create/batch",
        json!({"permissions": [{"name": "read"}, {"name": "write"}]}),
    )
    .await;
    for (t, n, p) in [
        ("", "Viewer", json!(["read"])),
        ("", "Editor", json!(["read", "write"])),
        ("t1", "T1 Viewer", json!(["read"])),
        ("t2", "T2 Admin", json!(["write"])),
    ] {
        ok(
            &emu,
            "/v1/mgmt/role/create",
            json!({"name": n, "tenantId": t, "permissionNames": p}),
        )
        .await;
    }
    let search = |body: Value| {
        let emu = &emu;
        async move {
            let r = emu.post("/v1/mgmt/role/search", body.clone()).await;
            assert_eq!(r.status, 200, "{body}: {}", r.body);
            r.body["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let everything = ["Viewer", "Editor", "T1 Viewer", "T2 Admin"];
    assert_eq!(search(json!({})).await, everything);
    assert_eq!(search(Value::Null).await, everything);
    assert_eq!(search(json!({"tenantIds": ["t1"]})).await, ["T1 Viewer"]);
    assert_eq!(
        search(json!({"tenantIds": ["t1", "t2"], "includeProjectRoles": true})).await,
        everything
    );
    assert_eq!(
        search(json!({"tenantIds": ["t2"], "includeProjectRoles": false})).await,
        ["T2 Admin"]
    );
    assert_eq!(
        search(json!({"roleNames": ["Viewer", "T2 Admin"]})).await,
        ["Viewer", "T2 Admin"]
    );
    assert_eq!(
        search(json!({"roleNameLike": "vIeW"})).await,
        ["Viewer", "T1 Viewer"]
    );
    assert_eq!(
        search(json!({"permissionNames": ["write"]})).await,
        ["Editor", "T2 Admin"]
    );
    let id = role(&emu, "t1", "T1 Viewer").await["id"].clone();
    assert_eq!(search(json!({"roleIds": [id]})).await, ["T1 Viewer"]);
    assert_eq!(
        search(json!({"roleNameLike": "view", "permissionNames": ["read"], "tenantIds": ["t1"]}))
            .await,
        ["T1 Viewer"],
        "filters combine with AND"
    );
    assert_eq!(
        search(json!({"tenantIds": ["ghost"]})).await,
        Vec::<String>::new()
    );
    let r = emu
        .post("/v1/mgmt/role/search", json!({"roleNames": "Viewer"}))
        .await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (400, "E011001"));
}

#[tokio::test]
async fn role_deletes_and_renames_follow_into_tenants_default_roles() {
    let emu = default_emulator().await;
    emu.create("t1", "T1").await;
    emu.create("t2", "T2").await;
    emu.create("t3", "T3").await;
    for (t, n) in [
        ("", "viewer"),
        ("", "admin"),
        ("t2", "admin"),
        ("t3", "local"),
    ] {
        ok(
            &emu,
            "/v1/mgmt/role/create",
            json!({"name": n, "tenantId": t}),
        )
        .await;
    }
    for (t, defaults) in [
        ("t1", json!(["viewer", "admin"])),
        ("t2", json!(["viewer", "admin"])),
        ("t3", json!(["local", "viewer"])),
    ] {
        ok(
            &emu,
            "/v1/mgmt/tenant/updateDefaultRoles",
            json!({"id": t, "defaultRoles": defaults}),
        )
        .await;
    }

    // The project's admin goes; t2's default "admin" is t2's own role and stays.
    ok(&emu, "/v1/mgmt/role/delete", json!({"name": "admin"})).await;
    assert_eq!(default_roles(&emu, "t1").await, json!(["viewer"]));
    assert_eq!(default_roles(&emu, "t2").await, json!(["viewer", "admin"]));

    // A rename keeps the role where it was, under its new name.
    ok(
        &emu,
        "/v1/mgmt/role/update",
        json!({"name": "viewer", "newName": "reader"}),
    )
    .await;
    assert_eq!(default_roles(&emu, "t1").await, json!(["reader"]));
    assert_eq!(default_roles(&emu, "t2").await, json!(["reader", "admin"]));
    assert_eq!(default_roles(&emu, "t3").await, json!(["local", "reader"]));
    ok(
        &emu,
        "/v1/mgmt/role/update/batch",
        json!({"roles": [{"name": "local", "tenantId": "t3", "newName": "t3-local"}]}),
    )
    .await;
    assert_eq!(
        default_roles(&emu, "t3").await,
        json!(["t3-local", "reader"])
    );

    // A tenant role's delete touches its own tenant only.
    ok(
        &emu,
        "/v1/mgmt/role/delete",
        json!({"name": "admin", "tenantId": "t2"}),
    )
    .await;
    assert_eq!(default_roles(&emu, "t2").await, json!(["reader"]));

    // Batch deletes too, the empty filter included.
    ok(
        &emu,
        "/v1/mgmt/role/delete/batch",
        json!({"roleNames": ["t3-local"], "tenantId": "t3"}),
    )
    .await;
    assert_eq!(default_roles(&emu, "t3").await, json!(["reader"]));
    ok(&emu, "/v1/mgmt/role/delete/batch", json!({})).await;
    for t in ["t1", "t2", "t3"] {
        assert_eq!(default_roles(&emu, t).await, json!([]), "{t}");
    }
}

#[tokio::test]
async fn a_tenant_delete_removes_its_roles() {
    let emu = default_emulator().await;
    emu.create("t1", "T1").await;
    emu.create("t2", "T2").await;
    for (t, n) in [("", "p"), ("t1", "r"), ("t2", "r")] {
        ok(
            &emu,
            "/v1/mgmt/role/create",
            json!({"name": n, "tenantId": t}),
        )
        .await;
    }
    ok(&emu, "/v1/mgmt/tenant/delete", json!({"id": "t1"})).await;
    assert_eq!(role_keys(&emu).await, keys(&[("", "p"), ("t2", "r")]));
    // The name is free again once the tenant is re-created.
    emu.create("t1", "T1").await;
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "r", "tenantId": "t1"}),
    )
    .await;
}

#[tokio::test]
async fn role_and_permission_writes_are_journaled_with_their_names() {
    let emu = default_emulator().await;
    emu.create("t1", "T1").await;
    ok(&emu, "/v1/mgmt/permission/create", json!({"name": "read"})).await;
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "r", "tenantId": "t1"}),
    )
    .await;
    ok(
        &emu,
        "/v1/mgmt/role/create/batch",
        json!({"roles": [{"name": "a"}, {"name": "b"}]}),
    )
    .await;
    let journal = emu.journal().await;
    let targets: Vec<(&str, &str)> = journal
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap(),
                e["target"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        targets[1..],
        [
            ("/v1/mgmt/permission/create", "read"),
            ("/v1/mgmt/role/create", "r"),
            ("/v1/mgmt/role/create/batch", "a,b"),
        ]
    );
}

#[tokio::test]
async fn settings_keep_every_field_as_sent_and_a_post_replaces_them_all() {
    let emu = default_emulator().await;
    emu.post(
        "/v1/mgmt/tenant/create",
        json!({"id": "t", "name": "T", "selfProvisioningDomains": ["t.com"]}),
    )
    .await;
    let defaults = emu.get("/v1/mgmt/tenant/settings?id=t").await.body;

    let every = json!({
        "enabled": true,
        "refreshTokenExpiration": 3,
        "refreshTokenExpirationUnit": "weeks",
        "sessionTokenExpiration": 90,
        "sessionTokenExpirationUnit": "seconds",
        "stepupTokenExpiration": 2,
        "stepupTokenExpirationUnit": "hours",
        "enableInactivity": true,
        "inactivityTime": 1,
        "inactivityTimeUnit": "days",
        "JITDisabled": true,
        "ssoSetupSuiteSettings": {"enabled": true, "styleId": "style-1",
            "disabledFeatures": {"saml": true, "oidc": false, "scim": true, "ssoDomains": false, "groupMapping": true}},
    });
    let mut body = every.clone();
    body["tenantId"] = json!("t");
    body["selfProvisioningDomains"] = json!(["t.org"]);
    body["domains"] = json!(["sso.t.org"]);
    body["authType"] = json!("oidc");
    ok(&emu, "/v1/mgmt/tenant/settings", body).await;
    let s = emu.get("/v1/mgmt/tenant/settings?id=t").await.body;
    for (k, v) in every.as_object().unwrap() {
        assert_eq!(&s[k.as_str()], v, "{k}");
    }
    assert_eq!(
        (&s["selfProvisioningDomains"], &s["domains"], &s["authType"]),
        (&json!(["t.org"]), &json!(["sso.t.org"]), &json!("oidc"))
    );

    // Full replace: what is not sent goes back to its default; tenant fields stay.
    ok(
        &emu,
        "/v1/mgmt/tenant/settings",
        json!({"tenantId": "t", "enabled": true, "inactivityTime": null,
               "ssoSetupSuiteSettings": {"enabled": true}}),
    )
    .await;
    let s = emu.get("/v1/mgmt/tenant/settings?id=t").await.body;
    assert_eq!(s["enabled"], true);
    assert_eq!(
        s["ssoSetupSuiteSettings"],
        json!({"enabled": true}),
        "kept as sent"
    );
    for k in [
        "refreshTokenExpiration",
        "refreshTokenExpirationUnit",
        "sessionTokenExpiration",
        "sessionTokenExpirationUnit",
        "stepupTokenExpiration",
        "stepupTokenExpirationUnit",
        "enableInactivity",
        "inactivityTime",
        "inactivityTimeUnit",
        "JITDisabled",
    ] {
        assert_eq!(s[k], defaults[k], "{k} back to its default");
    }
    assert_eq!(
        (&s["selfProvisioningDomains"], &s["domains"], &s["authType"]),
        (&json!(["t.org"]), &json!(["sso.t.org"]), &json!("oidc"))
    );

    // The Node SDK's capital-I spelling lands on the same fields.
    ok(
        &emu,
        "/v1/mgmt/tenant/settings",
        json!({"tenantId": "t", "InactivityTime": 45, "InactivityTimeUnit": "minutes"}),
    )
    .await;
    let s = emu.get("/v1/mgmt/tenant/settings?id=t").await.body;
    assert_eq!(
        (&s["inactivityTime"], &s["inactivityTimeUnit"]),
        (&json!(45), &json!("minutes"))
    );

    let before = emu.get("/v1/mgmt/tenant/settings?id=t").await.body;
    for body in [
        json!({"tenantId": "t", "sessionTokenExpirationUnit": "fortnights"}),
        json!({"tenantId": "t", "inactivityTimeUnit": "Minutes"}),
        json!({"tenantId": "t", "stepupTokenExpirationUnit": 5}),
        json!({"tenantId": "t", "JITDisabled": "true"}),
        json!({"tenantId": "t", "refreshTokenExpiration": 1.5}),
        json!({"tenantId": "t", "ssoSetupSuiteSettings": true}),
        json!({"tenantId": "t", "ssoSetupSuiteSettings": {"enabled": "yes"}}),
        json!({"tenantId": "t", "ssoSetupSuiteSettings": {"styleId": 3}}),
        json!({"tenantId": "t", "ssoSetupSuiteSettings": {"disabledFeatures": {"saml": "no"}}}),
    ] {
        refused(&emu, "/v1/mgmt/tenant/settings", body, 400, "E011003").await;
    }
    assert_eq!(
        emu.get("/v1/mgmt/tenant/settings?id=t").await.body,
        before,
        "a refused write changes nothing"
    );
}

#[tokio::test]
async fn state_carries_roles_and_permissions_and_old_state_files_still_load() {
    let emu = emulator(Config::default()).await;
    emu.create("t1", "T1").await;
    ok(
        &emu,
        "/v1/mgmt/permission/create",
        json!({"name": "read", "description": "R"}),
    )
    .await;
    ok(
        &emu,
        "/v1/mgmt/role/create/batch",
        json!({"roles": [{"name": "r", "tenantId": "t1", "permissionNames": ["read"]}]}),
    )
    .await;
    let state = emu.admin_get("state").await;
    assert_eq!(state["permissions"].as_array().unwrap().len(), 4);
    assert_eq!(state["roles"][0]["name"], "r");
    assert_eq!(state["roles"][0]["tenantId"], "t1");

    let fresh = default_emulator().await;
    let r = fresh
        .admin_send(Method::PUT, "state", Some(state.clone()))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(fresh.admin_get("state").await, state);
    assert_eq!(roles(&fresh).await, roles(&emu).await);

    // A document without the new keys (an older state file) loads with the system permissions.
    let old = json!({"tenants": [{"id": "t1", "name": "T1"}], "settings": {}, "flows": {}, "theme": null});
    let r = fresh.admin_send(Method::PUT, "state", Some(old)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(permission_names(&fresh).await, SYSTEM);
    assert_eq!(roles(&fresh).await, Vec::<Value>::new());

    // A document may leave ids out; system permissions it lacks are added.
    let r = fresh
        .admin_send(
            Method::PUT,
            "state",
            Some(json!({"tenants": [{"id": "t1", "name": "T1"}],
                        "permissions": [{"name": "read"}],
                        "roles": [{"name": "r", "permissionNames": ["read"]}]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut want: Vec<String> = SYSTEM.iter().map(|s| (*s).to_owned()).collect();
    want.push("read".into());
    assert_eq!(permission_names(&fresh).await, want);
    assert!(
        role(&fresh, "", "r").await["id"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );

    for bad in [
        json!({"roles": [{"name": "r", "permissionNames": ["nope"]}]}),
        json!({"roles": [{"name": "r", "tenantId": "ghost"}]}),
        json!({"roles": [{"name": "r"}, {"name": "r"}]}),
        json!({"roles": [{"name": ""}]}),
        json!({"permissions": [{"name": "p"}, {"name": "p"}]}),
    ] {
        let r = fresh
            .admin_send(Method::PUT, "state", Some(bad.clone()))
            .await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }

    // Reset: the system permissions and nothing else.
    fresh.admin_send(Method::POST, "reset", None).await;
    assert_eq!(permission_names(&fresh).await, SYSTEM);
    assert_eq!(roles(&fresh).await, Vec::<Value>::new());
}

#[tokio::test]
async fn roles_and_permissions_survive_a_restart_with_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = || Config {
        state_file: Some(path.clone()),
        ..Config::default()
    };
    let emu = emulator(config()).await;
    emu.create("t1", "T1").await;
    ok(&emu, "/v1/mgmt/permission/create", json!({"name": "read"})).await;
    ok(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "r", "tenantId": "t1", "permissionNames": ["read"]}),
    )
    .await;
    let before = (permissions(&emu).await, roles(&emu).await);
    emu.running.stop().await.unwrap();

    let emu = emulator(config()).await;
    assert_eq!((permissions(&emu).await, roles(&emu).await), before);
    refused(
        &emu,
        "/v1/mgmt/role/create",
        json!({"name": "r", "tenantId": "t1"}),
        400,
        "E112303",
    )
    .await;
    emu.running.stop().await.unwrap();

    // A state file from before roles existed still loads.
    std::fs::write(
        &path,
        r#"{"tenants": [{"id": "old", "name": "Old"}], "settings": {}, "flows": {}, "theme": null}"#,
    )
    .unwrap();
    let emu = emulator(config()).await;
    assert_eq!(permission_names(&emu).await, SYSTEM);
    assert_eq!(emu.get("/v1/mgmt/tenant?id=old").await.status, 200);
}
