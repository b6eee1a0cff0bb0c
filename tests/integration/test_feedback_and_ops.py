"""Feedback (ours and Feedback Fin's), apps, health, OpenAPI and the error envelope."""

from __future__ import annotations

from tests.helpers import ENVELOPE_KEYS, Api, Tenant


def test_feedback_is_stored_and_listed_newest_first(api: Api, tenant: Tenant) -> None:
    token = tenant.token("fb-user", name="Fay", email="fay@example.com")
    for n, rating in enumerate((5, 2)):
        r = api.post(
            tenant.path("/feedback"),
            key=tenant.pub_key,
            token=token,
            body={"message": f"message {n}", "rating": rating, "type": "idea"},
        )
        assert r.status == 201 and r.body["sentiment"] is None and "email" not in r.body
    listed = api.get(tenant.path("/feedback"), key=tenant.admin_key).body
    assert [f["message"] for f in listed["items"]] == ["message 1", "message 0"]
    assert listed["items"][0]["email"] == "fay@example.com" and listed["items"][0]["rating"] == 2


def test_feedback_fin_payload_and_query_key(api: Api, open_tenant: Tenant) -> None:
    t = open_tenant
    payload = {
        "feedbackType": "issue",
        "message": "Button is broken",
        "timestamp": 1700000000000,
        "name": "",
        "email": "",
        "page": "/pricing",
    }
    r = api.post(t.path(f"/feedback?key={t.pub_key}"), body=payload)
    assert r.status == 201, r.body
    assert (r.body["type"], r.body["message"]) == ("issue", "Button is broken")
    elsewhere = api.post(t.path(f"/requests?key={t.pub_key}"), body={"title": "No"})
    assert (elsewhere.status, elsewhere.code) == (401, "unauthenticated")


def test_apps_list_get_patch(api: Api, tenant: Tenant) -> None:
    made = api.post(
        "/v1/apps",
        key=tenant.admin_key,
        body={
            "id": "ios",
            "name": "iOS",
            "webhooks": [{"url": "https://93.184.215.14/x", "events": ["request.created"]}],
        },
    )
    assert made.status == 201 and made.body["webhooks"][0]["secret"]
    listed = api.get("/v1/apps", key=tenant.admin_key).body["items"]
    assert sorted(a["id"] for a in listed) == ["ios", "web"]
    assert all("secret" not in h for a in listed for h in a["webhooks"])
    patched = api.patch(
        "/v1/apps/ios", key=tenant.admin_key, body={"name": "iPhone", "allowAnonymous": True}
    )
    assert patched.status == 200 and patched.body["name"] == "iPhone"
    assert patched.body["allowAnonymous"] is True and patched.body["version"] == 2
    assert api.get("/v1/apps/ios", key=tenant.admin_key).body["name"] == "iPhone"
    assert api.get("/v1/apps/nope", key=tenant.admin_key).status == 404


def test_health_reports_the_table(api: Api) -> None:
    r = api.get("/v1/health")
    assert r.status == 200
    assert r.body["status"] == "ok" and r.body["checks"] == {"dynamodb": "ok"}
    assert r.headers["x-request-id"]


def test_openapi_document_is_valid_and_covers_every_route(api: Api) -> None:
    from openapi_spec_validator import validate

    from app import api as router

    doc = api.get("/v1/openapi.json").body
    validate(doc)
    listed = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert listed == {(s.path, s.method.lower()) for s in router.specs}
    create = doc["paths"]["/v1/apps/{appId}/requests"]["post"]
    schema = doc["components"]["schemas"]["RequestCreate"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "RequestCreate"
    )
    assert schema["required"] == ["title"]


def test_openapi_lists_every_media_type_and_body_a_route_answers(api: Api, tenant: Tenant) -> None:
    """The export answers CSV, JSON or JSON lines (or 202 and a job); unsubscribe an HTML page:
    each documented under its status with its own schema, and what is served is among them."""
    doc = api.get("/v1/openapi.json").body
    export = doc["paths"]["/v1/apps/{appId}/export"]["get"]["responses"]
    assert set(export["200"]["content"]) == {"text/csv", "application/json", "application/x-ndjson"}
    assert export["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ExportFile")
    assert export["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/ExportPending")
    for method in ("get", "post"):
        page = doc["paths"]["/v1/unsubscribe"][method]["responses"]
        assert "text/html" in page["200"]["content"] and "text/html" in page["400"]["content"]
    for fmt in ("csv", "json", "jsonl"):
        r = api.get(tenant.path(f"/export?format={fmt}"), key=tenant.admin_key)
        assert r.status == 200
        assert r.headers["content-type"].split(";")[0] in export["200"]["content"]
    r = api.get("/v1/unsubscribe")
    assert r.status == 400 and r.headers["content-type"].startswith("text/html")


def test_wrong_method_gets_the_envelope(api: Api, tenant: Tenant) -> None:
    r = api.send("PUT", "/v1/apps", key=tenant.admin_key, body={})
    assert r.status == 405 and set(r.body) == ENVELOPE_KEYS
