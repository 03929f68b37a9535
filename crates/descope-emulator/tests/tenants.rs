//! Tenant endpoints, auth and error bodies, through HTTP as a client sees them.

mod common;

use common::{default_emulator, error_code};
use serde_json::{Value, json};

#[tokio::test]
async fn requests_without_valid_credentials_get_401_with_an_error_body() {
    let emu = default_emulator().await;
    let url = format!("{}/v1/mgmt/tenant/all", emu.base);

    let missing = emu.client.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["errorCode"], "E011401");
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("Authorization")
    );

    let wrong = emu
        .client
        .get(&url)
        .header(
            "Authorization",
            "Bearer P2emulator000000000000000000:Kwrong",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["errorCode"], "E011401");
    assert!(body["errorDescription"].is_string());

    assert_eq!(emu.get("/v1/mgmt/tenant/all").await.status, 200);
}

#[tokio::test]
async fn create_with_and_without_id() {
    let emu = default_emulator().await;
    let r = emu.create("acme", "ACME Corp").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, json!({"id": "acme"}));

    // Go SDK style: empty id, nulls everywhere.
    let r = emu
        .post(
            "/v1/mgmt/tenant/create",
            json!({"id": "", "name": "Globex", "selfProvisioningDomains": null, "customAttributes": null,
                   "enforceSSO": false, "enforceSSOExclusions": null, "parent": "", "roleInheritance": "",
                   "federatedAppIds": null, "unknownField": 1}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let generated = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(generated.len(), 28);
    assert!(generated.starts_with('T'));
    assert!(generated.chars().all(|c| c.is_ascii_alphanumeric()));

    // Python SDK style: null id.
    let r = emu
        .post(
            "/v1/mgmt/tenant/create",
            json!({"id": null, "name": "Initech", "customAttributes": "", "selfProvisioningDomains": "",
                   "disabled": null, "authType": ""}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_ne!(r.body["id"], json!(generated));

    let t = emu.get(&format!("/v1/mgmt/tenant?id={generated}")).await;
    assert_eq!(t.body["name"], "Globex");
    assert_eq!(t.body["authType"], "none");
    assert_eq!(t.body["selfProvisioningDomains"], json!([]));
    assert_eq!(t.body["customAttributes"], json!({}));
    assert!(t.body["createdTime"].as_i64().unwrap() > 1_600_000_000);
    assert!(
        t.body.get("parent").is_none(),
        "parent only when set: {}",
        t.body
    );
}

#[tokio::test]
async fn create_rejects_bad_input_with_distinct_codes() {
    let emu = default_emulator().await;
    emu.create("acme", "ACME").await;

    let cases = [
        (json!({"id": "x"}), 400, "E011002"),
        (json!({"id": "x", "name": ""}), 400, "E011002"),
        (json!({"id": "bad id!", "name": "Bad"}), 400, "E011003"),
        (
            json!({"id": "a".repeat(31), "name": "Long"}),
            400,
            "E011003",
        ),
        (json!({"id": "acme", "name": "Other"}), 400, "E112203"),
        (json!({"id": "acme2", "name": "ACME"}), 400, "E112204"),
        (
            json!({"id": "child", "name": "Child", "parent": "nope"}),
            400,
            "E112202",
        ),
        (
            json!({"id": "ri", "name": "RI", "roleInheritance": "everything"}),
            400,
            "E011003",
        ),
        (
            json!({"id": "at", "name": "AT", "authType": "kerberos"}),
            400,
            "E011003",
        ),
        (
            json!({"id": "ca", "name": "CA", "customAttributes": {"x": {"nested": 1}}}),
            400,
            "E011003",
        ),
        (json!({"id": 5, "name": "Typed"}), 400, "E011001"),
    ];
    for (body, status, code) in cases {
        let r = emu.post("/v1/mgmt/tenant/create", body.clone()).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        assert_eq!(error_code(&r), code, "{body}");
    }
    let all = emu.get("/v1/mgmt/tenant/all").await;
    assert_eq!(
        all.body["tenants"].as_array().unwrap().len(),
        1,
        "no failed create left a tenant"
    );

    let r = emu
        .post_raw("/v1/mgmt/tenant/create", Some("{not json"))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(error_code(&r), "E011001");
    let r = emu.post_raw("/v1/mgmt/tenant/create", None).await;
    assert_eq!(
        error_code(&r),
        "E011002",
        "an empty body is an empty request"
    );
}

#[tokio::test]
async fn update_replaces_every_field_it_is_not_given() {
    let emu = default_emulator().await;
    emu.create("root", "Root").await;
    let r = emu
        .post(
            "/v1/mgmt/tenant/create",
            json!({"id": "acme", "name": "ACME", "parent": "root", "selfProvisioningDomains": ["acme.com"],
                   "customAttributes": {"plan": "gold", "seats": 5}, "enforceSSO": true, "disabled": true,
                   "roleInheritance": "userOnly", "enforceSSOExclusions": ["u1"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    emu.post(
        "/v1/mgmt/tenant/updateDefaultRoles",
        json!({"id": "acme", "defaultRoles": ["viewer"]}),
    )
    .await;
    let before = emu.get("/v1/mgmt/tenant?id=acme").await.body;

    let r = emu
        .post(
            "/v1/mgmt/tenant/update",
            json!({"id": "acme", "name": "ACME Inc"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, json!({}));

    let after = emu.get("/v1/mgmt/tenant?id=acme").await.body;
    assert_eq!(after["name"], "ACME Inc");
    assert_eq!(
        after["customAttributes"],
        json!({}),
        "omitted attributes are wiped"
    );
    assert_eq!(after["selfProvisioningDomains"], json!([]));
    assert_eq!(after["enforceSSO"], false);
    assert_eq!(after["disabled"], false);
    assert_eq!(after["roleInheritance"], "");
    assert_eq!(after["enforceSSOExclusions"], json!([]));
    assert_eq!(after["parent"], "root", "parent is create-only");
    assert_eq!(after["createdTime"], before["createdTime"]);
    assert_eq!(after["defaultRoles"], json!(["viewer"]));

    // Name index follows the rename.
    assert_eq!(emu.create("x", "ACME").await.status, 200);
    assert_eq!(error_code(&emu.create("y", "ACME Inc").await), "E112204");
}

#[tokio::test]
async fn update_errors() {
    let emu = default_emulator().await;
    emu.create("a", "A").await;
    emu.create("b", "B").await;
    let cases = [
        (json!({"name": "A"}), 400, "E011002"),
        (json!({"id": "a"}), 400, "E011002"),
        (json!({"id": "ghost", "name": "Ghost"}), 404, "E112202"),
        (json!({"id": "a", "name": "B"}), 400, "E112204"),
        (
            json!({"id": "a", "name": "A", "roleInheritance": "all"}),
            400,
            "E011003",
        ),
    ];
    for (body, status, code) in cases {
        let r = emu.post("/v1/mgmt/tenant/update", body.clone()).await;
        assert_eq!(
            (r.status.as_u16(), error_code(&r)),
            (status, code),
            "{body}"
        );
    }
    // Keeping its own name is not a clash.
    assert_eq!(
        emu.post("/v1/mgmt/tenant/update", json!({"id": "a", "name": "A"}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn delete_refuses_parents_and_journals_cascade() {
    let emu = default_emulator().await;
    emu.create("root", "Root").await;
    emu.post(
        "/v1/mgmt/tenant/create",
        json!({"id": "kid", "name": "Kid", "parent": "root"}),
    )
    .await;
    emu.post(
        "/v1/mgmt/tenant/settings",
        json!({"tenantId": "kid", "enabled": true}),
    )
    .await;

    let root = emu.get("/v1/mgmt/tenant?id=root").await.body;
    assert_eq!(root["successors"], json!(["kid"]));

    let r = emu
        .post("/v1/mgmt/tenant/delete", json!({"id": "root"}))
        .await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (400, "E011003"));
    assert!(
        r.body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("sub-tenants first")
    );

    let r = emu
        .post(
            "/v1/mgmt/tenant/delete",
            json!({"id": "kid", "cascade": true}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, json!({}));
    assert_eq!(
        emu.get("/v1/mgmt/tenant?id=root").await.body["successors"],
        json!([])
    );
    assert_eq!(
        emu.post("/v1/mgmt/tenant/delete", json!({"id": "root"}))
            .await
            .status,
        200
    );

    let r = emu
        .post("/v1/mgmt/tenant/delete", json!({"id": "root"}))
        .await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (404, "E112202"));
    assert_eq!(
        error_code(&emu.post("/v1/mgmt/tenant/delete", json!({})).await),
        "E011002"
    );

    // Settings went with the tenant: a new tenant of the same id starts from defaults.
    emu.create("kid", "Kid").await;
    assert_eq!(
        emu.get("/v1/mgmt/tenant/settings?id=kid").await.body["enabled"],
        false
    );

    let deletes: Vec<Value> = emu
        .journal()
        .await
        .into_iter()
        .filter(|e| e["path"] == "/v1/mgmt/tenant/delete" && e["status"] == 200)
        .collect();
    assert_eq!(deletes.len(), 2);
    assert_eq!(deletes[0]["target"], "kid");
    assert_eq!(deletes[0]["cascade"], true);
    assert_eq!(deletes[1]["target"], "root");
    assert_eq!(deletes[1]["cascade"], false);
}

#[tokio::test]
async fn load_returns_the_tenant_unwrapped_and_load_all_sorts_by_id() {
    let emu = default_emulator().await;
    for (id, name) in [("zeta", "Z"), ("alpha", "A"), ("mid", "M")] {
        emu.create(id, name).await;
    }
    let r = emu.get("/v1/mgmt/tenant?id=mid").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["id"], "mid");
    assert!(r.body.get("tenant").is_none());
    for key in [
        "id",
        "name",
        "selfProvisioningDomains",
        "customAttributes",
        "authType",
        "domains",
        "createdTime",
        "enforceSSO",
        "enforceSSOExclusions",
        "disabled",
        "roleInheritance",
        "defaultRoles",
        "successors",
        "federatedAppIds",
    ] {
        assert!(r.body.get(key).is_some(), "missing {key} in {}", r.body);
    }

    let r = emu.get("/v1/mgmt/tenant?id=nope").await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (404, "E112202"));
    assert_eq!(error_code(&emu.get("/v1/mgmt/tenant").await), "E011002");

    let all = emu.get("/v1/mgmt/tenant/all").await.body;
    let ids: Vec<&str> = all["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["alpha", "mid", "zeta"]);
}

#[tokio::test]
async fn search_ands_fields_and_ors_within_lists() {
    let emu = default_emulator().await;
    let create = |body: Value| {
        let emu = &emu;
        async move { assert_eq!(emu.post("/v1/mgmt/tenant/create", body).await.status, 200) }
    };
    create(json!({"id": "a", "name": "Alpha", "selfProvisioningDomains": ["a.com"], "customAttributes": {"plan": "gold"}})).await;
    create(json!({"id": "b", "name": "Beta", "selfProvisioningDomains": ["b.com"], "customAttributes": {"plan": "free", "tags": ["x", "y"]}})).await;
    create(
        json!({"id": "c", "name": "Gamma", "parent": "a", "customAttributes": {"plan": "gold"}}),
    )
    .await;
    emu.post(
        "/v1/mgmt/tenant/settings",
        json!({"tenantId": "b", "domains": ["sso.b.com"]}),
    )
    .await;

    let ids = |filter: Value| {
        let emu = &emu;
        async move {
            let r = emu.post("/v1/mgmt/tenant/search", filter).await;
            assert_eq!(r.status, 200, "{}", r.body);
            r.body["tenants"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(json!({})).await, ["a", "b", "c"]);
    assert_eq!(
        emu.post_raw("/v1/mgmt/tenant/search", None).await.body["tenants"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        ids(json!({"tenantIds": ["c", "a", "zz"]})).await,
        ["a", "c"]
    );
    assert_eq!(
        ids(json!({"tenantIds": [], "tenantNames": null})).await,
        ["a", "b", "c"]
    );
    assert_eq!(ids(json!({"tenantNames": ["Beta"]})).await, ["b"]);
    assert_eq!(
        ids(json!({"tenantSelfProvisioningDomains": ["b.com", "a.com"]})).await,
        ["a", "b"]
    );
    assert_eq!(
        ids(json!({"customAttributes": {"plan": "gold"}})).await,
        ["a", "c"]
    );
    assert_eq!(ids(json!({"customAttributes": {"tags": "y"}})).await, ["b"]);
    assert_eq!(
        ids(json!({"customAttributes": {"plan": "gold"}, "tenantIds": ["a", "b"]})).await,
        ["a"]
    );
    assert_eq!(ids(json!({"parentTenantId": "a"})).await, ["c"]);
    assert_eq!(ids(json!({"topLevelOnly": true})).await, ["a", "b"]);
    assert_eq!(ids(json!({"tenantSSODomains": ["sso.b.com"]})).await, ["b"]);
    assert_eq!(ids(json!({"authType": "saml"})).await, Vec::<String>::new());
}

#[tokio::test]
async fn settings_have_defaults_store_overrides_and_validate_units() {
    let emu = default_emulator().await;
    emu.post(
        "/v1/mgmt/tenant/create",
        json!({"id": "t", "name": "T", "selfProvisioningDomains": ["t.com"]}),
    )
    .await;

    let s = emu.get("/v1/mgmt/tenant/settings?id=t").await.body;
    assert_eq!(s["selfProvisioningDomains"], json!(["t.com"]));
    assert_eq!(s["domains"], json!([]));
    assert_eq!(s["authType"], "none");
    assert_eq!(s["enabled"], false);
    assert_eq!(s["refreshTokenExpirationUnit"], "weeks");
    assert_eq!(s["sessionTokenExpiration"], 10);
    assert_eq!(s["JITDisabled"], false);
    assert!(s["ssoSetupSuiteSettings"].is_object());

    let r = emu
        .post(
            "/v1/mgmt/tenant/settings",
            json!({"tenantId": "t", "enabled": true, "sessionTokenExpiration": 30,
                   "sessionTokenExpirationUnit": "hours", "selfProvisioningDomains": ["new.com"],
                   "JITDisabled": true, "inactivityTime": null}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = emu.get("/v1/mgmt/tenant/settings?id=t").await.body;
    assert_eq!(s["enabled"], true);
    assert_eq!(s["sessionTokenExpiration"], 30);
    assert_eq!(s["sessionTokenExpirationUnit"], "hours");
    assert_eq!(s["JITDisabled"], true);
    assert_eq!(s["inactivityTime"], 12, "null leaves a value alone");
    assert_eq!(
        emu.get("/v1/mgmt/tenant?id=t").await.body["selfProvisioningDomains"],
        json!(["new.com"]),
        "settings domains update the tenant"
    );

    let cases = [
        (
            json!({"tenantId": "t", "refreshTokenExpirationUnit": "fortnights"}),
            400,
            "E011003",
        ),
        (json!({"tenantId": "t", "enabled": "yes"}), 400, "E011003"),
        (
            json!({"tenantId": "t", "sessionTokenExpiration": -1}),
            400,
            "E011003",
        ),
        (json!({"enabled": true}), 400, "E011002"),
        (
            json!({"tenantId": "ghost", "enabled": true}),
            404,
            "E112202",
        ),
    ];
    for (body, status, code) in cases {
        let r = emu.post("/v1/mgmt/tenant/settings", body.clone()).await;
        assert_eq!(
            (r.status.as_u16(), error_code(&r)),
            (status, code),
            "{body}"
        );
    }
    assert_eq!(
        emu.get("/v1/mgmt/tenant/settings?id=t").await.body["refreshTokenExpirationUnit"],
        "weeks"
    );
    let r = emu.get("/v1/mgmt/tenant/settings?id=ghost").await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (404, "E112202"));
}

#[tokio::test]
async fn default_roles_are_set_and_validated() {
    let emu = default_emulator().await;
    emu.create("t", "T").await;
    let r = emu
        .post(
            "/v1/mgmt/tenant/updateDefaultRoles",
            json!({"id": "t", "defaultRoles": ["a", "b"]}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        emu.get("/v1/mgmt/tenant?id=t").await.body["defaultRoles"],
        json!(["a", "b"])
    );
    let r = emu
        .post(
            "/v1/mgmt/tenant/updateDefaultRoles",
            json!({"id": "t", "defaultRoles": null}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        emu.get("/v1/mgmt/tenant?id=t").await.body["defaultRoles"],
        json!([])
    );
    let r = emu
        .post(
            "/v1/mgmt/tenant/updateDefaultRoles",
            json!({"id": "nope", "defaultRoles": []}),
        )
        .await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (404, "E112202"));
}

#[tokio::test]
async fn license_unknown_paths_and_wrong_methods() {
    let emu = default_emulator().await;
    assert_eq!(
        emu.get("/v1/mgmt/license").await.body,
        json!({"rateLimitTier": "tier1"})
    );
    let r = emu.get("/v1/mgmt/nothing/here").await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (404, "E011404"));
    let r = emu.get("/v1/mgmt/tenant/create").await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (405, "E011405"));
}
