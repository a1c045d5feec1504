"""Byte-exact device simulators: they speak each protocol from the device side."""
