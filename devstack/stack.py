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
from devstack.state import Journal, JournalingApp, new_journal_name, restore, save_items
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
        self._journal: Journal | None = None
        self._journaling: JournalingApp | None = None

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
        # The API, its Lambda handlers and the stream pollers run in this process:
        # their requests reach the emulator without a socket (devstack/in_process.py).
        self.emulator.start().route_in_process()
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
        self._start_journal()  # before any new write: seeding is kept too
        if not restored and self.seed:
            _seed_demo_data()
        # Restored items were delivered by the run that wrote them.
        position = "LATEST" if restored else "TRIM_HORIZON"
        self._pollers = StreamPoller.for_app(
            app, self.emulator.endpoint_url, self.table_name, region=self.region, start_position=position
        )
        for poller in self._pollers:
            poller.start()
        if restored:
            from devstack.rearm import rearm

            rearm(app, self.emulator.endpoint_url, self.region, self.table_name)
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
        journal, self._journal = self._journal, None
        if journal is not None:
            if self._journaling is not None:
                self._journaling.journal = None
            _simulated_payments(watch=None)
            journal.close()
        if save and self.state_file is not None and self.emulator.running and self.resources is not None:
            count = save_items(self.emulator.endpoint_url, self.region, self.table_name, self.state_file,
                               payments=_simulated_payments_state())
            if journal is not None:
                journal.path.unlink(missing_ok=True)  # folded into the snapshot just written
            log.info("saved %d items to %s", count, self.state_file)
        if self.emulator.running:
            self.emulator.stop()

    def _restore(self) -> bool:
        if self.state_file is None or not self.state_file.exists():
            return False
        restored = restore(self.emulator.endpoint_url, self.region, self.table_name, self.state_file)
        if restored.payments is not None:
            provider = _simulated_payments()
            if provider is not None:
                provider.import_state(restored.payments)
        log.info("restored %d items and %d journaled writes from %s", restored.items, restored.writes,
                 self.state_file)
        return bool(restored.items or restored.writes)

    def _start_journal(self) -> None:
        """Fold what was restored into a fresh snapshot, then journal every write
        from here on (see devstack/state.py): a crash loses at most the last write."""
        if self.state_file is None:
            return
        previous = _journal_named_in(self.state_file)
        name = new_journal_name(self.state_file)
        save_items(self.emulator.endpoint_url, self.region, self.table_name, self.state_file,
                   payments=_simulated_payments_state(), journal=name)
        if previous is not None:
            previous.unlink(missing_ok=True)
        journal = self._journal = Journal(self.state_file.parent / name)
        if self._journaling is None:
            # Inside the emulator's DynamoDB lock: journal order is the order writes applied in.
            self._journaling = JournalingApp(self.emulator.dynamodb.app)
            self.emulator.dynamodb.app = self._journaling
        self._journaling.journal = journal
        _simulated_payments(watch=lambda state: journal.append({"simulated_payments": state}))

    def _chalice_config(self, app: Any) -> Config:
        # Not CLIFactory.create_config_obj: that loads .chalice/config.json and
        # would put the dev stage's environment variables over the local ones.
        return Config.create(
            chalice_stage=naming.LOCAL_CHALICE_STAGE,
            app_name=naming.APP_NAME,
            project_dir=str(PROJECT_ROOT),
            chalice_app=app,
        )


def _journal_named_in(state_file: Path) -> Path | None:
    from devstack.state import read_snapshot

    try:
        name = read_snapshot(state_file).get("journal") if state_file.exists() else None
    except ValueError:
        return None
    return state_file.parent / name if name else None


_UNSET: Any = object()


def _simulated_payments(watch: Any = _UNSET) -> Any:
    """The process's SIMULATED payment provider (None with another one); `watch`
    sets or clears its change callback."""
    from chalicelib.adapters.payments.factory import payment_provider_for
    from chalicelib.adapters.payments.simulated import SimulatedPayments
    from chalicelib.core.settings import settings

    try:
        provider = payment_provider_for(settings())
    except RuntimeError:
        return None
    if not isinstance(provider, SimulatedPayments):
        return None
    if watch is not _UNSET:
        provider.watch(watch)
    return provider


def _simulated_payments_state() -> dict | None:
    provider = _simulated_payments()
    return provider.export_state() if provider is not None else None


def _seed_demo_data() -> None:
    try:
        from devstack import seed
    except ModuleNotFoundError as error:
        if error.name != "devstack.seed":
            raise
        log.info("no devstack/seed.py: starting with an empty table")
        return
    seed.seed_demo()
