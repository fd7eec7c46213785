#!/usr/bin/env python3
"""A stand-in for the ``aws`` command for tests: ``aws SERVICE OPERATION --option value ... [--query Q]
[--output text|json]`` made as the same boto3 call against the endpoint in ``AWS_ENDPOINT_URL`` (the moto
sandbox). Options map to the operation's input members as the AWS CLI maps them (``--role-name`` →
``RoleName``; JSON for lists and structures); a service error prints AWS's message and exits 254 as the AWS
CLI does. Every call is appended to ``$FAKE_AWS_LOG`` when set. The real AWS CLI is tested too (slow)."""

from __future__ import annotations

import json
import os
import sys

import boto3
import jmespath
from botocore import xform_name
from botocore.exceptions import ClientError


def _value(shape, text):  # type: ignore[no-untyped-def]
    if shape.type_name in ("list", "structure", "map"):
        return json.loads(text)
    if shape.type_name in ("integer", "long"):
        return int(text)
    if shape.type_name == "boolean":
        return text.lower() == "true"
    return text


def main(argv: list[str]) -> int:
    if os.environ.get("FAKE_AWS_LOG"):
        with open(os.environ["FAKE_AWS_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps(argv) + "\n")
    service, op, rest = argv[0], argv[1], argv[2:]
    client = boto3.client(service, region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    names = {xform_name(n): n for n in client.meta.service_model.operation_names}
    model = client.meta.service_model.operation_model(names[op.replace("-", "_")])
    members = model.input_shape.members if model.input_shape else {}
    by_option = {"--" + xform_name(n, "-"): n for n in members}
    params, query, output = {}, None, "json"
    i = 0
    while i < len(rest):
        opt = rest[i]
        if opt in ("--set-as-default",):
            params["SetAsDefault"] = True
            i += 1
            continue
        value = rest[i + 1]
        if opt == "--query":
            query = value
        elif opt == "--output":
            output = value
        else:
            name = by_option[opt]
            params[name] = _value(members[name], value)
        i += 2
    try:
        result = getattr(client, xform_name(model.name))(**params)
    except ClientError as exc:
        sys.stderr.write(f"An error occurred ({exc.response['Error']['Code']}): {exc.response['Error']['Message']}\n")
        return 254
    result.pop("ResponseMetadata", None)
    data = jmespath.search(query, result) if query else result
    if output == "text":
        items = data if isinstance(data, list) else [data]
        print("\t".join("None" if v is None else str(v) for v in items))
    else:
        print(json.dumps(data, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
