//! Shared helpers of the emulator's integration tests: start an emulator on 127.0.0.1:0 and
//! talk to it with reqwest as a client would.
#![allow(dead_code)]

use descope_emulator::{Config, RunningEmulator, start};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub struct Emu {
    pub running: RunningEmulator,
    pub client: reqwest::Client,
    pub base: String,
    pub auth: String,
}

pub async fn emulator(config: Config) -> Emu {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let auth = format!("Bearer {}:{}", config.project_id, config.management_key);
    let running = start(config, listener).await.unwrap();
    Emu {
        base: running.url(),
        running,
        client: reqwest::Client::new(),
        auth,
    }
}

pub async fn default_emulator() -> Emu {
    emulator(Config::default()).await
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    Reply {
        status,
        headers,
        body,
    }
}

impl Emu {
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.try_post(path, body).await.unwrap()
    }

    pub async fn try_post(&self, path: &str, body: Value) -> reqwest::Result<Reply> {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Authorization", &self.auth)
            .json(&body)
            .send()
            .await?;
        Ok(reply(resp).await)
    }

    /// POST with a raw body (or none).
    pub async fn post_raw(&self, path: &str, body: Option<&'static str>) -> Reply {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Authorization", &self.auth);
        if let Some(b) = body {
            req = req.header("Content-Type", "application/json").body(b);
        }
        reply(req.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .header("Authorization", &self.auth)
            .send()
            .await
            .unwrap();
        reply(resp).await
    }

    pub async fn admin_get(&self, path: &str) -> Value {
        let resp = self
            .client
            .get(format!("{}/__emulator/{path}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "GET /__emulator/{path}");
        resp.json().await.unwrap()
    }

    pub async fn admin_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self
            .client
            .request(method, format!("{}/__emulator/{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        reply(req.send().await.unwrap()).await
    }

    pub async fn create(&self, id: &str, name: &str) -> Reply {
        self.post(
            "/v1/mgmt/tenant/create",
            serde_json::json!({"id": id, "name": name}),
        )
        .await
    }

    pub async fn journal(&self) -> Vec<Value> {
        self.admin_get("journal").await["requests"]
            .as_array()
            .unwrap()
            .clone()
    }
}

/// Asserts the service error shape and returns the code.
pub fn error_code(r: &Reply) -> &str {
    assert!(
        r.body["errorDescription"].is_string(),
        "no errorDescription in {}",
        r.body
    );
    assert!(
        r.body["errorMessage"].is_string(),
        "no errorMessage in {}",
        r.body
    );
    r.body["errorCode"]
        .as_str()
        .unwrap_or_else(|| panic!("no errorCode in {}", r.body))
}
