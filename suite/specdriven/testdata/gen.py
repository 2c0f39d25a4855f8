#!/usr/bin/env python3
"""Writes the modified copies of ../../../openapi.json that the specdriven tests certify.

Run once from this directory (python3 gen.py) whenever openapi.json changes; the outputs are
committed and the tests never run this script. Each output changes exactly one fact.
"""
import copy
import json

with open("../../../openapi.json", encoding="utf-8") as f:
    BASE = json.load(f)


def op(d):
    return d["paths"]["/api/v1/payouts"]["get"]


def param(d, name):
    return next(p for p in op(d)["parameters"] if p["name"] == name)


def item(d):
    return d["components"]["schemas"]["ListPayoutsResponse"]["properties"]["data"]["items"]


def stage_on_hold(d):
    # (1) a new stage value in both the stage parameter's enum and the item's stage enum
    param(d, "stage")["schema"]["enum"].append("ON_HOLD")
    item(d)["properties"]["stage"]["enum"].append("ON_HOLD")


def limit_max_200(d):
    # (2) limit maximum 100 -> 200 (the default, 25, is unchanged)
    schema = param(d, "limit")["schema"]
    assert schema["default"] == 25
    schema["maximum"] = 200


def invoice_id_required(d):
    # (3) a new required, nullable item field
    it = item(d)
    it["properties"]["invoiceId"] = {
        "description": "Identifier of the partner invoice this payout settles, when one exists.",
        "anyOf": [{"type": "string"}, {"type": "null"}],
    }
    it["required"].append("invoiceId")


def rate_headers_renamed(d):
    # (4) x-ratelimit-limit-minute -> x-rate-limit-limit, x-ratelimit-remaining-minute -> x-rate-limit-remaining
    old = op(d)["responses"]["200"]["headers"]
    op(d)["responses"]["200"]["headers"] = {
        "x-rate-limit-limit": old["x-ratelimit-limit-minute"],
        "x-rate-limit-remaining": old["x-ratelimit-remaining-minute"],
    }


def key_header_renamed(d):
    # (5) the security scheme's header x-api-key -> x-introw-key
    d["components"]["securitySchemes"]["ApiKeyAuth"]["name"] = "x-introw-key"


for name, fn in [
    ("stage_on_hold.json", stage_on_hold),
    ("limit_max_200.json", limit_max_200),
    ("invoice_id_required.json", invoice_id_required),
    ("rate_headers_renamed.json", rate_headers_renamed),
    ("key_header_renamed.json", key_header_renamed),
]:
    d = copy.deepcopy(BASE)
    fn(d)
    with open(name, "w", encoding="utf-8") as f:
        json.dump(d, f, indent=2, ensure_ascii=False)
        f.write("\n")
