"""`slate demo`: load a realistic demo production through the gateway, like a producer would."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from slate.auth import issue_dev_token
from slate.config import Settings

# The stack the tools point at (deploy/local/isolated.sh env sets it for a private stack).
GATEWAY = os.environ.get("SLATE_GATEWAY_URL", "http://127.0.0.1:4000/graphql")

ROLES: list[dict[str, Any]] = [
    {
        "name": "Lead Skater",
        "amount": "1200.00",
        "unit": "DAY",
        "dates": ["2027-03-02", "2027-03-03"],
    },
    {"name": "Best Friend", "amount": "950.00", "unit": "DAY", "dates": ["2027-03-02"]},
    {"name": "Young Skater", "amount": "800.00", "unit": "DAY", "dates": ["2027-03-03"]},
    {"name": "Skate Park Regular", "amount": "250.00", "unit": "DAY", "dates": ["2027-03-02"]},
]
TALENT: list[dict[str, str]] = [
    {
        "name": "Rosa Díaz",
        "email": "rosa.diaz@example.com",
        "dob": "1994-02-11",
        "union": "SAG_AFTRA",
    },
    {
        "name": "Marcus Lee",
        "email": "marcus.lee@example.com",
        "dob": "1990-07-23",
        "union": "SAG_AFTRA",
    },
    {"name": "Ava Chen", "email": "ava.chen@example.com", "dob": "2014-09-30", "union": "NONE"},
    {
        "name": "Jordan Park",
        "email": "jordan.park@example.com",
        "dob": "2001-05-05",
        "union": "NONE",
    },
]


class DemoError(RuntimeError):
    pass


def graphql(url: str, token: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """POST one operation; raise DemoError on transport or GraphQL errors."""
    body = json.dumps({"query": query, "variables": dict(variables)}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            result: dict[str, Any] = json.loads(response.read())
    except urllib.error.URLError as exc:
        raise DemoError(
            f"cannot reach the gateway at {url} ({exc}); start it with `make run`"
        ) from None
    if result.get("errors"):
        raise DemoError(json.dumps(result["errors"]))
    data: dict[str, Any] = result["data"]
    return data


def payload(data: Mapping[str, Any], field: str) -> dict[str, Any]:
    result: dict[str, Any] = data[field]
    if result["userErrors"]:
        raise DemoError(f"{field}: {json.dumps(result['userErrors'])}")
    return result


def load(url: str, org: str, settings: Settings) -> dict[str, Any]:
    """Create the demo production, its roles and talent; hold everyone and confirm the bookings."""
    producer = issue_dev_token(
        settings, org=org, roles=["producer", "casting"], sub="demo-producer"
    )
    legal = issue_dev_token(settings, org=org, roles=["legal"], sub="demo-legal")
    production = payload(
        graphql(
            url,
            producer,
            """mutation { createProduction(input: {title: "Golden Hour — Acme Soda :30",
               client: "Acme Soda", kind: COMMERCIAL, timezone: "America/Los_Angeles"}) {
               production { id } userErrors { field message code } } }""",
            {},
        ),
        "createProduction",
    )["production"]["id"]
    bookings = []
    for role_spec, person in zip(ROLES, TALENT, strict=True):
        role = payload(
            graphql(
                url,
                producer,
                """mutation($p: ID!, $n: String!, $a: String!, $u: RateUnit!, $d: [String!]!) {
                   createRole(input: {productionId: $p, name: $n,
                     rate: {amount: $a, currency: "USD", unit: $u}, workDates: $d}) {
                   role { id } userErrors { field message code } } }""",
                {
                    "p": production,
                    "n": role_spec["name"],
                    "a": role_spec["amount"],
                    "u": role_spec["unit"],
                    "d": role_spec["dates"],
                },
            ),
            "createRole",
        )["role"]["id"]
        talent = payload(
            graphql(
                url,
                producer,
                """mutation($n: String!, $e: String!, $b: String!, $u: TalentUnion!) {
                   registerTalent(input: {name: $n, email: $e, dateOfBirth: $b, union: $u}) {
                   talent { id } userErrors { field message code } } }""",
                {
                    "n": person["name"],
                    "e": person["email"],
                    "b": person["dob"],
                    "u": person["union"],
                },
            ),
            "registerTalent",
        )["talent"]["id"]
        if person["dob"] > "2009":
            payload(
                graphql(
                    url,
                    legal,
                    """mutation($t: ID!) { recordWorkPermit(input: {talentId: $t,
                       number: "EWP-2027-0042", expiresOn: "2027-09-30"}) {
                       workPermit { id } userErrors { field message code } } }""",
                    {"t": talent},
                ),
                "recordWorkPermit",
            )
        booking = payload(
            graphql(
                url,
                producer,
                """mutation($r: ID!, $t: ID!) { holdTalent(input: {roleId: $r, talentId: $t}) {
                   booking { id } userErrors { field message code } } }""",
                {"r": role, "t": talent},
            ),
            "holdTalent",
        )["booking"]["id"]
        bookings.append(booking)
    for booking in bookings[:-1]:  # the last one stays on hold, as in a real breakdown
        payload(
            graphql(
                url,
                producer,
                """mutation($b: ID!) { confirmBooking(input: {bookingId: $b}) {
                   booking { id } userErrors { field message code } } }""",
                {"b": booking},
            ),
            "confirmBooking",
        )
    return {"org": org, "production_id": production, "bookings": bookings}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `slate demo` to the CLI."""
    parser = subparsers.add_parser("demo", help="load a realistic demo production (needs make run)")
    parser.add_argument("--org", default="demo", help="organisation to load it into (default demo)")
    parser.add_argument("--gateway", default=GATEWAY, help=f"GraphQL endpoint (default {GATEWAY})")

    def run(args: argparse.Namespace) -> int:
        settings = Settings.from_env("cli", http_port=1, grpc_port=1)
        try:
            result = load(args.gateway, args.org, settings)
        except DemoError as exc:
            print(f"slate demo: {exc}", file=sys.stderr)
            return 1
        print(json.dumps(result, indent=2))
        print(
            f'\nView it: query {{ production(id: "{result["production_id"]}") {{ title roles '
            "{ name bookings { status talent { name } engagement { status } contract { status } } }"
            " } }\nwith a token from: slate token --org "
            f"{args.org} --role producer --role casting",
            file=sys.stderr,
        )
        return 0

    parser.set_defaults(handler=run)
