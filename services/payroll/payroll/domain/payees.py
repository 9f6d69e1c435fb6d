"""Payee profiles: who an organisation pays, how, and the withholding elections they gave it.

One profile per paying organisation and talent (a W-4 and DE 4 are given to each employer). The
tax id and bank account arrive in clear, are checked here, and leave this module only sealed:
the use case encrypts them with the runtime's field cipher and the aggregate keeps the sealed
blobs plus their last four digits (what a stub and every masked response show). No message here
ever repeats a submitted tax id or account number: they end up in logs and error payloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from slate_domain import Aggregate, Invalid, Problem

from payroll.domain.taxes import DE4, W4, FilingStatus


class TaxIdType(StrEnum):
    SSN = "SSN"
    ITIN = "ITIN"
    EIN = "EIN"


class PaymentMethod(StrEnum):
    DIRECT_DEPOSIT = "DIRECT_DEPOSIT"
    CHECK = "CHECK"


class AccountType(StrEnum):
    CHECKING = "CHECKING"
    SAVINGS = "SAVINGS"


# Sealed personal data: the cipher's {"kid", "nonce", "ct"} (opaque to the domain).
Sealed = Mapping[str, str]


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str


@dataclass(frozen=True)
class BankAccount:
    """In clear only between the caller's input and the cipher, or the cipher and a NACHA
    file or the payee's own reveal."""

    routing_number: str
    account_number: str
    account_type: AccountType

    def __repr__(self) -> str:  # never a full account number in a traceback or a log line
        return (
            f"BankAccount(routing=…{self.routing_number[-4:]}, account=…{self.account_number[-4:]})"
        )


def digits(value: str) -> str:
    """The value without the separators people type ("123-45-6789", "0210 0002 1")."""
    return "".join(ch for ch in value if ch not in " -")


def aba_check_digit_ok(routing: str) -> bool:
    """The ABA routing number's checksum: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 mod 10
    (ABA Routing Number Policy; the ninth digit is the check digit)."""
    if len(routing) != 9 or not routing.isdigit():
        return False
    d = [int(c) for c in routing]
    total = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
    return total % 10 == 0


def check_tax_id(kind: str, value: str, problems: list[Problem]) -> tuple[TaxIdType, str] | None:
    """The tax id as nine digits with its type, or a problem naming `taxId` (never echoing it).

    SSN: no area 000, 666 or 900-999, no group 00, no serial 0000 (SSA, "Social Security Number
    Randomization"). ITIN: 9XX-7X/8X/9X/5X/6X (IRS, "General ITIN information": fourth and fifth
    digits 50-65, 70-88, 90-92, 94-99). EIN: nine digits, a prefix other than 00.
    """
    try:
        id_type = TaxIdType(kind)
    except ValueError:
        problems.append(Problem("taxIdType", "must be SSN, ITIN or EIN"))
        return None
    number = digits(value)
    if len(number) != 9 or not number.isdigit():
        problems.append(Problem("taxId", f"an {id_type} has nine digits"))
        return None
    area, group, serial = number[:3], number[3:5], number[5:]
    if id_type is TaxIdType.SSN and (
        area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000"
    ):
        problems.append(Problem("taxId", "is not a valid SSN"))
        return None
    if id_type is TaxIdType.ITIN:
        middle = int(group)
        valid = 50 <= middle <= 65 or 70 <= middle <= 88 or 90 <= middle <= 92 or middle >= 94
        if not area.startswith("9") or not valid:
            problems.append(Problem("taxId", "is not a valid ITIN"))
            return None
    if id_type is TaxIdType.EIN and number.startswith("00"):
        problems.append(Problem("taxId", "is not a valid EIN"))
        return None
    return id_type, number


def check_bank(
    routing: str, account: str, kind: str, problems: list[Problem]
) -> BankAccount | None:
    """A bank account NACHA can carry: a routing number passing its ABA check digit, an
    account number of 4-17 digits (the PPD entry's DFI account field is 17 characters)."""
    routing_digits, account_digits = digits(routing), digits(account)
    before = len(problems)
    if not aba_check_digit_ok(routing_digits):
        problems.append(
            Problem("bankAccount.routingNumber", "is not a routing number (ABA check digit)")
        )
    if not (4 <= len(account_digits) <= 17 and account_digits.isdigit()):
        problems.append(Problem("bankAccount.accountNumber", "must be 4 to 17 digits"))
    try:
        account_type = AccountType(kind)
    except ValueError:
        problems.append(Problem("bankAccount.accountType", "must be CHECKING or SAVINGS"))
        return None
    if len(problems) > before:
        return None
    return BankAccount(routing_digits, account_digits, account_type)


def check_address(address: Address, problems: list[Problem]) -> None:
    for name in ("line1", "city"):
        if not getattr(address, name).strip():
            problems.append(Problem(f"address.{name}", "is required"))
    if not (len(address.state) == 2 and address.state.isalpha() and address.state.isupper()):
        problems.append(Problem("address.state", "a two-letter state code (e.g. CA)"))
    zip_digits = address.postal_code.replace("-", "")
    if len(zip_digits) not in (5, 9) or not zip_digits.isdigit():
        problems.append(Problem("address.postalCode", "a ZIP code (12345 or 12345-6789)"))


def check_elections(w4: W4, de4: DE4, problems: list[Problem]) -> None:
    for name, cents in (
        ("w4.dependents", w4.dependents_cents),
        ("w4.otherIncome", w4.other_income_cents),
        ("w4.deductions", w4.deductions_cents),
        ("w4.extraWithholding", w4.extra_cents),
        ("de4.extraWithholding", de4.extra_cents),
    ):
        if cents < 0:
            problems.append(Problem(name, "must not be negative"))
    for name, count in (
        ("de4.allowances", de4.allowances),
        ("de4.estimatedDeductionAllowances", de4.estimated_deduction_allowances),
    ):
        if not 0 <= count <= 99:
            problems.append(Problem(name, "must be 0 to 99"))


def filing_status(value: str, name: str, problems: list[Problem]) -> FilingStatus:
    try:
        return FilingStatus(value)
    except ValueError:
        problems.append(Problem(name, "must be SINGLE, MARRIED or HEAD_OF_HOUSEHOLD"))
        return FilingStatus.SINGLE


def cents(value: str, name: str, problems: list[Problem]) -> int:
    """A money amount typed as a decimal string ("2000", "2000.00") as cents."""
    try:
        amount = Decimal(value.strip() or "0")
    except InvalidOperation:
        problems.append(Problem(name, "must be an amount such as 2000.00"))
        return 0
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        problems.append(Problem(name, "must be an amount in whole cents"))
        return 0
    return int(amount * 100)


@dataclass(frozen=True)
class W4Input:
    """Form W-4 as typed: Step 1(c) status, the Step 2 box, Steps 3, 4(a), 4(b), 4(c)."""

    filing_status: str = "SINGLE"
    multiple_jobs: bool = False
    dependents: str = "0"
    other_income: str = "0"
    deductions: str = "0"
    extra_withholding: str = "0"


@dataclass(frozen=True)
class DE4Input:
    filing_status: str = "SINGLE"
    allowances: int = 0
    estimated_deduction_allowances: int = 0
    extra_withholding: str = "0"


@dataclass(frozen=True)
class PayeeInput:
    """A profile as submitted. `tax_id` / bank fields None: keep the stored ones."""

    legal_name: str
    address: Address
    tax_id_type: str = "SSN"
    tax_id: str | None = None
    w4: W4Input = field(default_factory=W4Input)
    de4: DE4Input = field(default_factory=DE4Input)
    payment_method: str = "CHECK"
    routing_number: str | None = None
    account_number: str | None = None
    account_type: str = "CHECKING"

    def __repr__(self) -> str:  # the clear tax id and account never reach a log line
        return f"PayeeInput(legal_name={self.legal_name!r}, …)"


@dataclass(frozen=True)
class PayeeFacts:
    """A checked `PayeeInput`: still in clear, about to be sealed."""

    legal_name: str
    address: Address
    w4: W4
    de4: DE4
    payment_method: PaymentMethod
    tax_id: tuple[TaxIdType, str] | None
    bank: BankAccount | None

    def __repr__(self) -> str:
        return f"PayeeFacts(legal_name={self.legal_name!r}, …)"


def check_payee(given: PayeeInput) -> PayeeFacts:
    """Every field checked at once; Invalid naming each bad one (messages never echo a tax id
    or account number)."""
    problems: list[Problem] = []
    name = " ".join(given.legal_name.split())
    if not name:
        problems.append(Problem("legalName", "is required"))
    elif len(name) > 140:
        problems.append(Problem("legalName", "at most 140 characters"))
    check_address(given.address, problems)
    tax_id = (
        check_tax_id(given.tax_id_type, given.tax_id, problems)
        if given.tax_id is not None
        else None
    )
    w4 = W4(
        filing_status=filing_status(given.w4.filing_status, "w4.filingStatus", problems),
        multiple_jobs=given.w4.multiple_jobs,
        dependents_cents=cents(given.w4.dependents, "w4.dependents", problems),
        other_income_cents=cents(given.w4.other_income, "w4.otherIncome", problems),
        deductions_cents=cents(given.w4.deductions, "w4.deductions", problems),
        extra_cents=cents(given.w4.extra_withholding, "w4.extraWithholding", problems),
    )
    de4 = DE4(
        filing_status=filing_status(given.de4.filing_status, "de4.filingStatus", problems),
        allowances=given.de4.allowances,
        estimated_deduction_allowances=given.de4.estimated_deduction_allowances,
        extra_cents=cents(given.de4.extra_withholding, "de4.extraWithholding", problems),
    )
    check_elections(w4, de4, problems)
    try:
        method = PaymentMethod(given.payment_method)
    except ValueError:
        problems.append(Problem("paymentMethod", "must be DIRECT_DEPOSIT or CHECK"))
        method = PaymentMethod.CHECK
    bank = None
    if given.routing_number is not None or given.account_number is not None:
        bank = check_bank(
            given.routing_number or "", given.account_number or "", given.account_type, problems
        )
    if problems:
        raise Invalid(problems)
    return PayeeFacts(name, given.address, w4, de4, method, tax_id, bank)


@dataclass(frozen=True)
class PayeeSaved:
    """A profile was created or changed (stays inside payroll: it is personal data)."""

    profile_id: str
    org_id: str
    talent_id: str


@dataclass(kw_only=True)
class PayeeProfile(Aggregate[PayeeSaved]):
    talent_id: str
    legal_name: str
    address: Address
    tax_id_type: TaxIdType
    tax_id_last4: str
    sealed_tax_id: Sealed
    w4: W4 = field(default_factory=W4)
    de4: DE4 = field(default_factory=DE4)
    payment_method: PaymentMethod = PaymentMethod.CHECK
    account_type: AccountType | None = None
    routing_last4: str = ""
    account_last4: str = ""
    sealed_bank: Sealed | None = None
    updated_by: str = ""

    def change(
        self,
        *,
        legal_name: str,
        address: Address,
        w4: W4,
        de4: DE4,
        payment_method: PaymentMethod,
        tax_id: tuple[TaxIdType, str, Sealed] | None,
        bank: tuple[BankAccount, Sealed] | None,
        by: str,
    ) -> None:
        """Replace the profile's facts; a tax id or bank account not given again is kept (the
        caller never sees them in full, so cannot send them back). Invalid on `bankAccount`
        for direct deposit without a bank account."""
        no_bank = bank is None and self.sealed_bank is None
        if no_bank and payment_method is PaymentMethod.DIRECT_DEPOSIT:
            raise Invalid([Problem("bankAccount", "direct deposit needs a bank account")])
        self.legal_name = legal_name
        self.address = address
        self.w4 = w4
        self.de4 = de4
        self.payment_method = payment_method
        if tax_id is not None:
            self.tax_id_type, number, self.sealed_tax_id = tax_id
            self.tax_id_last4 = number[-4:]
        if bank is not None:
            account, self.sealed_bank = bank
            self.account_type = account.account_type
            self.routing_last4 = account.routing_number[-4:]
            self.account_last4 = account.account_number[-4:]
        self.updated_by = by
        self.record(PayeeSaved(self.id, self.org_id, self.talent_id))

    @classmethod
    def create(
        cls,
        profile_id: str,
        org_id: str,
        talent_id: str,
        *,
        legal_name: str,
        address: Address,
        w4: W4,
        de4: DE4,
        payment_method: PaymentMethod,
        tax_id: tuple[TaxIdType, str, Sealed] | None,
        bank: tuple[BankAccount, Sealed] | None,
        by: str,
    ) -> PayeeProfile:
        """A new profile (Invalid on `taxId` without one: a payee is reported by it)."""
        if tax_id is None:
            raise Invalid([Problem("taxId", "is required")])
        id_type, number, sealed = tax_id
        profile = cls(
            id=profile_id,
            org_id=org_id,
            talent_id=talent_id,
            legal_name=legal_name,
            address=address,
            tax_id_type=id_type,
            tax_id_last4=number[-4:],
            sealed_tax_id=sealed,
        )
        profile.change(
            legal_name=legal_name,
            address=address,
            w4=w4,
            de4=de4,
            payment_method=payment_method,
            tax_id=None,
            bank=bank,
            by=by,
        )
        return profile
