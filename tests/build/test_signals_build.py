"""``build`` and ``graph`` ended by a signal mid-run: no child left, no partial output,
no temporary file left in TMPDIR.

Each command runs as a real process with a private TMPDIR and a cold private cache,
so that it reasons with HermiT (a Java child process); the signal goes to riskgraph
only, once the Java child runs. SIGKILL cannot be handled: then the Java child must
end by itself and the outputs that existed must be as they were.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from processes import default_signals, tagged, wait_for

from riskgraph.reason.reasoner import java_available

pytestmark = pytest.mark.skipif(not java_available(), reason="needs Java for HermiT")


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("command", ["build", "graph"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP,
                                    signal.SIGKILL], ids=lambda s: signal.Signals(s).name)
def test_signal_mid_run_leaves_nothing_behind(tmp_path, command, signum):
    tmpdir, cache, out = tmp_path / "tmp", tmp_path / "cache", tmp_path / "out"
    for directory in (tmpdir, cache, out):
        directory.mkdir()
    # Outputs from an earlier run: they must stay whole, never a mix of old and new.
    if command == "build":
        targets = [out / f"riskgraph.{fmt}" for fmt in ("ttl", "nt", "jsonld")]
        argv = ["build", "-o", str(out)]
    else:
        targets = [out / "riskgraph.html"]
        argv = ["graph", "-o", str(targets[0])]
    for target in targets:
        target.write_text(f"old {target.name}\n", encoding="utf-8")
    before = _tree(out)
    tag = uuid.uuid4().hex
    env = dict(os.environ, TMPDIR=str(tmpdir), RISKGRAPH_CACHE=str(cache),
               RISKGRAPH_SIGNAL_TAG=tag)
    proc = subprocess.Popen([sys.executable, "-m", "riskgraph", *argv], env=env,
                            preexec_fn=default_signals,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        java = wait_for(lambda: any("java" in c for c in tagged(tag)), 120)
        assert java, "HermiT's Java process never started"
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in stderr
    if signum == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode in (130, 128 + signum), stderr
    # No child outlives the command (after SIGKILL, Java ends once its input is done).
    assert wait_for(lambda: not tagged(tag), 10 if signum != signal.SIGKILL else 60), \
        tagged(tag)
    assert _tree(out) == before  # old outputs whole, nothing new
    assert not list(cache.rglob("riskgraph.nt"))  # no cache without its integrity record
    if signum != signal.SIGKILL:
        assert list(tmpdir.iterdir()) == []
        assert not [p for p in tmp_path.rglob("*.tmp")]
