//! The OpenAPI document at `/api/v1/openapi.json`, and JSON errors for
//! routes and methods the API does not have. (The test command also runs
//! schemathesis against the document: `scripts/api-contract.sh`.)

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use serde_json::Value;

use crate::harness::{TestApp, spawn};

/// Every operation of README's table, as (method, path).
const OPERATIONS: &[(&str, &str)] = &[
    ("post", "/api/v1/merchants"),
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/settings"),
    ("put", "/api/v1/settings"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/api-keys"),
    ("get", "/api/v1/api-keys"),
    ("delete", "/api/v1/api-keys/{id}"),
    ("get", "/api/v1/integrations"),
    ("put", "/api/v1/integrations/{platform}"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/deliveries"),
    ("get", "/api/v1/deliveries/{id}"),
    ("post", "/api/v1/deliveries/{id}/resend"),
    ("get", "/api/v1/orders"),
    ("get", "/api/v1/orders/{source}/{id}"),
    ("get", "/api/v1/quiet-hours"),
    ("put", "/api/v1/quiet-hours"),
    ("post", "/api/v1/test-send"),
];

/// Open to anyone: signing up, in and out.
const PUBLIC: &[(&str, &str)] = &[
    ("post", "/api/v1/merchants"),
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
];

async fn document(app: &TestApp) -> Value {
    let response = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    response.json().await.unwrap()
}

fn documented(doc: &Value) -> Vec<(String, String)> {
    let mut operations: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    operations.sort();
    operations
}

async fn the_document_describes_every_operation_with_its_errors_and_security(db: &TestDb) {
    let app = spawn(db).await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );

    let mut expected: Vec<(String, String)> = OPERATIONS
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented(&doc), expected);

    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "cn_session");
    assert_eq!(schemes["api_key"]["type"], "http");
    assert_eq!(schemes["api_key"]["scheme"], "bearer");

    let schemas = &doc["components"]["schemas"];
    let error = &schemas["ErrorDetail"]["properties"];
    for field in [
        "code",
        "message",
        "fields",
        "current_version",
        "changes_since",
    ] {
        assert!(error.get(field).is_some(), "ErrorDetail lacks {field}");
    }
    assert_eq!(
        schemas["FieldError"]["required"],
        serde_json::json!(["field", "message"])
    );
    for example in ["Rule", "SettingsBody"] {
        assert!(schemas.get(example).is_some(), "no schema {example}");
    }
    assert!(schemas["SettingsBody"].get("example").is_some());
    // Two types of one name would share a schema: each example must fit
    // its own schema's properties.
    for (name, schema) in schemas.as_object().unwrap() {
        if let (Some(example), Some(properties)) = (
            schema.get("example").and_then(Value::as_object),
            schema.get("properties").and_then(Value::as_object),
        ) {
            for key in example.keys() {
                assert!(properties.contains_key(key), "{name}'s example has {key}");
            }
        }
    }

    for (method, path) in OPERATIONS {
        let operation = &doc["paths"][path][method];
        let responses = operation["responses"].as_object().unwrap();
        let errors: Vec<&String> = responses.keys().filter(|s| s.as_str() >= "400").collect();
        assert!(!errors.is_empty(), "{method} {path} documents no error");
        for status in errors {
            assert_eq!(
                responses[status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path} {status}"
            );
        }
        let security = operation["security"].to_string();
        if PUBLIC.contains(&(method, path)) {
            assert_eq!(security, "[{}]", "{method} {path} needs no sign-in");
        } else {
            assert!(
                security.contains("\"session\"") && security.contains("\"api_key\""),
                "{method} {path}: {security}"
            );
            assert!(responses.contains_key("401"), "{method} {path}");
        }
    }
}

/// The router serves what the document lists: each documented operation,
/// asked without signing in, is found (whatever else it answers).
async fn every_documented_operation_is_routed(db: &TestDb) {
    let app = spawn(db).await;
    let doc = document(&app).await;
    let anonymous = app.new_browser();
    for (method, path) in documented(&doc) {
        let concrete = path
            .replace("{id}", "key_doesnotexist")
            .replace("{platform}", "shopify");
        let response = anonymous
            .call(method.to_uppercase().parse().unwrap(), &concrete)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!(
            ![404, 405].contains(&status),
            "{method} {concrete} answered {status}"
        );
        if PUBLIC.contains(&(method.as_str(), path.as_str())) {
            continue;
        }
        assert_eq!(status, 401, "{method} {concrete}");
    }
}

async fn unknown_routes_and_methods_under_api_answer_json_errors(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    for path in [
        "/api/v1/customers",
        "/api/v1/",
        "/api/v2/settings",
        "/api",
        "/api/nothing",
    ] {
        let response = app.call(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}: {body}");
    }
    let response = app
        .call(Method::PATCH, "/api/v1/settings")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("PUT"), "{allow}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    // A page is still a page, and a server function still answers.
    let page = app.call(Method::GET, "/activity").send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<html"));
}

/// Query and path parameters that do not parse are `400` in the error
/// shape, never axum's plain-text rejection.
async fn unparseable_parameters_are_json_bad_requests(db: &TestDb) {
    let app = spawn(db).await;
    app.sign_up("Maple", "owner@maple.example").await;
    for path in [
        "/api/v1/deliveries?limit=many",
        "/api/v1/events?limit=1.5",
        "/api/v1/audit?before_version=latest",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(body["error"]["code"], "bad_request", "{path}: {body}");
    }
}

tests_on_both_backends!(
    the_document_describes_every_operation_with_its_errors_and_security,
    every_documented_operation_is_routed,
    unknown_routes_and_methods_under_api_answer_json_errors,
    unparseable_parameters_are_json_bad_requests,
);
