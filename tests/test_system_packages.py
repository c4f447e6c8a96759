"""`make` on a fresh machine: tools/system-packages.sh names exactly what is missing and the command
that installs it when it may not install it itself (not root), and passes when nothing is missing."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "tools" / "system-packages.sh"


def _run(tmp_path: Path, present: list[str], uid: str, purpose: str = "test", **extra: str) -> subprocess.CompletedProcess:
    """Run the script with a PATH holding only ``present`` (and a fake ``id`` answering ``uid``)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for name in present:
        (bin_dir / name).write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / name).chmod(0o755)
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "id").chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), **extra}
    return subprocess.run([shutil.which("bash"), str(SCRIPT), purpose], env=env, capture_output=True, text=True)


def test_nothing_missing_passes_silently(tmp_path):
    done = _run(tmp_path, ["chromium", "chromium-headless-shell", "node", "npm", "msgfmt"], uid="1000")
    assert done.returncode == 0 and done.stderr == ""


def test_a_user_is_told_the_exact_command(tmp_path):
    done = _run(tmp_path, ["chromium", "node", "npm"], uid="1000")
    assert done.returncode == 1
    assert "Missing system packages: chromium-headless-shell gettext." in done.stderr
    assert "sudo apt-get install -y --no-install-recommends chromium-headless-shell gettext" in done.stderr


def test_another_browser_named_skips_chromium(tmp_path):
    assert "chromium" in _run(tmp_path / "a", ["node", "npm", "msgfmt"], uid="1000").stderr
    done = _run(tmp_path / "b", ["node", "npm", "msgfmt"], uid="1000", PPP_CHROMIUM="playwright")
    assert done.returncode == 0, done.stderr


def test_the_book_alone_needs_node_and_npm(tmp_path):
    assert _run(tmp_path / "a", ["node", "npm"], uid="1000", purpose="book").returncode == 0
    done = _run(tmp_path / "b", ["msgfmt"], uid="1000", purpose="book")
    assert done.returncode == 1 and "sudo apt-get install -y --no-install-recommends nodejs npm" in done.stderr
