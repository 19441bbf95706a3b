"""The whole local stack in one process: emulated AWS, resources, demo data,
stream delivery and the Chalice app served over HTTP.

One process on purpose: `chalice local` autoreloads by forking a child that
outlives a killed parent (shared platform notes); here every part is a thread
of this process and stop() ends them all, so Ctrl-C leaves nothing behind.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalice.config import Config
from chalice.local import LocalDevServer, create_local_server

from devstack import lambdas, naming
from devstack.emulator import Emulator
from devstack.environment import apply_environment, local_environment
from devstack.project import PROJECT_ROOT, load_app
from devstack.resources import LocalResources, create_resources
from devstack.state import load_items, save_items
from devstack.streams import StreamPoller

HOST = "127.0.0.1"  # never 0.0.0.0: the stack has dummy credentials and no auth in front
log = logging.getLogger("devstack")


@dataclass(frozen=True)
class Urls:
    graphql: str
    graphiql: str
    health: str
    emulator: str


class DevStack:
    def __init__(
        self,
        port: int = 8000,
        aws_port: int = 4566,
        *,
        region: str = naming.DEFAULT_REGION,
        table_name: str = naming.DEFAULT_TABLE_NAME,
        state_file: Path | None = None,
        seed: bool = True,
    ) -> None:
        self.port = port
        self.region = region
        self.table_name = table_name
        self.state_file = Path(state_file) if state_file else None
        self.seed = seed
        self.emulator = Emulator(HOST, aws_port)
        self.resources: LocalResources | None = None
        self._server: LocalDevServer | None = None
        self._server_thread: threading.Thread | None = None
        self._pollers: list[StreamPoller] = []

    @property
    def urls(self) -> Urls:
        api = f"http://{HOST}:{self.port}"
        return Urls(f"{api}/graphql", f"{api}/graphql", f"{api}/health", self.emulator.endpoint_url)

    def start(self) -> DevStack:
        try:
            self._start()
        except BaseException:
            self.stop(save=False)
            raise
        return self

    def _start(self) -> None:
        self.emulator.start()
        # app.py and chalicelib may read their configuration at import: the
        # environment goes in before the app is imported.
        apply_environment(
            local_environment(self.emulator.endpoint_url, region=self.region, table_name=self.table_name)
        )
        app = load_app()
        # Bind the API port now, so a port in use fails before any work is done.
        self._server = create_local_server(app, self._chalice_config(app), HOST, self.port)
        self.port = self._server.server.server_address[1]
        self.resources = create_resources(self.emulator.endpoint_url, self.region, self.table_name)
        lambdas.install()
        lambdas.register_app(app)
        restored = self._restore()
        if not restored and self.seed:
            _seed_demo_data()
        # Restored items were delivered by the run that wrote them.
        position = "LATEST" if restored else "TRIM_HORIZON"
        self._pollers = StreamPoller.for_app(
            app, self.emulator.endpoint_url, self.table_name, region=self.region, start_position=position
        )
        for poller in self._pollers:
            poller.start()
        self._server_thread = threading.Thread(target=self._server.server.serve_forever, name="api", daemon=True)
        self._server_thread.start()

    def stop(self, save: bool = True) -> None:
        """Stop serving, delivering and emulating, in that order; save items if asked."""
        if self._server is not None:
            if self._server_thread is not None:
                self._server.shutdown()
                self._server_thread.join(timeout=5)
            self._server.server.server_close()
            self._server = self._server_thread = None
        for poller in self._pollers:
            poller.stop()
        self._pollers = []
        if save and self.state_file is not None and self.emulator.running and self.resources is not None:
            count = save_items(self.emulator.endpoint_url, self.region, self.table_name, self.state_file)
            log.info("saved %d items to %s", count, self.state_file)
        if self.emulator.running:
            self.emulator.stop()

    def _restore(self) -> bool:
        if self.state_file is None or not self.state_file.exists():
            return False
        count = load_items(self.emulator.endpoint_url, self.region, self.table_name, self.state_file)
        log.info("restored %d items from %s", count, self.state_file)
        return True

    def _chalice_config(self, app: Any) -> Config:
        # Not CLIFactory.create_config_obj: that loads .chalice/config.json and
        # would put the dev stage's environment variables over the local ones.
        return Config.create(
            chalice_stage=naming.LOCAL_CHALICE_STAGE,
            app_name=naming.APP_NAME,
            project_dir=str(PROJECT_ROOT),
            chalice_app=app,
        )


def _seed_demo_data() -> None:
    try:
        from devstack import seed
    except ModuleNotFoundError as error:
        if error.name != "devstack.seed":
            raise
        log.info("no devstack/seed.py: starting with an empty table")
        return
    seed.seed_demo()
