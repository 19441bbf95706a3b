"""The deploy package: chalice's template merged with infra/template.json,
linted by cfn-lint, wired the way the local stack assumes, least privilege."""
from __future__ import annotations

import importlib.util
import zipfile

import pytest

from devstack.asl import validate_definition
from devstack.bytecode import UNCHECKED_HASH_FLAGS
from devstack.environment import local_environment
from devstack.package import lint, lint_passed
from devstack.template import substitute

FUNCTION = "AWS::Serverless::Function"
# What the functions call (PynamoDB: get, put, update, delete, query, batch_get,
# TransactWrite). IAM has no TransactWriteItems action: a transaction is
# authorised item by item (Put/Update/Delete/ConditionCheckItem).
TABLE_ACTIONS = {
    "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem",
}
STREAM_ACTIONS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}
LOG_ACTIONS = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}
# Domain events (chalicelib/adapters/eventbridge.py), to the stack's own bus only.
EVENT_ACTIONS = {"events:PutEvents"}
EVENT_BUS_ARN = {"Fn::GetAtt": ["TuanstackEventBus", "Arn"]}
# The state machines the stream consumer starts, by the variable that carries the ARN.
STREAM_STARTS = {
    "TUANSTACK_RESERVATION_EXPIRY_SFN_ARN": "ReservationExpiryStateMachine",
    "TUANSTACK_TEAM_LIFECYCLE_SFN_ARN": "TeamLifecycleStateMachine",
    "TUANSTACK_TEAM_SETTLEMENT_SFN_ARN": "TeamSettlementStateMachine",
    "TUANSTACK_REFUND_SFN_ARN": "RefundStateMachine",
    "TUANSTACK_PAYMENT_WINDOW_SFN_ARN": "PaymentWindowStateMachine",
    "TUANSTACK_DELIVERY_SFN_ARN": "DeliveryStateMachine",
    "TUANSTACK_AFTER_SALES_DEADLINE_SFN_ARN": "AfterSalesDeadlineStateMachine",
    "TUANSTACK_COMMUNITY_ROUND_CUTOFF_SFN_ARN": "CommunityRoundCutoffStateMachine",
}
# Each state machine: its tasks (substitution -> function logical id, handler) and
# the states that call them.
MACHINE_TASKS = {
    "ReservationExpiryStateMachine": {"ReleaseExpiredReservationArn": ("ReleaseExpiredReservation",
                                                                       "release_expired_reservation",
                                                                       "ReleaseReservation")},
    "TeamLifecycleStateMachine": {"CloseTeamArn": ("CloseTeam", "close_team", "CloseTeam")},
    "TeamSettlementStateMachine": {"SettleTeamArn": ("SettleTeam", "settle_team", "SettleTeam")},
    "RefundStateMachine": {
        "RefundOrderArn": ("RefundOrder", "refund_order", "RefundOrder"),
        "MarkRefundFailedArn": ("MarkRefundFailed", "mark_refund_failed", "MarkRefundFailed"),
    },
    "PaymentWindowStateMachine": {"CancelUnpaidPaymentArn": ("CancelUnpaidPayment", "cancel_unpaid_payment",
                                                             "CancelUnpaidPayment")},
    "AfterSalesDeadlineStateMachine": {"AfterSalesDeadlinePassedArn": ("AfterSalesDeadlinePassed",
                                                                       "after_sales_deadline_passed",
                                                                       "DeadlinePassed")},
    "DeliveryStateMachine": {"CompleteShippedOrderArn": ("CompleteShippedOrder", "complete_shipped_order",
                                                         "CompleteShippedOrder")},
    "CommunityRoundCutoffStateMachine": {"CloseCommunityRoundArn": ("CloseCommunityRound", "close_community_round",
                                                                    "CloseRound")},
}


def functions(resources) -> dict:
    return {logical_id: r for logical_id, r in resources.items() if r["Type"] == FUNCTION}


def statements(role: dict) -> list[dict]:
    return [s for policy in role["Properties"].get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_passes(packaged) -> None:
    result = lint(packaged)
    assert lint_passed(result), result.stdout + result.stderr


def test_the_zip_holds_the_app_and_not_the_local_stack(packaged) -> None:
    names = zipfile.ZipFile(packaged.parent / "deployment.zip").namelist()
    assert "app.py" in names and "chalicelib/core/settings.py" in names
    assert not [name for name in names if name.startswith(("devstack/", "moto/", "tests/"))]


def test_every_module_in_the_zip_is_compiled_for_the_runtime_unchecked(packaged) -> None:
    # Lambda's /var/task is read-only: a module without its pyc is compiled on every cold start.
    archive = zipfile.ZipFile(packaged.parent / "deployment.zip")
    names = set(archive.namelist())
    sources = sorted(name for name in names if name.endswith(".py"))
    assert len(sources) > 1000 and "app.py" in sources and "pynamodb/models.py" in sources
    expected_pycs = {
        source: f"{source.rpartition('/')[0]}/__pycache__/{source.rpartition('/')[2][:-3]}.cpython-311.pyc".lstrip("/")
        for source in sources
    }
    assert [source for source, pyc in expected_pycs.items() if pyc not in names] == []
    for source in ("app.py", "chalicelib/core/settings.py", "strawberry/schema/schema.py", "boto3/session.py"):
        header = archive.read(expected_pycs[source])[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source
        assert int.from_bytes(header[4:8], "little") == UNCHECKED_HASH_FLAGS, source
        assert header[8:16] == importlib.util.source_hash(archive.read(source)), source
    flags = {int.from_bytes(archive.read(expected_pycs[source])[4:8], "little") for source in sources}
    assert flags == {UNCHECKED_HASH_FLAGS}


# Memory per function (.chalice/config.json), which sets its CPU share; the figures and
# the reasons are in docs/operations.md "Memory per function".
MEMORY_MB = {
    "APIHandler": 1769,  # one full vCPU: a client waits on the cold start and every request
    "TableStream": 1024,
    "ReleasePendingPoints": 1024, "ExpirePoints": 1024, "RecomputeTiers": 1024,
    "SettleCommissions": 1024,  # a sweep of the due commission entries, as the points jobs
    "RewardReferrals": 1024,  # a sweep of the due referrals, likewise
    "ReleaseExpiredReservation": 512, "CloseTeam": 512, "SettleTeam": 512, "RefundOrder": 512,
    "MarkRefundFailed": 512, "CancelUnpaidPayment": 512, "AfterSalesDeadlinePassed": 512,
    "CountOverdueDisputes": 512,  # one counting Query an hour
    "CompleteShippedOrder": 512,
    "CloseCommunityRound": 512,  # a round's batches: ≤ 50 leaders × (two Queries, one PutItem)
}


def test_each_function_gets_the_memory_chosen_for_it(resources) -> None:
    assert {logical_id: f["Properties"]["MemorySize"] for logical_id, f in functions(resources).items()} == MEMORY_MB


def test_the_stream_consumer_reads_the_tables_stream_reporting_item_failures(resources) -> None:
    source = resources["TableStream"]["Properties"]["Events"]["TableStreamDynamodbEventSource"]
    assert source["Type"] == "DynamoDB"
    assert source["Properties"]["Stream"] == {"Fn::GetAtt": ["TuanstackTable", "StreamArn"]}
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_functions_get_their_configuration_and_no_literal_secret(template, resources) -> None:
    shared = template["Globals"]["Function"]["Environment"]["Variables"]
    assert shared["TUANSTACK_TABLE"] == {"Ref": "TuanstackTable"}
    secret = shared["TUANSTACK_SECRET_KEY"]
    assert isinstance(secret, dict) and "{{resolve:secretsmanager:${TuanstackSecretKey}" in secret["Fn::Sub"]
    assert resources["TuanstackSecretKey"]["Properties"]["GenerateSecretString"]
    for logical_id, function in functions(resources).items():
        assert function["Properties"]["Environment"]["Variables"]["TUANSTACK_STAGE"] == "prod", logical_id
    assert shared["TUANSTACK_EVENT_BUS"] == {"Ref": "TuanstackEventBus"}
    assert resources["TuanstackEventBus"]["Type"] == "AWS::Events::EventBus"
    stream_env = resources["TableStream"]["Properties"]["Environment"]["Variables"]
    for variable, machine in STREAM_STARTS.items():
        assert stream_env[variable] == {"Ref": machine}, variable


def test_local_runs_get_every_variable_deployed_functions_get(template, resources) -> None:
    deployed = set(template["Globals"]["Function"]["Environment"]["Variables"])
    for function in functions(resources).values():
        deployed |= set(function["Properties"].get("Environment", {}).get("Variables", {}))
    assert deployed <= set(local_environment("http://127.0.0.1:4566"))


def test_no_policy_grants_a_wildcard_action_or_resource(resources) -> None:
    roles = {logical_id: r for logical_id, r in resources.items() if r["Type"] == "AWS::IAM::Role"}
    assert roles
    for logical_id, role in roles.items():
        assert not role["Properties"].get("ManagedPolicyArns"), logical_id
        for statement in statements(role):
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
            for action in as_list(statement["Action"]):
                assert action != "*" and not action.endswith(":*"), (logical_id, action)
            for resource in as_list(statement["Resource"]):
                assert resource != "*", (logical_id, statement)


def test_function_roles_grant_exactly_what_the_functions_use(resources) -> None:
    for logical_id, function in functions(resources).items():
        role = resources[function["Properties"]["Role"]["Fn::GetAtt"][0]]
        granted = {
            action: statement["Resource"] for statement in statements(role) for action in as_list(statement["Action"])
        }
        expected = TABLE_ACTIONS | LOG_ACTIONS | EVENT_ACTIONS
        if logical_id == "TableStream":
            # The feeds' fan-out writes followers' entries 25 at a time.
            expected |= STREAM_ACTIONS | {"states:StartExecution", "dynamodb:BatchWriteItem"}
            assert granted["dynamodb:GetRecords"] == {"Fn::GetAtt": ["TuanstackTable", "StreamArn"]}
            assert granted["states:StartExecution"] == [{"Ref": machine} for machine in STREAM_STARTS.values()]
        assert set(granted) == expected, logical_id
        assert granted["events:PutEvents"] == EVENT_BUS_ARN, logical_id
        assert granted["dynamodb:Query"] == [
            {"Fn::GetAtt": ["TuanstackTable", "Arn"]},
            {"Fn::Sub": "${TuanstackTable.Arn}/index/*"},
        ]


@pytest.mark.parametrize("machine_id", sorted(MACHINE_TASKS))
def test_each_state_machine_invokes_exactly_its_packaged_task_functions(resources, machine_id) -> None:
    machine = resources[machine_id]["Properties"]
    tasks = MACHINE_TASKS[machine_id]
    refs = {key: {"Fn::GetAtt": [function_id, "Arn"]} for key, (function_id, _, _) in tasks.items()}
    assert machine["DefinitionSubstitutions"] == refs
    stand_ins = {key: f"arn:aws-cn:lambda:x:{key}" for key in tasks}
    definition = substitute(machine["Definition"], stand_ins)
    assert validate_definition(definition) == []
    for key, (function_id, handler, state) in tasks.items():
        function = resources[function_id]
        assert function["Type"] == FUNCTION
        assert function["Properties"]["Handler"] == f"app.{handler}"
        assert definition["States"][state]["Resource"] == stand_ins[key]
    role = resources[machine["RoleArn"]["Fn::GetAtt"][0]]
    assert [(s["Action"], s["Resource"]) for s in statements(role)] == [(["lambda:InvokeFunction"], list(refs.values()))]


def test_task_functions_do_not_depend_on_state_machines(resources) -> None:
    # A machine depends on its task functions (DefinitionSubstitutions); a task
    # function referring to a machine would make a dependency cycle.
    machines = set(MACHINE_TASKS)
    for _, (function_id, _, _) in (item for tasks in MACHINE_TASKS.values() for item in tasks.items()):
        variables = resources[function_id]["Properties"].get("Environment", {}).get("Variables", {})
        assert not machines & {value.get("Ref") for value in variables.values() if isinstance(value, dict)}


def test_refunds_retry_provider_errors_and_leave_the_rest_to_an_operator(resources) -> None:
    states = resources["RefundStateMachine"]["Properties"]["Definition"]["States"]
    refund = states["RefundOrder"]
    assert refund["Retry"][0] == {"ErrorEquals": ["PaymentError"], "IntervalSeconds": 1, "MaxAttempts": 3,
                                  "BackoffRate": 2.0}
    assert refund["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "MarkRefundFailed"}]


def test_a_checkout_payment_window_waits_until_pay_by_and_retries_a_timer_that_woke_early(resources) -> None:
    states = resources["PaymentWindowStateMachine"]["Properties"]["Definition"]["States"]
    assert states["WaitUntilPayBy"] == {"Type": "Wait", "TimestampPath": "$.payBy", "Next": "CancelUnpaidPayment"}
    assert states["CancelUnpaidPayment"]["Retry"][0]["ErrorEquals"] == ["NotYet"]
    assert states["CancelUnpaidPayment"]["Next"] == "Settled" and states["Settled"] == {"Type": "Succeed"}
