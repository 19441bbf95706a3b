"""Names and ARNs of local resources, decided in one place.

Lambda functions are named the way `chalice deploy` names them
(`<app>-<stage>-<name>`) with chalice local's default stage, so a log line or an
execution history reads like the deployed one. State machines get
`<app>-<stage>-<LogicalId>` after their logical id in infra/template.json.
Every name here is deterministic, so the environment can be computed before the
emulator exists.
"""
from __future__ import annotations

from chalice.utils import to_cfn_resource_name

APP_NAME = "tuanstack"
LOCAL_CHALICE_STAGE = "dev"
LOCAL_PREFIX = f"{APP_NAME}-{LOCAL_CHALICE_STAGE}"
# moto's default account: every ARN moto builds carries it.
LOCAL_ACCOUNT_ID = "123456789012"
# The production region (chalicelib/core/settings.py defaults to it); moto supports the
# aws-cn partition, so local ARNs have the same shape as deployed ones.
DEFAULT_REGION = "cn-north-1"
DEFAULT_TABLE_NAME = "tuanstack"
TABLE_LOGICAL_ID = "TuanstackTable"
LAMBDA_ROLE_NAME = f"{LOCAL_PREFIX}-lambda"
STATES_ROLE_NAME = f"{LOCAL_PREFIX}-states"


def partition(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else "aws"


def function_name(handler_name: str) -> str:
    """Local Lambda function name for an `@app.lambda_function(name=...)`."""
    return f"{LOCAL_PREFIX}-{handler_name}"


def function_arn(handler_name: str, region: str) -> str:
    return (
        f"arn:{partition(region)}:lambda:{region}:{LOCAL_ACCOUNT_ID}:function:"
        f"{function_name(handler_name)}"
    )


def handler_name(function: str) -> str | None:
    """The app handler name behind a function name, partial or full ARN (None: not ours)."""
    if function.startswith("arn:"):
        # arn:partition:lambda:region:account:function:NAME[:qualifier]
        function = function.split(":")[6]
    elif function.startswith("function:"):
        function = function.split(":")[1]
    elif ":" in function:
        # NAME:qualifier
        function = function.split(":")[0]
    prefix = f"{LOCAL_PREFIX}-"
    return function[len(prefix):] if function.startswith(prefix) else None


def function_logical_id(handler_name: str) -> str:
    """The logical id `chalice package` gives the function (ReleaseExpiredReservation...)."""
    return to_cfn_resource_name(handler_name)


def state_machine_name(logical_id: str) -> str:
    return f"{LOCAL_PREFIX}-{logical_id}"


def state_machine_arn(logical_id: str, region: str) -> str:
    return (
        f"arn:{partition(region)}:states:{region}:{LOCAL_ACCOUNT_ID}:stateMachine:"
        f"{state_machine_name(logical_id)}"
    )


def table_arn(table_name: str, region: str) -> str:
    return f"arn:{partition(region)}:dynamodb:{region}:{LOCAL_ACCOUNT_ID}:table/{table_name}"


def role_arn(role_name: str, region: str) -> str:
    return f"arn:{partition(region)}:iam::{LOCAL_ACCOUNT_ID}:role/{role_name}"
