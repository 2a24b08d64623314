"""Every state change of the breakthroughs app, one function per use case.

``core``: bottlenecks, breakthroughs and their value triangle, decisions, escalation and
deadlines. ``partners``: requests to partner organisations, disclosure and time-outs.
"""

from doorbraak.breakthroughs.services.core import (
    MAX_DIRECT_COST_CENTS,
    bottleneck_register,
    bottleneck_update,
    breakthrough_carry_out,
    breakthrough_decide,
    breakthrough_escalate,
    breakthrough_evaluate,
    breakthrough_start,
    breakthrough_submit,
    breakthrough_to_table,
    breakthrough_update,
    deadline_days,
    escalation_sweep,
    parse_quantity,
    scenario_line_add,
    scenario_line_remove,
    scenario_own_line_add,
    triangle_gaps,
)
from doorbraak.breakthroughs.services.partners import (
    active_consent,
    disclosure_record,
    partner_request_answer,
    partner_request_clarify,
    partner_request_send,
    time_out_answer,
    time_out_request,
)

__all__ = [
    "MAX_DIRECT_COST_CENTS",
    "active_consent",
    "bottleneck_register",
    "bottleneck_update",
    "breakthrough_carry_out",
    "breakthrough_decide",
    "breakthrough_escalate",
    "breakthrough_evaluate",
    "breakthrough_start",
    "breakthrough_submit",
    "breakthrough_to_table",
    "breakthrough_update",
    "deadline_days",
    "disclosure_record",
    "escalation_sweep",
    "parse_quantity",
    "partner_request_answer",
    "partner_request_clarify",
    "partner_request_send",
    "scenario_line_add",
    "scenario_line_remove",
    "scenario_own_line_add",
    "time_out_answer",
    "time_out_request",
    "triangle_gaps",
]
