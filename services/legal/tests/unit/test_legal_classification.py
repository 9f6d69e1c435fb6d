"""Worker classification: the ABC test (Labor Code §2775(b)(1)) and §2780 exemptions."""

from __future__ import annotations

from typing import Any

import pytest
from legal.domain.classification import Answers, Determination, determine
from legal.schema import schema
from legal.usecases import Legal
from slate.errors import Forbidden
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal

ALL = Answers(free_from_control=True, outside_usual_course=True, independently_established=True)


def test_all_three_prongs_make_a_contractor_labor_code_2775_b_1() -> None:
    """§2775(b)(1): an employee unless the hiring entity shows A, B and C."""
    assert determine(ALL)[0] is Determination.INDEPENDENT_CONTRACTOR


@pytest.mark.parametrize(
    "failed", ["free_from_control", "outside_usual_course", "independently_established"]
)
def test_any_failed_prong_makes_an_employee(failed: str) -> None:
    determination, reasons = determine(Answers(**{**vars(ALL), failed: False}))
    assert determination is Determination.EMPLOYEE
    assert len(reasons) == 1


def test_sound_recording_work_goes_to_borello_but_never_film_crews_labor_code_2780() -> None:
    """§2780(a)(2): sound-recording occupations are assessed under Borello; film and television
    unit production crews are not exempt."""
    musician = Answers(**{**vars(ALL), "outside_usual_course": False, "occupation": "vocalist"})
    assert determine(musician)[0] is Determination.BORELLO_REVIEW
    crew = Answers(**{**vars(musician), "film_or_tv_unit_crew": True})
    assert determine(crew)[0] is Determination.EMPLOYEE


ASSESS = """mutation($input: AssessClassificationInput!) { assessClassification(input: $input) {
    determination reasons userErrors { field code } } }"""


async def test_assess_through_the_subgraph_is_stored_and_audited(
    legal: Legal, database: MemoryDatabase
) -> None:
    variables = {
        "input": {
            "engagementId": "eng_1",
            "answers": {
                "freeFromControl": True,
                "outsideUsualCourse": False,
                "independentlyEstablished": True,
            },
        }
    }
    context = graphql_context(legal, principal("org_a", "legal"))
    payload: Any = data(
        await schema.execute(ASSESS, variable_values=variables, context_value=context)
    )["assessClassification"]
    assert payload["determination"] == "EMPLOYEE"
    assert payload["userErrors"] == []
    records = await database.repository("audit").find("org_a", {})
    assert [r["action"] for r in records] == ["assessClassification"]
    with pytest.raises(Forbidden):
        await legal.assess_classification(principal("org_a", "casting"), "eng_1", ALL)


async def test_an_empty_engagement_id_names_the_field(legal: Legal) -> None:
    context = graphql_context(legal, principal("org_a", "legal"))
    variables = {
        "input": {
            "engagementId": " ",
            "answers": {
                "freeFromControl": True,
                "outsideUsualCourse": True,
                "independentlyEstablished": True,
            },
        }
    }
    payload: Any = data(
        await schema.execute(ASSESS, variable_values=variables, context_value=context)
    )["assessClassification"]
    assert payload["userErrors"] == [{"field": "engagementId", "code": "INVALID"}]
