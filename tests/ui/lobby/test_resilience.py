"""The lobby survives the hall daemon restarting: 系统维护中, then on by itself."""

from __future__ import annotations


def test_a_daemon_restart_mid_flow_shows_maintenance_then_the_customer_goes_on(lobby):
    lobby.api.issue("A")  # A001, before the restart
    lobby.tap("tile_A")
    lobby.wait_screen("identify")
    lobby.stop_hall()
    lobby.wait_until(lambda: lobby.window.in_maintenance)
    assert lobby.text("maintenance_title") == "系统维护中"
    assert lobby.window.overlay.geometry() == lobby.window.rect()
    lobby.start_hall()
    lobby.wait_until(lambda: not lobby.window.in_maintenance, timeout=10_000)
    # Still where the customer was; the number goes on from the durable store.
    assert lobby.screen == "identify"
    lobby.tap("identify_skip")
    lobby.wait_screen("ticket")
    assert lobby.text("ticket_number") == "A002"
    lobby.wait_until(lambda: lobby.window.ticket.state == "printed")


def test_a_tap_while_the_daemon_is_down_gets_a_clear_message_not_a_hang(lobby):
    lobby.tap("tile_A")
    lobby.wait_screen("identify")
    lobby.stop_hall()
    lobby.tap("identify_skip")  # before the WebSocket noticed
    lobby.wait_screen("message")
    assert lobby.text("message_title") == "暂时无法连接"
    lobby.wait_until(lambda: lobby.window.in_maintenance)
    lobby.start_hall()
    lobby.wait_until(lambda: not lobby.window.in_maintenance, timeout=10_000)
    lobby.tap("message_home")
    lobby.wait_screen("home")
