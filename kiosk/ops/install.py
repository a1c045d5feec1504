"""``kiosk install`` / ``kiosk uninstall``: put a hall on a Debian/Ubuntu kiosk box.

The installer copies the units, the udev rules, sysusers and tmpfiles snippets, the docs and
(only when there is none) the example configuration, filling in the install prefix, the
configuration directory and the service user. It records what it wrote in a manifest, so
uninstall removes exactly that; the configuration and the data (store, backups) are kept
unless ``--purge``. A second install is an upgrade: same files, configuration and data kept.

With ``--destdir`` everything goes below that directory and nothing on the running system
is touched (packaging, tests); without it, the installer also runs systemd-sysusers,
systemd-tmpfiles, udevadm and systemctl, and creates the virtual environment in the prefix.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD_DIR = ROOT / "systemd"
UNITS = ("kiosk-hall.service", "kiosk-sync.service", "kiosk-ui.service", "kiosk-display.service")
DOCS = ("README.md", "docs/deploy.md", "docs/architecture.md", "docs/api.md")


@dataclass
class InstallPlan:
    destdir: Path = Path("/")
    prefix: Path = Path("/opt/hall-kiosk")
    confdir: Path = Path("/etc/kiosk")
    user: str = "kiosk"
    enable: tuple[str, ...] = ("kiosk-hall.service",)
    actions: list[str] = field(default_factory=list)

    def target(self, path: Path | str) -> Path:
        """``path`` on the target system, under destdir."""
        return self.destdir / str(path).lstrip("/")

    @property
    def live(self) -> bool:
        return self.destdir == Path("/")

    @property
    def manifest(self) -> Path:
        return self.target(self.prefix / "share" / "hall-kiosk" / "installed-files.json")

    def fill(self, text: str) -> str:
        return (
            text.replace("@PREFIX@", str(self.prefix))
            .replace("@CONFDIR@", str(self.confdir))
            .replace("@USER@", self.user)
        )


def _files(plan: InstallPlan) -> list[tuple[Path, Path, bool]]:
    """(source, destination on the target, fill placeholders)."""
    out: list[tuple[Path, Path, bool]] = [
        (SYSTEMD_DIR / u, Path("/etc/systemd/system") / u, True) for u in UNITS
    ]
    out += [
        (SYSTEMD_DIR / "kiosk.sysusers", Path("/usr/lib/sysusers.d/kiosk.conf"), True),
        (SYSTEMD_DIR / "kiosk.tmpfiles", Path("/usr/lib/tmpfiles.d/kiosk.conf"), True),
        (SYSTEMD_DIR / "99-kiosk.rules", Path("/etc/udev/rules.d/99-kiosk.rules"), False),
    ]
    doc_dir = plan.prefix / "share" / "doc" / "hall-kiosk"
    out += [(ROOT / d, doc_dir / Path(d).name, False) for d in DOCS if (ROOT / d).exists()]
    return out


def _write(plan: InstallPlan, dest: Path, data: bytes, mode: int = 0o644) -> bool:
    """Write atomically; False when the file already had exactly this content."""
    target = plan.target(dest)
    if target.exists() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".kiosk-new")
    tmp.write_bytes(data)
    tmp.chmod(mode)
    tmp.replace(target)
    return True


def _run(plan: InstallPlan, *cmd: str) -> None:
    plan.actions.append("run " + " ".join(cmd))
    if plan.live:
        subprocess.run(cmd, check=True)


def install(plan: InstallPlan, *, make_venv: bool = True) -> InstallPlan:
    installed: dict[str, str] = {}
    for source, dest, fill in _files(plan):
        data = source.read_bytes()
        if fill:
            data = plan.fill(data.decode()).encode()
        changed = _write(plan, dest, data)
        plan.actions.append(("wrote " if changed else "unchanged ") + str(dest))
        installed[str(dest)] = hashlib.sha256(data).hexdigest()
    config = plan.confdir / "hall.toml"
    if plan.target(config).exists():
        plan.actions.append(f"kept {config}")
    else:
        example = (ROOT / "kiosk" / "data" / "hall.example.toml").read_text(encoding="utf-8")
        _write(plan, config, example.encode(), mode=0o640)
        plan.actions.append(f"wrote {config} (the example: edit it, then `kiosk config check`)")
    plan.target(Path("/var/lib/kiosk")).mkdir(parents=True, exist_ok=True)
    _write(plan, plan.manifest.relative_to(plan.destdir), json.dumps(installed, indent=1).encode())
    if plan.live:
        if make_venv:
            venv = plan.prefix / "venv"
            _run(plan, sys.executable, "-m", "venv", str(venv))
            _run(plan, str(venv / "bin" / "pip"), "install", "-q", "--upgrade", str(ROOT))
        _run(plan, "systemd-sysusers", "/usr/lib/sysusers.d/kiosk.conf")
        _run(plan, "systemd-tmpfiles", "--create", "/usr/lib/tmpfiles.d/kiosk.conf")
        if os.path.exists("/run/udev/control"):
            _run(plan, "udevadm", "control", "--reload")
            _run(plan, "udevadm", "trigger", "--subsystem-match=tty")
        if os.path.isdir("/run/systemd/system"):
            _run(plan, "systemctl", "daemon-reload")
            _run(plan, "systemctl", "enable", *plan.enable)
    return plan


def uninstall(plan: InstallPlan, *, purge: bool = False) -> InstallPlan:
    if not plan.manifest.exists():
        plan.actions.append(f"nothing to remove: no {plan.manifest}")
        return plan
    installed = json.loads(plan.manifest.read_text())
    if plan.live and os.path.isdir("/run/systemd/system"):
        units = [Path(p).name for p in installed if p.endswith(".service")]
        subprocess.run(["systemctl", "disable", "--now", *units], check=False)
    for dest in installed:
        target = plan.target(Path(dest))
        if target.exists():
            target.unlink()
            plan.actions.append(f"removed {dest}")
    plan.manifest.unlink()
    if plan.live:
        _remove_program(plan)
    if purge:
        _purge(plan)
    else:
        plan.actions.append(f"kept {plan.confdir} and /var/lib/kiosk (use --purge to remove)")
    return plan


def _remove_program(plan: InstallPlan) -> None:
    venv = plan.prefix / "venv"
    if venv.exists():
        shutil.rmtree(venv)
        plan.actions.append(f"removed {venv}")
    if os.path.isdir("/run/systemd/system"):
        subprocess.run(["systemctl", "daemon-reload"], check=False)


def _purge(plan: InstallPlan) -> None:
    for keep in (plan.confdir, Path("/var/lib/kiosk"), Path("/var/cache/kiosk")):
        target = plan.target(keep)
        if target.exists():
            shutil.rmtree(target)
            plan.actions.append(f"purged {keep}")
