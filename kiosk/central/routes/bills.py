"""Customers' bills, for the halls' self-service lookup."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from kiosk.central import models as m
from kiosk.central.context import PREFIX, CentralContext, central_context, hall_key
from kiosk.central.errors import ERRORS, CentralError

router = APIRouter(prefix=PREFIX, tags=["bills"], responses=ERRORS)


@router.get("/bills/{account}", response_model=m.BillOut)
def bill(
    account: str, who: str = Depends(hall_key), ctx: CentralContext = Depends(central_context)
) -> dict[str, Any]:
    """A customer's bill from the accounts table; ``as_of`` is when the data was last updated
    at central."""
    if not account.isdigit() or len(account) > 32:
        raise CentralError("户号格式不正确", status=400, code="invalid_account")
    found = ctx.store.bill(account)
    if found is None:
        raise CentralError("未找到该户号", status=404, code="unknown_account")
    return found
