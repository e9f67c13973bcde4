"""A real JupyterLab and Notebook 7 on a copy of the book, driven by Debian's Chromium."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK = Path(os.environ.get("GDCOURSE_JUPYTER_BOOK", ROOT / "book"))
SHOTS = ROOT / "_build" / "jupyter-screenshots"
#: The course's server settings (its pre-save hook), as ``make lab`` uses them.
CONFIG = ROOT / ".jupyter"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: The command that starts each client's server (Notebook 7 is `jupyter notebook`).
CLIENTS = {"lab": "lab", "notebook": "notebook"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_book(root):
    """Copy the chapters into `root`: the test saves what it opens."""
    root.mkdir(parents=True, exist_ok=True)
    for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")):
        shutil.copy2(path, root / path.name)
    return root


class Server:
    """A `jupyter lab` or `jupyter notebook` process on a free localhost port."""

    def __init__(self, client, root, home):
        self.client = client
        self.root = root
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            # Nothing of the user's Jupyter setup, and no workspace restored.
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_DATA_DIR=str(home / "data"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            JUPYTER_CONFIG_PATH=str(CONFIG),
            IPYTHONDIR=str(home / "ipython"),
            # Keeps the debugger's "frozen modules" notice out of kernel stderr.
            PYDEVD_DISABLE_FILE_VALIDATION="1",
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        )
        env.pop("GDCOURSE_STATIC_EXPLORERS", None)  # a learner's kernel
        # No news or update check: nothing leaves the machine, no pop-up.
        notify = home / "settings" / "@jupyterlab" / "apputils-extension"
        notify.mkdir(parents=True, exist_ok=True)
        (notify / "notification.jupyterlab-settings").write_text(
            '{"fetchNews": "false", "checkForUpdates": false}'
        )
        app = "LabApp" if client == "lab" else "JupyterNotebookApp"
        cmd = [
            str(Path(sys.executable).parent / "jupyter"),
            CLIENTS[client],
            "--no-browser",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root}",
            f"--{app}.expose_app_in_browser=True",
            "--LanguageServerManager.autodetect=False",
        ]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(home / f"{client}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait()

    def _wait(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"jupyter {self.client} exited: see {self.log.name}")
            try:
                urllib.request.urlopen(
                    f"{self.url}/api/status?token={self.token}", timeout=2
                )
                return
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"jupyter {self.client} did not start in {timeout} s")

    def page_url(self, name):
        if self.client == "lab":
            return f"{self.url}/lab/tree/{name}?reset&token={self.token}"
        return f"{self.url}/notebooks/{name}?token={self.token}"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session", params=list(CLIENTS))
def server(request, tmp_path_factory):
    home = tmp_path_factory.mktemp(f"jupyter-{request.param}")
    srv = Server(request.param, copy_book(home / "book"), home)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Debian's Chromium (never a downloaded one) with a fresh profile."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
            # GDCOURSE_JUPYTER_DPR=2: a high-density screen
            device_scale_factor=float(os.environ.get("GDCOURSE_JUPYTER_DPR", "1")),
        )
        yield context
        context.close()


@pytest.fixture(scope="session")
def screenshots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
