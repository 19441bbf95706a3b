"""Tuanstack's Lambda entry points. Each handler hands over to chalicelib in a line
or two; imports happen inside handlers so a cold start loads only its own path."""
from __future__ import annotations

import os

from chalice import Chalice, Cron, Rate, Response

# Every item type registered before any handler reads the table (see chalicelib/models.py).
import chalicelib.models  # noqa: F401

# Powertools owns logging (JSON); Chalice's own handler on the same "tuanstack" logger would
# print every line a second time, unstructured.
app = Chalice(app_name="tuanstack", configure_logs=False)

# Chalice needs the stream ARN when the app is imported; the deploy template
# replaces it with the table's real StreamArn (infra/template.json).
TABLE_STREAM_ARN = os.environ.get(
    "TUANSTACK_STREAM_ARN", "arn:aws:dynamodb:cn-north-1:000000000000:table/tuanstack/stream/local"
)


@app.route("/graphql", methods=["POST"], content_types=["application/json"], cors=True)
def graphql() -> Response:
    from chalicelib.core.graphql.view import handle_graphql
    from chalicelib.schema import schema

    return handle_graphql(schema(), app.current_request, app.lambda_context)


@app.route("/graphql", methods=["GET"], cors=True)
def graphql_get() -> Response:
    """A read with its operation in the URL (a CDN may cache it); without one, the local GraphiQL page."""
    from chalicelib.core.graphql.persisted import is_graphql_get, with_cache_control

    if not is_graphql_get(app.current_request):
        from chalicelib.core.graphql.graphiql import graphiql_page

        return graphiql_page()
    from chalicelib.core.graphql.view import handle_graphql
    from chalicelib.schema import schema

    return with_cache_control(handle_graphql(schema(), app.current_request, app.lambda_context), app.current_request)


@app.route("/graphiql/assets/{name}", methods=["GET"])
def graphiql_asset(name: str) -> Response:
    from chalicelib.core.graphql.graphiql import graphiql_asset

    return graphiql_asset(name)


@app.route("/payments/notify", methods=["POST"], content_types=["application/json"])
def payment_notification() -> Response:
    from chalicelib.payments import handle_notification

    return handle_notification(app.current_request, app.lambda_context)


@app.route("/payments/simulated/capture", methods=["POST"], content_types=["application/json"])
def simulated_capture() -> Response:
    from chalicelib.payments import simulate_capture

    return simulate_capture(app.current_request)


@app.route("/payments/simulated/refund-faults", methods=["POST"], content_types=["application/json"])
def simulated_refund_faults() -> Response:
    from chalicelib.payments import simulate_refund_faults

    return simulate_refund_faults(app.current_request)


@app.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.lambda_function(name="release_expired_reservation")
def release_expired_reservation(event: dict, context: object) -> dict:
    from chalicelib.groupbuy.reservations import release_expired

    return release_expired(event)


@app.lambda_function(name="close_team")
def close_team(event: dict, context: object) -> dict:
    from chalicelib.groupbuy.tasks import close_team

    return close_team(event)


@app.lambda_function(name="settle_team")
def settle_team(event: dict, context: object) -> dict:
    from chalicelib.groupbuy.tasks import settle_team

    return settle_team(event)


@app.lambda_function(name="refund_order")
def refund_order(event: dict, context: object) -> dict:
    """The refund machine's task for a group-buy order, a checkout payment or an after-sales request
    (by its input)."""
    from chalicelib.payments import refund

    return refund(event)


@app.lambda_function(name="mark_refund_failed")
def mark_refund_failed(event: dict, context: object) -> dict:
    from chalicelib.payments import mark_refund_failed

    return mark_refund_failed(event)


@app.lambda_function(name="cancel_unpaid_payment")
def cancel_unpaid_payment(event: dict, context: object) -> dict:
    from chalicelib.checkout.tasks import cancel_unpaid_payment

    return cancel_unpaid_payment(event)


@app.lambda_function(name="after_sales_deadline_passed")
def after_sales_deadline_passed(event: dict, context: object) -> dict:
    from chalicelib.aftersales.tasks import deadline_passed

    return deadline_passed(event)
@app.lambda_function(name="complete_shipped_order")
def complete_shipped_order(event: dict, context: object) -> dict:
    from chalicelib.deliveries import complete_shipped_order

    return complete_shipped_order(event)


@app.lambda_function(name="close_community_round")
def close_community_round(event: dict, context: object) -> dict:
    from chalicelib.community.tasks import close_round

    return close_round(event)


# Scheduled points jobs (chalicelib/points/jobs.py). `now` is the event's time;
# an on-demand run (`python -m devstack.jobs`) puts an explicit `now` in the detail.
@app.schedule(Rate(1, unit=Rate.HOURS), name="release_pending_points")
def release_pending_points(event) -> dict:
    from chalicelib.points.jobs import RELEASE_PENDING, run_scheduled

    return run_scheduled(RELEASE_PENDING, event.time, event.detail, event.context)


# 16:05 UTC is 00:05 China time: points are swept minutes after their last day ends.
@app.schedule(Cron(5, 16, "*", "*", "?", "*"), name="expire_points")
def expire_points(event) -> dict:
    from chalicelib.points.jobs import EXPIRE, run_scheduled

    return run_scheduled(EXPIRE, event.time, event.detail, event.context)


# 17:30 UTC is 01:30 China time, after the sweep.
@app.schedule(Cron(30, 17, "*", "*", "?", "*"), name="recompute_tiers")
def recompute_tiers(event) -> dict:
    from chalicelib.points.jobs import RECOMPUTE_TIERS, run_scheduled

    return run_scheduled(RECOMPUTE_TIERS, event.time, event.detail, event.context)


@app.schedule(Rate(1, unit=Rate.HOURS), name="count_overdue_disputes")
def count_overdue_disputes(event) -> dict:
    from chalicelib.aftersales.jobs import run_scheduled

    return run_scheduled(event.time, event.detail)


# Commission settlement (chalicelib/commissions/jobs.py): entries whose return window has
# closed become withdrawable; an order's timer may have settled them first (once either way).
@app.schedule(Rate(1, unit=Rate.HOURS), name="settle_commissions")
def settle_commissions(event) -> dict:
    from chalicelib.commission_refunds import settle_commissions

    return settle_commissions(event.time, event.detail)


# Referral rewards (chalicelib/referrals/jobs.py): a referral whose first order's return window closed
# without a refund rewards both sides, once (the inviter within its monthly cap).
@app.schedule(Rate(1, unit=Rate.HOURS), name="reward_referrals")
def reward_referrals(event) -> dict:
    from chalicelib.referrals.jobs import run_scheduled

    return run_scheduled(event.time, event.detail)


@app.on_dynamodb_record(stream_arn=TABLE_STREAM_ARN, name="table_stream", batch_size=100)
def table_stream(event, context: object = None) -> dict:
    from chalicelib.stream import handle_batch

    return handle_batch(event.to_dict(), context)
