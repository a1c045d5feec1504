"""The lobby's screens: widgets that show what they are given and say what the customer
asked for (signals). Which screen comes next, and every call to the hall daemon, is the
controller's business (:mod:`ui.lobby.controller`); no screen knows a queue rule.

Every screen has a way back (``<screen>_back`` and/or ``<screen>_home``), lays itself out for
portrait and landscape (:meth:`Screen.set_portrait`), sets its texts in
:meth:`Screen.retranslate` (Chinese source strings through Qt's translation system, context
``"Lobby"``) and forgets personal data in :meth:`Screen.clear`.

One module per screen, named as the screen is (``home``, ``identify``, ``ticket``, ``bill``…;
``keypad`` serves both ``account`` and ``pin``); :mod:`~ui.lobby.screens.base` holds
:class:`Screen`, :mod:`~ui.lobby.screens.parts` what several screens are built from
(:class:`ServiceGrid`, :class:`CardIllustration`).
"""

from ui.lobby.screens.accounts import AccountsScreen
from ui.lobby.screens.admin import AdminScreen
from ui.lobby.screens.base import Screen, text_fits
from ui.lobby.screens.bill import BillScreen
from ui.lobby.screens.green import GreenChannelScreen
from ui.lobby.screens.home import HomeScreen
from ui.lobby.screens.identify import IdentifyScreen
from ui.lobby.screens.keypad import KeypadScreen
from ui.lobby.screens.message import MessageScreen
from ui.lobby.screens.offer import ElderlyOfferScreen
from ui.lobby.screens.parts import CardIllustration, ServiceGrid
from ui.lobby.screens.pay import PayScreen
from ui.lobby.screens.services import ServicePickScreen
from ui.lobby.screens.ticket import TicketScreen
from ui.lobby.screens.wait import WaitScreen

__all__ = [
    "AccountsScreen",
    "AdminScreen",
    "BillScreen",
    "CardIllustration",
    "ElderlyOfferScreen",
    "GreenChannelScreen",
    "HomeScreen",
    "IdentifyScreen",
    "KeypadScreen",
    "MessageScreen",
    "PayScreen",
    "Screen",
    "ServiceGrid",
    "ServicePickScreen",
    "TicketScreen",
    "WaitScreen",
    "text_fits",
]
