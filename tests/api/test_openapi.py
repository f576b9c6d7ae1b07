"""The API's OpenAPI 3.1 document: valid, served, and true to the real responses.

Real responses for a sample of requests that covers every response schema (list,
describe, a step of each question kind, outcomes with and without a window, every error)
are validated against the schema the document gives for that path, method and status,
with a JSON Schema 2020-12 validator that resolves each $ref inside the document.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from helpcenter.api.views import OPENAPI_FILE

BASE = "urn:helpcenter:openapi"
DOCUMENT: dict[str, Any] = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
REGISTRY: Registry = Registry().with_resource(
    BASE, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012)
)
CHECK_IN = {"intent": "check-in", "customer-responded": False}


def pointer(*parts: str) -> str:
    """A JSON pointer into the document (RFC 6901 escaping)."""
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def validator_for(ref: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{BASE}#{ref}"},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Follow a local $ref (components/responses, components/parameters) once."""
    if "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = DOCUMENT
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target, ref[1:]
    return node, ""


def response_validator(path: str, method: str, status: int) -> Draft202012Validator:
    operation = DOCUMENT["paths"][path][method]
    assert str(status) in operation["responses"], f"{method} {path} does not document {status}"
    response, ref = resolve(operation["responses"][str(status)])
    where = ref or pointer("paths", path, method, "responses", str(status))
    assert "application/json" in response["content"]
    return validator_for(where + pointer("content", "application/json", "schema"))


def schema(name: str) -> Draft202012Validator:
    return validator_for(pointer("components", "schemas", name))


def check(path: str, method: str, response: Any) -> dict[str, Any]:
    assert response.mimetype == "application/json", response.get_data(as_text=True)
    body = response.get_json()
    errors = list(response_validator(path, method, response.status_code).iter_errors(body))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return body


# --------------------------------------------------------------------- the document


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOCUMENT["openapi"].startswith("3.1.")
    validate(DOCUMENT, cls=OpenAPIV31SpecValidator)


def test_every_schema_is_valid_json_schema_2020_12() -> None:
    assert DOCUMENT["jsonSchemaDialect"] == "https://json-schema.org/draft/2020-12/schema"
    for name, definition in DOCUMENT["components"]["schemas"].items():
        try:
            Draft202012Validator.check_schema(definition)
        except Exception as error:  # pragma: no cover - the message names the schema
            pytest.fail(f"{name}: {error}")


def test_the_served_document_is_the_file(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == DOCUMENT
    check("/api/v1/openapi.json", "get", response)


def test_the_wizard_paths_are_documented() -> None:
    assert {
        "/api/v1/wizards",
        "/api/v1/wizards/{slug}",
        "/api/v1/wizards/{slug}/evaluate",
        "/api/v1/openapi.json",
    } <= set(DOCUMENT["paths"])


def test_every_api_route_of_the_app_is_documented_and_nothing_else(app: Flask) -> None:
    """A new endpoint under /api/ (search, say) must be added to openapi.json too."""
    served: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", f"{{{argument}}}")
            path = path.replace(f"<string:{argument}>", f"{{{argument}}}")
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                served.add((path, method.lower()))
    documented = {
        (path, method)
        for path, item in DOCUMENT["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }
    assert served == documented


def test_every_operation_has_an_id_and_every_body_a_schema() -> None:
    ids = []
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            ids.append(operation["operationId"])
            for status, response in operation["responses"].items():
                response, _ = resolve(response)
                assert "schema" in response["content"]["application/json"], (path, status)
            if "requestBody" in operation:
                assert "schema" in operation["requestBody"]["content"]["application/json"]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------- real responses


@pytest.mark.parametrize("lang", ["es", "de", "en"])
def test_the_list_matches_its_schema(client: FlaskClient, lang: str) -> None:
    response = client.get("/api/v1/wizards", headers={"Accept-Language": lang})
    assert response.status_code == 200
    check("/api/v1/wizards", "get", response)


@pytest.mark.parametrize("slug", ["which-report", "follow-up-message"])
def test_describe_matches_its_schema(client: FlaskClient, slug: str) -> None:
    response = client.get(f"/api/v1/wizards/{slug}?lang=de")
    assert response.status_code == 200
    check("/api/v1/wizards/{slug}", "get", response)


def test_describe_of_an_unknown_wizard_matches_the_error_schema(client: FlaskClient) -> None:
    response = client.get("/api/v1/wizards/no-such-wizard")
    assert response.status_code == 404
    assert check("/api/v1/wizards/{slug}", "get", response)["error"]["code"] == "unknown_wizard"


def last_answer_at(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


TEN_HOURS_AGO = "<last-answer-at 10 h before the request>"
EVALUATIONS = [
    # (name, wizard, request body, expected status)
    ("step-choice", "which-report", {"answers": {}}, 200),
    ("step-yes-no", "which-report", {"answers": {"situation": "duplicate"}, "lang": "es"}, 200),
    ("step-number", "follow-up-message", {"answers": CHECK_IN, "lang": "de"}, 200),
    ("outcome-urgent", "which-report", {"answers": {"situation": "suicidal"}}, 200),
    (
        "outcome-steps-and-warnings",
        "which-report",
        {
            "answers": {
                "situation": "duplicate",
                "other-expert-answered": False,
                "duplicate-report-usable": True,
            },
            "lang": "de",
        },
        200,
    ),
    ("outcome-no-report", "which-report", {"answers": {"situation": "none-of-these"}}, 200),
    ("outcome-tips", "follow-up-message", {"answers": {"intent": "rating-request"}}, 200),
    (
        "outcome-window-from-hours",
        "follow-up-message",
        {"answers": {**CHECK_IN, "hours-since-last-answer": 3.5}},
        200,
    ),
    (
        "outcome-window-from-last-answer-at",
        "follow-up-message",
        {"answers": {**CHECK_IN, "last-answer-at": TEN_HOURS_AGO}, "lang": "es"},
        200,
    ),
    (
        "outcome-sample-and-donts",
        "follow-up-message",
        {
            "answers": {
                **CHECK_IN,
                "hours-since-last-answer": 30,
                "help-message-sent": False,
                "other-experts": False,
            }
        },
        200,
    ),
    ("invalid-body-array", "which-report", [], 400),
    ("invalid-body-answers", "which-report", {"answers": []}, 400),
    ("invalid-body-lang", "which-report", {"answers": {}, "lang": "fr"}, 400),
    ("unknown-question", "which-report", {"answers": {"bogus": 1}}, 400),
    ("invalid-answer", "which-report", {"answers": {"situation": "nope"}}, 400),
    (
        "invalid-answer-date-time",
        "follow-up-message",
        {"answers": {**CHECK_IN, "last-answer-at": "2999-01-01T00:00:00Z"}},
        400,
    ),
    ("unknown-wizard", "no-such-wizard", {"answers": {}}, 404),
]


@pytest.mark.parametrize(
    ("slug", "body", "status"),
    [case[1:] for case in EVALUATIONS],
    ids=[case[0] for case in EVALUATIONS],
)
def test_evaluate_responses_match_their_schema(
    client: FlaskClient, slug: str, body: Any, status: int
) -> None:
    answers = body.get("answers") if isinstance(body, dict) else None
    if isinstance(answers, dict) and answers.get("last-answer-at") == TEN_HOURS_AGO:
        # Built at run time: a fixed date-time would drift out of the window.
        body = {**body, "answers": {**answers, "last-answer-at": last_answer_at(10)}}
    response = client.post(f"/api/v1/wizards/{slug}/evaluate", json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    check("/api/v1/wizards/{slug}/evaluate", "post", response)
    if status == 200 and isinstance(body, dict):
        # What a client sends that works must be what the request schema allows.
        schema("EvaluateRequest").validate(body)


def test_malformed_json_matches_the_error_schema(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/wizards/which-report/evaluate", data="{", content_type="application/json"
    )
    assert response.status_code == 400
    check("/api/v1/wizards/{slug}/evaluate", "post", response)


def test_get_on_evaluate_matches_the_error_schema(client: FlaskClient) -> None:
    response = client.get("/api/v1/wizards/which-report/evaluate")
    assert response.status_code == 405
    check("/api/v1/wizards/{slug}/evaluate", "post", response)


def test_the_window_with_moments_uses_every_window_field(client: FlaskClient) -> None:
    body = {"answers": {**CHECK_IN, "last-answer-at": last_answer_at(2)}}
    response = client.post("/api/v1/wizards/follow-up-message/evaluate", json=body)
    outcome = check("/api/v1/wizards/{slug}/evaluate", "post", response)["outcome"]
    assert set(outcome["window"]) == set(DOCUMENT["components"]["schemas"]["Window"]["properties"])


def test_every_optional_outcome_field_is_documented(client: FlaskClient) -> None:
    documented = set(DOCUMENT["components"]["schemas"]["Outcome"]["properties"])
    assert {
        "report_label",
        "urgent",
        "warnings",
        "steps",
        "tips",
        "donts",
        "sample",
        "window",
    } <= documented
    question = set(DOCUMENT["components"]["schemas"]["Question"]["properties"])
    assert {"hint", "minimum", "alias", "choices"} <= question


# --------------------------------------------------------------------- the schemas are strict


STEP = {
    "complete": False,
    "next": {
        "id": "situation",
        "kind": "choice",
        "prompt": "What?",
        "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    },
    "path": [],
}
OUTCOME = {
    "complete": True,
    "outcome": {
        "id": "too-early",
        "allowed": False,
        "report": None,
        "title": "Not yet",
        "explanation": "Wait.",
        "rules": ["HELP-2"],
        "sources": [{"rule": "HELP-2", "title": "When", "url": "http://localhost/en/a#b"}],
        "window": {"opens_in_hours": 2.0, "closes_in_hours": 146.0},
    },
    "path": [{"question": "intent", "answer": "check-in"}],
}


def broken(document: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    target: Any = copy
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return copy


@pytest.mark.parametrize(
    "body",
    [
        broken(OUTCOME, ["outcome", "sources"], KeyError),
        broken(OUTCOME, ["outcome", "surprise"], 1),
        broken(OUTCOME, ["outcome", "rules", 0], "help-2"),
        broken(OUTCOME, ["outcome", "window", "opens_at"], "2026-11-20T10:00:00+01:00"),
        broken(OUTCOME, ["outcome", "window", "opens_at"], "tomorrow"),
        broken(OUTCOME, ["path", 0, "value"], 1),
        broken(OUTCOME, ["complete"], False),
        broken(STEP, ["next", "choices"], KeyError),
        broken(STEP, ["next", "kind"], "number"),
        broken(STEP, ["next", "id"], "Situation"),
        broken(STEP, ["complete"], "false"),
        {"error": {"code": "invalid_answer", "message": "x"}},
    ],
    ids=[
        "outcome-without-sources",
        "outcome-with-an-unknown-field",
        "rule-id-in-lower-case",
        "opens-at-without-closes-at",
        "window-moment-not-a-date-time",
        "path-item-with-an-unknown-field",
        "outcome-marked-incomplete",
        "choice-step-without-choices",
        "number-step-with-choices",
        "id-not-lower-case",
        "complete-as-a-string",
        "error-instead-of-a-result",
    ],
)
def test_the_result_schema_refuses_what_the_contract_does_not_allow(body: Any) -> None:
    validator = response_validator("/api/v1/wizards/{slug}/evaluate", "post", 200)
    validator.validate(STEP)
    validator.validate(OUTCOME)
    with pytest.raises(ValidationError):
        validator.validate(body)


def test_the_evaluate_error_schema_wants_a_field_for_answer_errors() -> None:
    validator = response_validator("/api/v1/wizards/{slug}/evaluate", "post", 400)
    validator.validate({"error": {"code": "invalid_body", "message": "Not an object."}})
    validator.validate({"error": {"code": "invalid_answer", "field": "x", "message": "Bad."}})
    for body in (
        {"error": {"code": "invalid_answer", "message": "Bad."}},
        {"error": {"code": "unknown_wizard", "message": "No."}},
        {"error": {"code": "invalid_body"}},
        {"code": "invalid_body", "message": "flat"},
    ):
        with pytest.raises(ValidationError):
            validator.validate(body)
