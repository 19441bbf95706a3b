"""Where the project's files live, and how the local stack imports the Chalice app.

`chalice local` and `chalice package` find the app as `app.py` at the project root;
the devstack does the same, so it runs exactly the module that is deployed.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INFRA_DIR = PROJECT_ROOT / "infra"
TEMPLATE_PATH = INFRA_DIR / "template.json"
GRAPHIQL_ASSETS_DIR = PROJECT_ROOT / "devstack" / "graphiql" / "node_modules"


def load_app() -> Any:
    """The `app` object of the project's app.py (imported once, like Lambda does).

    Import it only after the local environment is in os.environ: app.py and
    chalicelib read their configuration from it.
    """
    root = str(PROJECT_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    import app as app_module

    return app_module.app


def lambda_function_names(app: Any) -> list[str]:
    """Names of the app's `@app.lambda_function`s: the functions state machines call."""
    return [function.name for function in app.pure_lambda_functions]


def dynamodb_stream_consumers(app: Any) -> list[Any]:
    """The app's `@app.on_dynamodb_record` registrations (chalice DynamoDBEventConfig)."""
    from chalice.app import DynamoDBEventConfig

    return [source for source in app.event_sources if isinstance(source, DynamoDBEventConfig)]
