#!/usr/bin/env python3
"""Regenerates the spec pairs in this directory from base.json.

Run once from this directory (python3 gen.py) after copying the reference
spec (/work/main/openapi.json) to base.json. The outputs are committed; the
tests do not run this script.
"""
import copy
import json

import yaml

with open("base.json", encoding="utf-8") as f:
    BASE = json.load(f)

OP = ("paths", "/api/v1/payouts", "get")


def op(d):
    return d["paths"]["/api/v1/payouts"]["get"]


def param(d, name):
    return next(p for p in op(d)["parameters"] if p["name"] == name)


def item(d):
    return d["components"]["schemas"]["ListPayoutsResponse"]["properties"]["data"]["items"]


def write(name, fn):
    d = copy.deepcopy(BASE)
    fn(d)
    with open(name, "w", encoding="utf-8") as f:
        json.dump(d, f, indent=2, ensure_ascii=False)
        f.write("\n")


def description_changed(d):
    d["info"]["description"] = "Reworded API description."
    d["info"]["version"] = "2026-06-01"
    op(d)["description"] = "Returns commission payouts (reworded)."
    param(d, "limit")["description"] = "Page size."
    item(d)["properties"]["stage"]["description"] = "Stage of the payout."
    d["tags"][0]["description"] = "Partners, reworded."


def stage_added(d):
    param(d, "stage")["schema"]["enum"].append("ON_HOLD")
    item(d)["properties"]["stage"]["enum"].append("ON_HOLD")


def stage_removed(d):
    param(d, "stage")["schema"]["enum"].remove("BLOCKED")
    item(d)["properties"]["stage"]["enum"].remove("BLOCKED")


def limit_max(n):
    def fn(d):
        param(d, "limit")["schema"]["maximum"] = n
    return fn


def required_field(d):
    item(d)["properties"]["externalReference"] = {
        "description": "Reference of the payout in the finance system.",
        "type": "string",
    }
    item(d)["required"].append("externalReference")


def header_renamed(d):
    h = op(d)["responses"]["200"]["headers"]
    h["x-ratelimit-limit-per-minute"] = h.pop("x-ratelimit-limit-minute")


def security_renamed(d):
    d["components"]["securitySchemes"]["ApiKeyAuth"]["name"] = "x-introw-key"


def optional_param(d):
    op(d)["parameters"].append({
        "name": "currency",
        "in": "query",
        "required": False,
        "description": "Filter payouts by ISO 4217 currency code.",
        "schema": {"type": "string", "minLength": 3, "maxLength": 3},
    })


def required_param(d):
    op(d)["parameters"].append({
        "name": "organisationId",
        "in": "query",
        "required": True,
        "description": "Organisation to list payouts for.",
        "schema": {"type": "string"},
    })


def nullable_field(d):
    p = item(d)["properties"]["periodStart"]
    p["type"] = ["string", "null"]


def type_changed(d):
    amount = item(d)["properties"]["amount"]["properties"]["value"]
    amount["type"] = "number"


def status_removed(d):
    del op(d)["responses"]["422"]


def field_removed(d):
    del item(d)["properties"]["poNumber"]
    item(d)["required"].remove("poNumber")


def pattern_changed(d):
    param(d, "partnerId")["schema"]["pattern"] = "^ptn_[0-9A-Z]{26}$"
    param(d, "periodStart")["schema"]["pattern"] = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$"
    item(d)["properties"]["id"]["pattern"] = "^pay_[0-9a-z]{24}$"


def ap_open(d):
    del item(d)["properties"]["amount"]["additionalProperties"]


def other_path(d):
    d["paths"]["/api/v1/partners"] = {
        "get": {
            "operationId": "listPartners",
            "responses": {"200": {"description": "ok"}},
        }
    }
    d["components"]["schemas"]["Partner"] = {"type": "object"}


def refactored(d):
    """Same contract, different shape: inlined body schema, $ref'd path-level parameter."""
    o = op(d)
    o["responses"]["200"]["content"]["application/json"]["schema"] = copy.deepcopy(
        d["components"]["schemas"]["ListPayoutsResponse"])
    limit = o["parameters"].pop(0)
    d["components"]["parameters"] = {"Limit": limit}
    d["paths"]["/api/v1/payouts"]["parameters"] = [{"$ref": "#/components/parameters/Limit"}]


def assorted(d):
    o = op(d)
    o["operationId"] = "listAllPayouts"
    o["deprecated"] = True
    param(d, "cursor")["name"] = "pageToken"
    param(d, "limit")["required"] = True
    param(d, "limit")["schema"]["default"] = 50
    param(d, "limit")["schema"]["minimum"] = 0
    o["responses"]["404"] = {"description": "Partner not found."}
    o["responses"]["200"]["headers"]["x-ratelimit-limit-minute"]["required"] = True
    d["servers"] = [{"url": "https://api.introw.io"}, {"url": "https://api.eu.introw.io"}]
    o["security"] = [{}, {"ApiKeyAuth": []}]


def no_operation(d):
    d["paths"]["/api/v2/payouts"] = d["paths"].pop("/api/v1/payouts")


write("description_changed.json", description_changed)
write("stage_added.json", stage_added)
write("stage_removed.json", stage_removed)
write("limit_max_200.json", limit_max(200))
write("limit_max_50.json", limit_max(50))
write("required_field.json", required_field)
write("header_renamed.json", header_renamed)
write("security_renamed.json", security_renamed)
write("optional_param.json", optional_param)
write("required_param.json", required_param)
write("nullable_field.json", nullable_field)
write("type_changed.json", type_changed)
write("status_removed.json", status_removed)
write("field_removed.json", field_removed)
write("pattern_changed.json", pattern_changed)
write("ap_open.json", ap_open)
write("other_path.json", other_path)
write("refactored.json", refactored)
write("assorted.json", assorted)
write("no_operation.json", no_operation)

with open("base.yaml", "w", encoding="utf-8") as f:
    yaml.safe_dump(BASE, f, sort_keys=False, allow_unicode=True, width=1000)

with open("garbage.txt", "w", encoding="utf-8") as f:
    f.write("this is {not: [an OpenAPI document\n\t:::\n")

with open("swagger2.json", "w", encoding="utf-8") as f:
    json.dump({"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}, f, indent=2)
    f.write("\n")
