"""A minor's Coogan trust account, as legal needs it: that one is on file before a minor's
contract is countersigned.

Cal. Family Code §6752(b)(1): the employer deposits 15% of the minor's gross earnings under the
contract into the minor's Coogan Trust Account; §6753: the parent or guardian establishes it
and gives the employer its details (research.md B.6, confirmed:
https://www.lawpipe.com/California/Coogan_Law_California.html). Minors hired as extras or
background are exempt since AB 533 (2013); casting does not yet say whether a role is
background, so legal asks for the account for every minor's contract.

Legal keeps only the account's institution and last four digits: it needs to know the account
exists and which it is, never to pay into it (payroll, which deposits the set-aside, holds bank
details sealed). So no full account number is ever at rest here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slate_domain import Aggregate, Invalid, Problem, required_text

SET_ASIDE_PERCENT = 15  # Fam. Code §6752(b)(1)
SOURCE = "Cal. Family Code §§6752, 6753"


@dataclass(frozen=True)
class CooganAccountRecorded:
    account_id: str
    org_id: str
    talent_id: str


@dataclass(kw_only=True)
class CooganAccount(Aggregate[CooganAccountRecorded]):
    talent_id: str
    institution: str
    account_last4: str
    trustee_statement_on: date | None = None

    @property
    def masked(self) -> str:
        """The account number as shown: its last four digits only."""
        return f"****{self.account_last4}"

    @classmethod
    def record_account(
        cls,
        *,
        id: str,
        org_id: str,
        talent_id: str,
        institution: str,
        account_number: str,
        today: date,
        trustee_statement_on: str | None = None,
    ) -> CooganAccount:
        """A talent's account at an institution; the number is 4 to 34 digits (spaces and
        dashes ignored), of which only the last four are kept. The trustee's statement date,
        if given, is not in the future."""
        problems: list[Problem] = []
        if not talent_id.startswith("tal_"):
            problems.append(Problem("talentId", "not a talent id"))
        name = required_text("institution", institution, 200, problems)
        digits = account_number.replace(" ", "").replace("-", "")
        if not (digits.isdigit() and 4 <= len(digits) <= 34):
            # The message never repeats the number.
            problems.append(Problem("accountNumber", "an account number of 4 to 34 digits"))
        statement: date | None = None
        if trustee_statement_on is not None:
            try:
                statement = date.fromisoformat(trustee_statement_on)
            except ValueError:
                problems.append(Problem("trusteeStatementOn", "not an ISO date"))
            else:
                if statement > today:
                    problems.append(Problem("trusteeStatementOn", "must not be in the future"))
        if problems:
            raise Invalid(problems)
        account = cls(
            id=id,
            org_id=org_id,
            talent_id=talent_id,
            institution=name,
            account_last4=digits[-4:],
            trustee_statement_on=statement,
        )
        account.record(CooganAccountRecorded(id, org_id, talent_id))
        return account
