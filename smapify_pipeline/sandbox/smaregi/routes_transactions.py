"""Transactions (取引): list with a mandatory range, get, details, create, edit, cancel and dispose."""

from __future__ import annotations

from typing import Any

from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.errors import bad_request
from smapify_pipeline.sandbox.smaregi.listing import (
    MAX_LIMIT,
    MAX_LIMIT_WITH_DETAILS,
    Predicate,
    TimeRange,
    in_range,
    parse_date_range,
    parse_int,
    parse_time_range,
)
from smapify_pipeline.sandbox.smaregi.lists import compact, exact, list_answer
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call, Operation
from smapify_pipeline.sandbox.smaregi.state import SmaregiState

HEAD_NULLS = F.nulls(F.TRANSACTION_HEAD_FIELDS)
DETAIL_NULLS = F.nulls(F.TRANSACTION_DETAIL_FIELDS)
STORE_SUMMARY_FIELDS = (
    "storeId",
    "storeCode",
    "storeName",
    "storeAbbr",
    "printReceiptStoreName",
    "displaySequence",
)
TIME_RANGES = {
    "transaction_date_time": "transactionDateTime",
    "terminal_tran_date_time": "terminalTranDateTime",
    "upd_date_time": "updDateTime",
}
EXACT_FILTERS = {
    "transaction_head_division": "transactionHeadDivision", "store_id": "storeId",
    "customer_code": "customerCode", "transaction_uuid": "transactionUuid", "barcode": "barcode",
    "sum_date": "sumDate",
}  # fmt: skip


def _with(query: Any, name: str, allowed: tuple[str, ...] = ("none", "all")) -> str:
    value = query.get(name, "none")
    if value not in allowed:
        raise bad_request(f"{name}に指定された値[{value}]は不正です")
    return value


def render_details(state: SmaregiState, transaction_id: str) -> list[dict[str, Any]]:
    return [{**DETAIL_NULLS, **detail} for detail in state.details[transaction_id]]


def render_head(
    state: SmaregiState, head: dict[str, Any], with_details: bool, with_store: bool = False
) -> dict:
    answer = {**HEAD_NULLS, **head}
    if with_details:
        answer["details"] = render_details(state, head["transactionHeadId"])
    if with_store:
        store = state.stores.get(head["storeId"], {})
        answer["store"] = {name: store.get(name) for name in STORE_SUMMARY_FIELDS}
    return answer


def _within(field: str, bounds: TimeRange) -> Predicate:
    return lambda row: in_range(row.get(field), bounds)


def list_transactions(call: Call) -> Answer:
    q = call.query
    state = call.state
    details = _with(q, "with_details", ("none", "summary", "all")) != "none"
    predicates: list[Predicate] = []
    has_range = False
    for snake, field in TIME_RANGES.items():
        bounds = parse_time_range(q, snake)
        if bounds:
            has_range = True
            predicates.append(_within(field, bounds))
    sum_dates = parse_date_range(q, "sum_date")
    if sum_dates:
        has_range = True
        predicates.append(_within("sumDate", sum_dates))
    if not has_range:
        raise bad_request(
            "transaction_date_time-from/to、terminal_tran_date_time-from/to、sum_date-from/to、"
            "upd_date_time-from/toのいずれかを指定してください"
        )
    low, high = q.get("transaction_head_id-from"), q.get("transaction_head_id-to")
    if low is not None:
        low_id = parse_int(low, "transaction_head_id-from", 1)
        predicates.append(lambda row: int(row["transactionHeadId"]) >= low_id)
    if high is not None:
        high_id = parse_int(high, "transaction_head_id-to", 1)
        predicates.append(lambda row: int(row["transactionHeadId"]) <= high_id)
    predicates += compact([exact(field, q.get(name)) for name, field in EXACT_FILTERS.items()])
    return list_answer(
        call, "transactions", lambda: state.transactions.values(), predicates, F.TRANSACTION_HEAD_FIELDS,
        (("transactionHeadId", False),), sort_keys=F.TRANSACTION_SORT_KEYS,
        max_limit=MAX_LIMIT_WITH_DETAILS if details else MAX_LIMIT,
        render=lambda head: render_head(state, head, details),
    )  # fmt: skip


def get_transaction(call: Call) -> Answer:
    q = call.query
    details = _with(q, "with_details", ("none", "summary", "all")) != "none"
    with_store = _with(q, "with_store") == "all"
    head = call.state.transaction(call.params["transactionId"])
    return Answer(200, render_head(call.state, head, details, with_store))


def get_transaction_details(call: Call) -> Answer:
    call.state.transaction(call.params["transactionId"])
    return Answer(200, render_details(call.state, call.params["transactionId"]))


def create_transaction(call: Call) -> Answer:
    head = call.state.create_transaction(call.object_body())
    return Answer(200, render_head(call.state, head, with_details=True))


def update_transaction(call: Call) -> Answer:
    head = call.state.update_transaction(call.params["transactionId"], call.object_body())
    return Answer(200, render_head(call.state, head, with_details=False))


def cancel_transaction(call: Call) -> Answer:
    head = call.state.cancel_transaction(call.params["transactionId"], call.object_body(required=False))
    return Answer(200, render_head(call.state, head, with_details=False))


def dispose_transaction(call: Call) -> Answer:
    head = call.state.dispose_transaction(call.params["transactionId"], call.object_body(required=False))
    return Answer(200, render_head(call.state, head, with_details=True))


OPERATIONS = [
    Operation("GET", "/transactions", "pos.transactions:read", list_transactions),
    Operation("POST", "/transactions", "pos.transactions:write", create_transaction),
    Operation("GET", "/transactions/{transactionId}", "pos.transactions:read", get_transaction),
    Operation("PATCH", "/transactions/{transactionId}", "pos.transactions:write", update_transaction),
    Operation(
        "GET", "/transactions/{transactionId}/details", "pos.transactions:read", get_transaction_details
    ),
    Operation("POST", "/transactions/{transactionId}/cancel", "pos.transactions:write", cancel_transaction),
    Operation("POST", "/transactions/{transactionId}/dispose", "pos.transactions:write", dispose_transaction),
]
