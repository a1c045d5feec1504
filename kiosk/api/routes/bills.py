"""Self-service bills (电费查询): by account number, by ID card, printed as a statement.

- ``GET /api/v1/bills/{account}`` — the bill (through central with a cache, or the demo).
- ``POST /api/v1/bills/lookup`` ``{id_number}`` — the accounts registered to an ID card,
  names masked. A POST, so the ID number never appears in a URL or an access log.
- ``POST /api/v1/bills/{account}/print`` — the bill as a statement on the ticket printer;
  the answer carries the outcome (printed, or why not).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends

from kiosk.api import models as m
from kiosk.api.context import PREFIX, ApiContext, Principal, allow, api_context
from kiosk.api.errors import ERROR_RESPONSES, ApiError
from kiosk.bills.source import UnknownAccount
from kiosk.privacy import mask_account, valid_id_number

STATEMENT_TIMEOUT_S = 15.0

router = APIRouter(prefix=f"{PREFIX}/bills", tags=["bills"], responses=ERROR_RESPONSES)


def _checked_account(ctx: ApiContext, account: str) -> str:
    account = account.strip()
    if not ctx.hall.valid_account(account):
        raise ApiError(400, "invalid_account", "户号格式不正确，请核对后重新输入")
    return account


def _bill(ctx: ApiContext, account: str) -> dict[str, Any]:
    try:
        return ctx.bills.lookup(account, ctx.hall.now())
    except UnknownAccount:
        raise ApiError(
            404, "unknown_account", "未找到户号{account}，请核对后重新输入", account=account
        ) from None


@router.get("/{account}", response_model=m.BillOut)
def get_bill(
    account: str,
    who: Principal = Depends(allow("bills")),
    ctx: ApiContext = Depends(api_context),
) -> dict[str, Any]:
    """The account's latest bill, balance, tariff tier, 12 months and payments."""
    return _bill(ctx, _checked_account(ctx, account))


@router.post("/lookup", response_model=m.BillLookupOut)
def bills_by_id(
    body: m.BillLookupIn,
    who: Principal = Depends(allow("bills")),
    ctx: ApiContext = Depends(api_context),
) -> dict[str, Any]:
    """The accounts registered to an ID card (names masked). The ID number is used for this
    lookup only: never stored, never logged."""
    number = body.id_number.strip().upper()
    if not valid_id_number(number):
        raise ApiError(400, "invalid_id_number", "身份证号码校验失败，请重新读卡")
    finder = getattr(ctx.bills, "accounts_for_id", None)
    if finder is None:
        raise ApiError(404, "id_lookup_unavailable", "暂不支持刷身份证查询电费，请输入户号查询")
    now = ctx.hall.now()
    found = []
    for account in finder(number):
        try:
            bill = ctx.bills.lookup(account, now)
        except UnknownAccount:
            continue
        found.append(
            {
                "account": account,
                "account_masked": mask_account(account),
                "name_masked": bill["name_masked"],
                "address_masked": bill["address_masked"],
            }
        )
    return {"accounts": found}


@router.post("/{account}/print", response_model=m.StatementPrintOut)
def print_statement(
    account: str,
    who: Principal = Depends(allow("issue")),
    ctx: ApiContext = Depends(api_context),
) -> dict[str, Any]:
    """Print the account's bill on the lobby's ticket printer and wait for the outcome."""
    from drivers.printer import StatementContent

    account = _checked_account(ctx, account)
    devices = ctx.devices
    if devices is None or devices.printer is None:
        raise ApiError(404, "no_printer", "没有配置打印机")
    bill = _bill(ctx, account)
    cfg = ctx.hall.config
    tariff = bill["tariff"]
    lines = [f"年累计用电 {tariff['year_kwh']:,.1f} kWh，处于第{tariff['tier']}档阶梯电价"]
    if bill.get("cached"):
        lines.append("（以上为缓存数据）")
    content = StatementContent(
        hall_name=cfg.hall.name,
        account=account,
        period=bill["month"],
        kwh=Decimal(str(bill["month_kwh"])),
        amount=Decimal(str(bill["month_amount"])),
        balance=Decimal(str(bill["balance"])),
        as_of=datetime.fromisoformat(bill["as_of"]),
        customer_name=bill["name_masked"],
        lines=tuple(lines),
        paper_width=80 if cfg.printer.paper_width == 80 else 58,
    )
    result = devices.printer.submit(content).result(timeout=STATEMENT_TIMEOUT_S)
    return {
        "printed": bool(result.ok),
        "bytes": result.bytes_written,
        "reason": result.reason,
        "warnings": list(result.warnings),
    }
