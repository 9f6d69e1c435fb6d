"""Payouts: the payments an issued pay run makes, and the NACHA file that sends direct deposits.

Each stub's net pay is one payment, by the payee's method on the day the run is issued (direct
deposit to the bank account then on file, or a paper check). Direct deposits go to the bank in
one NACHA ACH file: PPD (consumer) credit entries in one batch, written here to the NACHA
Operating Rules' record layouts (Appendix Three): 94-character records, a file header (1), a
batch header (5), entry details (6), a batch control (8) and a file control (9), padded with
all-9 records to a multiple of 10 (the blocking factor). The entry hash is the sum of the
entries' 8-digit receiving-bank routing numbers, its rightmost 10 digits kept. See docs/pay.md
for why this is written here rather than taken from a library.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

RECORD = 94
BLOCKING_FACTOR = 10
PPD = "PPD"
CREDITS_ONLY = "220"
# Transaction codes (NACHA Appendix Three): automated deposit to a checking / savings account.
CHECKING_CREDIT = "22"
SAVINGS_CREDIT = "32"


class PaymentStatus(StrEnum):
    ISSUED = "ISSUED"
    SETTLED = "SETTLED"
    RETURNED = "RETURNED"


@dataclass(frozen=True)
class Payment:
    """One stub's net pay. `sealed_bank` is the payee's bank account as it was sealed on their
    profile (`profile_id` is its cipher context); None for a check."""

    id: str
    stub_id: str
    talent_id: str
    method: str  # DIRECT_DEPOSIT or CHECK (payees.PaymentMethod)
    net_cents: int
    currency: str
    status: PaymentStatus = PaymentStatus.ISSUED
    payee_name: str = ""
    profile_id: str = ""
    sealed_bank: Mapping[str, str] | None = None
    account_type: str = ""
    return_code: str = ""  # NACHA return reason (R01 insufficient funds, R03 no account, …)


@dataclass(frozen=True)
class Originator:
    """The paying organisation as its bank (the ODFI) knows it."""

    company_name: str
    company_id: str  # 10 characters: "1" + the EIN by convention
    odfi_routing: str  # 9 digits
    odfi_name: str


@dataclass(frozen=True)
class Credit:
    """One direct deposit, in clear: only inside the file's construction."""

    routing: str
    account: str
    savings: bool
    cents: int
    individual_id: str
    name: str

    def __repr__(self) -> str:
        return f"Credit(…{self.account[-4:]}, {self.cents})"


def is_return_code(code: str) -> bool:
    """A NACHA return reason code: R followed by two digits (R01-R99; NACHA Appendix Four)."""
    return len(code) == 3 and code[0] == "R" and code[1:].isdigit() and code != "R00"


def _ascii(text: str, width: int) -> str:
    """Upper-case ASCII (NACHA's character set is alphanumeric ASCII), cut and padded."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain.upper()[:width].ljust(width)


def _number(value: int, width: int) -> str:
    if value < 0 or len(str(value)) > width:
        raise ValueError(f"{value} does not fit {width} digits")
    return str(value).zfill(width)


def entry_hash(routings: Sequence[str]) -> int:
    """The sum of the receiving banks' 8-digit routing numbers, rightmost 10 digits kept."""
    return sum(int(r[:8]) for r in routings) % 10**10


def nacha_file(
    originator: Originator,
    credits: Sequence[Credit],
    *,
    effective: date,
    created: datetime,
    file_id_modifier: str = "A",
    description: str = "PAYROLL",
) -> str:
    """The ACH file paying `credits` (PPD credits, one batch) on `effective`: records joined
    by CRLF-free newlines, each exactly 94 characters, their count a multiple of 10."""
    if not credits:
        raise ValueError("an ACH file needs at least one entry")
    odfi8 = originator.odfi_routing[:8]
    records = [
        "1"
        + "01"
        + " "
        + originator.odfi_routing
        + originator.company_id[:10].rjust(10)
        + created.strftime("%y%m%d%H%M")
        + file_id_modifier
        + "094"
        + f"{BLOCKING_FACTOR:02d}"
        + "1"
        + _ascii(originator.odfi_name, 23)
        + _ascii(originator.company_name, 23)
        + " " * 8,
        "5"
        + CREDITS_ONLY
        + _ascii(originator.company_name, 16)
        + " " * 20
        + originator.company_id[:10].ljust(10)
        + PPD
        + _ascii(description, 10)
        + effective.strftime("%y%m%d")
        + effective.strftime("%y%m%d")
        + "   "
        + "1"
        + odfi8
        + _number(1, 7),
    ]
    for sequence, credit in enumerate(credits, start=1):
        records.append(
            "6"
            + (SAVINGS_CREDIT if credit.savings else CHECKING_CREDIT)
            + credit.routing[:9]
            + credit.account[:17].ljust(17)
            + _number(credit.cents, 10)
            + _ascii(credit.individual_id, 15)
            + _ascii(credit.name, 22)
            + "  "
            + "0"
            + odfi8
            + _number(sequence, 7)
        )
    count = len(credits)
    hashed = _number(entry_hash([c.routing for c in credits]), 10)
    total = sum(c.cents for c in credits)
    records.append(
        "8"
        + CREDITS_ONLY
        + _number(count, 6)
        + hashed
        + _number(0, 12)
        + _number(total, 12)
        + originator.company_id[:10].ljust(10)
        + " " * 19
        + " " * 6
        + odfi8
        + _number(1, 7)
    )
    blocks = -(-(len(records) + 1) // BLOCKING_FACTOR)
    records.append(
        "9"
        + _number(1, 6)
        + _number(blocks, 6)
        + _number(count, 8)
        + hashed
        + _number(0, 12)
        + _number(total, 12)
        + " " * 39
    )
    records.extend(["9" * RECORD] * (blocks * BLOCKING_FACTOR - len(records)))
    for record in records:
        if len(record) != RECORD:  # a layout bug, never the caller's input
            raise AssertionError(f"record {record[:1]} is {len(record)} characters")
    return "\n".join(records) + "\n"
