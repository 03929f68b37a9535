//! Wire tests of the role, permission and typed settings calls against the scripted HTTP server
//! of `client_tests`: the batch delete that cannot be sent empty, writes that stay single after a
//! lost answer, batches split by tenant, and settings read and written back whole.

use serde_json::json;

use crate::client_tests::{Step, client, err, fake, ok};
use crate::{
    ApiError, Expiration, NameOrId, PermissionRequest, RoleFilter, RoleRequest, RoleUpdate, Unit,
};

fn targets(seen: &[crate::client_tests::Seen]) -> Vec<String> {
    seen.iter()
        .map(|s| format!("{} {}", s.method, s.target))
        .collect()
}

#[tokio::test]
async fn an_empty_role_batch_delete_cannot_be_built_so_it_is_never_sent() {
    let f = fake(|_, _| ok(json!({}))).await;
    let c = client(&f.url);
    let empty: [Result<RoleFilter, ApiError>; 6] = [
        RoleFilter::names(None, Vec::<String>::new()),
        RoleFilter::ids(Some("acme"), Vec::<String>::new()),
        RoleFilter::new(None, vec![], vec![]),
        RoleFilter::new(Some("acme"), vec![], vec![]),
        RoleFilter::names(None, [""]),
        RoleFilter::new(None, vec!["admin".into()], vec!["  ".into()]),
    ];
    for result in empty {
        match result {
            Err(ApiError::Config(message)) => {
                assert!(message.contains("nothing was sent"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    // The permission batch delete refuses an empty filter before sending, too.
    let e = c.delete_permissions_batch(&[], &[]).await.unwrap_err();
    assert!(matches!(e, ApiError::Config(_)), "{e}");
    assert!(
        f.seen().is_empty(),
        "a request was sent: {:?}",
        targets(&f.seen())
    );

    // A filter that names something is sent as the Go SDK sends it.
    let filter = RoleFilter::names(Some("acme"), ["viewer"]).unwrap();
    assert_eq!(filter.tenant_id(), Some("acme"));
    c.delete_roles_batch(&filter).await.unwrap();
    let seen = f.seen();
    assert_eq!(targets(&seen), ["POST /v1/mgmt/role/delete/batch"]);
    assert_eq!(
        seen[0].json(),
        json!({"roleNames": ["viewer"], "tenantId": "acme", "roleIds": []})
    );
}

#[tokio::test]
async fn role_create_after_a_lost_answer_finds_its_own_role() {
    let f = fake(|n, r| match n {
        0 => Step::Drop,
        1 => err(400, "E011003", "Role already exists"),
        _ if r.method == "GET" => ok(json!({"roles": [
            {"id": "ROL1", "name": "editor", "description": "Edits",
             "permissionNames": ["write", "read"], "tenantId": ""}
        ]})),
        _ => err(500, "E0", "unexpected"),
    })
    .await;
    let c = client(&f.url);
    let req = RoleRequest {
        name: "editor".into(),
        description: "Edits".into(),
        permission_names: vec!["read".into(), "write".into()],
        ..RoleRequest::default()
    };
    c.create_role(&req).await.unwrap();
    assert_eq!(
        targets(&f.seen()),
        [
            "POST /v1/mgmt/role/create",
            "POST /v1/mgmt/role/create",
            "GET /v1/mgmt/role/all"
        ]
    );
}

#[tokio::test]
async fn role_create_after_a_lost_answer_keeps_a_real_duplicate() {
    let f = fake(|n, r| match n {
        0 => Step::Reply(503, vec![], String::new()),
        1 => err(400, "E011003", "Role already exists"),
        _ if r.method == "GET" => ok(json!({"roles": [
            {"name": "editor", "description": "Someone else's", "permissionNames": []}
        ]})),
        _ => err(500, "E0", "unexpected"),
    })
    .await;
    let c = client(&f.url);
    let req = RoleRequest {
        name: "editor".into(),
        ..RoleRequest::default()
    };
    let e = c.create_role(&req).await.unwrap_err();
    assert_eq!(e.code(), Some("E011003"));
}

#[tokio::test]
async fn a_duplicate_without_a_lost_answer_reads_nothing() {
    let f = fake(|_, _| err(400, "E011003", "Role already exists")).await;
    let c = client(&f.url);
    let req = RoleRequest {
        name: "editor".into(),
        ..RoleRequest::default()
    };
    assert!(c.create_role(&req).await.is_err());
    assert_eq!(targets(&f.seen()), ["POST /v1/mgmt/role/create"]);
}

#[tokio::test]
async fn a_tenant_role_rename_after_a_lost_answer_is_found_by_its_new_name() {
    let f = fake(|n, r| match n {
        0 => Step::Drop,
        1 => err(400, "E011004", "Role not found"),
        _ if r.target == "/v1/mgmt/role/search" => ok(json!({"roles": [
            {"name": "reader", "permissionNames": ["read"], "tenantId": "acme"}
        ]})),
        _ => err(500, "E0", "unexpected"),
    })
    .await;
    let c = client(&f.url);
    let u = RoleUpdate {
        target: NameOrId::Name("viewer".into()),
        new_name: "reader".into(),
        description: String::new(),
        permission_names: vec!["read".into()],
        tenant_id: Some("acme".into()),
        default: false,
        private: false,
    };
    c.update_role(&u).await.unwrap();
    let seen = f.seen();
    assert_eq!(seen[2].target, "/v1/mgmt/role/search");
    assert_eq!(
        seen[2].json(),
        json!({"tenantIds": ["acme"], "roleNames": ["reader"]})
    );
}

#[tokio::test]
async fn a_role_delete_after_a_lost_answer_is_done_when_the_role_is_gone() {
    let f = fake(|n, r| match n {
        0 => Step::Drop,
        1 => err(400, "E011004", "Role not found"),
        _ if r.method == "GET" => ok(json!({"roles": [{"name": "admin", "tenantId": "acme"}]})),
        _ => err(500, "E0", "unexpected"),
    })
    .await;
    let c = client(&f.url);
    c.delete_role(&NameOrId::Name("admin".into()), None)
        .await
        .unwrap();
    assert_eq!(f.seen()[0].json(), json!({"name": "admin", "tenantId": ""}));
}

#[tokio::test]
async fn role_batches_go_one_request_per_tenant_and_return_the_answered_roles() {
    let f = fake(|_, r| {
        let roles: Vec<serde_json::Value> = r.json()["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| json!({"id": format!("ROL-{}", x["name"].as_str().unwrap()), "name": x["name"], "tenantId": x["tenantId"]}))
            .collect();
        ok(json!({ "roles": roles }))
    })
    .await;
    let c = client(&f.url);
    let reqs: Vec<RoleRequest> = [("a", None), ("b", Some("t1")), ("c", None)]
        .into_iter()
        .map(|(n, t)| RoleRequest {
            name: n.into(),
            tenant_id: t.map(str::to_owned),
            ..RoleRequest::default()
        })
        .collect();
    let got = c.create_roles_batch(&reqs).await.unwrap();
    let ids: Vec<&str> = got.iter().filter_map(|r| r.id.as_deref()).collect();
    assert_eq!(ids, ["ROL-a", "ROL-c", "ROL-b"]);
    let bodies: Vec<serde_json::Value> = f.seen().iter().map(|s| s.json()).collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["roles"].as_array().unwrap().len(), 2);
    assert_eq!(bodies[1]["roles"][0]["tenantId"], json!("t1"));
    // Nothing to create: nothing sent.
    assert!(c.create_roles_batch(&[]).await.unwrap().is_empty());
    assert!(c.update_roles_batch(&[]).await.unwrap().is_empty());
    assert_eq!(f.seen().len(), 2);
}

#[tokio::test]
async fn a_permission_batch_after_a_lost_answer_is_done_when_all_are_there() {
    let f = fake(|n, r| match n {
        0 => Step::Drop,
        1 => err(400, "E011003", "Permission already exists"),
        _ if r.method == "GET" => ok(json!({"permissions": [
            {"name": "read", "description": "R"}, {"name": "write", "description": "W"}
        ]})),
        _ => err(500, "E0", "unexpected"),
    })
    .await;
    let c = client(&f.url);
    let reqs = [
        PermissionRequest {
            name: "read".into(),
            description: "R".into(),
        },
        PermissionRequest {
            name: "write".into(),
            description: "W".into(),
        },
    ];
    c.create_permissions_batch(&reqs).await.unwrap();
    assert_eq!(
        targets(&f.seen()),
        [
            "POST /v1/mgmt/permission/create/batch",
            "POST /v1/mgmt/permission/create/batch",
            "GET /v1/mgmt/permission/all"
        ]
    );
}

#[tokio::test]
async fn typed_settings_are_none_for_a_missing_tenant_and_written_back_whole() {
    let f = fake(|_, r| match (r.method.as_str(), r.target.as_str()) {
        ("GET", "/v1/mgmt/tenant/settings?id=nope") => err(404, "E112202", "Tenant not found"),
        ("GET", "/v1/mgmt/tenant/settings?id=boom") => err(500, "E0", "boom"),
        ("GET", _) => ok(json!({
            "enabled": true, "sessionTokenExpiration": 30, "sessionTokenExpirationUnit": "minutes",
            "futureSetting": {"a": 1}
        })),
        _ => ok(json!({})),
    })
    .await;
    let c = client(&f.url);
    assert_eq!(c.load_session_settings("nope").await.unwrap(), None);
    assert!(c.load_session_settings("boom").await.is_err());
    let mut s = c.load_session_settings("acme").await.unwrap().unwrap();
    assert_eq!(s.session_token, Some(Expiration::new(30, Unit::Minutes)));
    s.session_token = Some(Expiration::new(12, Unit::Hours));
    c.write_session_settings("acme", &s).await.unwrap();
    let sent = f.seen().last().unwrap().json();
    assert_eq!(sent["tenantId"], json!("acme"));
    assert_eq!(sent["futureSetting"], json!({"a": 1}));
    assert_eq!(
        (
            &sent["sessionTokenExpiration"],
            &sent["sessionTokenExpirationUnit"]
        ),
        (&json!(12), &json!("hours"))
    );
    assert_eq!(sent["enabled"], json!(true));
}

#[tokio::test]
async fn writes_without_a_name_are_refused_before_sending() {
    let f = fake(|_, _| ok(json!({}))).await;
    let c = client(&f.url);
    assert!(c.create_role(&RoleRequest::default()).await.is_err());
    assert!(
        c.delete_role(&NameOrId::Id(String::new()), Some("acme"))
            .await
            .is_err()
    );
    assert!(
        c.create_permission(&PermissionRequest::default())
            .await
            .is_err()
    );
    let u = RoleUpdate {
        target: NameOrId::Name("a".into()),
        new_name: String::new(),
        description: String::new(),
        permission_names: vec![],
        tenant_id: None,
        default: false,
        private: false,
    };
    assert!(c.update_roles_batch(&[u]).await.is_err());
    assert!(f.seen().is_empty());
}
