"""Each hall's business configuration (queue, services, counters, staff, tokens): set by an
operator, pulled by the hall's sync daemon and applied without a restart."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from kiosk.central import models as m
from kiosk.central.context import PREFIX, CentralContext, admin, central_context, hall_or_admin
from kiosk.central.errors import ERRORS, CentralError
from kiosk.config import ConfigError, parse_config
from kiosk.sync import fragment

router = APIRouter(prefix=f"{PREFIX}/halls", tags=["config"], responses=ERRORS)


def check_hall_config(hall: str, text: str) -> None:
    """A hall's configuration fragment, refused at the source when a hall would refuse it."""
    try:
        fragment.check_fragment(text)
        parse_config(
            fragment.merge(f'[hall]\nid = "{hall}"\nname = "check"\n', text),
            f"<configuration of {hall}>",
        )
    except (fragment.FragmentError, ConfigError) as exc:
        raise CentralError(
            "营业厅配置无效：{detail}", status=400, code="invalid_config", detail=str(exc)
        ) from None


@router.get("/{hall}/config", response_model=m.HallConfigOut)
def get_config(
    hall: str, who: str = Depends(hall_or_admin), ctx: CentralContext = Depends(central_context)
) -> dict[str, Any]:
    """The hall's business configuration: a TOML fragment with its digest."""
    ctx.known_hall(hall)
    cfg = ctx.store.hall_config(hall)
    if cfg is None:
        raise CentralError("中心还没有营业厅{hall}的配置", status=404, code="no_config", hall=hall)
    return cfg


@router.put("/{hall}/config", response_model=m.HallConfigOut)
def put_config(
    hall: str,
    body: m.HallConfigIn,
    _: None = Depends(admin),
    ctx: CentralContext = Depends(central_context),
) -> dict[str, Any]:
    """Set a hall's configuration; the hall's sync daemon applies it at its next pull,
    without dropping anyone waiting. Refused here if the hall would refuse it."""
    ctx.known_hall(hall)
    check_hall_config(hall, body.text)
    ctx.store.put_hall_config(hall, body.text, fragment.digest(body.text), ctx.clock())
    cfg = ctx.store.hall_config(hall)
    assert cfg is not None
    return cfg
