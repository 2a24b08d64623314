"""The processing activities (verwerkingsactiviteiten) of the register, with their basis.

Every processing-log record names one activity. Its purpose and legal basis are copied
into the record when it is written, so a later change of this register never rewrites
the history of what was done and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessingActivity(models.TextChoices):
    CASE_SUPPORT = "case_support", _("Support of a household by the neighbourhood team")
    BREAKTHROUGH_TABLE = "breakthrough_table", _("Breakthrough table (doorbraaktafel)")
    PARTNER_REQUEST = "partner_request", _("Request to a partner organisation")
    FUND = "fund", _("Voorkom Erger Potje: payments to prevent worse")
    POLICY_RESEARCH = "policy_research", _("Policy signals and evaluation")
    PRIVACY_SUPERVISION = "privacy_supervision", _("Supervision of the processing of personal data")
    ACCOUNT_MANAGEMENT = "account_management", _("Management of users and access rights")


@dataclass(frozen=True)
class ActivityBasis:
    purpose: str
    legal_basis: str


# Purposes and bases in Dutch: this is the register's language and what a data subject
# receives on request, whatever language the user interface is in.
REGISTER: dict[ProcessingActivity, ActivityBasis] = {
    ProcessingActivity.CASE_SUPPORT: ActivityBasis(
        purpose="Ondersteuning van een huishouden met meervoudige problemen: één huishouden, "
        "één plan, één regiehouder.",
        legal_basis="AVG art. 6 lid 1 sub e en art. 9 lid 2 sub g; Wmo 2015 art. 2.3.2 en 5.1.1; "
        "Participatiewet art. 7.",
    ),
    ProcessingActivity.BREAKTHROUGH_TABLE: ActivityBasis(
        purpose="Besluitvorming over een maatwerkoplossing aan de doorbraaktafel.",
        legal_basis="AVG art. 6 lid 1 sub a en sub e; toestemming van het huishouden per "
        "ontvangende organisatie.",
    ),
    ProcessingActivity.PARTNER_REQUEST: ActivityBasis(
        purpose="Een partnerorganisatie vragen mee te werken aan een maatwerkoplossing "
        "(doorbraak) voor een huishouden.",
        legal_basis="AVG art. 6 lid 1 sub a: toestemming van het huishouden per doel en "
        "ontvangende organisatie; zonder toestemming alleen met vastgelegde reden (art. 6 lid 1 "
        "sub e).",
    ),
    ProcessingActivity.FUND: ActivityBasis(
        purpose="Toekennen en betalen van een bijdrage uit het Voorkom Erger Potje.",
        legal_basis="AVG art. 6 lid 1 sub e; Participatiewet art. 35 (bijzondere bijstand); "
        "Gemeentewet art. 160.",
    ),
    ProcessingActivity.POLICY_RESEARCH: ActivityBasis(
        purpose="Beleidssignalen en evaluatie op geaggregeerde en gepseudonimiseerde gegevens.",
        legal_basis="AVG art. 6 lid 1 sub e en art. 89; UAVG art. 24.",
    ),
    ProcessingActivity.PRIVACY_SUPERVISION: ActivityBasis(
        purpose="Toezicht op de rechtmatigheid van de verwerking en afhandeling van verzoeken "
        "van betrokkenen.",
        legal_basis="AVG art. 5 lid 2, art. 30 en art. 39.",
    ),
    ProcessingActivity.ACCOUNT_MANAGEMENT: ActivityBasis(
        purpose="Beheer van gebruikers, rollen en toegangsrechten.",
        legal_basis="AVG art. 6 lid 1 sub c en art. 32; BIO (Baseline Informatiebeveiliging "
        "Overheid).",
    ),
}


def basis_of(activity: ProcessingActivity) -> ActivityBasis:
    return REGISTER[activity]
