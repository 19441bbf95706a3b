"""Settings read once from the environment (Lambda configuration or `make dev`)."""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

LOCAL_STAGE = "local"


@dataclass(frozen=True, slots=True)
class Settings:
    stage: str
    table_name: str
    region: str
    dynamodb_endpoint: str | None
    secret_key: str
    jwt_issuer: str
    jwt_audience: str
    token_ttl_seconds: int
    wechat_login: str  # "wechat" (code2session over HTTPS) or "local" (demo codes)
    wechat_app_id: str
    wechat_app_secret: str
    wechat_api_base: str
    graphiql_assets_dir: str | None
    dynamodb_read_timeout_seconds: float = 5.0
    dynamodb_connect_timeout_seconds: float = 2.0
    # Production can refuse every operation that is not in the build's manifest
    # (chalicelib/persisted-operations.json): no ad-hoc queries, no APQ registration.
    only_registered_operations: bool = False

    @property
    def is_local(self) -> bool:
        return self.stage == LOCAL_STAGE

    @property
    def is_production(self) -> bool:
        return self.stage == "prod"

    def derived_key(self, purpose: str) -> bytes:
        """One secret, independent keys per purpose (tokens, cursors...)."""
        if len(self.secret_key) < 32:
            # Checked at first use, not at import: reading the table name must not need it.
            raise RuntimeError("TUANSTACK_SECRET_KEY must be set to at least 32 characters")
        return hmac.new(self.secret_key.encode(), purpose.encode(), hashlib.sha256).digest()


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"configuration {name} is not set")
    return value


@lru_cache(maxsize=1)
def settings() -> Settings:
    stage = _env("TUANSTACK_STAGE", "prod")
    return Settings(
        stage=stage,
        table_name=_env("TUANSTACK_TABLE", "tuanstack"),
        region=_env("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "cn-north-1")),
        dynamodb_endpoint=os.environ.get("TUANSTACK_DYNAMODB_ENDPOINT") or None,
        secret_key=os.environ.get("TUANSTACK_SECRET_KEY", ""),
        jwt_issuer=_env("TUANSTACK_JWT_ISSUER", "tuanstack"),
        jwt_audience=_env("TUANSTACK_JWT_AUDIENCE", "tuanstack-api"),
        token_ttl_seconds=int(_env("TUANSTACK_TOKEN_TTL_SECONDS", "7200")),
        wechat_login=_env("TUANSTACK_WECHAT_LOGIN", "wechat"),
        wechat_app_id=_env("WECHAT_APP_ID", ""),
        wechat_app_secret=_env("WECHAT_APP_SECRET", ""),
        wechat_api_base=_env("WECHAT_API_BASE", "https://api.weixin.qq.com"),
        graphiql_assets_dir=os.environ.get("TUANSTACK_GRAPHIQL_ASSETS") or None,
        dynamodb_read_timeout_seconds=float(_env("TUANSTACK_DYNAMODB_READ_TIMEOUT", "5")),
        dynamodb_connect_timeout_seconds=float(_env("TUANSTACK_DYNAMODB_CONNECT_TIMEOUT", "2")),
        only_registered_operations=_env("TUANSTACK_ONLY_REGISTERED_OPERATIONS", "false").lower() in ("1", "true"),
    )
