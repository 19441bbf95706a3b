"""The process environment of the local stack: one function, used by
`python -m devstack` and by the tests.

What the deployed functions get from infra/template.json (table name, state
machine ARNs...) is derived from the same template with local names, so a
variable added there reaches local runs without editing this file; what only
exists deployed (the Secrets Manager key) gets a local value here.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path

from devstack import naming
from devstack.project import GRAPHIQL_ASSETS_DIR, TEMPLATE_PATH
from devstack.resources import local_resolver
from devstack.template import Unresolvable, function_environment, load_template

# Signs local tokens only. Fixed so tokens survive a restart of the dev server.
LOCAL_SECRET_KEY = "local-development-only-not-a-secret"
LOCAL_STAGE = "local"
# Variables that would send boto3 to a real account or profile instead of the
# emulator's dummy credentials.
UNSET_FOR_LOCAL = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def local_environment(
    endpoint_url: str,
    *,
    region: str = naming.DEFAULT_REGION,
    table_name: str = naming.DEFAULT_TABLE_NAME,
    secret_key: str = LOCAL_SECRET_KEY,
    lambda_names: Iterable[str] | None = None,
    template_path: Path = TEMPLATE_PATH,
) -> dict[str, str]:
    """Environment variables for the app, its handlers and boto3 against the emulator.

    lambda_names: the app's `@app.lambda_function` names, only needed if the
    template references a function in an environment variable.
    """
    env = {
        "TUANSTACK_STAGE": LOCAL_STAGE,
        "TUANSTACK_TABLE": table_name,
        "TUANSTACK_DYNAMODB_ENDPOINT": endpoint_url,
        "TUANSTACK_SECRET_KEY": secret_key,
        "TUANSTACK_WECHAT_LOGIN": "local",
        # Payments are the SIMULATED provider (nothing leaves the machine).
        "TUANSTACK_PAYMENTS": "simulated",
        # One serialised emulator answers every client of the process: under a
        # 200-thread test a request can queue for seconds that DynamoDB would not take.
        "TUANSTACK_DYNAMODB_READ_TIMEOUT": "120",
        "TUANSTACK_DYNAMODB_CONNECT_TIMEOUT": "30",
        # Domain events and WeChat notifications go to the in-memory local outbox
        # (logged, inspectable by tests), not to the emulator's bus or to WeChat.
        "TUANSTACK_EVENTS": "local",
        "TUANSTACK_NOTIFICATIONS": "local",
        "TUANSTACK_GRAPHIQL_ASSETS": str(GRAPHIQL_ASSETS_DIR),
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        # Every boto3 client (stepfunctions, events...) goes to the emulator.
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        # botocore 1.44 sends DynamoDB calls to an account-specific host otherwise.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }
    return {**_template_values(template_path, region, table_name, list(lambda_names or []), set(env)), **env}


def apply_environment(env: Mapping[str, str], environ: MutableMapping[str, str] = os.environ) -> None:
    """Put `env` into `environ`, dropping profile/session variables that would override it."""
    for name in UNSET_FOR_LOCAL:
        environ.pop(name, None)
    environ.update(env)


def _template_values(
    template_path: Path, region: str, table_name: str, lambda_names: list[str], explicit: set[str]
) -> dict[str, str]:
    """The template's function variables resolved to local names.

    Variables set explicitly here (the secret key...) are skipped; any other that
    has no local value raises, rather than leaving local runs without it.
    """
    template = load_template(template_path)
    resolve = local_resolver(template, region, table_name, lambda_names)
    values: dict[str, str] = {}
    for name, value in function_environment(template).items():
        if name in explicit:
            continue
        try:
            values[name] = resolve(value)
        except Unresolvable as error:
            raise Unresolvable(f"environment variable {name}: {error} (give it a local value in {__name__})") from error
    return values
