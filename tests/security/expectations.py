"""What each persona may see: the scopes and fields whose tokens may be in a response to them.

``FULL`` means every token of the scope; a set of labels (``"Model.field"``) means those
fields only; a scope that is not listed is never seen. The rules are those of
docs/architecture.md ("Who uses it", "Privacy and security"), of each app's
``visible_to(user)``, selectors and policies:

alice    professional, Buurtteam A: her team's households (scopes a, o, w) in full.
carol    team lead, Buurtteam A: the same.
bob      professional, Buurtteam B: scope b only.
mallory  professional, Gemeente Zuid: scope z only.
dave     partner contact, UWV, Gemeente Noord, member of Noord's table for UWV: of the
         households that consented to share with UWV and still do (scopes a and b) the
         case as proposed and the household's name, address and members' names (PARTNER);
         of the other cases on his table's agenda (o, w) only what the table sees of every
         case (TABLE_CASE); the time-out addressed to UWV after w's withdrawal, without the
         household (TIME_OUT); nothing of Zuid (his membership is Noord's).
peggy    partner contact, SVB, Gemeente Noord, member of Noord's table for SVB: the same,
         with scope o as the consented one.
erin     chair of Noord's table: TABLE_CASE of every case on its agenda (scopes a, b, o, w);
         she speaks for W&I Noord, which no household consented to: never a name.
frank    fund manager, Noord: the requests to Noord's fund, what they are for and whom to
         pay (FUND); never the household behind them.
grace    policy analyst: aggregated and pseudonymised figures only — no token at all.
heidi    privacy officer: the processing log, not case content — no token at all.
ivan     functional administrator: configuration, not case content — no token at all.
rita     resident (DigiD), head of household a: her own page /mijn/ only — her first name,
         the household's agreed plan (goals, actions and their owners, the commitment);
         every other page, API call and admin page is a 404 (residents.middleware).
anon     not logged in: nothing.

Current behaviour encoded here that docs/ does not spell out (issue 19 asks to settle the
first two there): the table sees the bottleneck's and the breakthrough's titles, the
household's own commitment, the decision's reason and the follow-up actions of every case
on its agenda without the household's consent; with the household's table consent for
their organisation, members see its street address as well as its name; a time-out's
"what to pause" stays visible to the organisation it was addressed to after the consent is
withdrawn (without the household's identity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

FULL: Final = "full"

#: The personas, in the order the sweep requests as them.
PERSONAS = (
    "alice",
    "carol",
    "bob",
    "mallory",
    "dave",
    "peggy",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "rita",
    "anon",
)

#: Personas signed in as residents (DigiD through the broker), not as staff.
RESIDENTS = frozenset({"rita"})

#: What the table sees of every case on its agenda, whatever the consent: the titles of the
#: case, the household's own commitment, the decision and its follow-up actions (the
#: table decides on them); never the household's identity (that needs TABLE_CONSENT).
TABLE_CASE: Final = frozenset(
    {
        "Bottleneck.title",
        "Breakthrough.title",
        "Breakthrough.household_commitment",
        "TableDecision.reason",
        "FollowUpAction.description",
    }
)

#: What a partner contact sees of a case whose household consented to share with their
#: organisation (a partner request's page, and the table under table consent): the case
#: as proposed (bottleneck, breakthrough, the question), the household's name and address
#: and its members' names. Never the BSN, the timeline, the assessment, the plan, the
#: fund requests, outcomes, referrals or the other professionals involved.
PARTNER: Final = TABLE_CASE | frozenset(
    {
        "Household.name",
        "Household.street",
        "Household.addition",
        "Household.city",
        "Member.first_name",
        "Member.last_name",
        "Bottleneck.description",
        "Breakthrough.proposal",
        "Breakthrough.legal_reasoning",
        "Breakthrough.engagement",
        "PartnerRequest.question",
        "TimeOut.what",
    }
)

#: A time-out is addressed to one organisation: its contact persons see what to pause even
#: after the household withdrew its consent (without the household's identity).
TIME_OUT: Final = frozenset({"TimeOut.what"})

#: What a fund manager sees of a request to their fund: what it is for and whom to pay.
FUND: Final = frozenset({"FundRequest.summary", "FundRequest.payee_name"})

#: What a resident sees of their own household on /mijn/ (the household's own page).
RESIDENT: Final = frozenset(
    {
        "Member.first_name",
        "Plan.commitment",
        "Goal.description",
        "Action.description",
        "Action.owner_name",
    }
)

TEAM_A: dict[str, str | frozenset[str]] = {"a": FULL, "o": FULL, "w": FULL}

NOORD = ("a", "b", "o", "w")

MAY_SEE: dict[str, dict[str, str | frozenset[str]]] = {
    "alice": TEAM_A,
    "carol": TEAM_A,
    "bob": {"b": FULL},
    "mallory": {"z": FULL},
    # UWV: scopes a and b consented; o's case is at the table (SVB's consent); w withdrew.
    "dave": {"a": PARTNER, "b": PARTNER, "o": TABLE_CASE, "w": TABLE_CASE | TIME_OUT},
    # SVB: scope o consented; the others' cases are at the table.
    "peggy": {"a": TABLE_CASE, "b": TABLE_CASE, "o": PARTNER, "w": TABLE_CASE},
    "erin": dict.fromkeys(NOORD, TABLE_CASE),
    "frank": dict.fromkeys(NOORD, FUND),
    "grace": {},
    "heidi": {},
    "ivan": {},
    "rita": {"a": RESIDENT},
    "anon": {},
}


def may_see(persona: str, scope: str, label: str) -> bool:
    allowed = MAY_SEE[persona].get(scope)
    if allowed is None:
        return False
    return allowed == FULL or label in allowed


# --- the matrix ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Matrix:
    """Which requests the sweep makes (README, "The matrix").

    Every URL pattern is requested with GET by every persona at least once (the own team's
    objects, scope a, or no objects at all); beyond that:
    """

    #: GET, by persona: the scopes whose objects fill the path. A team member's dossiers of
    #: scopes o and w differ from a only in what partners may see, so team members request
    #: a, b and z; partner contacts every scope that differs for them; the roles that see
    #: no dossier at all the own municipality's and the other's.
    get: dict[str, str]
    #: htmx GET (site pages) and the other methods (site POST; each method the API view
    #: implements, with ``{}``; admin POST): every persona, on these scopes.
    other_methods_scopes: str
    #: List pages and exports: a query string naming these scopes' objects, and page 2.
    query_scopes: str
    #: The admin's pages are requested with every scope's objects and every method only by
    #: these personas; everyone else is sent to the admin's log-in before any object is read
    #: (and requests each admin page with GET once).
    admin: tuple[str, ...]


MATRIX = Matrix(
    get={
        "alice": "abz",
        "carol": "abz",
        "bob": "abz",
        "mallory": "abz",
        "dave": "aowz",
        "peggy": "aowz",
        "erin": "az",
        "frank": "az",
        "grace": "az",
        "heidi": "az",
        "ivan": "az",
        "rita": "abz",
        "anon": "a",
    },
    other_methods_scopes="a",
    query_scopes="bz",
    admin=("ivan", "anon"),
)
